// entitle diff, gen and boundaries: testing rule changes.
#include "cli.hpp"

#include <entitle/entitle.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace entitle::cli {
namespace {

// One line of a population, at most 1 MiB kept (a profile per line is far
// smaller): a longer one is read past and flagged, so memory stays bounded
// whatever the file holds. False at the end of the input.
bool read_line(std::istream& in, std::string& line, bool& too_long) {
    const std::size_t limit = std::size_t{1} << 20;
    line.clear();
    too_long = false;
    std::streambuf* buffer = in.rdbuf();
    bool any = false;
    for (;;) {
        int c = buffer->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            if (!any) in.setstate(std::ios::eofbit | std::ios::failbit);
            return any;
        }
        any = true;
        if (c == '\n') return true;
        if (line.size() < limit) line += static_cast<char>(c);
        else too_long = true;
    }
}

}  // namespace


namespace {

constexpr const char* diff_usage =
    "usage: entitle diff --old PATH [--new PATH] --population FILE [--ruleset NAME]\n"
    "                    [--old-ruleset NAME] [--new-ruleset NAME]\n"
    "                    [--set NAME=VALUE]... [--by FIELD]... [--as-of DATE]\n"
    "                    [--format text|json|html] [--out FILE] [--on-error skip|stop]\n"
    "\n"
    "Decides every profile of a population (JSON lines, one profile per line)\n"
    "under the old and the new rules and reports, for each service, how many\n"
    "were eligible before and after, gained and lost, became or stopped being\n"
    "undetermined; broken down by the fields named with --by; with a few\n"
    "example profiles for each change and the condition that decided it.\n"
    "Memory stays flat however large the population.\n"
    "\n"
    "options:\n"
    "  --old PATH           the rules before (files or folders; several allowed;\n"
    "                       REV:PATH reads them at a git revision, e.g. HEAD~1:rules)\n"
    "  --new PATH           the rules after (default: the same as --old)\n"
    "  --ruleset NAME       the ruleset to evaluate on both sides (when a side has several)\n"
    "  --old-ruleset NAME   ... on the old side only; --new-ruleset on the new side\n"
    "  --set NAME=VALUE     on the new side, a parameter's value at every date\n"
    "                       (--set school.min_pension=\"12 months\"); repeatable\n"
    "  --population FILE    JSON lines of profiles, or CSV (a FILE ending in .csv;\n"
    "                       the header row names field paths; needs --entity)\n"
    "                       (- reads JSON lines from standard input)\n"
    "  --entity NAME        the entity the profiles describe (CSV)\n"
    "  --by FIELD           break the counts down by a field path of the profiles\n"
    "                       (applicant.hukou_local); repeatable\n"
    "  --as-of DATE         evaluation date (default: today)\n"
    "  --format FORMAT      text (default), json, or html (one self-contained page)\n"
    "  --out FILE           write the report there, whole or not at all\n"
    "  --on-error MODE      skip (default): report bad lines, go on, exit 1;\n"
    "                       stop: stop at the first bad line, write nothing\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 compared, 1 errors in rules or population (see --on-error), 2 usage error\n";

constexpr const char* gen_usage =
    "usage: entitle gen --rules PATH [--ruleset NAME] --entity NAME --n N [--seed S]\n"
    "                   [--spec FILE] [--as-of DATE] [--out FILE]\n"
    "\n"
    "Writes N plausible profiles of an entity as JSON lines, read off the schema\n"
    "the rules declare: every field takes a value of its type (enums, dates,\n"
    "spells, lists of records), some are left out (unknown). A YAML spec gives\n"
    "distributions by field path (min/max, from/to, p_true, values and\n"
    "weights, missing). The same rules, spec, seed and N give the same lines.\n"
    "\n"
    "options:\n"
    "  --rules PATH         rules files or folders (several allowed)\n"
    "  --ruleset NAME       the ruleset whose schema to use (and that the profiles name)\n"
    "  --entity NAME        the entity to generate\n"
    "  --n N                how many profiles\n"
    "  --seed S             the random seed (default 1)\n"
    "  --spec FILE          distributions (YAML)\n"
    "  --as-of DATE         dates and spells end by this day (default: today)\n"
    "  --out FILE           write there, whole or not at all (default: standard output)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 written, 1 errors in rules or spec, 2 usage error\n";

constexpr const char* boundaries_usage =
    "usage: entitle boundaries --rules PATH --service ID --profile FILE [--ruleset NAME]\n"
    "                          [--as-of DATE] [--out FILE]\n"
    "\n"
    "For every threshold the service depends on (a field against a constant or\n"
    "parameter, an age, months of a history, the length of a run), makes the\n"
    "profile in FILE just below, at and just above it, evaluates each, and\n"
    "writes them as `entitle test` cases for a reviewer to confirm. Reports\n"
    "where more of a fact that only grows with time (residence, insurance, a\n"
    "permit) takes the service away.\n"
    "\n"
    "options:\n"
    "  --rules PATH         rules files or folders (several allowed)\n"
    "  --service ID         the service\n"
    "  --profile FILE       the base profile (its other facts stay as they are)\n"
    "  --ruleset NAME       the ruleset (default: the profile's `ruleset:`)\n"
    "  --as-of DATE         evaluation date (default: the profile's as_of, else today)\n"
    "  --out FILE           write the cases there, whole or not at all (default: standard output)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 written, 1 errors (or a monotonicity violation), 2 usage error\n";

}  // namespace

