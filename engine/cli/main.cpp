// The entitle command: a thin shell over the library. It parses arguments,
// calls the engine and prints what the engine returns; all the work and all
// the messages about rules and profiles come from the library.
//
// Exit codes: 0 success, 1 errors in rules or data, 2 usage errors.
#include <entitle/entitle.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

constexpr const char* main_usage =
    "usage: entitle <command> [options]\n"
    "\n"
    "commands:\n"
    "  check    parse and type-check rules files, verify their citations\n"
    "  eval     evaluate a profile: every service's verdict and why\n"
    "  explain  evaluate one service of a profile and show every condition\n"
    "  test     run rule tests (YAML cases) and report their coverage\n"
    "  diff     compare two rule sets over a population: who gains, who loses\n"
    "  gen      generate a synthetic population (JSON lines) for an entity\n"
    "  boundaries  test cases just below, at and above every threshold of a service\n"
    "  ask      an interview: the question that decides the most, until all is decided\n"
    "\n"
    "Run 'entitle <command> --help' for the options of a command.\n";

constexpr const char* check_usage =
    "usage: entitle check [--format text|json] PATH...\n"
    "\n"
    "Parses and type-checks the rules in PATH (files, or folders searched for\n"
    "*.rules), checks tables for gaps and overlaps and verifies every citation\n"
    "against the ruleset's source text. Rulesets that extend another must be\n"
    "checked together with it (e.g. entitle check rules/).\n"
    "\n"
    "options:\n"
    "  --format text|json   diagnostics as clang-style text (default) or JSON\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 no errors (warnings allowed), 1 errors, 2 usage error\n";

constexpr const char* eval_usage =
    "usage: entitle eval --rules PATH --profile FILE [--as-of DATE] [--service ID]...\n"
    "                    [--ruleset NAME] [--entity NAME] [--format text|json] [--project]\n"
    "\n"
    "Evaluates the profile in FILE (YAML or JSON) against the rules in PATH and\n"
    "prints, for every service of the profile's entity, eligible, not eligible\n"
    "(with the conditions that failed) or undetermined (with the missing facts).\n"
    "\n"
    "options:\n"
    "  --rules PATH         rules files or folders (several allowed)\n"
    "  --profile FILE       the profile (- reads standard input)\n"
    "  --as-of DATE         evaluation date, YYYY-MM-DD (default: the profile's\n"
    "                       as_of, else today)\n"
    "  --service ID         only this service (repeatable)\n"
    "  --ruleset NAME       the ruleset to evaluate when PATH holds several leaves\n"
    "                       (default: the profile's `ruleset:`, if it has one)\n"
    "  --entity NAME        the entity a bare profile describes\n"
    "  --format text|json   readable text (default) or JSON\n"
    "  --project            also, for each service not eligible, the first day it\n"
    "                       becomes eligible if nothing else changes (within 5 years)\n"
    "                       and what holds it back, the nearest changes of facts\n"
    "                       that would make it eligible; for each undetermined one,\n"
    "                       the missing facts to ask first\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 evaluated, 1 errors in rules or profile, 2 usage error\n";

constexpr const char* explain_usage =
    "usage: entitle explain --rules PATH --profile FILE --service ID [--as-of DATE]\n"
    "                       [--ruleset NAME] [--entity NAME] [--format text|json]\n"
    "\n"
    "Evaluates one service and prints its explanation tree: every condition with\n"
    "its label, source text, the values it saw and its outcome (✓ ✗ ?), and the\n"
    "citations the service rests on. Options as for 'entitle eval'.\n";

constexpr const char* test_usage =
    "usage: entitle test [--rules PATH]... [--junit FILE] [--coverage] [--fail-uncovered] PATH...\n"
    "\n"
    "Runs the test cases in PATH (YAML files, or folders searched for *.yaml\n"
    "and *.yml): each case evaluates a profile against a ruleset and compares\n"
    "the verdicts (and failed conditions, missing facts, score values) with\n"
    "what it expects. Failures show the expected and actual verdict and the\n"
    "explanation.\n"
    "\n"
    "options:\n"
    "  --rules PATH         rules files or folders (several allowed; default: rules)\n"
    "  --junit FILE         also write the results as JUnit XML\n"
    "  --coverage           report labelled conditions never seen true or never\n"
    "                       seen false, services no case tests, and paragraphs of\n"
    "                       the source text that grant something but no service cites\n"
    "  --fail-uncovered     like --coverage, and exit 1 unless coverage is full\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 all passed, 1 a case failed (or a file or the rules have\n"
    "errors, or coverage is not full with --fail-uncovered), 2 usage error\n";

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

