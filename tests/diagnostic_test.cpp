#include <entitle/diagnostic.hpp>

#include <catch2/catch.hpp>

#include <algorithm>

using namespace entitle;

TEST_CASE("positions count lines from 1 and columns in code points", "[diagnostic]") {
    source_file src("a.rules", "ab\n中文x\n\nlast");
    CHECK(src.position(0).line == 1);
    CHECK(src.position(0).column == 1);
    CHECK(src.position(3).line == 2);
    CHECK(src.position(9).column == 3);  // after two three-byte characters
    CHECK(src.position(11).line == 3);
    CHECK(src.line(2) == "中文x");
    CHECK(src.line(4) == "last");
    CHECK(src.line(5).empty());
    CHECK(src.position(1000).line == 4);
}

TEST_CASE("text rendering follows clang's layout", "[diagnostic]") {
    auto src = std::make_shared<source_file>("r.rules", "ruleset t\n  requires 中文 > 3\n");
    diagnostics d;
    d.warning("W101", "second", src, {0, 7});
    d.error("E201", "first in line 2", src, {21, 27}).notes.push_back("did you mean 'x'?");
    CHECK(render_text(d) ==
          "r.rules:1:1: warning[W101]: second\n"
          " 1 | ruleset t\n"
          "   | ^~~~~~~\n"
          "r.rules:2:12: error[E201]: first in line 2\n"
          " 2 |   requires 中文 > 3\n"
          "   |            ^~~~\n"
          "note: did you mean 'x'?\n"
          "1 error and 1 warning generated.\n");
}

TEST_CASE("JSON rendering escapes and counts", "[diagnostic]") {
    auto src = std::make_shared<source_file>("r.rules", "x \"q\"\n");
    diagnostics d;
    d.error("E101", "expected \"for\"", src, {2, 5});
    d.error("E001", "no such file or folder: a\\b");
    CHECK(render_json(d) ==
          "{\"diagnostics\":[{\"severity\":\"error\",\"code\":\"E001\",\"message\":\"no such file or folder: "
          "a\\\\b\",\"notes\":[]},{\"severity\":\"error\",\"code\":\"E101\",\"message\":\"expected \\\"for\\\"\","
          "\"file\":\"r.rules\",\"line\":1,\"column\":3,\"end_line\":1,\"end_column\":6,\"notes\":[]}],"
          "\"omitted\":0,\"errors\":2,\"warnings\":0}\n");
}

TEST_CASE("renderers show the first 100 diagnostics and count the rest", "[diagnostic]") {
    auto src = std::make_shared<source_file>("r.rules", std::string(2000, 'x'));
    diagnostics d;
    for (std::uint32_t i = 0; i < 1500; ++i) d.error("E101", "bad " + std::to_string(i), src, {i, i + 1});
    std::string text = render_text(d);
    CHECK(std::count(text.begin(), text.end(), '\n') == 3 * 100 + 2);  // 100 excerpts, the rest counted, the summary
    CHECK_THAT(text, Catch::Contains("bad 99\n") && !Catch::Contains("bad 100\n"));
    CHECK_THAT(text, Catch::EndsWith("... and 1400 more diagnostics not shown\n1500 errors generated.\n"));
    std::string json = render_json(d);
    CHECK_THAT(json, Catch::Contains("\"omitted\":1400,\"errors\":1500,"));
    CHECK_THAT(json, Catch::Contains("bad 99\"") && !Catch::Contains("bad 100\""));
}

TEST_CASE("control characters and bytes that are not UTF-8 never reach an output raw", "[diagnostic]") {
    // An escape sequence (clear screen, retitle) in a message and in the excerpt.
    auto src = std::make_shared<source_file>("r.rules", "x \x1b]0;owned\x07 \xff\xfe y\n");
    diagnostics d;
    d.error("E702", "key \x1b[2J\xc2\x9b\xe4\xb8 is unknown", src, {2, 3});
    std::string text = render_text(d, false);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find('\x07') == std::string::npos);
    CHECK_THAT(text, Catch::Contains("key \\x1b[2J\\xc2\\x9b\\xe4\\xb8 is unknown"));
    CHECK_THAT(text, Catch::Contains("x \\x1b]0;owned\\x07 \\xff\\xfe y"));
    std::string json = render_json(d);
    CHECK_THAT(json, Catch::Contains("key \\u001b[2J\xc2\x9b\\ufffd\\ufffd is unknown"));  // U+009B is well-formed: JSON may carry it
    for (unsigned char c : json) CHECK((c >= 0x20 || c == '\n'));
}

TEST_CASE("a long line is shown as a window around the caret", "[diagnostic]") {
    std::string line = "x = " + std::string(300, 'a') + " bad " + std::string(300, 'b');
    auto src = std::make_shared<source_file>("long.rules", line + "\n");
    diagnostics d;
    d.error("E101", "here", src, {305, 308});
    std::string text = render_text(d, false);
    auto excerpt = text.substr(text.find('\n') + 1);
    CHECK_THAT(excerpt, Catch::StartsWith(" 1 | ..."));
    CHECK_THAT(excerpt, Catch::Contains("bad"));
    CHECK(excerpt.find('\n') < 140);  // the excerpt line stays short
    // The caret still sits under `bad`.
    auto first = excerpt.substr(0, excerpt.find('\n'));
    auto second = excerpt.substr(excerpt.find('\n') + 1);
    CHECK(second.find('^') == first.find("bad"));
}
