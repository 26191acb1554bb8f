#include "parser/parse.hpp"

#include "parser/config.hpp"
#include "parser/declaration.hpp"

#include <cstring>
#include <string>

namespace entitle::parser {
namespace {

bool is_ident_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// Offset of the first byte that is not valid UTF-8, or npos.
std::size_t invalid_utf8_at(const std::string& s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return i;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return i;
        if (n == 2 && c < 0xC2) return i;  // overlong
        i += n;
    }
    return std::string::npos;
}

// Skips white space and comments, as the grammar's skipper does.
const char* skip_blank(const char* p, const char* end) {
    while (p != end) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f' || *p == '\v') {
            ++p;
        } else if (*p == '#') {
            while (p != end && *p != '\n') ++p;
        } else {
            break;
        }
    }
    return p;
}

// The token that starts at p, for "but found ..." (a word, or one character).
span token_at(const char* base, const char* p, const char* end) {
    auto begin = static_cast<std::uint32_t>(p - base);
    if (p == end) return {begin, begin};
    const char* q = p;
    if (is_ident_char(*q)) {
        while (q != end && is_ident_char(*q)) ++q;
    } else {
        auto c = static_cast<unsigned char>(*q);
        q += c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (q > end) q = end;
    }
    return {begin, static_cast<std::uint32_t>(q - base)};
}

std::string describe_found(const source_file& src, span token) {
    if (token.begin == token.end) return "the end of the file";
    auto text = src.slice(token);
    if (text == "\"") return "'\"'";
    return "'" + std::string(text) + "'";
}

// Rule names are written for users ("a name"); a bare keyword gets quotes.
std::string describe_expected(std::string which) {
    if (which.size() >= 2 && which.front() == '"' && which.back() == '"')
        which = "'" + which.substr(1, which.size() - 2) + "'";
    if (!which.empty() && which.find(' ') == std::string::npos && which.front() != '\'')
        return "'" + which + "'";
    return which;
}

const char* const declaration_keywords[] = {"enum",  "entity",  "record", "param",    "define",
                                            "table", "service", "score",  "exception"};

// The start of the next line that begins with a declaration keyword.
const char* resynchronise(const char* p, const char* end) {
    while (p != end) {
        while (p != end && *p != '\n') ++p;
        if (p == end) break;
        ++p;
        for (const char* word : declaration_keywords) {
            std::size_t n = std::strlen(word);
            if (static_cast<std::size_t>(end - p) > n && std::strncmp(p, word, n) == 0 &&
                !is_ident_char(p[n]))
                return p;
        }
    }
    return end;
}

template <typename Rule, typename Attr>
bool run(Rule const& rule, const char*& first, const char* last, parse_state& state, Attr& attr) {
    return x3::phrase_parse(first, last, x3::with<parse_state_tag>(state)[rule], skipper, attr);
}

// The name of the grammar's closing-quote rule (expression_def.hpp).
const std::string unterminated_string_rule_name = "a closing '\"' on the same line";

class driver {
public:
    driver(std::shared_ptr<const source_file> src, const check_options& options,
           diagnostics& diags)
        : src_(std::move(src)), diags_(diags) {
        state_.base = src_->text().data();
        state_.max_depth = options.max_nesting;
    }

    parsed_file parse() {
        parsed_file out;
        out.source = src_;
        const char* first = state_.base;
        const char* last = first + src_->text().size();

        if (!attempt(first, last, header(), out.tree.head)) {
            if (diags_.error_count() == errors_before_) {
                span where = token_at(state_.base, skip_blank(first, last), last);
                diags_.error("E105", "a rules file starts with a header: ruleset NAME \"title\"",
                             src_, where)
                    .notes.push_back("found " + describe_found(*src_, where));
            }
            return out;
        }
        out.has_header = true;

        while (true) {
            first = skip_blank(first, last);
            if (first == last) break;
            ast::declaration decl;
            if (attempt(first, last, declaration(), decl)) {
                out.tree.decls.push_back(std::move(decl));
                continue;
            }
            if (diags_.error_count() == errors_before_) {
                span where = token_at(state_.base, first, last);
                diags_.error("E101",
                             "expected a declaration (entity, record, enum, param, define, "
                             "table, service, score or exception), found " +
                                 describe_found(*src_, where),
                             src_, where);
            }
            errors_before_ = diags_.error_count();
            first = resynchronise(first, last);
        }
        return out;
    }

private:
    // Parses one rule at `first`; on an expectation failure or a nesting
    // overflow it reports and returns false (first is left unchanged then).
    template <typename Rule, typename Attr>
    bool attempt(const char*& first, const char* last, Rule const& rule, Attr& attr) {
        errors_before_ = diags_.error_count();
        const char* p = first;
        state_.depth = 0;
        try {
            if (run(rule, p, last, state_, attr)) {
                first = p;
                return true;
            }
        } catch (const x3::expectation_failure<const char*>& e) {
            if (e.which() == unterminated_string_rule_name) {
                const char* open = e.where();
                while (open != state_.base && *open != '"') --open;
                auto b = static_cast<std::uint32_t>(open - state_.base);
                diags_.error("E107", "unterminated string", src_,
                             {b, static_cast<std::uint32_t>(e.where() - state_.base)})
                    .notes.push_back("a string ends with '\"' on the line where it starts");
                return false;
            }
            const char* at = skip_blank(e.where(), last);
            span where = token_at(state_.base, at, last);
            diags_.error("E101",
                         "expected " + describe_expected(e.which()) + ", found " +
                             describe_found(*src_, where),
                         src_, where);
        } catch (const nesting_too_deep& e) {
            const char* at = skip_blank(e.where, last);
            diags_.error("E103",
                         "expressions nest more than " + std::to_string(state_.max_depth) +
                             " levels deep",
                         src_, token_at(state_.base, at, last))
                .notes.push_back("split the condition into named defines");
        }
        return false;
    }

    std::shared_ptr<const source_file> src_;
    diagnostics& diags_;
    parse_state state_;
    std::size_t errors_before_ = 0;
};

}  // namespace

parsed_file parse_file(std::shared_ptr<const source_file> source, const check_options& options,
                       diagnostics& diags) {
    const std::string& text = source->text();
    if (text.size() > options.max_file_bytes) {
        diags.error("E102",
                    "file is " + std::to_string(text.size()) + " bytes, over the limit of " +
                        std::to_string(options.max_file_bytes) + " bytes",
                    source, {0, 0});
        return {std::move(source), false, {}};
    }
    if (auto bad = invalid_utf8_at(text); bad != std::string::npos) {
        auto at = static_cast<std::uint32_t>(bad);
        diags.error("E104", "the file is not valid UTF-8", source, {at, at + 1})
            .notes.push_back("save rules files as UTF-8");
        return {std::move(source), false, {}};
    }
    return driver(std::move(source), options, diags).parse();
}

}  // namespace entitle::parser
