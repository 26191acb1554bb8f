// The compiled form of a checked ruleset: what the evaluator runs.
//
// Expressions become nodes in one flat array; a node names its operands by
// index and every name is resolved: fields to slots, parameters to values,
// enum values to indexes, tables to row arrays, built-ins to opcodes. Nothing
// at evaluation time looks up a string or walks the AST. Lists of operands
// (arguments, group members) are ranges of `args`. The program is immutable
// after compile and shared between threads.
#pragma once

#include "check/checker.hpp"
#include "eval/value.hpp"

#include <entitle/engine.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace entitle::compiled {

enum class op : std::uint8_t {
    constant,     // a: index into constants
    as_of,
    param,        // a: parameter index (values are resolved per as-of date)
    subject,      // the record the expression is about
    local,        // a: quantifier variable slot
    field,        // a: record node, b: field slot
    subject_field,  // a: field slot of the subject
    local_field,    // a: variable slot, b: field slot
    define,       // a: record node, b: define index
    not_, neg,    // a
    and_, or_,    // args
    all_group, any_group,  // args: member condition nodes
    eq, ne, lt, le, gt, ge,  // a, b
    add, sub, mul, div,      // a, b
    between,      // a subject, b low, c high
    in_set,       // a subject, args items; flag: negated
    is_set,       // a; flag: `is missing`
    cond,         // a if, b then, c else
    // a list, b body, c variable slot; one arg when there is a `where` condition; mode 1: reads position()
    any_q, all_q, count_q, sum_q, min_q, max_q, first_q, last_q, distinct_q,
    filter,       // a list, b condition, c variable slot: the items for which it holds;
                  // flag: the condition is field_tests[first_arg, +arg_count]
    call_define,  // a record node (no_node: none), b define index, args: the arguments
    points,       // args: (item value, cap or no_node) pairs of a score; c: the score (sema index)
    position,     // a: variable slot: its item's place in its list, from 1
    with_subject, // a record node, b body: b with that record as the subject, in a frame of its own
    table,        // a key, b table index
    // built-ins: args
    age, months_between, days_between, years_of, months_of, days_of, make_date, year_of, month_of, day_of,
    min_of, max_of, floor_of, round_of, size_of,
    // spell measures (b, c: the slots of `from` and `to`; mode: counting, future: projection)
    total, longest_run, within, run_start, holds,
};

inline constexpr std::uint32_t no_node = 0xffffffffu;

// How a spell measure counts (`counting:`), and what it assumes of the time
// after the as-of date when its reference date lies beyond it (`future:`).
enum class counting : std::uint8_t { months, calendar_months, calendar_months_before, days };
enum class future : std::uint8_t { recorded, continued, planned };

struct node {
    op code = op::constant;
    bool flag = false;
    std::uint8_t mode = 0;    // spell measures: counting; age: 1 when a 29 February birthday falls on 1 March
    std::uint8_t future = 0;  // spell measures: compiled::future
    std::uint32_t a = 0, b = 0, c = 0;
    std::uint32_t first_arg = 0, arg_count = 0;
    entitle::span where{};        // source text, for explanations
    std::uint32_t source = 0;     // index into program.sources
    std::int32_t label = -1;      // index into labels, for labelled conditions
    // Filters and spell measures that read no variable from outside: the
    // same text in the same context has the same id (1, 2, ...), so the
    // fast path computes it once per subject. 0: not shared.
    std::uint32_t memo = 0;
};

struct table_row {
    bool is_else = false;
    eval::value low, high;  // unknown = open end; for single keys low == high
    bool high_inclusive = true;
    std::uint32_t result = 0;  // node
};

// A test of one field of a filter's item against a constant (`c.city =
// "sh"`), an outside variable or a parameter, or the truth of a bool field (`c.back_paid`, `not c.back_paid`):
// a filter whose condition is an `and` of these runs them without the
// general evaluator (filter nodes: first_arg, arg_count into field_tests).
struct field_test {
    op code = op::eq;          // eq .. ge; `field` for the truth of a bool field
    bool negated = false;      // `not c.flag`
    std::uint32_t slot = 0;    // the field of the item
    eval::value constant;
    // Instead of the constant: a variable from outside the filter (its
    // slot), or a parameter (its index); -1 for neither.
    std::int32_t local = -1, param = -1;
};

struct table_def {
    std::string name;
    std::vector<table_row> rows;
    // An enum-keyed table of constants: the result by value index, no search.
    std::vector<eval::value> by_enum;
};

struct define_def {
    std::string name, label;
    std::uint32_t root = 0;
    bool has_subject = true;  // false: a function without `for`
};

struct clause {
    std::uint32_t node = 0;
    bool unless = false;
};

struct item_def {
    std::string id, label;
    std::uint32_t value = 0;
    std::int64_t cap = -1;  // node, or -1
};

struct exception_def {
    std::string id, title, layer;
    std::vector<std::uint32_t> conditions;  // `when` nodes
    std::int64_t over = -1;                 // index into program_data.exceptions
    bool grants = true;
    std::vector<std::string> citations;
};

struct service_def {
    std::string id, title, layer;
    bool is_score = false;
    int record = -1;
    std::uint32_t checked_index = 0;  // in checked->services: the key of points_of(score)
    std::vector<clause> clauses;
    std::vector<item_def> items;
    std::int64_t threshold = -1;  // node
    std::vector<std::string> citations;
    std::vector<std::uint32_t> exceptions;  // indexes into program_data.exceptions
};

struct program_data {
    std::shared_ptr<sema::program_data> checked;
    std::vector<std::shared_ptr<const source_file>> sources;
    std::vector<node> nodes;
    std::vector<std::uint32_t> args;
    std::vector<eval::value> constants;
    std::deque<std::string> strings;  // owned text of string constants
    std::vector<std::string> labels;
    std::vector<eval::value> param_defaults;  // the declarations' defaults
    std::vector<table_def> tables;
    std::vector<field_test> field_tests;
    std::vector<define_def> defines;  // by sema define index
    std::vector<service_def> services;
    std::vector<exception_def> exceptions;
    int ruleset = -1;
    std::uint32_t locals = 0;  // variable slots a frame needs
    std::uint32_t memos = 0;   // the largest node.memo
};

}  // namespace entitle::compiled
