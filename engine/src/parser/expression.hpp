// Expression grammar group: literals, names, operators, quantifiers, groups
// of labelled conditions and conditionals. The declaration group builds on
// the rules declared here.
#pragma once

#include "parser/ast.hpp"
#include "parser/config.hpp"

namespace entitle::parser {

struct expression_class;
struct identifier_class;
struct dotted_name_class;
struct string_lit_class;
struct date_lit_class;
struct int_lit_class;
struct condition_class;
struct key_literal_class;

using expression_type = x3::rule<expression_class, ast::operand>;
using identifier_type = x3::rule<identifier_class, ast::identifier>;
using dotted_name_type = x3::rule<dotted_name_class, ast::identifier>;
using string_lit_type = x3::rule<string_lit_class, ast::string_lit>;
using date_lit_type = x3::rule<date_lit_class, ast::date_lit>;
using int_lit_type = x3::rule<int_lit_class, ast::int_lit>;
using condition_type = x3::rule<condition_class, ast::condition>;
using key_literal_type = x3::rule<key_literal_class, ast::operand>;

BOOST_SPIRIT_DECLARE(expression_type, identifier_type, dotted_name_type, string_lit_type,
                     date_lit_type, int_lit_type, condition_type, key_literal_type)

expression_type const& expression();
identifier_type const& identifier();
dotted_name_type const& dotted_name();
string_lit_type const& string_lit();
date_lit_type const& date_lit();
int_lit_type const& int_lit();
condition_type const& condition();
key_literal_type const& key_literal();

}  // namespace entitle::parser
