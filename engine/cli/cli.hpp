// What the entitle command's subcommands share: argument parsing, usage
// errors, counts in words, today's date and --as-of, reading an input,
// compiling --rules, and writing a file whole or not at all. One file per group of subcommands: rules.cpp (check, eval, explain,
// test), changes.cpp (diff, gen, boundaries), ask.cpp (ask); main.cpp
// dispatches.
#pragma once

#include <entitle/entitle.hpp>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <fstream>
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
// Today's date (UTC).
entitle::civil_date today();
// The --as-of date into `out` (left alone when the option is not given).
// False, with the usage error printed (exit 2), when it is not a date.
bool as_of_arg(const parsed_args& a, const char* usage, std::optional<entitle::civil_date>& out);
// The text of an input file ("-": standard input, named <stdin>); nothing,
// with "entitle: cannot read WHAT PATH" on stderr, when it cannot be read.
std::shared_ptr<const entitle::source_file> read_source(const std::string& path, const std::string& what);
// The --rules files compiled for `ruleset` ("": the one no other extends);
// nothing, with the diagnostics on stderr, when they have errors.
std::shared_ptr<const entitle::program> compile_rules(const parsed_args& a, const std::string& ruleset,
                                                      const entitle::check_options& options = {});
// An output file written whole or not at all: a new temporary file of a
// unique name beside it (mkstemp: created, never an existing file or a
// link followed), renamed over `path` by commit(); removed when not
// committed, and on SIGINT or SIGTERM.
class atomic_output {
public:
    explicit atomic_output(const std::string& path);
    ~atomic_output();
    atomic_output(const atomic_output&) = delete;
    atomic_output& operator=(const atomic_output&) = delete;
    bool ok() const { return static_cast<bool>(out_); }  // the temporary file is open
    std::ostream& stream() { return out_; }
    bool commit();  // false (the temporary removed) when writing or the rename failed

private:
    std::string path_, temporary_;
    std::ofstream out_;
    bool done_ = false;
};
// Writes `text` to `path` whole or not at all (atomic_output).
bool write_whole(const std::string& path, const std::string& text);

int run_check(const std::vector<std::string>& args);
int run_eval(const std::vector<std::string>& args, bool explain);
int run_test(const std::vector<std::string>& args);
int run_diff(const std::vector<std::string>& args);
int run_gen(const std::vector<std::string>& args);
int run_boundaries(const std::vector<std::string>& args);
int run_ask(const std::vector<std::string>& args);

}  // namespace entitle::cli
