// Fusion adaptations so X3 can fill the AST structs by position. Structs with
// a single member are filled by semantic actions in the grammar instead
// (X3's single-element sequences are fragile), so they are not listed here.
#pragma once

#include "parser/ast.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

BOOST_FUSION_ADAPT_STRUCT(entitle::ast::duration_lit, amount, unit)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::date_lit, year, month, day)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::call_arg, name, value)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::call, target, name, args)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::filter, var, list, cond)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::unary, ops, rhs)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::operation, oper, rhs)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::binary, first, rest)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::compare_tail, oper, rhs)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::between_tail, low, high)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::in_tail, negated, items)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::test, subject, rest)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::quantifier, kind, var, list, cond, body)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::condition, expr, label)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::group, kind, items)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::conditional, cond, then_, else_)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::type_ref, optional, is_signed, list, name)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::header, name, title, extends, source, effective_from,
                          effective_to, entitlements)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::enum_value, name, label)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::enum_decl, name, label, values)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::field_decl, name, type, label)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::record_decl, is_entity, name, label, fields)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::param_decl, name, label, type, unit, default_value)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::define_param, name, type)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::define_decl, name, params, label, subject, value)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::extend_decl, name, fields)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::table_key, kind, low, half_open, high)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::table_row, key, value)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::table_decl, name, label, key_type, value_type, rows)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::seed_cite, paragraph, quote)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::external_cite, reference, url)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::requirement, unless, cond)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::score_item, name, label, value, cap)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::service_decl, is_score, name, title, subject, members)
BOOST_FUSION_ADAPT_STRUCT(entitle::ast::exception_decl, name, title, service, over, members, grants)
