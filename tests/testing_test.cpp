// Rule tests (testing.hpp): reading test files, running cases, coverage and
// JUnit XML, on small rules written here.
#include <entitle/entitle.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace entitle;

namespace {

std::shared_ptr<const source_file> text(const std::string& name, const std::string& s) {
    return std::make_shared<source_file>(name, s);
}

const char* const rules = R"(ruleset t "t"
entity P { local: bool "本地"  age: int "年龄" }
service s "s" for P
  requires local "本地户籍"
  requires age >= 18 "成年"
service u "u" for P
  requires age < 60 "未满60岁"
)";

}  // namespace

TEST_CASE("test files: every mistake is located", "[testing]") {
    struct row {
        const char* yaml;
        const char* error;
    };
    const row rows[] = {
        {"name: not a list\n", "1:1: error[E711]: a test file is a list of cases"},
        {"- just text\n", "1:3: error[E711]: a case is a mapping with name, profile and expect"},
        {"- profile: p.yaml\n  expect: {s: eligible}\n", "a case needs a name"},
        {"- name: x\n  expect: {s: eligible}\n", "case 'x' needs a profile"},
        {"- name: x\n  profile: p.yaml\n", "case 'x' needs expect"},
        {"- name: x\n  profile: p.yaml\n  expect: {s: yes}\n", "3:15: error[E711]: a verdict is eligible, not_eligible or undetermined"},
        {"- name: x\n  profile: p.yaml\n  expect: {s: {verdict: fine}}\n", "a verdict is eligible, not_eligible or undetermined"},
        {"- name: x\n  profile: p.yaml\n  expect: {s: {value: lots}}\n", "value is a number (a score's total)"},
        {"- name: x\n  profile: p.yaml\n  expect: {s: {failed: oops}}\n", "failed is a list of strings"},
        {"- name: x\n  profile: p.yaml\n  expect: {s: {why: 1}}\n", "unknown key 'why' (verdict, failed, missing, value)"},
        {"- name: x\n  as_of: soon\n  profile: p.yaml\n  expect: {s: eligible}\n", "2:10: error[E711]: as_of is a date YYYY-MM-DD"},
        {"- name: x\n  profile: [1]\n  expect: {s: eligible}\n", "profile is a file name or a mapping"},
        {"- [unclosed\n", "error[E711]: not valid YAML"},
    };
    for (const auto& r : rows) {
        INFO(r.yaml);
        auto file = load_tests(text("t.yaml", r.yaml));
        CHECK_THAT(render_text(file.diags), Catch::Contains(r.error));
        CHECK(file.diags.has_errors());
    }
}

TEST_CASE("a case passes or fails on each expectation; coverage counts what the cases saw", "[testing]") {
    auto suite = load_tests(text("cases.yaml", R"(- name: 本地成年人
  as_of: 2025-01-01
  profile: {entity: P, facts: {local: true, age: 30}}
  expect:
    s: eligible
    u: {verdict: eligible}
- name: 未成年
  as_of: 2025-01-01
  profile: {entity: P, facts: {local: true, age: 12}}
  expect:
    s: {verdict: not_eligible, failed: [成年]}
- name: 错误的期望
  as_of: 2025-01-01
  profile: {entity: P, facts: {local: false}}
  expect:
    s: {verdict: eligible, missing: [age]}
)"));
    INFO(render_text(suite.diags));
    REQUIRE_FALSE(suite.diags.has_errors());
    REQUIRE(suite.cases.size() == 3);
    test_runner runner({text("t.rules", rules)});
    std::vector<case_result> results;
    for (const auto& c : suite.cases) results.push_back(runner.run(c));
    CHECK(results[0].passed);
    CHECK(results[1].passed);
    CHECK_FALSE(results[2].passed);
    REQUIRE(results[2].failures.size() == 2);
    CHECK(results[2].failures[0] == "s: expected eligible, got not_eligible");
    CHECK(results[2].failures[1] == "s: expected missing [age], got []");

    auto coverage = runner.coverage();
    CHECK(coverage.services == 2);
    CHECK(coverage.untested.empty());
    // 本地户籍 and 成年 were seen both ways; 未满60岁 only true (ages 30, 12, unknown).
    std::size_t full = 0;
    for (const auto& c : coverage.conditions) {
        full += c.seen_true && c.seen_false ? 1 : 0;
        if (c.label == "未满60岁") CHECK((c.seen_true && !c.seen_false));
    }
    CHECK(coverage.conditions.size() == 3);
    CHECK(full == 2);
    CHECK_FALSE(coverage.complete());

    std::string xml = render_junit(results);
    CHECK_THAT(xml, Catch::Contains("<testsuites name=\"entitle\" tests=\"3\" failures=\"1\">"));
    CHECK_THAT(xml, Catch::Contains("<testcase classname=\"cases.yaml\" name=\"本地成年人\"/>"));
    CHECK_THAT(xml, Catch::Contains("failure message=\"s: expected eligible, got not_eligible\""));
}

TEST_CASE("a case whose rules or profile do not load fails with the reason", "[testing]") {
    auto suite = load_tests(text("cases.yaml", R"(- name: 未知的规则集
  rules: nowhere
  as_of: 2025-01-01
  profile: {entity: P, facts: {local: true}}
  expect: {s: eligible}
- name: 画像有误
  as_of: 2025-01-01
  profile: {entity: P, facts: {age: many}}
  expect: {s: eligible}
- name: 画像文件不存在
  as_of: 2025-01-01
  profile: no-such-profile.yaml
  expect: {s: eligible}
)"));
    REQUIRE(suite.cases.size() == 3);
    test_runner runner({text("t.rules", rules)});
    auto a = runner.run(suite.cases[0]);
    CHECK_FALSE(a.passed);
    CHECK_THAT(render_text(a.diags), Catch::Contains("no ruleset named 'nowhere'"));
    auto b = runner.run(suite.cases[1]);
    CHECK_FALSE(b.passed);
    // The profile is inline: its error points into the test file.
    CHECK_THAT(render_text(b.diags), Catch::Contains("cases.yaml:8:37: error[E703]: age"));
    auto c = runner.run(suite.cases[2]);
    CHECK_FALSE(c.passed);
    CHECK_THAT(render_text(c.diags), Catch::Contains("cannot read the profile no-such-profile.yaml"));
}

TEST_CASE("coverage names the entitlement paragraphs no service cites, and the services no case tests", "[testing]") {
    auto cited = text("cited.rules", R"(ruleset cited "t"
  source "seeds/urbanization-plan-2024.zh.txt"
  entitlements 7, 9
entity P { local: bool "本地" }
service school "school" for P
  cites 7 "随迁子女义务教育"
  requires local "本地户籍"
service other "other" for P
  requires local "本地户籍"
)");
    auto suite = load_tests(text("cases.yaml", R"(- name: 本地
  as_of: 2025-01-01
  profile: {entity: P, facts: {local: true}}
  expect: {school: eligible}
)"));
    REQUIRE(suite.cases.size() == 1);
    test_runner runner({cited});
    auto result = runner.run(suite.cases[0]);
    INFO(render_text(result.diags));
    CHECK(result.passed);
    auto coverage = runner.coverage();
    CHECK(coverage.paragraphs == 2);
    REQUIRE(coverage.uncited.size() == 1);
    CHECK(coverage.uncited[0] == std::pair<std::string, int>{"cited", 9});
    REQUIRE(coverage.untested.size() == 1);
    CHECK(coverage.untested[0] == std::pair<std::string, std::string>{"cited", "other"});
    CHECK_FALSE(coverage.complete());
}
