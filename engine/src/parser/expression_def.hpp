// Definitions of the expression grammar group (see expression.hpp).
//
// Precedence, loosest first: or, and, not, tests (= != < <= > >=, between,
// in, is set), + -, * /, unary minus, primaries. Every recursive path passes
// through `expression`, which carries the nesting guard. Alternatives that
// share a prefix only ever share a short one (a keyword or a literal), so
// backtracking never re-parses a nested expression.
#pragma once

#include "parser/ast.hpp"
#include "parser/ast_adapted.hpp"
#include "parser/common.hpp"
#include "parser/expression.hpp"

#include <string>

namespace entitle::parser {

namespace detail {

// Semantic actions for the one-member nodes (see ast_adapted.hpp). Each
// takes the x3::raw range of what matched, so it can record the span too.
inline auto const set_name = [](auto& ctx) {
    auto const& range = x3::_attr(ctx);
    x3::_val(ctx).name.assign(range.begin(), range.end());
    tag(ctx, range, x3::_val(ctx));
};
inline auto const set_decimal = [](auto& ctx) {
    auto const& range = x3::_attr(ctx);
    x3::_val(ctx).text.assign(range.begin(), range.end());
    tag(ctx, range, x3::_val(ctx));
};
// `3000.50 yuan`: the amount is the leading digits and point.
inline auto const set_money = [](auto& ctx) {
    auto const& range = x3::_attr(ctx);
    auto end = range.begin();
    while (end != range.end() && ((*end >= '0' && *end <= '9') || *end == '.')) ++end;
    x3::_val(ctx).text.assign(range.begin(), end);
    tag(ctx, range, x3::_val(ctx));
};
inline auto const set_int = [](auto& ctx) {
    auto const& range = x3::_attr(ctx);
    std::int64_t value = 0;
    for (char c : range) {
        if (value > (INT64_MAX - (c - '0')) / 10) {
            x3::_pass(ctx) = false;  // too large: not a number we can hold
            return;
        }
        value = value * 10 + (c - '0');
    }
    x3::_val(ctx).value = value;
    tag(ctx, range, x3::_val(ctx));
};
// The raw text of a string literal, quotes included, unescaped.
inline auto const set_string = [](auto& ctx) {
    auto const& range = x3::_attr(ctx);
    std::string value;
    for (auto it = std::next(range.begin()); it != range.end() && std::next(it) != range.end(); ++it) {
        if (*it == '\\' && std::next(it) != range.end()) {
            ++it;
            value += *it == 'n' ? '\n' : *it == 't' ? '\t' : *it;
        } else {
            value += *it;
        }
    }
    x3::_val(ctx).value = std::move(value);
    tag(ctx, range, x3::_val(ctx));
};
inline auto const set_bool = [](auto& ctx) {
    auto const& range = x3::_attr(ctx);
    x3::_val(ctx).value = *range.begin() == 't';
    tag(ctx, range, x3::_val(ctx));
};
inline auto const set_as_of = [](auto& ctx) {
    x3::_val(ctx).present = true;
    tag(ctx, x3::_attr(ctx), x3::_val(ctx));
};
inline auto const set_parts = [](auto& ctx) {
    auto& node = x3::_val(ctx);
    node.parts = x3::_attr(ctx);
    node.begin = node.parts.front().begin;
    node.end = node.parts.back().end;
};
inline auto const set_is = [](auto& ctx) { x3::_val(ctx).set = x3::_attr(ctx); };
inline auto const set_param = [](auto& ctx) {
    auto& node = x3::_val(ctx);
    node.name = x3::_attr(ctx);
    node.begin = node.name.begin;
    node.end = node.name.end;
};

struct or_ops_ : x3::symbols<ast::op> {
    or_ops_() { add("or", ast::op::or_); }
};
struct compare_ops_ : x3::symbols<ast::op> {
    compare_ops_() {
        add("=", ast::op::eq)("==", ast::op::eq)("!=", ast::op::ne)("<", ast::op::lt)(
            "<=", ast::op::le)(">", ast::op::gt)(">=", ast::op::ge);
    }
};
struct additive_ops_ : x3::symbols<ast::op> {
    additive_ops_() { add("+", ast::op::add)("-", ast::op::sub); }
};
struct multiplicative_ops_ : x3::symbols<ast::op> {
    multiplicative_ops_() { add("*", ast::op::mul)("/", ast::op::div); }
};
struct units_ : x3::symbols<ast::duration_unit> {
    units_() {
        add("day", ast::duration_unit::days)("days", ast::duration_unit::days)(
            "month", ast::duration_unit::months)("months", ast::duration_unit::months)(
            "year", ast::duration_unit::years)("years", ast::duration_unit::years);
    }
};
struct quantifiers_ : x3::symbols<ast::quantifier_kind> {
    quantifiers_() {
        add("any", ast::quantifier_kind::any)("all", ast::quantifier_kind::all)(
            "count", ast::quantifier_kind::count)("sum", ast::quantifier_kind::sum)(
            "min", ast::quantifier_kind::min)("max", ast::quantifier_kind::max)(
            "first", ast::quantifier_kind::first)("last", ast::quantifier_kind::last)(
            "distinct", ast::quantifier_kind::distinct);
    }
};
struct escapes_ : x3::symbols<char> {
    escapes_() { add("\"", '"')("\\", '\\')("n", '\n')("t", '\t'); }
};

inline compare_ops_ const compare_ops;
inline additive_ops_ const additive_ops;
inline multiplicative_ops_ const multiplicative_ops;
inline units_ const units;
inline quantifiers_ const quantifier_words;
inline escapes_ const escapes;

}  // namespace detail

// ---- rule ids --------------------------------------------------------------

struct expression_class : annotate {};
struct identifier_class : annotate {};
struct dotted_name_class : annotate {};
struct string_lit_class : annotate {};
struct date_lit_class : annotate {};
struct int_lit_class : annotate {};
struct condition_class : annotate {};
struct key_literal_class : annotate {};
struct or_expr_class : annotate {};
struct and_expr_class : annotate {};
struct not_expr_class : annotate {};
struct unary_not_class : annotate {};
struct test_expr_class : annotate {};
struct tail_class : annotate {};
struct compare_tail_class : annotate {};
struct between_tail_class : annotate {};
struct in_tail_class : annotate {};
struct is_tail_class : annotate {};
struct is_what_class;
struct additive_class : annotate {};
struct multiplicative_class : annotate {};
struct or_operation_class : annotate {};
struct and_operation_class : annotate {};
struct additive_operation_class : annotate {};
struct multiplicative_operation_class : annotate {};
struct neg_expr_class : annotate {};
struct unary_neg_class : annotate {};
struct primary_class : annotate {};
struct conditional_class : annotate {};
struct group_class : annotate {};
struct quantifier_class : annotate {};
struct literal_class : annotate {};
struct bool_lit_class : annotate {};
struct decimal_lit_class : annotate {};
struct money_lit_class : annotate {};
struct duration_lit_class : annotate {};
struct as_of_class : annotate {};
struct param_ref_class : annotate {};
struct call_class : annotate {};
struct call_arg_class : annotate {};
struct filter_class : annotate {};
struct path_class : annotate {};
struct escape_class;
struct escape_code_class;
struct string_end_class;

// ---- rules -------------------------------------------------------------------

expression_type const expression_rule = "an expression";
identifier_type const identifier_rule = "a name";
dotted_name_type const dotted_name_rule = "a parameter name";
string_lit_type const string_lit_rule = "a string in double quotes";
date_lit_type const date_lit_rule = "a date (YYYY-MM-DD)";
int_lit_type const int_lit_rule = "a whole number";
condition_type const condition_rule = "a condition";
key_literal_type const key_literal_rule = "a table key (a value, a name or a range)";

x3::rule<or_expr_class, ast::binary> const or_expr = "an expression";
x3::rule<and_expr_class, ast::binary> const and_expr = "an expression";
x3::rule<not_expr_class, ast::operand> const not_expr = "an expression";
x3::rule<unary_not_class, ast::unary> const unary_not = "an expression";
x3::rule<test_expr_class, ast::test> const test_expr = "an expression";
x3::rule<tail_class, ast::tail> const tail = "a comparison";
x3::rule<compare_tail_class, ast::compare_tail> const compare_tail = "a comparison";
x3::rule<between_tail_class, ast::between_tail> const between_tail = "a range test";
x3::rule<in_tail_class, ast::in_tail> const in_tail = "a set test";
x3::rule<is_tail_class, ast::is_tail> const is_tail = "a presence test";
x3::rule<is_what_class, bool> const is_what = "'set' or 'missing'";
x3::rule<additive_class, ast::binary> const additive = "an expression";
x3::rule<multiplicative_class, ast::binary> const multiplicative = "an expression";
x3::rule<or_operation_class, ast::operation> const or_operation = "an expression";
x3::rule<and_operation_class, ast::operation> const and_operation = "an expression";
x3::rule<additive_operation_class, ast::operation> const additive_operation = "an expression";
x3::rule<multiplicative_operation_class, ast::operation> const multiplicative_operation =
    "an expression";
x3::rule<neg_expr_class, ast::operand> const neg_expr = "an expression";
x3::rule<unary_neg_class, ast::unary> const unary_neg = "an expression";
x3::rule<primary_class, ast::operand> const primary = "an expression";
x3::rule<conditional_class, ast::conditional> const conditional = "a conditional";
x3::rule<group_class, ast::group> const group = "a group of conditions";
x3::rule<quantifier_class, ast::quantifier> const quantifier = "a quantifier";
x3::rule<literal_class, ast::operand> const literal = "a literal";
x3::rule<bool_lit_class, ast::bool_lit> const bool_lit = "true or false";
x3::rule<decimal_lit_class, ast::decimal_lit> const decimal_lit = "a decimal number";
x3::rule<money_lit_class, ast::money_lit> const money_lit = "an amount of money";
x3::rule<duration_lit_class, ast::duration_lit> const duration_lit = "a duration";
x3::rule<as_of_class, ast::as_of_ref> const as_of = "as_of";
x3::rule<param_ref_class, ast::param_ref> const param_ref = "a parameter reference";
x3::rule<call_class, ast::call> const call = "a function call";
x3::rule<call_arg_class, ast::call_arg> const call_arg = "an argument";
x3::rule<filter_class, ast::filter> const filter = "a filtered list";
x3::rule<path_class, ast::path> const path = "a field or name";
x3::rule<escape_class> const escape = "an escape";
x3::rule<escape_code_class> const escape_code = "an escape (\\\" \\\\ \\n \\t)";
x3::rule<string_end_class> const string_end = "a closing '\"' on the same line";

auto const expression_rule_def = guard[or_expr];

auto const identifier_rule_def =
    x3::lexeme[!reserved_word >> x3::raw[ident_start >> *ident_char]][detail::set_name];
auto const dotted_name_rule_def = x3::lexeme[x3::raw[
    ident_start >> *ident_char >> *('.' >> ident_start >> *ident_char)]][detail::set_name];

auto const escape_code_def = x3::omit[detail::escapes];
auto const escape_def = '\\' > escape_code;
auto const string_end_def = x3::lit('"');
auto const string_lit_rule_def =
    x3::raw[x3::lexeme['"' >> *(escape | ~x3::char_("\"\\\n")) > string_end]][detail::set_string];

auto const year4 = x3::uint_parser<int, 10, 4, 4>();
auto const two_digits = x3::uint_parser<int, 10, 2, 2>();
auto const date_lit_rule_def =
    x3::lexeme[year4 >> '-' >> two_digits >> '-' >> two_digits >> !ident_char];
auto const whole = x3::uint_parser<std::int64_t>();
auto const int_lit_rule_def =
    x3::raw[x3::lexeme[+digit >> !('.' >> digit) >> !ident_start]][detail::set_int];
auto const decimal_lit_def =
    x3::raw[x3::lexeme[+digit >> '.' >> +digit >> !ident_start]][detail::set_decimal];
auto const money_lit_def =
    x3::raw[x3::lexeme[+digit >> -('.' >> +digit)] >> kw("yuan")][detail::set_money];
auto const duration_lit_def =
    x3::lexeme[whole >> !x3::lit('.')] >> x3::lexeme[detail::units >> !ident_char];
auto const bool_lit_def = x3::raw[kw("true") | kw("false")][detail::set_bool];
auto const as_of_def = x3::raw[kw("as_of")][detail::set_as_of];

auto const literal_def = date_lit_rule | duration_lit | money_lit | decimal_lit | int_lit_rule |
                         bool_lit | string_lit_rule;

auto const param_ref_def = (kw("param") > dotted_name_rule)[detail::set_param];
// `name: value` is a named argument (`at: D`, `counting: days`).
auto const call_arg_def = -(identifier_rule >> ':') >> expression_rule;
auto const call_def = *(identifier_rule >> '.') >> identifier_rule >> '(' > -(call_arg % ',') > ')';
auto const filter_def = identifier_rule >> kw("in") >> additive >> kw("where") > expression_rule;
auto const path_def = (identifier_rule % '.')[detail::set_parts];

auto const conditional_def =
    kw("if") > expression_rule > kw("then") > expression_rule > kw("else") > expression_rule;
auto const group_kind = as<ast::group_kind>[
    kw("any") >> x3::attr(ast::group_kind::any) | kw("all") >> x3::attr(ast::group_kind::all)];
auto const group_def = group_kind >> '{' > *condition_rule > '}';
auto const quantifier_def = x3::lexeme[detail::quantifier_words >> !ident_char] >>
                            identifier_rule > kw("in") > additive >
                            -(kw("where") > expression_rule) > (x3::lit(':') | kw("by")) > expression_rule;

auto const primary_def = conditional | group | quantifier | literal | as_of | param_ref | filter | call |
                         path | ('(' > expression_rule > ')');

auto const unary_neg_def = +(x3::lit('-') >> x3::attr(ast::op::neg)) > primary;
auto const neg_expr_def = unary_neg | primary;
auto const multiplicative_operation_def = detail::multiplicative_ops > neg_expr;
auto const multiplicative_def = neg_expr >> *multiplicative_operation;
auto const additive_operation_def = detail::additive_ops > multiplicative;
auto const additive_def = multiplicative >> *additive_operation;

auto const compare_tail_def = detail::compare_ops > additive;
auto const between_tail_def = kw("between") > additive > kw("and") > additive;
auto const in_tail_def = as<bool>[kw("not") >> x3::attr(true) | x3::attr(false)] >> kw("in") > '{' >
                         (expression_rule % ',') > '}';
auto const is_what_def = kw("set") >> x3::attr(true) | kw("missing") >> x3::attr(false);
auto const is_tail_def = (kw("is") > is_what)[detail::set_is];
auto const tail_def = compare_tail | between_tail | in_tail | is_tail;
auto const test_expr_def = additive >> -tail;

auto const unary_not_def = +(kw("not") >> x3::attr(ast::op::not_)) > test_expr;
auto const not_expr_def = unary_not | test_expr;
auto const and_operation_def = kw("and") >> x3::attr(ast::op::and_) > not_expr;
auto const and_expr_def = not_expr >> *and_operation;
auto const or_operation_def = kw("or") >> x3::attr(ast::op::or_) > and_expr;
auto const or_expr_def = and_expr >> *or_operation;

auto const condition_rule_def = expression_rule >> -string_lit_rule;
auto const key_literal_rule_def =
    date_lit_rule | money_lit | decimal_lit | int_lit_rule | bool_lit | string_lit_rule | path;

BOOST_SPIRIT_DEFINE(expression_rule, identifier_rule, dotted_name_rule, string_lit_rule,
                    date_lit_rule, int_lit_rule, condition_rule, key_literal_rule, or_expr,
                    and_expr, not_expr, unary_not, test_expr, tail, compare_tail, between_tail,
                    in_tail, is_tail, is_what, additive, multiplicative, or_operation,
                    and_operation, additive_operation, multiplicative_operation, neg_expr,
                    unary_neg, primary, conditional, group, quantifier, literal, bool_lit,
                    decimal_lit, money_lit, duration_lit, as_of, param_ref, call, call_arg, filter, path, escape, escape_code,
                    string_end)

}  // namespace entitle::parser

