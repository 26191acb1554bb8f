// The abstract syntax tree of a rules file, as the X3 grammar builds it.
//
// Every node carries the byte span of its source text (`node::begin/end`),
// set by the grammar's annotation handler, so the checker can blame the exact
// node. The tree keeps precedence levels as the grammar sees them (a
// `binary` with an empty `rest` is just its `first`); the checker looks
// through those trivial wrappers. No semantic information lives here: names
// are unresolved strings and types are spelled as written.
#pragma once

#include <boost/optional.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <entitle/source.hpp>

namespace entitle::ast {

namespace x3 = boost::spirit::x3;

struct node {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
    entitle::span where() const { return {begin, end}; }
};

struct identifier : node {
    std::string name;
};

// ---- expressions ---------------------------------------------------------

struct nil : node {};
struct bool_lit : node {
    bool value = false;
};
struct int_lit : node {
    std::int64_t value = 0;
};
struct decimal_lit : node {
    std::string text;  // digits as written, e.g. "0.8"
};
struct money_lit : node {
    std::string text;  // amount as written, e.g. "3000" in `3000 yuan`
};
enum class duration_unit { days, months, years };
struct duration_lit : node {
    std::int64_t amount = 0;
    duration_unit unit = duration_unit::months;
};
struct date_lit : node {
    int year = 0, month = 0, day = 0;
};
struct string_lit : node {
    std::string value;
};
struct as_of_ref : node {
    bool present = true;
};
struct path : node {
    std::vector<identifier> parts;  // `applicant.permits`
};
struct param_ref : node {
    identifier name;  // dotted: `school.min_pension`
};

struct call;
struct filter;
struct unary;
struct binary;
struct test;
struct quantifier;
struct group;
struct conditional;

struct operand
    : x3::variant<nil, bool_lit, int_lit, decimal_lit, money_lit, duration_lit, date_lit,
                  string_lit, as_of_ref, path, param_ref, x3::forward_ast<call>,
                  x3::forward_ast<filter>, x3::forward_ast<unary>, x3::forward_ast<binary>, x3::forward_ast<test>,
                  x3::forward_ast<quantifier>, x3::forward_ast<group>,
                  x3::forward_ast<conditional>> {
    using base_type::base_type;
    using base_type::operator=;
};

enum class op {
    or_, and_, not_, neg,
    eq, ne, lt, le, gt, ge,
    add, sub, mul, div
};

// An argument of a call: positional (`value`) or named (`at: D`, `counting: days`).
struct call_arg : node {
    boost::optional<identifier> name;
    operand value;
};

// `f(args)`, or `a.b.f(args)`: a function of the record `a.b` (`target`).
struct call : node {
    std::vector<identifier> target;
    identifier name;
    std::vector<call_arg> args;
};

// `s in pension where s.city = city`: the items of a list for which `cond` holds.
struct filter : node {
    identifier var;
    operand list;
    operand cond;
};

// Prefix operators applied right to left: `not not x` has ops "nn".
struct unary : node {
    std::vector<op> ops;
    operand rhs;
};

struct operation : node {
    op oper = op::add;
    operand rhs;
};

// A left-associative chain at one precedence level: first (op rhs)*.
struct binary : node {
    operand first;
    std::vector<operation> rest;
};

struct compare_tail : node {
    op oper = op::eq;
    operand rhs;
};
struct between_tail : node {
    operand low;
    operand high;
};
struct in_tail : node {
    bool negated = false;
    std::vector<operand> items;
};
struct is_tail : node {
    bool set = true;  // `is set` (true) or `is missing` (false)
};
struct tail : x3::variant<compare_tail, between_tail, in_tail, is_tail> {
    using base_type::base_type;
    using base_type::operator=;
};

// `subject [tail]`: a comparison, a range test, a set test or a presence test.
struct test : node {
    operand subject;
    boost::optional<tail> rest;
};

// `any c in children [where COND]: BODY`; min, max, first and last take
// the item (or its key) that is least or greatest, distinct the list of
// the body's different values.
enum class quantifier_kind { any, all, count, sum, min, max, first, last, distinct };
struct quantifier : node {
    quantifier_kind kind = quantifier_kind::any;
    identifier var;
    operand list;
    boost::optional<operand> cond;  // `where COND`
    operand body;
};

// A condition with an optional label: what explanations print.
struct condition : node {
    operand expr;
    boost::optional<string_lit> label;
};

enum class group_kind { any, all };
struct group : node {
    group_kind kind = group_kind::all;
    std::vector<condition> items;
};

struct conditional : node {
    operand cond;
    operand then_;
    operand else_;
};

// ---- declarations --------------------------------------------------------

struct type_ref : node {
    bool optional = false;
    bool is_signed = false;  // `signed`: a field whose number may be below zero
    bool list = false;
    identifier name;
};

struct header : node {
    identifier name;
    boost::optional<string_lit> title;
    boost::optional<identifier> extends;
    boost::optional<string_lit> source;
    boost::optional<date_lit> effective_from;
    boost::optional<date_lit> effective_to;
    std::vector<int_lit> entitlements;  // paragraphs of the source that grant something
};

struct enum_value : node {
    identifier name;
    boost::optional<string_lit> label;
};
struct enum_decl : node {
    identifier name;
    boost::optional<string_lit> label;
    std::vector<enum_value> values;
};

struct field_decl : node {
    identifier name;
    type_ref type;
    boost::optional<string_lit> label;
};
struct record_decl : node {
    bool is_entity = false;  // `entity` (a subject of services) or `record`
    identifier name;
    boost::optional<string_lit> label;
    std::vector<field_decl> fields;
};

struct param_decl : node {
    identifier name;  // dotted
    boost::optional<string_lit> label;
    type_ref type;
    boost::optional<string_lit> unit;
    boost::optional<operand> default_value;
};

struct define_param : node {
    identifier name;
    type_ref type;
};
// `define name[(params)] ["label"] [for Record] = expr`: a derived fact of a
// record, or (with parameters, or without `for`) a function.
struct define_decl : node {
    identifier name;
    boost::optional<std::vector<define_param>> params;
    boost::optional<string_lit> label;
    boost::optional<identifier> subject;
    operand value;
};

// `extend entity Person { fields }`: a child ruleset adds fields to a parent's type.
struct extend_decl : node {
    identifier name;
    std::vector<field_decl> fields;
};

enum class key_kind { value, range, otherwise };
struct table_key : node {
    key_kind kind = key_kind::value;
    operand low;   // nil when open below
    bool half_open = false;  // `a ..< b`
    operand high;  // nil when open above
};
struct table_row : node {
    table_key key;
    operand value;
};
struct table_decl : node {
    identifier name;
    boost::optional<string_lit> label;
    type_ref key_type;
    type_ref value_type;
    std::vector<table_row> rows;
};

struct seed_cite : node {
    int_lit paragraph;
    string_lit quote;
};
struct external_cite : node {
    string_lit reference;
    boost::optional<string_lit> url;
};
struct requirement : node {
    bool unless = false;
    condition cond;
};
struct score_item : node {
    identifier name;
    boost::optional<string_lit> label;
    operand value;
    boost::optional<operand> cap;
};
struct threshold : node {
    operand value;
};
struct service_member
    : x3::variant<seed_cite, external_cite, requirement, score_item, threshold> {
    using base_type::base_type;
    using base_type::operator=;
};
struct service_decl : node {
    bool is_score = false;
    identifier name;
    boost::optional<string_lit> title;
    identifier subject;
    std::vector<service_member> members;
};

// An exception to a service, declared by the same or a child ruleset: when
// all its `when` conditions hold, the service's verdict is `then`'s.
struct exception_decl : node {
    identifier name;
    boost::optional<string_lit> title;
    identifier service;
    boost::optional<identifier> over;  // the exception this one takes priority over
    std::vector<service_member> members;  // cites and `when` conditions
    bool grants = true;                   // then eligible (true) or not_eligible
};

struct declaration
    : x3::variant<enum_decl, record_decl, extend_decl, param_decl, define_decl, table_decl, service_decl,
                  exception_decl> {
    using base_type::base_type;
    using base_type::operator=;
};

// One parsed file: its header and the declarations that parsed.
struct file {
    header head;
    std::vector<declaration> decls;
};

// The span of whatever node an operand holds.
entitle::span span_of(const operand& o);

// A path of the given parts, spanning them (the record before `.f(x)` or
// before a score's name, checked and compiled as a path).
path make_path(std::vector<identifier> parts);

// The path an operand is, looking through the trivial wrappers of the
// precedence levels (`settlement` in `points(settlement)`), or null.
const path* as_bare_path(const operand& o);

}  // namespace entitle::ast
