// The entitle command: a thin shell over the library. It parses arguments,
// calls the engine and prints what the engine returns; all the work and all
// the messages about rules and profiles come from the library.
//
// Exit codes: 0 success, 1 errors in rules or data, 2 usage errors.
#include "cli.hpp"

#include <iostream>
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

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) return entitle::cli::usage_error("no command given", main_usage);
    std::string command = args.front();
    args.erase(args.begin());
    if (command == "-h" || command == "--help" || command == "help") return std::cout << main_usage, 0;
    if (command == "--version") return std::cout << "entitle 0.1.0\n", 0;
    if (command == "check") return entitle::cli::run_check(args);
    if (command == "eval") return entitle::cli::run_eval(args, false);
    if (command == "explain") return entitle::cli::run_eval(args, true);
    if (command == "test") return entitle::cli::run_test(args);
    if (command == "diff") return entitle::cli::run_diff(args);
    if (command == "gen") return entitle::cli::run_gen(args);
    if (command == "boundaries") return entitle::cli::run_boundaries(args);
    if (command == "ask") return entitle::cli::run_ask(args);
    return entitle::cli::usage_error("unknown command '" + command + "'", main_usage);
}
