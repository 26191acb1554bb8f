// Loading and checking rules.
//
// `load_rule_files` reads `.rules` files (folders are walked, sorted by path)
// into source_file objects; `check` parses and type-checks them as one set of
// rulesets (a city ruleset may extend a national one loaded beside it) and
// verifies every citation against the ruleset's source text. The result holds
// a `rulebook` only when there are no errors: a ruleset with errors is never
// handed on to later phases. Nothing here prints.
#pragma once

#include <entitle/diagnostic.hpp>
#include <entitle/source.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace entitle {

struct check_options {
    // A rules file larger than this is refused (E102) instead of parsed.
    std::size_t max_file_bytes = 1u << 20;
    // Brackets, groups, quantifiers and conditionals nest at most this deep (E103).
    int max_nesting = 48;
    // Reads a citation source (the seed text) by path; the default reads the
    // file system. Returns nothing when the file cannot be read.
    std::function<std::optional<std::string>(const std::string& path)> read_file;
    // compile() only: parameter values that override the parameter files of
    // the evaluated ruleset at every date ("school.min_pension", "12 months"),
    // for trying a change without copying the rules (`entitle diff --set`).
    std::vector<std::pair<std::string, std::string>> parameters;
};

// Summary of one checked ruleset, for callers that list what they loaded.
struct ruleset_info {
    std::string name;
    std::string title;
    std::string extends;  // empty for a root ruleset
    std::vector<std::string> services;  // ids of services and scores, in source order
    std::string source;                 // the source text, as the header names it (empty: none)
    std::vector<int> entitlements;      // its paragraphs that grant something (header `entitlements`)
    std::map<std::string, std::vector<int>> cited;  // service id -> paragraphs of the source it cites
};

// What `check` hands back when the rules are clean: the rulesets it found.
// To evaluate profiles, use `compile` (engine.hpp), which checks too.
class rulebook {
public:
    virtual ~rulebook() = default;
    virtual const std::vector<ruleset_info>& rulesets() const = 0;
};

struct check_result {
    diagnostics diags;
    std::shared_ptr<const rulebook> rules;  // set only when diags has no errors
};

struct loaded_sources {
    std::vector<std::shared_ptr<const source_file>> files;
    diagnostics diags;  // unreadable paths, files over the size limit
};

// Reads the given files and every `*.rules` file below the given folders.
loaded_sources load_rule_files(const std::vector<std::string>& paths,
                               const check_options& options = {});

// Parses, resolves and type-checks all sources together.
check_result check(const std::vector<std::shared_ptr<const source_file>>& sources,
                   const check_options& options = {});

}  // namespace entitle
