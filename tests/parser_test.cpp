// Table-driven parser tests: {expression, expected dump} and {input,
// expected error}. Expressions are parsed as the body of a define, so they
// go through the same grammar entry points as real files.
#include "parser/parse.hpp"

#include <catch2/catch.hpp>

using namespace entitle;

namespace {

struct parse_outcome {
    std::string dump;  // of the whole file
    std::string errors;
};

parse_outcome parse_text(const std::string& text, check_options options = {}) {
    auto src = std::make_shared<source_file>("t.rules", text);
    diagnostics diags;
    auto parsed = parser::parse_file(src, options, diags);
    return {parser::dump(parsed.tree), render_text(diags, false)};
}

// The dump of the expression `e`, as a define body.
std::string expr_dump(const std::string& e) {
    auto out = parse_text("ruleset t\ndefine x for P = " + e + "\n");
    INFO(out.errors);
    REQUIRE(out.errors.empty());
    auto at = out.dump.find("\n  ");
    REQUIRE(at != std::string::npos);
    std::string body = out.dump.substr(at + 3);
    return body.substr(0, body.size() - 2);  // drop ")\n" of the define
}

}  // namespace

TEST_CASE("expressions parse with the documented precedence", "[parser]") {
    struct row {
        const char* input;
        const char* expected;
    };
    const row rows[] = {
        {"1 + 2 * 3", "(+ 1 (* 2 3))"},
        {"(1 + 2) * 3", "(* (+ 1 2) 3)"},
        {"1 - 2 - 3", "(- (- 1 2) 3)"},
        {"a / b * c", "(* (/ a b) c)"},
        {"a + b - c * d", "(- (+ a b) (* c d))"},
        {"a or b and c", "(or a (and b c))"},
        {"not a and b", "(and (not a) b)"},
        {"not a = b", "(not (= a b))"},
        {"not not a", "(not (not a))"},
        {"-x * 2", "(* (- x) 2)"},
        {"a.b.c >= 3", "(>= a.b.c 3)"},
        {"x between 6 and 15 and y", "(and (between x 6 15) y)"},
        {"x in {a, b}", "(in x a b)"},
        {"x not in {1}", "(not-in x 1)"},
        {"housing is set", "(is-set housing)"},
        {"housing is missing", "(is-missing housing)"},
        {"6 months", "(duration 6 months)"},
        {"1 year", "(duration 1 years)"},
        {"3000 yuan", "(money 3000)"},
        {"0.8 * 2.5", "(* 0.8 2.5)"},
        {"2024-07-31", "2024-07-31"},
        {"as_of", "as_of"},
        {"true or false", "(or true false)"},
        {"\"随迁\\\"子女\\\"\"", "\"随迁\\\"子女\\\"\""},
        {"param school.min_pension", "(param school.min_pension)"},
        {"date(year(as_of), 8, 31)", "(call date (call year as_of) 8 31)"},
        {"age(birth_date, 2024-08-31) < 16", "(< (call age birth_date 2024-08-31) 16)"},
        {"max()", "(call max)"},
        {"if a then 1 else if b then 2 else 3", "(if a 1 (if b 2 3))"},
        {"any c in children: c.age > 5", "(any c children (> c.age 5))"},
        {"count c in children: c.school", "(count c children c.school)"},
        {"sum i in items: i.points", "(sum i items i.points)"},
        {"all { a \"甲\" b }", "(all-of (label \"甲\" a) b)"},
        {"any { a b \"乙\" }", "(any-of a (label \"乙\" b))"},
        {"income # a comment\n >= 3000 yuan", "(>= income (money 3000))"},
        {"a != b", "(!= a b)"},
        {"a == b", "(= a b)"},
        {"anything and counted", "(and anything counted)"},
    };
    for (const auto& r : rows) {
        INFO("input: " << r.input);
        CHECK(expr_dump(r.input) == r.expected);
    }
}