constexpr const char* ask_usage =
    "usage: entitle ask --rules PATH --profile FILE [--ruleset NAME] [--as-of DATE]\n"
    "                   [--script FILE] [--out FILE]\n"
    "\n"
    "Asks for the missing facts of a profile one at a time, the one that the\n"
    "most undetermined services need first, with the field's label and the form\n"
    "of an answer; after each answer shows the verdicts it decided. Stops when\n"
    "every service is decided, or at `quit` (or end of input). `skip` leaves a\n"
    "question unanswered. Answers are YAML: true, 2020-01-01, owned, 36 months,\n"
    "[{from: 2020-01-01}].\n"
    "\n"
    "options:\n"
    "  --rules PATH         rules files or folders (several allowed)\n"
    "  --profile FILE       what is known so far (may be nearly empty)\n"
    "  --ruleset NAME       the ruleset (default: the profile's `ruleset:`)\n"
    "  --as-of DATE         evaluation date (default: the profile's as_of, else today)\n"
    "  --script FILE        read the answers from FILE, one per line (for tests)\n"
    "  --out FILE           write the completed profile there (whole or not at all)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 done, 1 errors in rules or profile, 2 usage error\n";

int usage_error(const std::string& message, const char* usage) {
    std::cerr << "entitle: " << message << "\n\n" << usage;
    return 2;
}

std::string count(std::size_t n, const char* one, const char* many = nullptr) {
    return std::to_string(n) + " " + (n == 1 ? one : many ? many : std::string(one) + "s");
}

// Options of the form --name VALUE or --name=VALUE, and flags (--name, no
// value); the rest are positional.
struct parsed_args {
    std::map<std::string, std::vector<std::string>> values;
    std::set<std::string> flags;
    std::vector<std::string> positional;
    bool help = false;
    std::string error;

    const std::string* one(const std::string& name) const {
        auto it = values.find(name);
        return it == values.end() ? nullptr : &it->second.back();
    }
};

parsed_args parse_args(const std::vector<std::string>& args, const std::set<std::string>& known,
                       const std::set<std::string>& flags = {}) {
    parsed_args out;
    for (std::size_t i = 0; i < args.size() && out.error.empty(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            out.help = true;
        } else if (a.rfind("--", 0) == 0) {
            auto eq = a.find('=');
            std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (flags.count(name) && eq == std::string::npos) {
                out.flags.insert(name);
            } else if (!known.count(name)) {
                out.error = "unknown option '" + a + "'";
            } else if (eq != std::string::npos) {
                out.values[name].push_back(a.substr(eq + 1));
            } else if (i + 1 < args.size()) {
                out.values[name].push_back(args[++i]);
            } else {
                out.error = "--" + name + " needs a value";
            }
        } else if (a.size() > 1 && a[0] == '-') {
            out.error = "unknown option '" + a + "'";
        } else {
            out.positional.push_back(a);
        }
    }
    return out;
}

bool valid_format(const parsed_args& a, std::string& format, std::string& error) {
    format = a.one("format") ? *a.one("format") : "text";
    if (format == "text" || format == "json") return true;
    error = "unknown format '" + format + "' (use text or json)";
    return false;
}

int run_check(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"format"});
    if (a.help) return std::cout << check_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, check_usage);
    std::string format, error;
    if (!valid_format(a, format, error)) return usage_error(error, check_usage);
    if (a.positional.empty()) return usage_error("check needs at least one PATH", check_usage);

    entitle::check_options options;
    auto loaded = entitle::load_rule_files(a.positional, options);
    entitle::diagnostics all = loaded.diags;
    std::size_t rulesets = 0, services = 0;
    if (!loaded.files.empty()) {
        auto result = entitle::check(loaded.files, options);
        all.append(result.diags);
        if (result.rules)
            for (const auto& rs : result.rules->rulesets()) {
                ++rulesets;
                services += rs.services.size();
            }
    }
    if (format == "json") {
        std::cout << entitle::render_json(all);
    } else {
        std::cerr << entitle::render_text(all);
        if (!all.has_errors())
            std::cout << "ok: " << count(loaded.files.size(), "file") << ", " << count(rulesets, "ruleset") << ", "
                      << count(services, "service or score", "services and scores") << " checked\n";
    }
    return all.has_errors() ? 1 : 0;
}

