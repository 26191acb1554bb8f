// What the entitle command's subcommands share: argument parsing, usage
// errors, counts in words, today's date, and writing a file whole or not at
// all. One file per group of subcommands: rules.cpp (check, eval, explain,
// test), changes.cpp (diff, gen, boundaries), ask.cpp (ask); main.cpp
// dispatches.
#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace entitle::cli {

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
                       const std::set<std::string>& flags = {});
bool valid_format(const parsed_args& a, std::string& format, std::string& error);
// Prints the message and the usage on stderr; returns 2.
int usage_error(const std::string& message, const char* usage);
// "3 files", "1 file".
std::string count(std::size_t n, const char* one, const char* many = nullptr);
// Today's date, YYYY-MM-DD (UTC).
std::string today();
// Writes `text` to `path` whole or not at all: a temporary file beside it, then a rename.
bool write_whole(const std::string& path, const std::string& text);

int run_check(const std::vector<std::string>& args);
int run_eval(const std::vector<std::string>& args, bool explain);
int run_test(const std::vector<std::string>& args);
int run_diff(const std::vector<std::string>& args);
int run_gen(const std::vector<std::string>& args);
int run_boundaries(const std::vector<std::string>& args);
int run_ask(const std::vector<std::string>& args);

}  // namespace entitle::cli