namespace {

// The output of a shell command, or nothing when it fails.
std::optional<std::string> command_output(const std::string& command) {
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return std::nullopt;
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
    return pclose(pipe) == 0 ? std::optional<std::string>(out) : std::nullopt;
}

std::string shell_quoted(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// `REV:PATH` (`HEAD~1:rules`): the rules files under PATH as they were at a
// git revision, read with git. False when `spec` is not of that form (or is a
// file that exists); `error` says why a revision could not be read.
bool rules_at_revision(const std::string& spec, entitle::loaded_sources& out, std::string& error) {
    auto colon = spec.find(':');
    std::error_code ec;
    if (colon == std::string::npos || colon == 0 || std::filesystem::exists(spec, ec)) return false;
    std::string rev = spec.substr(0, colon), path = spec.substr(colon + 1);
    if (!command_output("git rev-parse --verify --quiet " + shell_quoted(rev + "^{commit}") + " 2>/dev/null")) {
        error = "no file " + spec + ", and " + rev + " is not a git revision here";
        return true;
    }
    auto listing = command_output("git ls-tree -r --name-only " + shell_quoted(rev) + " -- " +
                                  shell_quoted(path.empty() ? "." : path) + " 2>/dev/null");
    std::istringstream files(listing ? *listing : "");
    for (std::string file; std::getline(files, file);) {
        bool params = file.size() > 12 && file.compare(file.size() - 12, 12, ".params.yaml") == 0;
        if (!params && (file.size() < 6 || file.compare(file.size() - 6, 6, ".rules") != 0)) continue;
        auto text = command_output("git show " + shell_quoted(rev + ":" + file) + " 2>/dev/null");
        if (!text) {
            error = "cannot read " + file + " at " + rev;
            return true;
        }
        out.files.push_back(std::make_shared<entitle::source_file>(rev + ":" + file, *text));
    }
    if (out.files.empty()) error = "no rules files under " + path + " at " + rev;
    return true;
}

}  // namespace

int run_diff(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"old", "new", "ruleset", "old-ruleset", "new-ruleset", "set", "population", "entity", "by",
                               "as-of", "format", "out", "on-error"});
    if (a.help) return std::cout << diff_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, diff_usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", diff_usage);
    if (!a.one("old")) return usage_error("--old is required", diff_usage);
    if (!a.one("population")) return usage_error("--population is required", diff_usage);
    std::string format = a.one("format") ? *a.one("format") : "text";
    if (format != "text" && format != "json" && format != "html")
        return usage_error("unknown format '" + format + "' (use text, json or html)", diff_usage);
    std::string on_error = a.one("on-error") ? *a.one("on-error") : "skip";
    if (on_error != "skip" && on_error != "stop")
        return usage_error("--on-error is skip or stop, got '" + on_error + "'", diff_usage);
    std::optional<entitle::civil_date> as_of;
    if (!as_of_arg(a, diff_usage, as_of)) return 2;
    entitle::check_options new_options;
    for (const auto& s : a.values["set"]) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0) return usage_error("--set needs NAME=VALUE, got '" + s + "'", diff_usage);
        new_options.parameters.emplace_back(s.substr(0, eq), s.substr(eq + 1));
    }
    auto ruleset = [&](const char* side) -> std::string {
        return a.one(side) ? *a.one(side) : a.one("ruleset") ? *a.one("ruleset") : "";
    };
    // A side's rules: files and folders, or REV:PATH for a git revision of them.
    auto compile_side = [&](const std::vector<std::string>& paths, const entitle::check_options& options,
                            const std::string& name) {
        entitle::loaded_sources all;
        for (const auto& path : paths) {
            std::string error;
            entitle::loaded_sources at;
            if (rules_at_revision(path, at, error)) {
                if (!error.empty()) all.diags.error("E001", error);
            } else {
                at = entitle::load_rule_files({path}, options);
            }
            all.files.insert(all.files.end(), at.files.begin(), at.files.end());
            all.diags.append(at.diags);
        }
        if (all.diags.has_errors()) return entitle::compile_result{all.diags, nullptr};
        auto compiled = entitle::compile(all.files, options, name);
        compiled.diags.append(all.diags);
        return compiled;
    };
    auto old_side = compile_side(a.values["old"], {}, ruleset("old-ruleset"));
    auto new_side = compile_side(a.values.count("new") ? a.values["new"] : a.values["old"], new_options,
                                 ruleset("new-ruleset"));
    for (const auto* side : {&old_side, &new_side})
        if (!side->program) return std::cerr << entitle::render_text(side->diags), 1;

    auto name = [&](const char* which) {
        const auto& paths = a.values.count(which) ? a.values[which] : a.values["old"];
        std::string out;
        for (const auto& p : paths) out += (out.empty() ? "" : " ") + p;
        return out;
    };
    std::string old_name = name("old") + " [" + old_side.program->ruleset() + "]";
    std::string new_name = name("new") + " [" + new_side.program->ruleset() + "]";
    for (const auto& s : a.values["set"]) new_name += " --set " + s;
    entitle::diff_options options;
    options.as_of = as_of.value_or(today());
    options.by = a.values["by"];
    entitle::population_diff diff(old_side.program, new_side.program, options, old_name, new_name);

    const std::string& path = *a.one("population");
    std::ifstream file;
    if (path != "-") {
        file.open(path, std::ios::binary);
        if (!file) return std::cerr << "entitle: cannot read population " << path << "\n", 1;
    }
    std::istream& in = path == "-" ? std::cin : file;
    // CSV: the header row first; each row becomes a JSON line (same line numbers).
    std::optional<entitle::csv_profiles> csv;
    bool is_csv = path.size() > 4 && path.compare(path.size() - 4, 4, ".csv") == 0;
    std::size_t next_line = 1, rejected = 0;
    std::string chunk, line, shown = path == "-" ? "<stdin>" : path;
    // A problem of one line of the file, located at it (line and its text).
    auto line_error = [&](entitle::diagnostics& into, const char* code, const std::string& message, std::size_t at) {
        auto text = std::make_shared<entitle::source_file>(shown, line.substr(0, 200), static_cast<std::uint32_t>(at));
        into.error(code, message, text, {0, static_cast<std::uint32_t>(std::min<std::size_t>(line.size(), 200))});
    };
    bool too_long = false;
    if (is_csv) {
        if (!a.one("entity")) return usage_error("a CSV population needs --entity", diff_usage);
        entitle::diagnostics header;
        if (!read_line(in, line, too_long) || too_long) {
            line_error(header, "E715", too_long ? "the header row is over the limit of 1 MiB" : "the CSV file is empty: it needs a header row", 1);
            return std::cerr << entitle::render_text(header), 1;
        }
        csv.emplace(line, *a.one("entity"));
        if (!csv->error().empty()) {
            line_error(header, "E715", csv->error(), 1);
            return std::cerr << entitle::render_text(header), 1;
        }
        ++next_line;
    }
    // Progress on an interactive terminal: how much of the file is read.
    bool interactive = isatty(2);
    std::uintmax_t total = 0;
    if (interactive && path != "-") {
        std::error_code ec;
        total = std::filesystem::file_size(path, ec);
    }
    std::uintmax_t read = 0;
    const std::size_t chunk_lines = 4096;
    while (in) {
        chunk.clear();
        std::size_t first = next_line;
        entitle::diagnostics bad_rows;
        for (std::size_t n = 0; n < chunk_lines && read_line(in, line, too_long); ++n, ++next_line) {
            read += line.size() + 1;
            if (too_long) {
                line_error(bad_rows, "E708", "this line is over the limit of 1 MiB (one profile per line)", next_line);
                chunk += "\n";  // skipped, but the numbering holds
                continue;
            }
            if (!csv) {
                chunk += line + "\n";
                continue;
            }
            std::string problem;
            auto json = csv->json(line, problem);
            if (!json) {
                line_error(bad_rows, "E715", problem, next_line);
                json = "";
            }
            chunk += *json + "\n";
        }
        if (chunk.empty()) break;
        auto problems = diff.add_lines(shown, chunk, first);
        diff.reject(bad_rows.error_count());
        problems.append(bad_rows);
        if (diff.fatal()) return std::cerr << entitle::render_text(problems), 1;
        if (problems.has_errors() && on_error == "stop") {
            // The first bad line only: the ones after it were never meant to be read.
            const entitle::diagnostic* first_bad = nullptr;
            auto line_of = [](const entitle::diagnostic& d) { return d.source->position(d.where.begin).line; };
            for (const auto& d : problems.items())
                if (d.level == entitle::severity::error && d.source && (!first_bad || line_of(d) < line_of(*first_bad)))
                    first_bad = &d;
            entitle::diagnostics shown_first;
            if (first_bad) shown_first.add(*first_bad);
            std::cerr << entitle::render_text(shown_first, false)
                      << "entitle: stopped at the first bad line (--on-error stop); nothing written\n";
            return 1;
        }
        if (problems.has_errors()) {
            std::cerr << entitle::render_text(problems, false);
            rejected += problems.error_count();
        }
        if (interactive) {
            int percent = total ? static_cast<int>(100 * std::min<std::uintmax_t>(read, total) / total) : 0;
            std::string bar(static_cast<std::size_t>(percent / 5), '=');
            std::cerr << "\r[" << bar << std::string(20 - bar.size(), ' ') << "] "
                      << (total ? std::to_string(percent) + "% " : "") << diff.report().profiles << " profiles"
                      << std::flush;
        }
    }
    if (interactive) std::cerr << "\r\033[K";
    const auto& report = diff.report();
    std::string text = format == "json" ? entitle::render_json(report)
                       : format == "html" ? entitle::render_html(report)
                                          : entitle::render_text(report);
    if (a.one("out")) {
        if (!write_whole(*a.one("out"), text)) return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    } else {
        std::cout << text;
    }
    if (rejected) std::cerr << "entitle: " << count(rejected, "line") << " of the population rejected\n";
    return rejected ? 1 : 0;
}

