// Definitions of the declaration grammar group (see declaration.hpp).
// Every declaration starts with its keyword and commits with `>` right after
// it: once `service` is read, a missing `for` is an error about the service,
// not a reason to try another kind of declaration.
#pragma once

#include "parser/ast.hpp"
#include "parser/ast_adapted.hpp"
#include "parser/common.hpp"
#include "parser/declaration.hpp"
#include "parser/expression.hpp"

namespace entitle::parser {

namespace detail {
inline auto const set_threshold = [](auto& ctx) {
    auto& node = x3::_val(ctx);
    node.value = x3::_attr(ctx);
    auto where = ast::span_of(node.value);
    node.begin = where.begin;
    node.end = where.end;
};
}

struct header_class : annotate {};
struct declaration_class : annotate {};
struct type_ref_class : annotate {};
struct enum_value_class : annotate {};
struct enum_decl_class : annotate {};
struct field_decl_class : annotate {};
struct record_decl_class : annotate {};
struct param_decl_class : annotate {};
struct define_decl_class : annotate {};
struct define_param_class : annotate {};
struct extend_decl_class : annotate {};
struct table_key_class : annotate {};
struct table_row_class : annotate {};
struct table_decl_class : annotate {};
struct seed_cite_class : annotate {};
struct external_cite_class : annotate {};
struct citation_class : annotate {};
struct requirement_class : annotate {};
struct score_item_class : annotate {};
struct threshold_class : annotate {};
struct service_member_class : annotate {};
struct service_decl_class : annotate {};
struct when_clause_class : annotate {};
struct exception_member_class : annotate {};
struct exception_decl_class : annotate {};

header_type const header_rule = "a ruleset header";
declaration_type const declaration_rule =
    "a declaration (entity, record, extend, enum, param, define, table, service, score or exception)";

x3::rule<type_ref_class, ast::type_ref> const type_ref = "a type";
x3::rule<enum_value_class, ast::enum_value> const enum_value = "an enum value";
x3::rule<enum_decl_class, ast::enum_decl> const enum_decl = "an enum";
x3::rule<field_decl_class, ast::field_decl> const field_decl = "a field";
x3::rule<record_decl_class, ast::record_decl> const record_decl = "an entity or record";
x3::rule<param_decl_class, ast::param_decl> const param_decl = "a parameter";
x3::rule<define_decl_class, ast::define_decl> const define_decl = "a define";
x3::rule<define_param_class, ast::define_param> const define_param = "a parameter (name: type)";
x3::rule<extend_decl_class, ast::extend_decl> const extend_decl = "an extension of a type";
x3::rule<table_key_class, ast::table_key> const table_key = "a table key";
x3::rule<table_row_class, ast::table_row> const table_row = "a table row";
x3::rule<table_decl_class, ast::table_decl> const table_decl = "a table";
x3::rule<seed_cite_class, ast::seed_cite> const seed_cite = "a paragraph citation";
x3::rule<external_cite_class, ast::external_cite> const external_cite = "a reference";
x3::rule<citation_class, ast::service_member> const citation =
    "a paragraph number and quote, or a reference string";
x3::rule<requirement_class, ast::requirement> const requirement = "a condition";
x3::rule<score_item_class, ast::score_item> const score_item = "a score item";
x3::rule<threshold_class, ast::threshold> const threshold = "a threshold";
x3::rule<service_member_class, ast::service_member> const service_member = "a service clause";
x3::rule<service_decl_class, ast::service_decl> const service_decl = "a service";
x3::rule<when_clause_class, ast::requirement> const when_clause = "a condition";
x3::rule<exception_member_class, ast::service_member> const exception_member = "an exception clause";
x3::rule<exception_decl_class, ast::exception_decl> const exception_decl = "an exception";

// Rules of the expression group, by type: their parse functions are
// instantiated in expression.cpp.
identifier_type const name = "a name";
string_lit_type const text = "a string in double quotes";
date_lit_type const date = "a date (YYYY-MM-DD)";
expression_type const expr = "an expression";
int_lit_type const paragraph_number = "a paragraph number";
dotted_name_type const param_name = "a parameter name";
condition_type const condition_clause = "a condition";
key_literal_type const key_value = "a table key (a value, a name or a range)";

auto const header_rule_def = kw("ruleset") > name > -text > -(kw("extends") > name) >
                             -(kw("source") > text) > -(kw("effective") > date) >
                             -(kw("to") > date) > -(kw("entitlements") > (paragraph_number % ','));

auto const type_ref_def = as<bool>[kw("optional") >> x3::attr(true) | x3::attr(false)] >>
                          as<bool>[kw("signed") >> x3::attr(true) | x3::attr(false)] >>
                          as<bool>[(kw("list") > kw("of")) >> x3::attr(true) | x3::attr(false)] >
                          name;

auto const enum_value_def = name >> -text;
auto const enum_decl_def =
    kw("enum") > name > -text > '{' > *(enum_value >> -x3::lit(',')) > '}';

auto const field_decl_def = name > ':' > type_ref > -text;
auto const record_decl_def = as<bool>[kw("entity") >> x3::attr(true) | kw("record") >> x3::attr(false)] >
                             name > -text > '{' > *field_decl > '}';

auto const param_decl_def = kw("param") > param_name > -text > ':' > type_ref >
                            -(kw("unit") > text) > -('=' > expr);

auto const define_param_def = name > ':' > type_ref;
auto const define_decl_def = kw("define") > name > -('(' > -(define_param % ',') > ')') > -text >
                             -(kw("for") > name) > '=' > expr;
auto const extend_decl_def = kw("extend") > x3::omit[-(kw("entity") | kw("record"))] > name > '{' >
                             *field_decl > '}';

auto const range_dots = as<bool>[x3::lit("..<") >> x3::attr(true) | x3::lit("..") >> x3::attr(false)];
auto const open_end = x3::attr(ast::operand());
auto const table_key_def =
    kw("else") >> x3::attr(ast::key_kind::otherwise) >> open_end >> x3::attr(false) >> open_end |
    x3::attr(ast::key_kind::range) >> (key_value | open_end) >> range_dots >>
        (key_value | open_end) |
    x3::attr(ast::key_kind::value) >> key_value >> x3::attr(false) >> open_end;
auto const table_row_def = table_key > ':' > expr;
auto const table_decl_def = kw("table") > name > -text > ':' > type_ref > "->" > type_ref >
                            '{' > *table_row > '}';

auto const seed_cite_def = paragraph_number > text;
auto const external_cite_def = text > -(kw("url") > text);
auto const citation_def = seed_cite | external_cite;
auto const requirement_def =
    as<bool>[kw("requires") >> x3::attr(false) | kw("unless") >> x3::attr(true)] > condition_clause;
auto const score_item_def =
    kw("item") > name > -text > '=' > expr > -(kw("cap") > expr);
auto const threshold_def = (kw("threshold") > expr)[detail::set_threshold];
auto const service_member_def =
    (kw("cites") > citation) | requirement | score_item | threshold;
auto const service_decl_def =
    as<bool>[kw("service") >> x3::attr(false) | kw("score") >> x3::attr(true)] > name > -text >
    kw("for") > name > *service_member;

auto const when_clause_def = kw("when") >> x3::attr(false) > condition_clause;
auto const exception_member_def = (kw("cites") > citation) | when_clause;
auto const conclusion =
    x3::rule<struct conclusion_id, bool>{"'eligible' or 'not_eligible'"} =
        kw("eligible") >> x3::attr(true) | kw("not_eligible") >> x3::attr(false);
auto const exception_decl_def = kw("exception") > name > -text > kw("to") > name > -(kw("over") > name) >
                                *exception_member > kw("then") > conclusion;

auto const declaration_rule_def =
    enum_decl | record_decl | extend_decl | param_decl | define_decl | table_decl | service_decl |
    exception_decl;

BOOST_SPIRIT_DEFINE(header_rule, declaration_rule, type_ref, enum_value, enum_decl, field_decl,
                    record_decl, extend_decl, param_decl, define_decl, define_param, table_key, table_row, table_decl,
                    seed_cite, external_cite, citation, requirement, score_item, threshold,
                    service_member, service_decl, when_clause, exception_member, exception_decl)

}  // namespace entitle::parser
