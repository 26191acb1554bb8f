// Compiling rules and evaluating profiles.
//
// `compile` checks the rules (see ruleset.hpp) and, when they have no
// errors, turns them into an immutable `program`: a flat array of operations
// with every name resolved to a slot, safe to share between threads. A
// program loads profiles (YAML or JSON, checked against the entity schema
// declared in the rules) and evaluates them at an as-of date with
// three-valued logic: a missing fact is unknown, never false, and a service
// is eligible, not eligible (with the conditions that failed) or
// undetermined (with the facts that would decide it). Nothing here prints.
#pragma once

#include <entitle/diagnostic.hpp>
#include <entitle/ruleset.hpp>
#include <entitle/source.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace entitle {

// A calendar date.
struct civil_date {
    int year = 1970, month = 1, day = 1;
};
// Parses YYYY-MM-DD; nothing for anything else, or a day that does not exist.
std::optional<civil_date> parse_date(const std::string& text);
std::string to_string(const civil_date& d);

class profile;      // a loaded profile; opaque, owned through shared_ptr
class profile_set;  // many profiles of one entity sharing one store (JSON lines)

struct profile_options {
    profile_options(std::string entity_name = {}) : entity(std::move(entity_name)) {}  // NOLINT: {"Person"} reads well
    // The entity the profile describes when the file does not say
    // (`entity: Household`); empty: the only entity any service is for.
    std::string entity;
    // Where in the YAML document the profile is, when it is part of a larger
    // one (a test file): keys of mappings and 0-based indexes of lists, from
    // the top. Positions in messages stay those of the whole document.
    std::vector<std::string> within;
};

// The ruleset a profile file says it is written for (its envelope's
// `ruleset: shanghai`), or empty: lets a caller compile the right ruleset
// before loading the profile.
std::string profile_ruleset(const source_file& text);

struct profile_result {
    diagnostics diags;  // errors name the field path and the file position
    std::shared_ptr<const profile> value;  // set only when diags has no errors
    std::string id;                        // the envelope's id, if any
    std::optional<civil_date> as_of;       // the envelope's as_of, if any
};

// Profiles read from JSON lines: bad lines are reported (with their line
// number) and skipped, the rest are kept.
struct profile_set_result {
    diagnostics diags;
    std::shared_ptr<const profile_set> value;
    std::size_t rejected = 0;  // lines that were not loaded
    std::string entity;        // the entity the profiles describe (empty when none loaded)
    std::vector<std::size_t> lines;  // the line of each loaded profile (source_file's numbering)
};
std::size_t size(const profile_set& set);
// The envelope `id` of profile i of a set (empty when it gave none).
const std::string& profile_id(const profile_set& set, std::size_t i);
// The `as_of` profile i of a set gives (envelope or flat record), if any.
std::optional<civil_date> profile_as_of(const profile_set& set, std::size_t i);

enum class verdict { eligible, not_eligible, undetermined };
const char* to_string(verdict v);

enum class truth { yes, no, unknown };
const char* to_string(truth t);

// One condition of an explanation: what was tested, with what values, and
// how it came out. Groups and quantifiers have children.
struct explanation {
    std::string label;     // the rule's label, or empty
    std::string text;      // the condition's source text
    truth outcome = truth::unknown;
    std::string observed;  // the value of the tested expression (left side of a comparison)
    std::string expected;  // the right side of a comparison, if any
    bool unless = false;   // an `unless` clause: it fails the service when true
    std::vector<explanation> children;

    // The condition as people name it: its label, else its text.
    const std::string& name() const { return label.empty() ? text : label; }
};

// A parameter value a verdict used, and where it came from.
struct parameter_use {
    std::string name;
    std::string value;  // "unknown" when no value is in force
    std::string since;  // the date the value applies from, or "default"
    std::string layer;  // the ruleset that gives the value
    std::string reference;  // where the value comes from (the parameter file's `reference`), if given
};

// An exception a city (or the same ruleset) declared to the service.
struct exception_result {
    std::string id, title, layer;
    truth applies = truth::unknown;   // all its `when` conditions hold
    verdict conclusion = verdict::eligible;
    std::vector<std::string> citations;
    std::vector<explanation> conditions;
};

