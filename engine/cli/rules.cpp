// entitle check, eval, explain and test.
#include "cli.hpp"

#include <entitle/entitle.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

namespace entitle::cli {

namespace {

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

}  // namespace

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
    if (!as_of_arg(a, usage, as_of)) return 2;

    entitle::check_options options;
    auto loaded = entitle::load_rule_files(a.values["rules"], options);
    // Errors in rules or profile: text on stderr, or JSON on stdout for tools.
    auto fail = [&](const entitle::diagnostics& diags) {
        if (format == "json") std::cout << entitle::render_json(diags);
        else std::cerr << entitle::render_text(diags);
        return 1;
    };
    if (loaded.diags.has_errors()) return fail(loaded.diags);

    auto source = read_source(*a.one("profile"), "profile");  // --profile - reads standard input
    if (!source) return 1;
    // The ruleset: --ruleset, else the one the profile says it is written for.
    std::string ruleset = a.one("ruleset") ? *a.one("ruleset") : entitle::profile_ruleset(*source);
    auto compiled = entitle::compile(loaded.files, options, ruleset);
    if (!compiled.program) return fail(compiled.diags);
    entitle::profile_options popts;
    if (a.one("entity")) popts.entity = *a.one("entity");
    auto profile = compiled.program->load_profile(source, popts);
    if (!profile.value) return fail(profile.diags);

    entitle::eval_options eopts;
    eopts.as_of = as_of ? *as_of : profile.as_of.value_or(today());
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

namespace {

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

}  // namespace

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
        auto text = read_source(path, "");
        if (!text) {
            file_errors = true;
            continue;
        }
        suites.push_back(entitle::load_tests(text));
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

}  // namespace entitle::cli