int run_gen(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"rules", "ruleset", "entity", "n", "seed", "spec", "as-of", "out"});
    if (a.help) return std::cout << gen_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, gen_usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", gen_usage);
    for (const char* required : {"rules", "entity", "n"})
        if (!a.one(required)) return usage_error(std::string("--") + required + " is required", gen_usage);
    entitle::generate_options options;
    options.entity = *a.one("entity");
    auto whole = [](const std::string& s, std::uint64_t& out) {
        if (s.empty() || s.size() > 12 || s.find_first_not_of("0123456789") != std::string::npos) return false;
        out = std::stoull(s);
        return true;
    };
    std::uint64_t n = 0, seed = 1;
    if (!whole(*a.one("n"), n)) return usage_error("--n needs a whole number, got '" + *a.one("n") + "'", gen_usage);
    if (a.one("seed") && !whole(*a.one("seed"), seed))
        return usage_error("--seed needs a whole number, got '" + *a.one("seed") + "'", gen_usage);
    options.count = n;
    options.seed = seed;
    std::optional<entitle::civil_date> as_of;
    if (!as_of_arg(a, gen_usage, as_of)) return 2;
    options.as_of = as_of.value_or(today());
    if (a.one("spec") && !(options.spec = read_source(*a.one("spec"), "spec"))) return 1;
    auto program = compile_rules(a, a.one("ruleset") ? *a.one("ruleset") : "");
    if (!program) return 1;
    // Streamed: to standard output, or to a temporary file renamed when complete.
    std::optional<atomic_output> file;
    if (a.one("out")) {
        file.emplace(*a.one("out"));
        if (!file->ok()) return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    }
    std::ostream& out = file ? file->stream() : std::cout;
    auto diags = program->generate(options, [&](const std::string& line) { out << line << '\n'; });
    if (diags.has_errors()) {
        std::cerr << entitle::render_text(diags);
        return 1;  // the temporary file is removed
    }
    if (file && !file->commit()) return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    return 0;
}

