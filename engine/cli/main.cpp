// The entitle command: a thin shell over the library. It parses arguments,
// calls the engine and prints what the engine returns; all the work and all
// the messages about rules and profiles come from the library.
//
// Exit codes: 0 success, 1 errors in rules or data, 2 usage errors.
#include <entitle/entitle.hpp>

#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
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
    "                    [--ruleset NAME] [--entity NAME] [--format text|json]\n"
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
    "  --entity NAME        the entity a bare profile describes\n"
    "  --format text|json   readable text (default) or JSON\n"
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

int usage_error(const std::string& message, const char* usage) {
    std::cerr << "entitle: " << message << "\n\n" << usage;
    return 2;
}

std::string count(std::size_t n, const char* one, const char* many = nullptr) {
    return std::to_string(n) + " " + (n == 1 ? one : many ? many : std::string(one) + "s");
}

// Options of the form --name VALUE or --name=VALUE; the rest are positional.
struct parsed_args {
    std::map<std::string, std::vector<std::string>> values;
    std::vector<std::string> positional;
    bool help = false;
    std::string error;

    const std::string* one(const std::string& name) const {
        auto it = values.find(name);
        return it == values.end() ? nullptr : &it->second.back();
    }
};

parsed_args parse_args(const std::vector<std::string>& args, const std::set<std::string>& known) {
    parsed_args out;
    for (std::size_t i = 0; i < args.size() && out.error.empty(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            out.help = true;
        } else if (a.rfind("--", 0) == 0) {
            auto eq = a.find('=');
            std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (!known.count(name)) {
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
    auto a = parse_args(args, {"rules", "profile", "as-of", "service", "ruleset", "entity", "format"});
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
    auto compiled = entitle::compile(loaded.files, options, a.one("ruleset") ? *a.one("ruleset") : "");
    if (!compiled.program) return fail(compiled.diags);

    const std::string& path = *a.one("profile");
    std::ostringstream text;
    if (path == "-") {
        text << std::cin.rdbuf();  // --profile - reads standard input
    } else {
        std::ifstream in(path, std::ios::binary);
        if (!in) return std::cerr << "entitle: cannot read profile " << path << "\n", 1;
        text << in.rdbuf();
    }
    entitle::profile_options popts;
    if (a.one("entity")) popts.entity = *a.one("entity");
    auto profile = compiled.program->load_profile(
        std::make_shared<entitle::source_file>(path == "-" ? "<stdin>" : path, text.str()), popts);
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
    std::cout << (format == "json" ? entitle::render_json(result) : entitle::render_text(result, explain));
    // A conflict between exceptions is an error in the rules, found by evaluation.
    int status = 0;
    for (const auto& s : result.services)
        if (!s.conflict.empty()) {
            std::cerr << "entitle: error: " << s.id << ": " << s.conflict << "\n";
            status = 1;
        }
    return status;
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
    return usage_error("unknown command '" + command + "'", main_usage);
}