std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

// eval and explain: load rules and profile, evaluate, print.
int run_eval(const std::vector<std::string>& args, bool explain) {
    const char* usage = explain ? explain_usage : eval_usage;
    auto a = parse_args(args, {"rules", "profile", "as-of", "service", "ruleset", "entity", "format"}, {"project"});
    if (a.help) return std::cout << usage, 0;
    if (!a.error.empty()) return usage_error(a.error, usage);
    std::string format, error;
    if (!valid_format(a, format, error)) return usage_error(error, usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", usage);
    if (!a.one("rules")) return usage_error("--rules is required", usage);
    if (!a.one("profile")) return usage_error("--profile is required", usage);
    if (explain && (!a.one("service") || a.values["service"].size() != 1))
        return usage_error("explain needs exactly one --service", usage);
    std::optional<entitle::civil_date> as_of;
    if (a.one("as-of")) {
        as_of = entitle::parse_date(*a.one("as-of"));
        if (!as_of) return usage_error("--as-of needs a date YYYY-MM-DD, got '" + *a.one("as-of") + "'", usage);
    }

    entitle::check_options options;
    auto loaded = entitle::load_rule_files(a.values["rules"], options);
    // Errors in rules or profile: text on stderr, or JSON on stdout for tools.
    auto fail = [&](const entitle::diagnostics& diags) {
        if (format == "json") std::cout << entitle::render_json(diags);
        else std::cerr << entitle::render_text(diags);
        return 1;
    };
    if (loaded.diags.has_errors()) return fail(loaded.diags);

    const std::string& path = *a.one("profile");
    std::ostringstream text;
    if (path == "-") {
        text << std::cin.rdbuf();  // --profile - reads standard input
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::cerr << "entitle: cannot read profile " << path << "\n", 1;
        text << in.rdbuf();
    }
    auto source = std::make_shared<entitle::source_file>(path == "-" ? "<stdin>" : path, text.str());
    // The ruleset: --ruleset, else the one the profile says it is written for.
    std::string ruleset = a.one("ruleset") ? *a.one("ruleset") : entitle::profile_ruleset(*source);
    auto compiled = entitle::compile(loaded.files, options, ruleset);
    if (!compiled.program) return fail(compiled.diags);
    entitle::profile_options popts;
    if (a.one("entity")) popts.entity = *a.one("entity");
    auto profile = compiled.program->load_profile(source, popts);
    if (!profile.value) return fail(profile.diags);

    entitle::eval_options eopts;
    eopts.as_of = as_of ? *as_of : profile.as_of ? *profile.as_of : *entitle::parse_date(today());
    if (a.values.count("service")) eopts.services = a.values["service"];
    auto result = compiled.program->evaluate(*profile.value, eopts);
    for (const auto& id : eopts.services) {
        bool found = false;
        for (const auto& s : result.services) found = found || s.id == id;
        if (!found) return usage_error("no service '" + id + "' for " + result.entity + " in ruleset " + result.ruleset, usage);
    }
    std::optional<entitle::projection> projected;
    if (a.flags.count("project")) projected = entitle::project(*compiled.program, source, result);
    const entitle::projection* shown = projected ? &*projected : nullptr;
    std::cout << (format == "json" ? entitle::render_json(result, shown) : entitle::render_text(result, explain, shown));
    // A conflict between exceptions is an error in the rules, found by evaluation.
    int status = 0;
    for (const auto& s : result.services)
        if (!s.conflict.empty()) {
            std::cerr << "entitle: error: " << s.id << ": " << s.conflict << "\n";
            status = 1;
        }
    return status;
}

// Test files named on the command line: files as given, folders searched for *.yaml / *.yml.
std::vector<std::string> test_files(const std::vector<std::string>& paths, std::string& error) {
    namespace fs = std::filesystem;
    std::vector<std::string> out;
    for (const auto& p : paths) {
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            std::vector<std::string> found;
            for (const auto& entry : fs::recursive_directory_iterator(p, ec)) {
                auto ext = entry.path().extension().string();
                if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml")) found.push_back(entry.path().string());
            }
            std::sort(found.begin(), found.end());
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::exists(p, ec)) {
            out.push_back(p);
        } else {
            error = "no such file or folder: " + p;
        }
    }
    return out;
}

