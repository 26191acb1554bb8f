// Golden tests: valid rules -> AST dumps; bad rules -> rendered diagnostics.
// Inputs live in tests/parse and tests/check; each golden file sits beside
// its input. ENTITLE_UPDATE_GOLDEN=1 regenerates them.
#include "golden.hpp"

#include <map>
#include <regex>

#include "parser/parse.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

namespace fs = std::filesystem;
using namespace entitle;

namespace {

std::vector<fs::path> entries(const fs::path& dir, bool with_folders) {
    std::vector<fs::path> out;
    for (auto& e : fs::directory_iterator(dir))
        if ((e.is_regular_file() && e.path().extension() == ".rules") || (with_folders && e.is_directory()))
            out.push_back(fs::relative(e.path(), fs::current_path()));
    std::sort(out.begin(), out.end());
    return out;
}

// `# test-options: max_file_bytes=N max_nesting=N` on a first line sets limits.
check_options options_for(const std::string& text) {
    check_options o;
    const std::string key = "test-options: max_file_bytes=";
    if (auto at = text.find(key); at != std::string::npos) o.max_file_bytes = std::stoul(text.substr(at + key.size()));
    return o;
}

}  // namespace

TEST_CASE("valid rules parse to their golden AST dumps and check clean", "[golden][parser]") {
    auto files = entries("tests/parse", false);
    REQUIRE(files.size() >= 4);
    for (const auto& path : files) {
        INFO("input: " << path.generic_string());
        auto sources = testing::sources_of(path);
        REQUIRE(sources.size() == 1);
        diagnostics diags;
        auto parsed = parser::parse_file(sources[0], {}, diags);
        REQUIRE(diags.empty());
        auto golden = fs::path(path).replace_extension(".ast");
        auto mismatch = testing::golden_mismatch(golden, parser::dump(parsed.tree));
        CHECK_FALSE(mismatch);
        if (mismatch) CHECK(*mismatch == parser::dump(parsed.tree));
        auto result = check(sources);
        INFO(render_text(result.diags));
        CHECK(result.diags.empty());
    }
}

TEST_CASE("every bad rules file renders its golden diagnostics", "[golden][check]") {
    auto inputs = entries("tests/check", true);
    REQUIRE(inputs.size() >= 30);
    std::set<std::string> codes;
    for (const auto& input : inputs) {
        INFO("input: " << input.generic_string());
        auto sources = testing::sources_of(input);
        REQUIRE_FALSE(sources.empty());
        auto options = options_for(sources[0]->text());
        auto result = check(sources, options);
        std::string rendered = render_text(result.diags);
        // The file name starts with the code it is about.
        std::string code = input.filename().string().substr(0, 4);
        codes.insert(code);
        CHECK(rendered.find("[" + code + "]") != std::string::npos);
        // A ruleset with errors is never handed on.
        CHECK((result.rules == nullptr) == result.diags.has_errors());
        fs::path golden = fs::is_directory(input) ? input / "expected.txt"
                                                  : fs::path(input).replace_extension(".expected");
        auto mismatch = testing::golden_mismatch(golden, rendered);
        CHECK_FALSE(mismatch);
        if (mismatch) CHECK(*mismatch == rendered);
        // JSON carries the same diagnostics.
        std::string json = render_json(result.diags);
        CHECK(json.find("\"code\":\"" + code + "\"") != std::string::npos);
    }
    CHECK(codes.size() >= 30);
}

TEST_CASE("the shipped rules check clean, without warnings", "[golden][rules]") {
    auto loaded = load_rule_files({"rules"});
    REQUIRE(loaded.diags.empty());
    REQUIRE(loaded.files.size() >= 4);
    auto result = check(loaded.files);
    INFO(render_text(result.diags));
    CHECK(result.diags.empty());
    REQUIRE(result.rules);
    const auto& rulesets = result.rules->rulesets();
    auto national = std::find_if(rulesets.begin(), rulesets.end(), [](auto& r) { return r.name == "national"; });
    REQUIRE(national != rulesets.end());
    CHECK(std::count(national->services.begin(), national->services.end(), "residence_permit") == 1);
    CHECK(std::count(national->services.begin(), national->services.end(), "child_school") == 1);
}

