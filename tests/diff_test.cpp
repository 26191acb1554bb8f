// Population diff and synthetic populations (diff.hpp, program::generate):
// the diff's counts against an independent computation (explained
// evaluation of every profile, one by one), chunked streaming with the
// right line numbers, and deterministic generation.
#include "golden.hpp"

#include "common/calendar.hpp"

#include <entitle/entitle.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <sstream>

using namespace entitle;

namespace {

std::shared_ptr<const program> compile_national(check_options options = {}) {
    auto loaded = load_rule_files({"rules"});
    auto compiled = compile(loaded.files, options, "national");
    INFO(render_text(compiled.diags));
    REQUIRE(compiled.program);
    return compiled.program;
}

std::vector<std::string> population(const program& p, std::size_t n, std::uint64_t seed) {
    generate_options options;
    options.entity = "Household";
    options.count = n;
    options.seed = seed;
    options.as_of = {2025, 9, 1};
    options.spec = std::make_shared<source_file>("examples/populations/households.spec.yaml",
                                                 testing::read_text("examples/populations/households.spec.yaml"));
    std::vector<std::string> lines;
    auto diags = p.generate(options, [&](const std::string& line) { lines.push_back(line); });
    INFO(render_text(diags));
    REQUIRE_FALSE(diags.has_errors());
    return lines;
}

// A persona of examples/profiles, with the rules its `ruleset:` names,
// evaluated on its as-of date (for `services`, or all) and projected.
struct persona {
    std::shared_ptr<const source_file> text;
    const program* rules = nullptr;
    profile_result loaded;
    evaluation e;
    projection projected;
};

persona project_persona(testing::shipped_rules& rules, const std::filesystem::path& path,
                        std::vector<std::string> services = {},
                        int horizon_days = projection_options{}.horizon_days) {
    persona out;
    out.text = std::make_shared<source_file>(path.generic_string(), testing::read_text(path));
    out.rules = &rules.for_profile(*out.text);
    out.loaded = out.rules->load_profile(out.text);
    INFO(render_text(out.loaded.diags));
    REQUIRE(out.loaded.value);
    out.e = out.rules->evaluate(*out.loaded.value, {*out.loaded.as_of, std::move(services)});
    projection_options options;
    options.horizon_days = horizon_days;
    out.projected = project(*out.rules, out.text, out.e, options);
    return out;
}

// Every persona file, in name order.
std::vector<std::filesystem::path> personas() {
    std::vector<std::filesystem::path> paths;
    for (const auto& entry : std::filesystem::directory_iterator("examples/profiles")) paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());
    return paths;
}

}  // namespace