// Writes `text` to `path` whole or not at all: a temporary file beside it, then a rename.
bool write_whole(const std::string& path, const std::string& text) {
    std::string temporary = path + ".tmp";
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        if (!out || !(out << text) || !out.flush()) {
            std::remove(temporary.c_str());
            return false;
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return false;
    }
    return true;
}

void print_coverage(const entitle::coverage_report& c) {
    std::size_t full = 0;
    for (const auto& x : c.conditions) full += x.seen_true && x.seen_false ? 1 : 0;
    std::cout << "\ncoverage: " << full << "/" << c.conditions.size() << " labelled conditions seen true and false, "
              << c.services - c.untested.size() << "/" << c.services << " services tested, "
              << c.paragraphs - c.uncited.size() << "/" << c.paragraphs << " entitlement paragraphs cited\n";
    for (const auto& x : c.conditions) {
        if (x.seen_true && x.seen_false) continue;
        const char* never = !x.seen_true && !x.seen_false ? "never true or false" : !x.seen_true ? "never true" : "never false";
        // The source text on one short line: long groups are cut (the label names them).
        std::string text = x.text;
        std::size_t cut = 0, chars = 0;
        while (cut < text.size() && chars < 60) {
            unsigned char ch = static_cast<unsigned char>(text[cut]);
            cut += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
            ++chars;
        }
        if (cut < text.size()) text = text.substr(0, cut) + "…";
        std::cout << "  " << never << ": " << x.ruleset << " " << x.service << " \"" << x.label << "\"  (" << text
                  << ")\n";
    }
    for (const auto& [ruleset, service] : c.untested) std::cout << "  no test: " << ruleset << " " << service << "\n";
    for (const auto& [ruleset, paragraph] : c.uncited)
        std::cout << "  not cited: " << ruleset << " paragraph " << paragraph << "\n";
}

