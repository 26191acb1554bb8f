// Instantiates the expression grammar group for the iterator and context in
// config.hpp; nothing else lives here.
#include "parser/expression_def.hpp"

namespace entitle::parser {
BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(identifier_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(dotted_name_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(string_lit_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(date_lit_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(int_lit_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(condition_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(key_literal_type, iterator_type, context_type)

expression_type const& expression() { return expression_rule; }
identifier_type const& identifier() { return identifier_rule; }
dotted_name_type const& dotted_name() { return dotted_name_rule; }
string_lit_type const& string_lit() { return string_lit_rule; }
date_lit_type const& date_lit() { return date_lit_rule; }
int_lit_type const& int_lit() { return int_lit_rule; }
condition_type const& condition() { return condition_rule; }
key_literal_type const& key_literal() { return key_literal_rule; }
}  // namespace entitle::parser
