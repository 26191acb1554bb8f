// The one place that fixes the iterator, skipper and context types every
// grammar translation unit is instantiated with. A mismatch shows up as an
// undefined `parse_rule` at link time, so nothing else may spell them.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <type_traits>

namespace entitle::parser {

namespace x3 = boost::spirit::x3;

// Per-parse state reached from every rule through the context: where the
// text starts (spans are offsets from here) and how deep expressions nest.
struct parse_state {
    const char* base = nullptr;
    int depth = 0;
    int max_depth = 48;
};
struct parse_state_tag;

// Thrown by the nesting guard; the driver turns it into diagnostic E103.
struct nesting_too_deep {
    const char* where;
};

using iterator_type = const char*;

// White space and `#` comments to the end of the line. Character sets are
// spelled out (not x3::space) so bytes of UTF-8 text never reach <cctype>.
inline auto const skipper =
    +x3::char_(" \t\r\n\f\v") | x3::lexeme['#' >> *(x3::char_ - '\n')];
using skipper_type = std::remove_cv_t<decltype(skipper)>;

using phrase_context_type = x3::phrase_parse_context<skipper_type>::type;
using context_type = x3::context<parse_state_tag, parse_state, phrase_context_type>;

}  // namespace entitle::parser