int run_test(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"rules", "junit"}, {"coverage", "fail-uncovered"});
    if (a.help) return std::cout << test_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, test_usage);
    bool strict = a.flags.count("fail-uncovered") > 0;
    bool coverage = strict || a.flags.count("coverage") > 0;
    if (a.positional.empty()) return usage_error("test needs at least one PATH of test files", test_usage);
    std::string error;
    auto files = test_files(a.positional, error);
    if (!error.empty()) return usage_error(error, test_usage);

    entitle::check_options options;
    std::vector<std::string> rules = a.values.count("rules") ? a.values["rules"] : std::vector<std::string>{"rules"};
    auto loaded = entitle::load_rule_files(rules, options);
    if (loaded.diags.has_errors()) return std::cerr << entitle::render_text(loaded.diags), 1;
    entitle::test_runner runner(loaded.files, options);

    std::vector<entitle::test_file> suites;
    std::vector<entitle::case_result> results;
    bool file_errors = false;
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            std::cerr << "entitle: cannot read " << path << "\n";
            file_errors = true;
            continue;
        }
        std::ostringstream text;
        text << in.rdbuf();
        suites.push_back(entitle::load_tests(std::make_shared<entitle::source_file>(path, text.str())));
        if (suites.back().diags.has_errors()) {
            std::cerr << entitle::render_text(suites.back().diags);
            file_errors = true;
        }
    }
    std::size_t passed = 0;
    for (const auto& suite : suites)
        for (const auto& c : suite.cases) {
            results.push_back(runner.run(c));
            const auto& r = results.back();
            std::cout << (r.passed ? "✓ " : "✗ ") << c.name << "  (" << c.file->name() << ":"
                      << c.file->position(c.where.begin).line << ")\n";
            if (r.passed) {
                ++passed;
                continue;
            }
            for (const auto& f : r.failures) std::cout << "    " << f << "\n";
            if (!r.diags.empty()) std::cout << entitle::render_text(r.diags, false);
            if (r.result) {
                // The explanation of each service that did not meet its expectation.
                entitle::evaluation shown = *r.result;
                shown.services.clear();
                for (const auto& s : r.result->services)
                    for (const auto& f : r.failures)
                        if (f.rfind(s.id + ":", 0) == 0 && (shown.services.empty() || shown.services.back().id != s.id))
                            shown.services.push_back(s);
                if (!shown.services.empty()) std::cout << entitle::render_text(shown, true);
            }
        }
    std::cout << "\n" << passed << " passed, " << results.size() - passed << " failed (" << count(results.size(), "case")
              << " in " << count(files.size(), "file") << ")\n";
    int status = passed == results.size() && !file_errors ? 0 : 1;
    if (a.one("junit") && !write_whole(*a.one("junit"), entitle::render_junit(results))) {
        std::cerr << "entitle: cannot write " << *a.one("junit") << "\n";
        status = 1;
    }
    if (coverage) {
        auto report = runner.coverage();
        print_coverage(report);
        if (strict && !report.complete()) status = 1;
    }
    return status;
}

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
    entitle::civil_date as_of = *entitle::parse_date(today());
    if (a.one("as-of")) {
        auto d = entitle::parse_date(*a.one("as-of"));
        if (!d) return usage_error("--as-of needs a date YYYY-MM-DD, got '" + *a.one("as-of") + "'", diff_usage);
        as_of = *d;
    }
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
    options.as_of = as_of;
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
    if (is_csv) {
        if (!a.one("entity")) return usage_error("a CSV population needs --entity", diff_usage);
        if (!std::getline(in, line)) return std::cerr << shown << ": error: the CSV file is empty\n", 1;
        csv.emplace(line, *a.one("entity"));
        if (!csv->error().empty()) return std::cerr << shown << ":1: error[E715]: " << csv->error() << "\n", 1;
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
        for (std::size_t n = 0; n < chunk_lines && std::getline(in, line); ++n, ++next_line) {
            read += line.size() + 1;
            if (!csv) {
                chunk += line + "\n";
                continue;
            }
            std::string problem;
            auto json = csv->json(line, problem);
            if (!json) {
                bad_rows.error("E715", shown + ":" + std::to_string(next_line) + ": " + problem);
                json = "";  // an empty line: skipped, but the numbering holds
            }
            chunk += *json + "\n";
        }
        if (chunk.empty()) break;
        auto problems = diff.add_lines(shown, chunk, first);
        diff.reject(bad_rows.error_count());
        problems.append(bad_rows);
        if (problems.has_errors()) {
            std::cerr << entitle::render_text(problems, false);
            rejected += problems.error_count();
            if (on_error == "stop") {
                std::cerr << "entitle: stopped at the first bad line (--on-error stop); nothing written\n";
                return 1;
            }
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
    options.as_of = *entitle::parse_date(today());
    if (a.one("as-of")) {
        auto d = entitle::parse_date(*a.one("as-of"));
        if (!d) return usage_error("--as-of needs a date YYYY-MM-DD, got '" + *a.one("as-of") + "'", gen_usage);
        options.as_of = *d;
    }
    if (a.one("spec")) {
        std::ifstream in(*a.one("spec"), std::ios::binary);
        if (!in) return std::cerr << "entitle: cannot read spec " << *a.one("spec") << "\n", 1;
        std::ostringstream text;
        text << in.rdbuf();
        options.spec = std::make_shared<entitle::source_file>(*a.one("spec"), text.str());
    }
    entitle::check_options check;
    auto loaded = entitle::load_rule_files(a.values["rules"], check);
    if (loaded.diags.has_errors()) return std::cerr << entitle::render_text(loaded.diags), 1;
    auto compiled = entitle::compile(loaded.files, check, a.one("ruleset") ? *a.one("ruleset") : "");
    if (!compiled.program) return std::cerr << entitle::render_text(compiled.diags), 1;
    // Streamed: to standard output, or to a temporary file renamed when complete.
    std::string temporary = a.one("out") ? *a.one("out") + ".tmp" : "";
    std::ofstream file;
    if (!temporary.empty()) {
        file.open(temporary, std::ios::binary | std::ios::trunc);
        if (!file) return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    }
    std::ostream& out = temporary.empty() ? std::cout : file;
    auto diags = compiled.program->generate(options, [&](const std::string& line) { out << line << '\n'; });
    if (diags.has_errors()) {
        std::cerr << entitle::render_text(diags);
        if (!temporary.empty()) std::remove(temporary.c_str());
        return 1;
    }
    if (!temporary.empty()) {
        file.close();
        if (!file || std::rename(temporary.c_str(), a.one("out")->c_str()) != 0) {
            std::remove(temporary.c_str());
            return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
        }
    }
    return 0;
}

int run_boundaries(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"rules", "service", "profile", "ruleset", "as-of", "out"});
    if (a.help) return std::cout << boundaries_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, boundaries_usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", boundaries_usage);
    for (const char* required : {"rules", "service", "profile"})
        if (!a.one(required)) return usage_error(std::string("--") + required + " is required", boundaries_usage);
    std::ifstream in(*a.one("profile"), std::ios::binary);
    if (!in) return std::cerr << "entitle: cannot read profile " << *a.one("profile") << "\n", 1;
    std::ostringstream text;
    text << in.rdbuf();
    auto source = std::make_shared<entitle::source_file>(*a.one("profile"), text.str());
    entitle::check_options options;
    auto loaded = entitle::load_rule_files(a.values["rules"], options);
    if (loaded.diags.has_errors()) return std::cerr << entitle::render_text(loaded.diags), 1;
    auto compiled = entitle::compile(loaded.files, options,
                                     a.one("ruleset") ? *a.one("ruleset") : entitle::profile_ruleset(*source));
    if (!compiled.program) return std::cerr << entitle::render_text(compiled.diags), 1;
    const auto& program = *compiled.program;
    auto profile = program.load_profile(source);
    if (!profile.value) return std::cerr << entitle::render_text(profile.diags), 1;
    std::optional<entitle::civil_date> as_of = profile.as_of;
    if (a.one("as-of")) {
        as_of = entitle::parse_date(*a.one("as-of"));
        if (!as_of) return usage_error("--as-of needs a date YYYY-MM-DD, got '" + *a.one("as-of") + "'", boundaries_usage);
    }
    if (!as_of) as_of = entitle::parse_date(today());
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

