// The entitle command: a thin shell over the library. It parses arguments,
// calls the engine and prints what the engine returns; all the work and all
// the messages about rules come from the library.
//
// Exit codes: 0 success, 1 errors in rules or data, 2 usage errors.
#include <entitle/entitle.hpp>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr const char* main_usage =
    "usage: entitle <command> [options]\n"
    "\n"
    "commands:\n"
    "  check    parse and type-check rules files, verify their citations\n"
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

std::string count(std::size_t n, const char* one, const char* many = nullptr) {
    return std::to_string(n) + " " + (n == 1 ? one : many ? many : std::string(one) + "s");
}

int usage_error(const std::string& message, const char* usage) {
    std::cerr << "entitle: " << message << "\n\n" << usage;
    return 2;
}

int run_check(const std::vector<std::string>& args) {
    std::string format = "text";
    std::vector<std::string> paths;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            std::cout << check_usage;
            return 0;
        }
        if (a == "--format" || a.rfind("--format=", 0) == 0) {
            if (a == "--format") {
                if (i + 1 == args.size()) return usage_error("--format needs a value: text or json", check_usage);
                format = args[++i];
            } else {
                format = a.substr(std::strlen("--format="));
            }
            if (format != "text" && format != "json")
                return usage_error("unknown format '" + format + "' (use text or json)", check_usage);
            continue;
        }
        if (a.size() > 1 && a[0] == '-') return usage_error("unknown option '" + a + "'", check_usage);
        paths.push_back(a);
    }
    if (paths.empty()) return usage_error("check needs at least one PATH", check_usage);

    entitle::check_options options;
    auto loaded = entitle::load_rule_files(paths, options);
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
            std::cout << "ok: " << count(loaded.files.size(), "file") << ", " << count(rulesets, "ruleset")
                      << ", " << count(services, "service or score", "services and scores") << " checked\n";
    }
    return all.has_errors() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return usage_error("no command given", main_usage);
    std::string command = args.front();
    args.erase(args.begin());
    if (command == "-h" || command == "--help" || command == "help") {
        std::cout << main_usage;
        return 0;
    }
    if (command == "--version") {
        std::cout << "entitle 0.1.0\n";
        return 0;
    }
    if (command == "check") return run_check(args);
    return usage_error("unknown command '" + command + "'", main_usage);
}