struct score_item_result {
    std::string id, label;
    std::string points;  // empty when unknown
};

struct service_result {
    std::string id, title;
    std::string layer;   // the ruleset whose rule decided: the service's, or an exception's
    std::string decided_by;  // the exception that decided the verdict, if one did
    std::string conflict;    // set when exceptions apply with no priority between them
    bool is_score = false;
    verdict outcome = verdict::undetermined;
    std::vector<std::string> failed;   // labels (or source text) of the conditions that failed
    std::vector<std::string> missing;  // field paths whose absence leaves the verdict open
    // Evaluation errors that left a condition open (division by zero, an
    // impossible date), each "file:line:col: what in 'source'".
    std::vector<std::string> errors;
    std::vector<std::string> citations;
    std::vector<parameter_use> parameters;
    std::vector<explanation> conditions;
    std::vector<exception_result> exceptions;
    // Scores only:
    std::string total, threshold;  // empty when unknown
    std::vector<score_item_result> items;
};

struct evaluation {
    std::string ruleset;
    std::string rules_hash;  // sha256 of the rules and parameter files (names and contents)
    std::string entity;
    civil_date as_of;
    std::vector<service_result> services;
};

struct eval_options {
    civil_date as_of;
    std::vector<std::string> services;  // only these ids; empty: all
};

// A verdict without its explanation: what batch evaluation produces.
struct decision {
    verdict outcome = verdict::undetermined;
    bool conflict = false;      // exceptions in conflict
    double points = 0;          // scores: the total (NaN when unknown)
};

// A value a batch row carries beside its verdicts (make_decider's
// `columns`): a define of the entity or a score item, typed.
struct cell {
    enum class kind : std::uint8_t { unknown, none, boolean, number, money, date, months, days, text };
    kind type = kind::unknown;  // unknown: a fact it needs is missing; none: known to be absent
    double number = 0;          // boolean (0 or 1), number, money (yuan), months, days
    civil_date date{};          // date
    std::string text;           // text, or an enum value's name
};

// Evaluates many profiles of one entity at one date, verdicts only (and the
// values of the columns asked for). Not thread-safe: make one per thread
// (the program itself is shared).
class decider {
public:
    virtual ~decider() = default;
    // The ids of the services and scores decided, in the order of `decide`'s output.
    virtual const std::vector<std::string>& services() const = 0;
    // The columns asked for, in the order of `decide`'s cells.
    virtual const std::vector<std::string>& columns() const = 0;
    // Profiles [first, first + count) of the set: `out` holds count rows of
    // services().size() decisions, profile by profile; `cells` (when not
    // null) count rows of columns().size() values.
    virtual void decide(const profile_set& set, std::size_t first, std::size_t count, decision* out, cell* cells) = 0;
    virtual void decide(const profile& p, decision* out, cell* cells) = 0;
    void decide(const profile_set& set, std::size_t first, std::size_t count, decision* out) {
        decide(set, first, count, out, nullptr);
    }
    void decide(const profile_set& set, std::size_t index, decision* out) { decide(set, index, 1, out, nullptr); }
    void decide(const profile& p, decision* out) { decide(p, out, nullptr); }
};

// A decider, or why the columns asked for cannot be had (E909).
struct decider_result {
    std::unique_ptr<entitle::decider> value;  // null when diags has errors
    diagnostics diags;
};

// What `program::generate` makes: `count` profiles of `entity`, the same
// ones for the same rules, spec and seed.
struct generate_options {
    std::string entity;
    std::size_t count = 0;
    std::uint64_t seed = 1;
    civil_date as_of;  // dates and spells end by this day
    std::shared_ptr<const source_file> spec;  // optional: distributions (YAML); see data/generate.cpp
};