int run_ask(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"rules", "profile", "ruleset", "as-of", "script", "out"});
    if (a.help) return std::cout << ask_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, ask_usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", ask_usage);
    for (const char* required : {"rules", "profile"})
        if (!a.one(required)) return usage_error(std::string("--") + required + " is required", ask_usage);
    std::ifstream in(*a.one("profile"), std::ios::binary);
    if (!in) return std::cerr << "entitle: cannot read profile " << *a.one("profile") << "\n", 1;
    std::ostringstream read;
    read << in.rdbuf();
    std::string text = read.str();
    std::ifstream script;
    if (a.one("script")) {
        script.open(*a.one("script"));
        if (!script) return std::cerr << "entitle: cannot read script " << *a.one("script") << "\n", 1;
    }
    std::istream& answers = a.one("script") ? static_cast<std::istream&>(script) : std::cin;
    entitle::check_options options;
    auto loaded = entitle::load_rule_files(a.values["rules"], options);
    if (loaded.diags.has_errors()) return std::cerr << entitle::render_text(loaded.diags), 1;
    const std::string& name = *a.one("profile");
    auto compiled = entitle::compile(loaded.files, options,
                                     a.one("ruleset") ? *a.one("ruleset")
                                                      : entitle::profile_ruleset(entitle::source_file(name, text)));
    if (!compiled.program) return std::cerr << entitle::render_text(compiled.diags), 1;
    const auto& program = *compiled.program;
    auto profile = program.load_profile(std::make_shared<entitle::source_file>(name, text));
    if (!profile.value) return std::cerr << entitle::render_text(profile.diags), 1;
    entitle::civil_date as_of = profile.as_of ? *profile.as_of : *entitle::parse_date(today());
    if (a.one("as-of")) {
        auto d = entitle::parse_date(*a.one("as-of"));
        if (!d) return usage_error("--as-of needs a date YYYY-MM-DD, got '" + *a.one("as-of") + "'", ask_usage);
        as_of = *d;
    }
    auto result = program.evaluate(*profile.value, {as_of, {}});
    auto tally = [](const entitle::evaluation& e) {
        std::size_t open = 0;
        for (const auto& s : e.services) open += s.outcome == entitle::verdict::undetermined;
        return open;
    };
    std::cout << result.ruleset << " · " << result.entity << " · as of " << entitle::to_string(as_of) << ": "
              << count(result.services.size(), "service") << ", " << tally(result) << " undetermined\n";
    std::set<std::string> skipped;
    bool quit = false;
    while (!quit) {
        entitle::projection_options popts;
        popts.horizon_days = 0;  // questions only
        auto next = entitle::project(program, std::make_shared<entitle::source_file>(name, text), result, popts);
        std::string question;
        for (const auto& q : next.next_questions)
            if (!skipped.count(q) && q.rfind("parameter ", 0) != 0) {
                question = q;
                break;
            }
        if (question.empty()) {
            std::cout << (tally(result) ? "\nnothing more to ask: what is still open needs a fact the rules' parameters "
                                          "or the skipped questions hold\n"
                                        : "\nevery service is decided\n");
            break;
        }
        std::string describe = program.describe_fact(result.entity, question);
        std::size_t needed = 0;
        for (const auto& s : result.services)
            needed += std::count(s.missing.begin(), s.missing.end(), question);
        std::cout << "\n? " << (describe.empty() ? question : describe) << "\n  " << question << " (needed by "
                  << count(needed, "service") << ") > " << std::flush;
        for (;;) {
            std::string answer;
            if (!std::getline(answers, answer)) {
                quit = true;
                std::cout << "\n";
                break;
            }
            if (a.one("script")) std::cout << answer << "\n";
            if (answer == "quit" || answer == "q") {
                quit = true;
                break;
            }
            if (answer == "skip" || answer.empty()) {
                skipped.insert(question);
                break;
            }
            auto edited = entitle::with_answer(text, question, answer);
            auto attempt = edited ? program.load_profile(std::make_shared<entitle::source_file>(name + " (answer)", *edited))
                                  : entitle::profile_result{};
            if (!edited || !attempt.value) {
                std::cout << "  cannot use that answer";
                if (edited) {
                    for (const auto& d : attempt.diags.items()) std::cout << ": " << d.message;
                }
                std::cout << "\n  " << question << " > " << std::flush;
                continue;
            }
            text = *edited;
            auto before = result;
            result = program.evaluate(*attempt.value, {as_of, {}});
            for (std::size_t k = 0; k < result.services.size(); ++k)
                if (before.services[k].outcome == entitle::verdict::undetermined &&
                    result.services[k].outcome != entitle::verdict::undetermined)
                    std::cout << "  " << (result.services[k].outcome == entitle::verdict::eligible ? "✓ " : "✗ ")
                              << result.services[k].title << " (" << result.services[k].id
                              << "): " << entitle::to_string(result.services[k].outcome) << "\n";
            std::cout << "  " << tally(result) << " undetermined\n";
            break;
        }
    }
    std::cout << "\n" << entitle::render_text(result);
    if (a.one("out") && !write_whole(*a.one("out"), text + "\n"))
        return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("no command given", main_usage);
    std::string command = args.front();
    args.erase(args.begin());
    if (command == "-h" || command == "--help" || command == "help") return std::cout << main_usage, 0;
    if (command == "--version") return std::cout << "entitle 0.1.0\n", 0;
    if (command == "check") return run_check(args);
    if (command == "eval") return run_eval(args, false);
    if (command == "explain") return run_eval(args, true);
    if (command == "test") return run_test(args);
    if (command == "diff") return run_diff(args);
    if (command == "gen") return run_gen(args);
    if (command == "boundaries") return run_boundaries(args);
    if (command == "ask") return run_ask(args);
    return usage_error("unknown command '" + command + "'", main_usage);
}
