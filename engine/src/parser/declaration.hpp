// Declaration grammar group: the ruleset header and the top-level
// declarations (enum, entity/record, param, define, table, service/score).
// The driver (parse.cpp) parses one declaration at a time so that it can
// resynchronise after a syntax error and report the next one too.
#pragma once

#include "parser/ast.hpp"
#include "parser/config.hpp"

namespace entitle::parser {

struct header_class;
struct declaration_class;

using header_type = x3::rule<header_class, ast::header>;
using declaration_type = x3::rule<declaration_class, ast::declaration>;

BOOST_SPIRIT_DECLARE(header_type, declaration_type)

header_type const& header();
declaration_type const& declaration();

}  // namespace entitle::parser
