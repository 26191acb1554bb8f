// Instantiates the declaration grammar group; nothing else lives here.
#include "parser/declaration_def.hpp"

namespace entitle::parser {
BOOST_SPIRIT_INSTANTIATE(header_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(declaration_type, iterator_type, context_type)

header_type const& header() { return header_rule; }
declaration_type const& declaration() { return declaration_rule; }
}  // namespace entitle::parser
