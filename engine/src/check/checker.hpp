// The checker: names, types, tables, citations and static warnings.
//
// Input: the parsed files of any number of rulesets. Files that name the
// same ruleset are one ruleset; `extends` makes a parent's declarations
// visible to its children, and redeclaring a parent's name is an error (a
// city adds exceptions, it never silently redefines); a child may add fields
// to a parent's types (`extend`), visible to it and below only. Defines with
// parameters are functions; a cycle through defines, functions or scores'
// points is an error. Each ruleset is checked
// after its parent. Every mistake becomes a diagnostic on the node that
// caused it; expressions whose type is already wrong get the `error` type so
// one mistake is reported once.
//
// What it does not do: evaluate anything (only constant folding for the
// always-true/always-false warnings), or read profiles and parameter files.
#pragma once

#include "check/citations.hpp"
#include "check/types.hpp"
#include "parser/parse.hpp"

#include <entitle/ruleset.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace entitle::sema {

struct field_info {
    std::string name;
    std::string label;
    type t;
    bool optional = false;
    // Rulesets whose `extend` added the field; empty for a declared field.
    // A field added by a ruleset is visible to it and the rulesets below it.
    std::vector<int> added_by;
    std::shared_ptr<const source_file> source;  // where it is declared (or added)
    span where{};
    // `signed`: a profile may give a number below zero (else it is refused).
    bool is_signed = false;
};

struct record_info {
    std::string name;
    std::string label;
    bool entity = false;
    int ruleset = -1;  // -1 for the built-in Period
    std::vector<field_info> fields;
    const field_info* field(const std::string& n) const {
        for (auto& f : fields)
            if (f.name == n) return &f;
        return nullptr;
    }
};

struct enum_info {
    std::string name;
    std::string label;
    int ruleset = -1;
    std::vector<std::string> values;
    std::vector<std::string> labels;
    int index_of(const std::string& v) const {
        for (std::size_t i = 0; i < values.size(); ++i)
            if (values[i] == v) return static_cast<int>(i);
        return -1;
    }
};

// Where a declaration stands, for "previously declared here" notes and
// warnings about unused declarations.
struct origin {
    std::shared_ptr<const source_file> source;
    span where;
    int ruleset = -1;
};

struct param_info {
    std::string name;
    std::string label;
    std::string unit;
    type t;
    const ast::param_decl* decl = nullptr;
    origin at;
    bool used = false;
};

struct define_info {
    std::string name;
    std::string label;
    int record = -1;  // -1: a function without `for`
    bool function = false;  // declared with a parameter list: called as name(args)
    std::vector<std::pair<std::string, type>> params;
    const ast::define_decl* decl = nullptr;
    origin at;
    enum class state { unchecked, checking, checked } progress = state::unchecked;
    type t;
    bool used = false;
};

struct table_info {
    std::string name;
    std::string label;
    type key, value;
    const ast::table_decl* decl = nullptr;
    origin at;
    bool used = false;
};

struct service_info {
    std::string name;
    std::string title;
    bool is_score = false;
    int record = -1;
    const ast::service_decl* decl = nullptr;
    origin at;
};

struct exception_info {
    std::string name;
    std::string title;
    int service = -1;  // index into services
    int over = -1;     // index into exceptions: the one this takes priority over
    bool grants = true;
    const ast::exception_decl* decl = nullptr;
    origin at;
};

// Names visible in one ruleset; lookups go on to the parent's scope.
struct scope {
    std::map<std::string, int> records, enums, params, tables, services, exceptions;
    std::map<std::pair<int, std::string>, int> defines;  // (record, name)
};

struct ruleset_data {
    std::string name;
    std::string title;
    std::string extends;
    int parent = -1;
    bool broken = false;  // unknown parent or a cycle: not checked further
    std::string source_path;  // as written in the header
    std::shared_ptr<const source_file> header_source;  // file whose header names the source
    span source_where{};
    // Paragraphs of the source that grant an entitlement (`entitlements`), and the file that lists them.
    std::vector<ast::int_lit> entitlements;
    std::shared_ptr<const source_file> entitlements_source;
    std::vector<const parser::parsed_file*> files;
    scope names;
    std::shared_ptr<cited_text> text;  // loaded on first citation
    bool text_failed = false;
};

// Everything the checker learned; later phases (compile) read it.
struct program_data {
    // Whether a field may be used by (and given in profiles for) `ruleset`.
    bool visible(const field_info& f, int ruleset) const {
        if (f.added_by.empty()) return true;
        for (int r = ruleset; r >= 0; r = rulesets[r].parent)
            if (std::find(f.added_by.begin(), f.added_by.end(), r) != f.added_by.end()) return true;
        return false;
    }
    const field_info* field(int record, const std::string& name, int ruleset) const {
        const field_info* f = records[record].field(name);
        return f && visible(*f, ruleset) ? f : nullptr;
    }

    std::vector<parser::parsed_file> files;
    std::vector<ruleset_data> rulesets;
    std::vector<record_info> records;  // records[0] is the built-in Period
    std::vector<enum_info> enums;
    std::vector<param_info> params;
    std::vector<define_info> defines;
    std::vector<table_info> tables;
    std::vector<service_info> services;
    std::vector<exception_info> exceptions;
    type_names names;
    // Paths the checker read as enum values (`bachelor`, `Education.master`):
    // (enum, value index), for the compiler.
    std::map<const ast::path*, std::pair<int, int>> enum_values;
};

// Checks parsed files; fills `out` and reports into `diags`.
void check_program(program_data& out, const check_options& options, diagnostics& diags);

}  // namespace entitle::sema

namespace entitle::data {
struct parameter_store;
}

namespace entitle::sema {

// The rulesets and their services, for callers that list what they loaded.
std::vector<ruleset_info> describe(const program_data& program);

// The whole front end: parses the `.rules` sources, checks them, then reads
// the `.params.yaml` sources against the checked declarations.
std::shared_ptr<program_data> front_end(const std::vector<std::shared_ptr<const source_file>>& sources,
                                        const check_options& options, diagnostics& diags,
                                        data::parameter_store& parameters);

}  // namespace entitle::sema