TEST_CASE("syntax errors are located and worded for users", "[parser]") {
    struct row {
        const char* input;
        const char* expected;  // a substring of the rendered diagnostics
    };
    const row rows[] = {
        {"ruleset t\nservice s \"x\" Person\n", "t.rules:2:15: error[E101]: expected 'for', found 'Person'"},
        {"ruleset t\ndefine x for P = (1 + 2\n", "t.rules:3:1: error[E101]: expected ')', found the end of the file"},
        {"ruleset t\ndefine x for P = 1 +\n", "error[E101]: expected an expression, found the end of the file"},
        {"ruleset t\ndefine x for P = a between 1 or 2\n", "expected 'and', found 'or'"},
        {"ruleset t\ndefine x for P = \"open\n", "t.rules:2:18: error[E107]: unterminated string"},
        {"ruleset t\nentity P { a int }\n", "t.rules:2:14: error[E101]: expected ':', found 'int'"},
        {"ruleset t\nentity P { a: list int }\n", "expected 'of', found 'int'"},
        {"ruleset t\nparam 1x: int\n", "expected a parameter name, found '1x'"},
        {"ruleset t\nservice s \"x\" for P\n  cites seven \"x\"\n",
         "expected a paragraph number and quote, or a reference string, found 'seven'"},
        {"ruleset t\ntable t: int -> int { 1 2 }\n", "expected ':', found '2'"},
        {"ruleset t\nwhatever\n", "error[E101]: expected a declaration"},
        {"service s \"x\" for P\n", "t.rules:1:1: error[E105]: a rules file starts with a header"},
        {"ruleset t\ndefine and for P = 1\n", "expected a name, found 'and'"},
        {"ruleset t\ndefine x for P = \"a\\q\"\n", "expected an escape"},
    };
    for (const auto& r : rows) {
        INFO("input: " << r.input);
        auto out = parse_text(r.input);
        CHECK_THAT(out.errors, Catch::Contains(r.expected));
    }
}

TEST_CASE("the parser keeps going after an error", "[parser]") {
    auto out = parse_text(
        "ruleset t\n"
        "service a \"x\" Person\n"
        "  requires x\n"
        "service b \"y\" for Person\n"
        "  requires y\n"
        "entity Q { z }\n"
        "service c \"z\" for Person\n");
    CHECK_THAT(out.errors, Catch::Contains("t.rules:2:15"));
    CHECK_THAT(out.errors, Catch::Contains("t.rules:6:14"));
    // The declarations between the errors are kept.
    CHECK_THAT(out.dump, Catch::Contains("(service b"));
    CHECK_THAT(out.dump, Catch::Contains("(service c"));
}

TEST_CASE("limits turn hostile input into errors, not crashes", "[parser][limits]") {
    SECTION("deep nesting") {
        std::string deep = "ruleset t\ndefine x for P = " + std::string(5000, '(') + "1" + std::string(5000, ')');
        CHECK_THAT(parse_text(deep).errors, Catch::Contains("error[E103]: expressions nest more than 48 levels"));
    }
    SECTION("deep nesting through conditionals and quantifiers") {
        std::string deep = "ruleset t\ndefine x for P = ";
        for (int i = 0; i < 3000; ++i) deep += "if a then any c in l: ";
        deep += "1";
        CHECK_THAT(parse_text(deep).errors, Catch::Contains("error[E103]"));
    }
    SECTION("the limit is configurable") {
        check_options o;
        o.max_nesting = 3;
        CHECK_THAT(parse_text("ruleset t\ndefine x for P = ((((1))))", o).errors, Catch::Contains("E103"));
        CHECK(parse_text("ruleset t\ndefine x for P = ((1))", o).errors.empty());
    }
    SECTION("file size") {
        check_options o;
        o.max_file_bytes = 10;
        CHECK_THAT(parse_text("ruleset t\ndefine x for P = 1", o).errors,
                   Catch::Contains("error[E102]: file is 28 bytes, over the limit of 10 bytes"));
    }
    SECTION("invalid UTF-8") {
        CHECK_THAT(parse_text("ruleset t \"\xC3\x28\"").errors,
                   Catch::Contains("t.rules:1:12: error[E104]: the file is not valid UTF-8"));
    }
    SECTION("long operator chains are flat, not deep") {
        std::string chain = "ruleset t\ndefine x for P = 1";
        for (int i = 0; i < 20000; ++i) chain += " + 1";
        CHECK(parse_text(chain).errors.empty());
        std::string nots = "ruleset t\ndefine x for P = " + [] {
            std::string s;
            for (int i = 0; i < 20000; ++i) s += "not ";
            return s;
        }() + "a";
        CHECK(parse_text(nots).errors.empty());
    }
    SECTION("a number too large to hold") {
        CHECK_THAT(parse_text("ruleset t\ndefine x for P = 99999999999999999999999").errors,
                   Catch::Contains("E101"));
    }
}