TEST_CASE("a school threshold raised from 6 to 12 months: the diff's counts equal explained evaluation's", "[diff]") {
    auto old_rules = compile_national();
    check_options raised;
    raised.parameters = {{"school.min_pension", "12 months"}};
    auto new_rules = compile_national(raised);
    auto lines = population(*old_rules, 600, 42);
    REQUIRE(lines.size() == 600);

    diff_options options;
    options.as_of = {2025, 9, 1};
    options.by = {"applicant.hukou_local"};
    population_diff diff(old_rules, new_rules, options, "before", "after");
    // In chunks of 128 lines, as the CLI streams them.
    for (std::size_t first = 0; first < lines.size(); first += 128) {
        std::string chunk;
        for (std::size_t i = first; i < std::min(lines.size(), first + 128); ++i) chunk += lines[i] + "\n";
        auto problems = diff.add_lines("pop.jsonl", chunk, first + 1);
        INFO(render_text(problems));
        REQUIRE_FALSE(problems.has_errors());
    }
    const diff_report& report = diff.report();
    CHECK(report.profiles == 600);
    CHECK(report.entity == "Household");

    // Independently: every profile through explained evaluation under both rule sets.
    std::map<std::string, change_counts> expected;
    for (const auto& line : lines) {
        auto text = std::make_shared<source_file>("p.json", line);
        auto a = old_rules->load_profile(text), b = new_rules->load_profile(text);
        REQUIRE(a.value);
        REQUIRE(b.value);
        auto ea = old_rules->evaluate(*a.value, {{2025, 9, 1}, {}});
        auto eb = new_rules->evaluate(*b.value, {{2025, 9, 1}, {}});
        REQUIRE(ea.services.size() == eb.services.size());
        for (std::size_t k = 0; k < ea.services.size(); ++k) {
            auto& c = expected[ea.services[k].id];
            verdict was = ea.services[k].outcome, now = eb.services[k].outcome;
            ++c.profiles;
            c.before += was == verdict::eligible;
            c.after += now == verdict::eligible;
            c.gained += now == verdict::eligible && was != verdict::eligible;
            c.lost += was == verdict::eligible && now != verdict::eligible;
            c.became_undetermined += now == verdict::undetermined && was != verdict::undetermined;
            c.stopped_undetermined += was == verdict::undetermined && now != verdict::undetermined;
        }
    }
    REQUIRE(report.services.size() == expected.size());
    for (const auto& s : report.services) {
        INFO(s.id);
        const auto& want = expected.at(s.id);
        CHECK(s.total.profiles == want.profiles);
        CHECK(s.total.before == want.before);
        CHECK(s.total.after == want.after);
        CHECK(s.total.gained == want.gained);
        CHECK(s.total.lost == want.lost);
        CHECK(s.total.became_undetermined == want.became_undetermined);
        CHECK(s.total.stopped_undetermined == want.stopped_undetermined);
        // The breakdown adds up to the total.
        std::size_t profiles = 0, lost = 0;
        for (const auto& [value, c] : s.by.at("applicant.hukou_local")) {
            profiles += c.profiles;
            lost += c.lost;
        }
        CHECK(profiles == s.total.profiles);
        CHECK(lost == s.total.lost);
        if (s.id != "child_school") CHECK(s.total.gained + s.total.lost == 0);  // only schooling changed
    }
    // Raising the threshold loses school places and gains none; the examples say why.
    const auto& school = *std::find_if(report.services.begin(), report.services.end(),
                                       [](auto& s) { return s.id == "child_school"; });
    CHECK(school.total.lost > 10);
    CHECK(school.total.gained == 0);
    REQUIRE_FALSE(school.examples.at("lost").empty());
    bool threshold_named = false;
    for (const auto& x : school.examples.at("lost"))
        threshold_named = threshold_named || x.new_reason.find("近一年本市社保缴费满规定时间") != std::string::npos;
    CHECK(threshold_named);
    CHECK_THAT(render_json(report), Catch::Contains("\"id\":\"child_school\""));
    CHECK_THAT(render_html(report), Catch::Contains("<svg"));
}

TEST_CASE("bad lines of a population are reported with their line numbers and left out", "[diff]") {
    auto rules = compile_national();
    auto lines = population(*rules, 10, 3);
    lines[6] = "{\"entity\": \"Household\", \"facts\": {\"members\": \"many\"}}";
    lines[8] = "not json";
    std::string chunk;
    for (const auto& l : lines) chunk += l + "\n";
    diff_options options;
    options.as_of = {2025, 9, 1};
    population_diff diff(rules, rules, options, "a", "b");
    auto problems = diff.add_lines("pop.jsonl", chunk, 101);  // the chunk starts at line 101
    std::string text = render_text(problems);
    CHECK_THAT(text, Catch::Contains("pop.jsonl:107:"));
    CHECK_THAT(text, Catch::Contains("members: expected a whole number"));
    CHECK_THAT(text, Catch::Contains("pop.jsonl:109:1: error[E701]: not valid JSON"));
    CHECK(diff.report().profiles == 8);
    CHECK(diff.report().rejected == 2);
}

