#include "check/citations.hpp"

#include <catch2/catch.hpp>

using namespace entitle::sema;

TEST_CASE("bracketed pinyin is dropped after Chinese characters only", "[citations]") {
    struct row {
        const char* input;
        const char* expected;
    };
    const row rows[] = {
        {"國務(wù)院", "國務院"},
        {"縣(xiàn)城", "縣城"},
        {"第五代移動通信(5G)網(wǎng)絡(luò)", "第五代移動通信(5G)網絡"},
        {"plain (text) here", "plain (text) here"},
        {"中(文", "中(文"},
        {"中()文", "中()文"},
        {"中(abcdefghijk)文", "中(abcdefghijk)文"},
        {"", ""},
    };
    for (auto& r : rows) {
        INFO(r.input);
        CHECK(strip_pinyin(r.input) == r.expected);
    }
}

TEST_CASE("normalisation makes traditional and simplified quotes meet", "[citations]") {
    text_normalizer n;
    REQUIRE(n.valid());
    CHECK(n.normalize("隨遷子女義務(wù)教育") == "随迁子女义务教育");
    CHECK(n.normalize("随迁子女义务教育") == "随迁子女义务教育");
    CHECK(n.normalize("推進居住證與身份證功能銜接") == "推进居住证与身份证功能衔接");
    // Full-width punctuation and spaces do not matter.
    CHECK(n.normalize("社會保險、住房保障，隨遷") == n.normalize("社会保险、住房保障,随迁"));
    CHECK(n.normalize("居住 证　办理") == "居住证办理");
}