TEST_CASE("the rules in rules/README.md check clean", "[golden][docs]") {
    std::string readme = testing::read_text("rules/README.md");
    REQUIRE_FALSE(readme.empty());
    // Every ```rules block that opens with `ruleset` is a complete file; one
    // that `extends` a ruleset of an earlier block is checked with it.
    const std::string open = "```rules\n", close = "```";
    int checked = 0;
    std::map<std::string, std::string> blocks;  // by ruleset name
    for (auto at = readme.find(open); at != std::string::npos; at = readme.find(open, at)) {
        auto begin = at + open.size(), end = readme.find(close, begin);
        REQUIRE(end != std::string::npos);
        std::string text = readme.substr(begin, end - begin);
        at = end;
        if (text.rfind("ruleset", 0) != 0) continue;
        std::smatch m;
        std::string first_line = text.substr(0, text.find('\n'));
        std::regex_search(first_line, m, std::regex("^ruleset (\\w+)(?:.* extends (\\w+))?"));
        std::string name = m[1], parent = m[2];
        blocks[name] = text;
        std::vector<std::shared_ptr<const source_file>> files{std::make_shared<source_file>("rules/README.md", text)};
        if (!parent.empty() && blocks.count(parent))
            files.push_back(std::make_shared<source_file>("rules/README.md (" + parent + ")", blocks[parent]));
        auto result = check(files);
        INFO(text << "\n" << render_text(result.diags));
        CHECK_FALSE(result.diags.has_errors());
        ++checked;
    }
    CHECK(checked >= 1);
}

TEST_CASE("the worked examples of rules/README.md decide as the text says", "[golden][docs]") {
    std::string readme = testing::read_text("rules/README.md");
    auto block = [&](const std::string& name) {
        auto at = readme.find("```rules\nruleset " + name + " ");
        REQUIRE(at != std::string::npos);
        at += 9;
        return std::make_shared<source_file>("rules/README.md", readme.substr(at, readme.find("```", at) - at));
    };
    auto verdict_of = [&](const std::string& name, const std::string& profile, civil_date as_of) {
        auto compiled = compile({block(name)});
        INFO(render_text(compiled.diags));
        REQUIRE(compiled.program);
        auto p = compiled.program->load_profile(std::make_shared<source_file>("p.yaml", profile));
        INFO(render_text(p.diags));
        REQUIRE(p.value);
        return compiled.program->evaluate(*p.value, {as_of, {}}).services.at(0);
    };
    // Histories with attributes: 8 months paid on time (August 2024 to March
    // 2025) and 4 back-paid (June to September 2025), of which 3 count: 11 < 12.
    const std::string parent =
        "city: 上海\npermits: [{from: 2024-01-01}]\npension:\n"
        "  - {from: 2024-08-01, to: 2025-03-31, city: 上海, scheme: employee, back_paid: false}\n"
        "  - {from: 2025-06-01, city: 上海, scheme: employee, back_paid: true}\n";
    auto school = verdict_of("filters_example", parent, {2025, 9, 1});
    CHECK(school.outcome == verdict::not_eligible);
    CHECK(school.failed == std::vector<std::string>{"累计缴费满12个月（补缴至多计3个月）"});
    // From July 2024 the months on time are 9: 9 + 3 = 12.
    std::string earlier = parent;
    earlier.replace(earlier.find("2024-08-01"), 10, "2024-07-01");
    CHECK(verdict_of("filters_example", earlier, {2025, 9, 1}).outcome == verdict::eligible);
    // A spell whose city is not given: open, and the city is the question.
    std::string unknown = parent;
    const std::string city = "city: 上海, ";
    unknown.erase(unknown.find(city + "scheme: employee, back_paid: true"), city.size());
    auto open = verdict_of("filters_example", unknown, {2025, 9, 1});
    CHECK(open.outcome == verdict::undetermined);
    CHECK(open.missing == std::vector<std::string>{"pension[2].city"});
    // A reference day after as_of (1 June): the permit ends on 31 July, so it
    // is not valid on 31 August; insurance in force goes on to the intake day.
    const std::string family =
        "children: [{birth_date: 2019-05-01}]\npermits: [{from: 2020-01-01, to: 2025-07-31}]\n"
        "pension: [{from: 2024-08-15}]\n";  // 12 whole months by 31 August, 9 on 1 June
    auto at_intake = verdict_of("future_example", family, {2025, 6, 1});
    CHECK(at_intake.outcome == verdict::not_eligible);
    CHECK(at_intake.failed == std::vector<std::string>{"入学时居住证有效"});
    std::string renewed = family;
    renewed.replace(renewed.find("2025-07-31"), 10, "2026-07-31");
    CHECK(verdict_of("future_example", renewed, {2025, 6, 1}).outcome == verdict::eligible);
}