TEST_CASE("generated populations are deterministic and follow the spec", "[diff][gen]") {
    auto rules = compile_national();
    auto a = population(*rules, 50, 9), b = population(*rules, 50, 9), c = population(*rules, 50, 10);
    CHECK(a == b);
    CHECK(a != c);
    // Every line loads, and follows the spec's ranges.
    std::string lines;
    for (const auto& l : a) lines += l + "\n";
    auto set = rules->load_json_lines(std::make_shared<source_file>("gen.jsonl", lines));
    INFO(render_text(set.diags));
    CHECK_FALSE(set.diags.has_errors());
    CHECK(size(*set.value) == 50);
    for (const auto& l : a) {
        auto at = l.find("\"members\":");
        if (at == std::string::npos) continue;  // left out (unknown)
        int members = std::stoi(l.substr(at + 10));
        CHECK((members >= 1 && members <= 6));
    }
    // Mistakes in the spec or the entity.
    struct row {
        const char* spec;
        const char* entity;
        const char* error;
    };
    const row rows[] = {
        {"fields:\n  nothing.here: {min: 1}\n", "Household", "not a field path of Household"},
        {"fields:\n  members: {minimum: 1}\n", "Household", "members: unknown key 'minimum'"},
        {"colour: red\n", "Household", "unknown key 'colour' in a spec"},
        {"fields:\n  members: [1, 2]\n", "Household", "a distribution is a mapping"},
        {"", "Nobody", "no entity named 'Nobody'"},
    };
    for (const auto& r : rows) {
        INFO(r.spec);
        generate_options options;
        options.entity = r.entity;
        options.count = 1;
        options.as_of = {2025, 9, 1};
        options.spec = std::make_shared<source_file>("spec.yaml", r.spec);
        std::size_t made = 0;
        auto diags = rules->generate(options, [&](const std::string&) { ++made; });
        CHECK_THAT(render_text(diags), Catch::Contains(r.error));
        CHECK(made == 0);
    }
}

