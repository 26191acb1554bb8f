// Pieces every grammar group uses: position annotation, the nesting guard,
// keywords and reserved words.
#pragma once

#include "parser/ast.hpp"
#include "parser/config.hpp"

#include <type_traits>

namespace entitle::parser {

// Base of every rule ID whose attribute is an AST node: records the node's
// byte span (after leading white space) in the node itself.
struct annotate {
    template <typename Iterator, typename Attribute, typename Context>
    void on_success(Iterator const& first, Iterator const& last, Attribute& attr,
                    Context const& context) const {
        if constexpr (std::is_base_of_v<ast::node, Attribute>) {
            const parse_state& state = x3::get<parse_state_tag>(context);
            attr.begin = static_cast<std::uint32_t>(first - state.base);
            attr.end = static_cast<std::uint32_t>(last - state.base);
        }
    }
};

// For semantic actions that fill a node from an x3::raw range: X3 hands a
// rule with actions no attribute to annotate, so the action records the span.
template <typename Context, typename Range, typename Node>
void tag(Context const& ctx, Range const& range, Node& node) {
    const parse_state& state = x3::get<parse_state_tag>(ctx);
    node.begin = static_cast<std::uint32_t>(range.begin() - state.base);
    node.end = static_cast<std::uint32_t>(range.end() - state.base);
}

// guard[p]: parses p one level deeper; past the limit it throws
// nesting_too_deep, so hostile input cannot exhaust the stack.
template <typename Subject>
struct nesting_guard : x3::unary_parser<Subject, nesting_guard<Subject>> {
    using base_type = x3::unary_parser<Subject, nesting_guard<Subject>>;
    static bool const is_pass_through_unary = true;
    constexpr nesting_guard(Subject const& subject) : base_type(subject) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& context, RContext& rcontext,
               Attribute& attr) const {
        parse_state& state = x3::get<parse_state_tag>(context);
        if (state.depth >= state.max_depth) throw nesting_too_deep{first};
        ++state.depth;
        struct leave {
            int& depth;
            ~leave() { --depth; }
        } on_exit{state.depth};
        return this->subject.parse(first, last, context, rcontext, attr);
    }
};

struct nesting_guard_gen {
    template <typename Subject>
    constexpr nesting_guard<typename x3::extension::as_parser<Subject>::value_type> operator[](
        Subject const& subject) const {
        return {x3::as_parser(subject)};
    }
};
inline constexpr nesting_guard_gen guard{};

// as<T>[p]: parses p into a T. Needed where alternatives yield the same type
// (`kw("a") >> attr(true) | kw("b") >> attr(false)`), which X3 would
// otherwise synthesise as a variant.
template <typename T>
struct as_gen {
    template <typename Parser>
    auto operator[](Parser const& p) const {
        return x3::rule<struct as_id, T>{"a keyword"} = x3::as_parser(p);
    }
};
template <typename T>
inline constexpr as_gen<T> as{};

inline auto const ident_start = x3::char_("a-zA-Z_");
inline auto const ident_char = x3::char_("a-zA-Z0-9_");
inline auto const digit = x3::char_("0-9");

struct keyword_id;
// A whole word: `kw("in")` does not match the start of `income`. The rule's
// name is the word, which expectation errors quote.
inline auto kw(char const* word) {
    return x3::rule<keyword_id>{word} = x3::lexeme[x3::lit(word) >> !ident_char];
}

// Words that can never be names of fields, defines, tables or variables.
inline auto const reserved_word = x3::lexeme[
    (x3::lit("and") | "or" | "not" | "in" | "between" | "is" | "if" | "then" | "else" |
     "any" | "all" | "count" | "sum" | "true" | "false" | "param" | "as_of" | "ruleset" |
     "entity" | "record" | "enum" | "define" | "table" | "service" | "score" | "requires" |
     "unless" | "cites" | "item" | "threshold" | "cap" | "for" | "exception" | "where" |
     "extend") >>
    !ident_char];

}  // namespace entitle::parser