// A threshold a service's verdict depends on, and the fact that moves
// across it (program::thresholds): `residence_run >= 6 months` is the run of
// the spells at `residence`; `age(birth_date) >= 16` the date at birth_date.
struct threshold {
    // How the fact is set. search: a number inside a computed comparison
    // (`annual_income / members < 36000 yuan`): the value is searched for.
    enum class lever { number, date, age, months, run, value, search };
    std::string label, text;         // the condition
    std::vector<std::string> path;   // the fact, from the subject ("applicant", "residence")
    lever how = lever::number;
    double at = 0;                   // number; date: day number; age: years; months, run: months
    int direction = 0;               // +1: more of the fact helps (>=, >), -1: less helps, 0: neither
    std::string shown;               // the threshold as written ("6 months", "2000-12-31")
    std::vector<std::string> values; // lever::value: the values of a bool or enum fact that satisfy it

    // The fact as verdicts name facts ("applicant.pension").
    std::string fact() const {
        std::string out;
        for (const auto& step : path) out += (out.empty() ? "" : ".") + step;
        return out;
    }
    // The condition as explanations name it (explanation::name()).
    const std::string& condition() const { return label.empty() ? text : label; }
};

class program {
public:
    virtual ~program() = default;
    virtual const std::vector<ruleset_info>& rulesets() const = 0;
    // The ruleset evaluated: the one no other ruleset extends.
    virtual const std::string& ruleset() const = 0;
    // SHA-256 over the sources it was compiled from, sorted by name.
    virtual const std::string& rules_hash() const = 0;
    // Reads a profile from YAML or JSON text.
    virtual profile_result load_profile(std::shared_ptr<const source_file> text,
                                        const profile_options& options = {}) const = 0;
    // Reads one profile per line (JSON lines); every line is checked.
    virtual profile_set_result load_json_lines(std::shared_ptr<const source_file> text,
                                               const profile_options& options = {}) const = 0;
    // Evaluates every service of the profile's entity (or those named).
    virtual evaluation evaluate(const profile& p, const eval_options& options) const = 0;
    // The fast path for batches: verdicts of every service of `entity`.
    virtual std::unique_ptr<decider> make_decider(const civil_date& as_of, const std::string& entity) const = 0;
    // The same, each row also carrying `columns`: defines of the entity
    // without parameters (`sh_months`) and score items (`points.base`, its
    // points after the cap).
    virtual decider_result make_decider(const civil_date& as_of, const std::string& entity,
                                        const std::vector<std::string>& columns) const = 0;
    // The thresholds of a service's conditions whose fact can be set
    // directly (a field, a birth date, a spell history), with parameters at
    // `as_of`. Empty when the service has none (or does not exist).
    virtual std::vector<threshold> thresholds(const std::string& service, const civil_date& as_of) const = 0;
    // How to ask for a fact of an entity (a path as verdicts name missing
    // facts: "applicant.pension", "children[2].birth_date"): its label and
    // the form of an answer. Empty when the path names no field.
    virtual std::string describe_fact(const std::string& entity, const std::string& path) const = 0;
    // Every field path of an entity, dotted through records
    // (`applicant.housing.kind`; a list's items by the list's name), in
    // declaration order; empty for an unknown entity. Records nested more
    // than 16 deep are not listed further.
    virtual std::vector<std::string> field_paths(const std::string& entity) const = 0;
    // A synthetic population, one JSON profile per call of `line`; mistakes
    // in the entity or the spec come back as diagnostics (nothing generated).
    virtual diagnostics generate(const generate_options& options,
                                 const std::function<void(const std::string&)>& line) const = 0;
};

struct compile_result {
    diagnostics diags;
    std::shared_ptr<const entitle::program> program;  // set only when diags has no errors
};

// Checks and compiles. `ruleset` picks the ruleset to evaluate when the
// sources hold several leaves (two cities); empty picks the only leaf.
compile_result compile(const std::vector<std::shared_ptr<const source_file>>& sources,
                       const check_options& options = {}, const std::string& ruleset = {});

// Readable text (Chinese titles, ✓ ✗ ? marks) and a stable JSON document:
// {"ruleset","rules_hash","entity","as_of","services":[{"id","title","verdict","layer",
// "failed","missing","citations","explanation":[...]}...]}.
struct projection;  // projection.hpp
// With a projection (eval --project): eligible-from dates, what blocks them,
// nearest changes and next questions, under each service.
std::string render_text(const evaluation& e, bool explain = false, const projection* p = nullptr);
std::string render_json(const evaluation& e, const projection* p = nullptr);

}  // namespace entitle