TEST_CASE("boundary cases sit just below, at and above each threshold; time-growing facts must not take services away", "[boundaries]") {
    auto rules = compile_national();
    auto base = std::make_shared<source_file>("examples/profiles/wang-newcomer.yaml",
                                              testing::read_text("examples/profiles/wang-newcomer.yaml"));
    auto report = find_boundaries(*rules, "residence_permit", base, {2025, 9, 1}, "national");
    INFO(render_text(report.diags));
    REQUIRE(report.cases.size() == 3);
    CHECK(report.cases[0].value == "5 months");
    CHECK(report.cases[0].outcome == verdict::not_eligible);
    CHECK(report.cases[1].value == "6 months");
    CHECK(report.cases[1].outcome == verdict::eligible);
    CHECK(report.cases[2].outcome == verdict::eligible);
    CHECK(report.violations.empty());
    // The written cases are an entitle test file that passes.
    auto suite = load_tests(std::make_shared<source_file>("boundaries.yaml", report.tests));
    INFO(render_text(suite.diags));
    REQUIRE(suite.cases.size() == 3);
    auto loaded = load_rule_files({"rules"});
    test_runner runner(loaded.files);
    for (const auto& c : suite.cases) CHECK(runner.run(c).passed);

    // Ages: born a day after, on, and a day before the 16th birthday.
    auto ages = find_boundaries(*rules, "employee_insurance", base, {2025, 9, 1}, "national");
    REQUIRE(ages.cases.size() == 6);
    CHECK(ages.cases[0].value == "2009-09-02");
    CHECK(ages.cases[0].outcome == verdict::not_eligible);
    CHECK(ages.cases[1].value == "2009-09-01");
    CHECK(ages.cases[1].outcome == verdict::eligible);

    // A rule where more insurance takes the service away is reported.
    auto odd = compile({std::make_shared<source_file>("odd.rules", R"(ruleset odd
entity P { pension: spells "社保"  local: bool "本地" }
service s "s" for P
  requires total(pension) < 24 months "缴费不满两年"
)")});
    REQUIRE(odd.program);
    auto person = std::make_shared<source_file>("p.yaml", "entity: P\nfacts:\n  local: true\n");
    auto violations = find_boundaries(*odd.program, "s", person, {2025, 9, 1}, "odd");
    REQUIRE(violations.cases.size() == 3);
    REQUIRE(violations.violations.size() == 1);
    CHECK_THAT(violations.violations[0], Catch::Contains("more pension takes the service away (eligible → not_eligible across 24 months)"));
}

TEST_CASE("eligible-from: eligible on that day, not the day before, for every persona", "[projection]") {
    testing::shipped_rules rules;
    std::size_t dated = 0, never = 0;
    for (const auto& path : personas()) {
        auto one = project_persona(rules, path, {}, 3 * 365);
        const program& p = *one.rules;
        for (const auto& sp : one.projected.services) {
            INFO(path.string() << " " << sp.service);
            if (sp.outcome != verdict::not_eligible) {
                CHECK_FALSE(sp.eligible_from);
                continue;
            }
            CHECK_FALSE(sp.blocking.empty());
            if (!sp.eligible_from) {
                ++never;
                CHECK(sp.never);
                continue;
            }
            ++dated;
            auto day = detail::days_from_civil(sp.eligible_from->year, sp.eligible_from->month, sp.eligible_from->day);
            auto on = detail::civil_from_days(day), before = detail::civil_from_days(day - 1);
            auto at = p.evaluate(*one.loaded.value, {{on.year, on.month, on.day}, {sp.service}});
            auto prior = p.evaluate(*one.loaded.value, {{before.year, before.month, before.day}, {sp.service}});
            CHECK(at.services.front().outcome == verdict::eligible);
            CHECK(prior.services.front().outcome != verdict::eligible);
        }
    }
    CHECK(dated >= 5);
    CHECK(never >= 5);
}

TEST_CASE("eligible-from at the edges of the calendar, and never", "[projection]") {
    auto p = compile({std::make_shared<source_file>("edges.rules", R"(ruleset edges
entity P { since: spells "缴费"  born: date "出生日期"  local: bool "本地" }
service month_end "m" for P
  requires total(since) >= 1 month "缴费满一个月"
service adult "a" for P
  requires age(born) >= 18 "成年"
service local_only "l" for P
  requires local "本地户籍"
)")});
    REQUIRE(p.program);
    auto run = [&](const std::string& facts, civil_date as_of) {
        auto text = std::make_shared<source_file>("p.yaml", "entity: P\nfacts:\n" + facts);
        auto prof = p.program->load_profile(text);
        REQUIRE(prof.value);
        return project(*p.program, text, p.program->evaluate(*prof.value, {as_of, {}}));
    };
    // A spell counts its days up to and including the as-of day: one month
    // from 31 January (to 29 February, a leap year) is complete at the end of
    // 28 February. Month-end arithmetic as in the calendar tests.
    auto a = run("  since: [{from: 2024-01-31}]\n  born: 1990-01-01\n  local: false\n", {2024, 2, 15});
    REQUIRE(a.services[0].eligible_from);
    CHECK(to_string(*a.services[0].eligible_from) == "2024-02-28");
    CHECK_THAT(a.services[0].blocking.front(), Catch::Contains("缴费满一个月 (0 months vs 1 month): met on 2024-02-28"));
    // In a common year: the end of 27 February.
    auto common = run("  since: [{from: 2023-01-31}]\n  born: 1990-01-01\n  local: false\n", {2023, 2, 15});
    REQUIRE(common.services[0].eligible_from);
    CHECK(to_string(*common.services[0].eligible_from) == "2023-02-27");
    // Born on a leap day: 18 on 28 February of a common year.
    auto b = run("  since: []\n  born: 2008-02-29\n  local: false\n", {2026, 1, 1});
    REQUIRE(b.services[1].eligible_from);
    CHECK(to_string(*b.services[1].eligible_from) == "2026-02-28");
    REQUIRE_FALSE(b.services[1].nearest_changes.empty());
    CHECK(b.services[1].nearest_changes.front().front() == "born = 2008-01-01");
    // Time alone never makes a non-local local.
    CHECK(b.services[2].never);
    CHECK_THAT(b.services[2].blocking.front(), Catch::Contains("本地户籍: not met within the horizon"));
    // A gap must age out of a "last 12 months" window: a month unpaid in April
    // 2024 (spells to 31 March, again from 1 May) leaves the window that ends
    // on D once the 12 months ending on D start on 1 May 2024: D = 30 April 2025.
    auto window = compile({std::make_shared<source_file>("window.rules", R"(ruleset window
entity P { pension: spells "缴费" }
service s "s" for P
  requires within(pension, 12 months) >= 12 months "近12个月连续缴费"
)")});
    REQUIRE(window.program);
    auto gap_text = std::make_shared<source_file>(
        "gap.yaml", "entity: P\nfacts:\n  pension: [{from: 2023-01-01, to: 2024-03-31}, {from: 2024-05-01}]\n");
    auto gap_profile = window.program->load_profile(gap_text);
    REQUIRE(gap_profile.value);
    auto gap = project(*window.program, gap_text, window.program->evaluate(*gap_profile.value, {{2024, 9, 1}, {}}));
    REQUIRE(gap.services[0].eligible_from);
    CHECK(to_string(*gap.services[0].eligible_from) == "2025-04-30");
    CHECK(gap.services[0].blocking.front() == "近12个月连续缴费 (10 months vs 12 months): met on 2025-04-30");
    // Next questions: the fact most undetermined services need comes first.
    auto c = run("  born: 2000-01-01\n", {2025, 1, 1});
    REQUIRE_FALSE(c.next_questions.empty());
    CHECK(c.services[0].next_questions == std::vector<std::string>{"since"});
}

TEST_CASE("answering a next question with any value decides the services that only it left open", "[projection][ask]") {
    testing::shipped_rules rules;
    std::size_t checked = 0;
    // Answers of every form describe_fact can ask for.
    auto candidates = [](const std::string& form) -> std::vector<std::string> {
        if (form.find("true or false") != std::string::npos) return {"true", "false"};
        if (form.find("one of:") != std::string::npos) {
            std::vector<std::string> out;
            std::istringstream words(form.substr(form.find("one of:") + 7));
            for (std::string w; words >> w;) out.push_back(w.substr(0, w.find_first_of(";)")));
            return out;
        }
        // Dated spells (a plain count answers `total` only, so it is a partial answer: not tried).
        if (form.find("spells") != std::string::npos) return {"[]", "[{from: 2010-01-01}]", "[{from: 2025-08-01}]"};
        if (form.find("a list") != std::string::npos) return {"[]"};  // none of them (items need their own fields)
        if (form.find("a mapping of") != std::string::npos)
            return form.find("null if there is none") != std::string::npos ? std::vector<std::string>{"null"}
                                                                          : std::vector<std::string>{};
        if (form.find("a date") != std::string::npos) return {"1950-01-01", "2010-06-15", "2025-08-31"};
        if (form.find("whole number") != std::string::npos) return {"0", "3", "100"};
        if (form.find("yuan") != std::string::npos || form.find("a number") != std::string::npos) return {"0", "20000", "900000"};
        if (form.find("text") != std::string::npos) return {"A", "B"};
        return {};
    };
    for (const auto& path : personas()) {
        auto one = project_persona(rules, path, {}, 0);
        const program& p = *one.rules;
        const evaluation& e = one.e;
        const projection& projected = one.projected;
        for (const auto& s : e.services) {
            if (s.outcome != verdict::undetermined || s.missing.size() != 1) continue;
            const std::string& question = s.missing.front();
            if (question.rfind("parameter ", 0) == 0) continue;
            // The question is proposed for this service.
            auto sp = std::find_if(projected.services.begin(), projected.services.end(), [&](auto& x) { return x.service == s.id; });
            REQUIRE(sp != projected.services.end());
            CHECK(sp->next_questions == std::vector<std::string>{question});
            std::string form = p.describe_fact(e.entity, question);
            INFO(path.string() << " " << s.id << " " << question << ": " << form);
            REQUIRE_FALSE(form.empty());
            auto answers = candidates(form);
            REQUIRE_FALSE(answers.empty());
            for (const auto& answer : answers) {
                INFO("answer " << answer);
                auto edited = with_answer(one.text->text(), question, answer);
                REQUIRE(edited);
                auto answered = p.load_profile(std::make_shared<source_file>("answered.yaml", *edited));
                INFO(render_text(answered.diags));
                REQUIRE(answered.value);
                auto after = p.evaluate(*answered.value, {e.as_of, {s.id}});
                CHECK(after.services.front().outcome != verdict::undetermined);
                ++checked;
            }
        }
    }
    CHECK(checked >= 10);
}

TEST_CASE("an answer is set at the fact's path, or nothing is written where the path or the text cannot be followed", "[projection][ask]") {
    const std::string profile = "entity: Household\nfacts:\n  applicant: {hukou_local: false}\n  children:\n    - {born: 2015-01-01}\n";
    struct row {
        const char* path;
        const char* answer;
        const char* expected;  // the edited facts, or "" for nothing
    };
    const row rows[] = {
        {"applicant.hukou_local", "true", "{applicant: {hukou_local: true}, children: [{born: 2015-01-01}]}"},
        {"applicant.pension", "[{from: 2020-01-01}]",
         "{applicant: {hukou_local: false, pension: [{from: 2020-01-01}]}, children: [{born: 2015-01-01}]}"},
        {"housing.kind", "owned", "{applicant: {hukou_local: false}, children: [{born: 2015-01-01}], housing: {kind: owned}}"},
        {"children[1].grade", "9", "{applicant: {hukou_local: false}, children: [{born: 2015-01-01, grade: 9}]}"},
        {"children[1]", "{born: 2016-02-02}", "{applicant: {hukou_local: false}, children: [{born: 2016-02-02}]}"},
        {"children[2].grade", "9", ""},           // no second child
        {"children[0].grade", "9", ""},           // indexes count from 1
        {"children[x].grade", "9", ""},           // not an index
        {"children[1.grade", "9", ""},            // unclosed
        {"applicant.hukou_local.more", "1", ""},  // a value is not a record
        {"", "1", ""},
        {"applicant.hukou_local", "[unclosed", ""},  // the answer is not YAML
    };
    for (const auto& r : rows) {
        INFO(r.path << " = " << r.answer);
        auto edited = with_answer(profile, r.path, r.answer);
        if (!*r.expected) {
            CHECK_FALSE(edited);
            continue;
        }
        REQUIRE(edited);
        CHECK_THAT(*edited, Catch::Contains(std::string("facts: ") + r.expected));
    }
    CHECK_FALSE(with_answer("facts: [unclosed", "a", "1"));
}

TEST_CASE("nearest changes name the facts to change, values of enums included, fewest first", "[projection]") {
    testing::shipped_rules rules;
    auto family = project_persona(rules, "examples/profiles/county-seat-family.yaml", {"renter_equal_services"});
    const program& p = *family.rules;
    REQUIRE(family.projected.services.size() == 1);
    const auto& sp = family.projected.services.front();
    CHECK(sp.never);
    REQUIRE_FALSE(sp.nearest_changes.empty());
    // A registered rental instead of the family's other housing, and a permit or local hukou.
    CHECK(sp.nearest_changes.front() == std::vector<std::string>{"housing.kind = registered_rental", "applicant.hukou_local = true"});
    for (const auto& change : sp.nearest_changes) {
        // Each change does make the service eligible.
        std::string yaml = family.text->text();
        for (const auto& fact : change) {
            auto eq = fact.find(" = ");
            auto edited = with_answer(yaml, fact.substr(0, eq), fact.substr(eq + 3));
            REQUIRE(edited);
            yaml = *edited;
        }
        // Spell-valued changes are written as months; only enum and bool ones are replayed here.
        if (yaml.find("months") != std::string::npos) continue;
        auto changed = p.load_profile(std::make_shared<source_file>("changed.yaml", yaml));
        REQUIRE(changed.value);
        CHECK(p.evaluate(*changed.value, {family.e.as_of, {"renter_equal_services"}}).services.front().outcome == verdict::eligible);
    }
}

TEST_CASE("every persona's projection matches its golden file", "[projection][golden]") {
    // Eligible-from, what blocks it, nearest changes and next questions, in
    // the JSON of `entitle eval --project` (three years ahead, to keep the
    // suite fast; the CLI looks five years ahead).
    testing::shipped_rules rules;
    for (const auto& path : personas()) {
        INFO(path.string());
        auto one = project_persona(rules, path, {}, 3 * 365);
        one.e.rules_hash = "<rules hash>";
        std::string shown = render_text(one.e, false, &one.projected) + "\n" + render_json(one.e, &one.projected);
        auto golden = std::filesystem::path("tests/projection") / (path.stem().string() + ".golden");
        auto mismatch = testing::golden_mismatch(golden, shown);
        CHECK_FALSE(mismatch);
        if (mismatch) CHECK(*mismatch == shown);
    }
}

TEST_CASE("a nearest change can be a number inside a computed comparison: income below the line per head", "[projection]") {
    testing::shipped_rules rules;
    auto ma = project_persona(rules, "examples/profiles/sh-ma-family.yaml", {"housing_guarantee"});
    const program& p = *ma.rules;
    const auto& changes = ma.projected.services.front().nearest_changes;
    // 260,000 yuan for four is 65,000 a head; the line is 36,000: at most 143,999 for four.
    REQUIRE_FALSE(changes.empty());
    CHECK(changes.front() == std::vector<std::string>{"annual_income = 143999"});
    auto verdict_with = [&](const std::string& income) {
        auto edited = with_answer(ma.text->text(), "annual_income", income);
        REQUIRE(edited);
        auto changed = p.load_profile(std::make_shared<source_file>("changed.yaml", *edited));
        REQUIRE(changed.value);
        return p.evaluate(*changed.value, {ma.e.as_of, {"housing_guarantee"}}).services.front().outcome;
    };
    CHECK(verdict_with("143999") == verdict::eligible);
    CHECK(verdict_with("144000") == verdict::not_eligible);
}

TEST_CASE("generated profiles load under their rules: days, attribute histories, a city's added fields",
          "[diff][gen]") {
    auto national = std::make_shared<source_file>(
        "n.rules", "ruleset national\nrecord Paid { from: date  to: optional date  city: string }\n"
                   "entity Person { waited: days  paid: list of Paid }\n"
                   "service s \"s\" for Person\n  requires waited >= 30 days\n");
    auto city = std::make_shared<source_file>(
        "c.rules", "ruleset city extends national\nextend entity Person { district: string }\n");
    for (const char* ruleset : {"national", "city"}) {
        INFO(ruleset);
        auto compiled = compile({national, city}, {}, ruleset);
        REQUIRE(compiled.program);
        generate_options options;
        options.entity = "Person";
        options.count = 30;
        options.as_of = {2025, 9, 1};
        std::string lines;
        auto diags = compiled.program->generate(options, [&](const std::string& line) { lines += line + "\n"; });
        REQUIRE_FALSE(diags.has_errors());
        // The national profiles never carry the city's field; the city's may.
        CHECK((lines.find("\"district\"") == std::string::npos) == (std::string(ruleset) == "national"));
        auto set = compiled.program->load_json_lines(std::make_shared<source_file>("gen.jsonl", lines), {"Person"});
        INFO(render_text(set.diags));
        CHECK_FALSE(set.diags.has_errors());
        CHECK(size(*set.value) == 30);
    }
}