int run_boundaries(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"rules", "service", "profile", "ruleset", "as-of", "out"});
    if (a.help) return std::cout << boundaries_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, boundaries_usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", boundaries_usage);
    for (const char* required : {"rules", "service", "profile"})
        if (!a.one(required)) return usage_error(std::string("--") + required + " is required", boundaries_usage);
    std::optional<entitle::civil_date> as_of;
    if (!as_of_arg(a, boundaries_usage, as_of)) return 2;
    auto source = read_source(*a.one("profile"), "profile");
    if (!source) return 1;
    auto compiled = compile_rules(a, a.one("ruleset") ? *a.one("ruleset") : entitle::profile_ruleset(*source));
    if (!compiled) return 1;
    const auto& program = *compiled;
    auto profile = program.load_profile(source);
    if (!profile.value) return std::cerr << entitle::render_text(profile.diags), 1;
    if (!as_of) as_of = profile.as_of.value_or(today());
    const std::string& service = *a.one("service");
    auto evaluated = program.evaluate(*profile.value, {*as_of, {service}});
    if (evaluated.services.empty())
        return usage_error("no service '" + service + "' for " + evaluated.entity + " in ruleset " + program.ruleset(),
                           boundaries_usage);
    auto report = entitle::find_boundaries(program, service, source, *as_of, program.ruleset());
    if (report.diags.has_errors()) return std::cerr << entitle::render_text(report.diags), 1;
    if (a.one("out")) {
        if (!write_whole(*a.one("out"), report.tests)) return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    } else {
        std::cout << report.tests;
    }
    std::cerr << "entitle: " << count(report.cases.size(), "case") << " at "
              << count(report.cases.size() / 3, "threshold") << " of " << service << "\n";
    for (const auto& v : report.violations) std::cerr << "entitle: not monotone: " << v << "\n";
    return report.violations.empty() ? 0 : 1;
}

}  // namespace entitle::cli
