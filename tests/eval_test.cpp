// Evaluator tests: calendar and spell built-ins at their edges, Kleene truth
// tables, typed profile loading and its errors, and golden verdicts for the
// example profiles.
#include "golden.hpp"

#include "common/calendar.hpp"
#include "common/sha256.hpp"
#include "eval/spells.hpp"

#include <catch2/catch.hpp>

#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <locale>
#include <map>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;
using namespace entitle;
using entitle::detail::days_from_civil;

namespace {

long long day(int y, int m, int d) { return days_from_civil(y, m, d); }

std::shared_ptr<const program> compile_text(const std::string& rules) {
    auto result = compile({std::make_shared<source_file>("t.rules", rules)});
    INFO(render_text(result.diags));
    REQUIRE(result.program);
    return result.program;
}

profile_result load(const program& p, const std::string& text) {
    return p.load_profile(std::make_shared<source_file>("p.yaml", text));
}

// Evaluates `condition` over a Person profile and returns the verdict.
// The result of the first (usually only) service for a profile of `entity`.
service_result first_service(const program& p, const std::string& entity, const std::string& facts,
                             civil_date as_of = {2025, 9, 1}) {
    auto prof = load(p, "entity: " + entity + "\nfacts:\n" + facts);
    INFO(render_text(prof.diags));
    REQUIRE(prof.value);
    auto e = p.evaluate(*prof.value, {as_of, {}});
    REQUIRE_FALSE(e.services.empty());
    return e.services[0];
}

verdict verdict_of(const program& p, const std::string& facts) { return first_service(p, "Person", facts).outcome; }

}  // namespace

TEST_CASE("calendar arithmetic", "[eval][calendar]") {
    using namespace entitle::detail;
    CHECK(months_between(day(2024, 1, 15), day(2024, 7, 15)) == 6);
    CHECK(months_between(day(2024, 1, 15), day(2024, 7, 14)) == 5);
    CHECK(months_between(day(2024, 1, 31), day(2024, 2, 29)) == 1);  // month end
    CHECK(months_between(day(2024, 1, 31), day(2024, 2, 28)) == 0);
    CHECK(months_between(day(2024, 3, 1), day(2024, 1, 1)) == -2);
    CHECK(add_months(day(2024, 1, 31), 1) == day(2024, 2, 29));
    CHECK(add_months(day(2023, 1, 31), 1) == day(2023, 2, 28));
    CHECK(add_months(day(2024, 3, 15), -15) == day(2022, 12, 15));
    CHECK(age_on(day(2000, 2, 29), day(2018, 2, 28)) == 18);  // leap-day birthday
    CHECK(age_on(day(2000, 2, 29), day(2018, 2, 27)) == 17);
    CHECK(age_on(day(2019, 8, 31), day(2025, 8, 31)) == 6);
    CHECK(age_on(day(2019, 9, 1), day(2025, 8, 31)) == 5);
    auto c = civil_from_days(day(2000, 2, 29));
    CHECK((c.year == 2000 && c.month == 2 && c.day == 29));
    // civil_from_days is the inverse of days_from_civil on every day from year -400 to 12000,
    // and on days far outside (its other algorithm).
    std::size_t wrong = 0;
    for (long long n = day(-400, 1, 1); n <= day(12000, 12, 31); ++n) {
        civil x = civil_from_days(n);
        if (!valid_date(x.year, x.month, x.day) || days_from_civil(x.year, x.month, x.day) != n) ++wrong;
    }
    CHECK(wrong == 0);
    for (long long n : {-12699423LL, -12699422LL, 1061041999LL, 1061042000LL, -400000000LL, 400000000LL}) {
        civil x = civil_from_days(n);
        INFO(n);
        CHECK(days_from_civil(x.year, x.month, x.day) == n);
    }
    // months_between is the largest m with add_months(from, m) <= to, for every pair of days in 1999-2001.
    for (long long from = day(1999, 1, 1); from < day(2001, 1, 1); from += 7)
        for (long long to = from; to < from + 800; to += 3) {
            long long m = months_between(from, to);
            INFO(day_text(from) << " .. " << day_text(to));
            REQUIRE(add_months(from, m) <= to);
            REQUIRE(add_months(from, m + 1) > to);
        }
}

TEST_CASE("spell built-ins at their edges", "[eval][spells]") {
    using eval::span_days;
    auto spell = [](long long from, long long to_inclusive) { return span_days{from, to_inclusive + 1}; };
    auto at = day(2025, 6, 30);
    SECTION("total months, clipped at the reference day") {
        auto m = eval::merge_spells({spell(day(2024, 1, 1), day(2024, 12, 31)), spell(day(2025, 1, 1), day(2026, 1, 1))}, at);
        REQUIRE(m.size() == 1);  // touching spells merge
        CHECK(eval::total_months(m) == 18);
    }
    SECTION("a run ending on the as-of day counts that day") {
        auto m = eval::merge_spells({spell(day(2025, 1, 1), at)}, at);
        CHECK(eval::total_months(m) == 6);
        CHECK(eval::holds(m, at));
        CHECK_FALSE(eval::holds(m, at + 1));
    }
    SECTION("overlapping spells count once") {
        auto m = eval::merge_spells({spell(day(2024, 1, 1), day(2024, 6, 30)), spell(day(2024, 4, 1), day(2024, 12, 31))}, at);
        CHECK(eval::total_months(m) == 12);
    }
    SECTION("gaps of exactly G months are bridged, longer ones are not") {
        // Jan-Mar 2024, then from 1 July 2024: a gap of exactly 3 months.
        std::vector<span_days> s{spell(day(2024, 1, 1), day(2024, 3, 31)), spell(day(2024, 7, 1), day(2024, 12, 31))};
        auto m = eval::merge_spells(s, at);
        CHECK(eval::longest_run_months(m, 3) == 9);
        CHECK(eval::longest_run_months(m, 2) == 6);
        CHECK(eval::run_start(m, 3, day(2024, 10, 1)) == day(2024, 1, 1));
        CHECK(eval::run_start(m, 2, day(2024, 10, 1)) == day(2024, 7, 1));
        CHECK_FALSE(eval::run_start(m, 2, day(2024, 5, 1)));
    }
    SECTION("a gap ages out of a last-N-months window") {
        std::vector<span_days> s{spell(day(2023, 1, 1), day(2024, 6, 30)), spell(day(2024, 10, 1), day(2025, 6, 30))};
        auto m = eval::merge_spells(s, at);
        CHECK(eval::months_within(m, 12, at) == 9);   // Jul-Sep 2024 missing
        CHECK(eval::months_within(m, 9, at) == 9);    // the gap is just outside
        CHECK(eval::months_within(m, 24, at) == 21);
    }
    SECTION("leap days") {
        auto leap = day(2024, 2, 29);
        auto m = eval::merge_spells({spell(day(2023, 2, 28), leap)}, leap);
        CHECK(eval::total_months(m) == 12);
        CHECK(eval::holds(m, leap));
    }
    SECTION("nothing after the reference day counts") {
        auto m = eval::merge_spells({spell(day(2026, 1, 1), day(2026, 12, 31))}, at);
        CHECK(m.empty());
        CHECK(eval::total_months(m) == 0);
    }
}

TEST_CASE("three-valued logic follows Kleene's tables", "[eval][kleene]") {
    auto p = compile_text(
        "ruleset t\nentity Person { a: bool  b: bool }\n"
        "service and_ \"a and b\" for Person\n  requires a and b\n"
        "service or_ \"a or b\" for Person\n  requires a or b\n"
        "service not_ \"not a\" for Person\n  requires not a\n"
        "service unless_ \"unless a\" for Person\n  requires true or b\n  unless a\n");
    std::map<std::string, std::string> facts = {{"T", "true"}, {"F", "false"}};
    auto render = [&](const std::string& a, const std::string& b) {
        std::string out;
        if (a != "U") out += "  a: " + facts[a] + "\n";
        if (b != "U") out += "  b: " + facts[b] + "\n";
        return out.empty() ? std::string("  {}\n") : out;
    };
    struct row {
        const char *a, *b, *and_, *or_, *not_, *unless_;
    };
    // E = eligible, N = not eligible, U = undetermined
    const row rows[] = {
        {"T", "T", "E", "E", "N", "N"}, {"T", "F", "N", "E", "N", "N"}, {"T", "U", "U", "E", "N", "N"},
        {"F", "T", "N", "E", "E", "E"}, {"F", "F", "N", "N", "E", "E"}, {"F", "U", "N", "U", "E", "E"},
        {"U", "T", "U", "E", "U", "U"}, {"U", "F", "N", "U", "U", "U"}, {"U", "U", "U", "U", "U", "U"},
    };
    auto code = [](verdict v) { return v == verdict::eligible ? "E" : v == verdict::not_eligible ? "N" : "U"; };
    for (const auto& r : rows) {
        INFO("a=" << r.a << " b=" << r.b);
        auto prof = load(*p, "entity: Person\nfacts:\n" + render(r.a, r.b));
        REQUIRE(prof.value);
        auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
        std::map<std::string, std::string> got;
        for (auto& s : e.services) got[s.id] = code(s.outcome);
        CHECK(got["and_"] == r.and_);
        CHECK(got["or_"] == r.or_);
        CHECK(got["not_"] == r.not_);
        CHECK(got["unless_"] == r.unless_);
    }
}

TEST_CASE("undetermined verdicts name the missing facts; failures name the condition", "[eval]") {
    auto p = compile_text(
        "ruleset t\nrecord Child { birth_date: date }\n"
        "entity Person { birth_date: date  pension: spells  children: list of Child  housing: optional Child }\n"
        "service s \"s\" for Person\n"
        "  requires age(birth_date) >= 18 \"成年\"\n"
        "  requires total(pension) >= 12 months \"缴费满一年\"\n"
        "  requires any c in children: age(c.birth_date) < 16 \"有未成年子女\"\n");
    auto prof = load(*p, "entity: Person\nfacts:\n  birth_date: 1990-01-01\n  children:\n    - {}\n");
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 9, 1}, {}});
    REQUIRE(e.services.size() == 1);
    CHECK(e.services[0].outcome == verdict::undetermined);
    CHECK(e.services[0].missing == std::vector<std::string>{"children[1].birth_date", "pension"});
    auto young = load(*p, "entity: Person\nfacts:\n  birth_date: 2015-01-01\n  pension: []\n  children: []\n");
    REQUIRE(young.value);
    auto f = p->evaluate(*young.value, {{2025, 9, 1}, {}});
    CHECK(f.services[0].outcome == verdict::not_eligible);
    CHECK(f.services[0].failed == std::vector<std::string>{"成年", "缴费满一年", "有未成年子女"});
    CHECK(f.services[0].conditions[0].observed == "10");
    CHECK(f.services[0].conditions[0].expected == "18");
}

TEST_CASE("built-ins and operators evaluate as documented", "[eval]") {
    struct row {
        const char* condition;
        const char* facts;
        verdict expected;
    };
    const char* schema =
        "ruleset t\nenum E { a, b }\nrecord C { from: date  to: optional date  base: money  city: string }\n"
        "entity Person { d: date  n: int  x: decimal  m: money  e: E  s: spells  cs: list of C  w: duration  o: optional C }\n"
        "param p.min: duration = 6 months\n"
        "define paid(k: string, at: date) for Person = total(c in cs where c.city = k, at)\n"
        "define intake = date(year(as_of), 8, 31)\n"
        "define earliest for Person = first c in cs by c.from\n"
        "table t1: int -> int { .. 17: 0  18 .. 55: 30  56 ..: 5 }\n"
        "table t2: E -> int { a: 1  b: 2 }\n"
        "service s \"s\" for Person\n  requires ";
    const row rows[] = {
        {"age(d) = 25", "  d: 2000-09-01\n", verdict::eligible},
        {"age(d) = 25", "  d: 2000-09-02\n", verdict::not_eligible},
        {"age(d, date(year(as_of), 8, 31)) = 6", "  d: 2019-08-31\n", verdict::eligible},
        {"months_between(d, as_of) = 3 months", "  d: 2025-05-31\n", verdict::eligible},
        {"d + 1 year = 2025-02-28", "  d: 2024-02-29\n", verdict::eligible},
        {"n * 2 + 1 = 7 and n / 2 = 1.5", "  n: 3\n", verdict::eligible},
        {"x * 10 = 8 and floor(x * 10 + 0.5) = 8 and round(x) = 1", "  x: 0.8\n", verdict::eligible},
        {"m * 2 = 6000 yuan and m / 3000 yuan = 1", "  m: 3000\n", verdict::eligible},
        {"min(n, 30) = 3 and max(n, 30) = 30", "  n: 3\n", verdict::eligible},
        {"e in {b} and e != a and e = E.b", "  e: b\n", verdict::eligible},
        {"e not in {a}", "  e: a\n", verdict::not_eligible},
        {"n between 1 and 3", "  n: 3\n", verdict::eligible},
        {"if n > 2 then n = 3 else false", "  n: 3\n", verdict::eligible},
        {"(if n > 2 then 1 else 1) = 1", "  {}\n", verdict::eligible},  // both branches agree
        {"t1(n) = 30 and t1(56) = 5 and t1(17) = 0 and t2(e) = 2", "  n: 55\n  e: b\n", verdict::eligible},
        {"total(s) = 12 months", "  s: [{from: 2024-09-01}]\n", verdict::eligible},
        {"total(s, 2024-12-31) = 4 months", "  s: [{from: 2024-09-01}]\n", verdict::eligible},
        {"within(s, 12 months) >= param p.min", "  s: [{from: 2024-01-01, to: 2025-03-01}]\n", verdict::eligible},
        {"holds(s) and not holds(s, 2020-01-01)", "  s: [{from: 2024-01-01}]\n", verdict::eligible},
        {"run_start(s, 0 months) = 2024-01-01", "  s: [{from: 2024-01-01}]\n", verdict::eligible},
        {"run_start(s, 0 months) is missing", "  s: [{from: 2020-01-01, to: 2020-12-31}]\n", verdict::eligible},
        {"total(cs) = 3 months and (sum c in cs: c.base) = 500 yuan",
         "  cs: [{from: 2025-07-01, base: 200}, {from: 2025-05-01, to: 2025-05-31, base: 300}]\n", verdict::eligible},
        {"count c in cs: c.base > 250 yuan = 1", "  cs: [{from: 2025-07-01, base: 200}, {from: 2025-05-01, base: 300}]\n",
         verdict::eligible},
        {"size(cs) = 0 and not (any c in cs: true) and (all c in cs: false)", "  cs: []\n", verdict::eligible},
        {"o is set", "  o: null\n", verdict::not_eligible},
        {"o is missing", "  o: null\n", verdict::eligible},
        {"o is set", "  {}\n", verdict::undetermined},
        {"w >= 2 years", "  w: 24 months\n", verdict::eligible},
        {"date(n, 2, 29) is missing", "  n: 2023\n", verdict::undetermined},  // an evaluation error, not none
        {"n / 0 > 1", "  n: 3\n", verdict::undetermined},  // division by zero: an evaluation error
        // filtered histories: only the spells that pass `where`; an unknown attribute leaves it open
        {"total(c in cs where c.city = \"sh\") = 2 months",
         "  cs: [{from: 2025-07-01, city: sh}, {from: 2025-01-01, to: 2025-03-31, city: bj}]\n", verdict::eligible},
        {"total(c in cs where c.city = \"sh\") = 2 months",
         "  cs: [{from: 2025-07-01, city: sh}, {from: 2025-01-01, to: 2025-03-31}]\n", verdict::undetermined},
        {"total(c in cs where c.city = \"xx\") = 0 months", "  cs: [{from: 2025-07-01, city: sh}]\n", verdict::eligible},
        // counting conventions
        {"total(s) = 1 month and total(s, counting: calendar_months) = 3 months",
         "  s: [{from: 2025-06-30, to: 2025-08-01}]\n", verdict::eligible},
        {"total(s, counting: calendar_months) = 3 months and total(s, counting: calendar_months_before) = 2 months",
         "  s: [{from: 2025-07-15}]\n", verdict::eligible},
        {"total(s, counting: days) = 31 days", "  s: [{from: 2025-08-01, to: 2025-08-31}]\n", verdict::eligible},
        // the table of counting conventions in rules/README.md, at 1 September
        {"total(s) = 1 month and total(s, counting: calendar_months) = 3 months and "
         "total(s, counting: calendar_months_before) = 3 months and total(s, counting: days) = 33 days",
         "  s: [{from: 2025-06-30, to: 2025-08-01}]\n", verdict::eligible},
        {"total(s) = 1 month and total(s, counting: calendar_months) = 3 months and "
         "total(s, counting: calendar_months_before) = 2 months and total(s, counting: days) = 49 days",
         "  s: [{from: 2025-07-15}]\n", verdict::eligible},
        // leap days count as days; touching spells merge
        {"total(s, counting: days) = 366 days and total(s) = 12 months",
         "  s: [{from: 2024-01-01, to: 2024-06-30}, {from: 2024-07-01, to: 2024-12-31}]\n", verdict::eligible},
        {"total(s, counting: calendar_months) = 1 month",  // two spells of one month touch it once
         "  s: [{from: 2025-06-01, to: 2025-06-10}, {from: 2025-06-20, to: 2025-06-25}]\n", verdict::eligible},
        {"within(s, 12 months, counting: calendar_months) = 12 months and within(s, 12 months, counting: "
         "calendar_months_before) = 12 months", "  s: [{from: 2020-01-01}]\n", verdict::eligible},
        {"longest_run(s, 5 days, counting: days) = 15 days and longest_run(s, 4 days, counting: days) = 10 days",
         "  s: [{from: 2025-01-01, to: 2025-01-10}, {from: 2025-01-16, to: 2025-01-20}]\n", verdict::eligible},
        {"longest_run(s, 1 month, counting: calendar_months) = 5 months",  // May missing: bridged, not counted
         "  s: [{from: 2025-01-10, to: 2025-04-02}, {from: 2025-06-30, to: 2025-06-30}]\n", verdict::eligible},
        {"run_start(s, 1 month, counting: calendar_months, at: 2025-06-30) = 2025-01-10",
         "  s: [{from: 2025-01-10, to: 2025-04-02}, {from: 2025-06-30, to: 2025-06-30}]\n", verdict::eligible},
        // a reference day after as_of (2025-09-01): if nothing changes
        {"total(s, 2026-09-01) = 12 months and total(s, at: 2026-09-01, future: planned) = 23 months",
         "  s: [{from: 2024-09-01, to: 2025-08-31}, {from: 2025-10-01}]\n", verdict::eligible},
        {"total(s, 2026-06-30) = 12 months and total(s, at: 2026-06-30, future: continued) = 18 months",
         "  s: [{from: 2025-01-01, to: 2025-12-31}]\n", verdict::eligible},
        {"holds(s, 2026-01-01) and holds(s, 2026-01-01, future: recorded) and holds(s, at: 2026-01-01, future: continued)",
         "  s: [{from: 2025-01-01}]\n", verdict::eligible},  // an open spell runs on in every mode
        {"holds(s, 2026-01-01)", "  s: [{from: 2025-01-01, to: 2025-12-31}]\n", verdict::not_eligible},
        {"not holds(s, 2026-01-01) and holds(s, 2026-01-01, future: planned)", "  s: [{from: 2025-12-01}]\n",
         verdict::eligible},
        // days
        {"days_between(2024-02-28, 2024-03-01) = 2 days and 2024-02-28 + 2 days = 2024-03-01 and days(3 days) = 3",
         "  {}\n", verdict::eligible},
        // aggregates over (filtered) lists
        {"(max c in cs: c.base) = 300 yuan and (min c in cs: c.from) = 2025-05-01",
         "  cs: [{from: 2025-07-01, base: 200}, {from: 2025-05-01, base: 300}]\n", verdict::eligible},
        {"earliest.base = 300 yuan", "  cs: [{from: 2025-07-01, base: 200}, {from: 2025-05-01, base: 300}]\n",
         verdict::eligible},
        {"earliest is missing", "  cs: []\n", verdict::eligible},
        {"size(distinct c in cs: c.city) = 2",
         "  cs: [{from: 2025-01-01, city: a}, {from: 2025-02-01, city: b}, {from: 2025-03-01, city: a}]\n",
         verdict::eligible},
        {"any city in (distinct c in cs: c.city): total(x in cs where x.city = city) >= 3 months",
         "  cs: [{from: 2025-01-01, to: 2025-01-31, city: a}, {from: 2025-02-01, to: 2025-02-28, city: b}, "
         "{from: 2025-03-01, to: 2025-05-31, city: a}]\n", verdict::eligible},
        {"any c in cs where c.city = \"a\": c.base > 100 yuan",
         "  cs: [{from: 2025-01-01, city: b, base: 500}, {from: 2025-01-01, city: a, base: 50}]\n", verdict::not_eligible},
        {"count c in cs where c.city = \"a\": c.base > 10 yuan = 1",
         "  cs: [{from: 2025-01-01, city: b, base: 500}, {from: 2025-01-01, city: a, base: 50}]\n", verdict::eligible},
        // functions
        {"paid(\"sh\", as_of) = 2 months and paid(\"sh\", 2025-08-01) = 1 month",
         "  cs: [{from: 2025-07-01, city: sh}]\n", verdict::eligible},
        {"intake = 2025-08-31", "  {}\n", verdict::eligible},
        // position: the place of an item in its list (the first two contributions only)
        {"(sum c in cs where position(c) <= 2: c.base) = 500 yuan and (count c in cs: position(c) = 3) = 1",
         "  cs: [{from: 2025-01-01, base: 200}, {from: 2025-02-01, base: 300}, {from: 2025-03-01, base: 400}]\n",
         verdict::eligible},
        {"any c in cs: position(c) = 2 and c.base > 250 yuan",
         "  cs: [{from: 2025-01-01, base: 200}, {from: 2025-02-01, base: 300}]\n", verdict::eligible},
        // a 29 February birthday: 28 February in common years, or (leap_birthday: mar_1) 1 March
        {"age(d, 2018-02-28) = 18 and age(d, at: 2018-02-28, leap_birthday: mar_1) = 17 and "
         "age(d, at: 2018-03-01, leap_birthday: mar_1) = 18", "  d: 2000-02-29\n", verdict::eligible},
    };
    for (const auto& r : rows) {
        INFO(r.condition << "\n" << r.facts);
        auto p = compile_text(std::string(schema) + r.condition + "\n");
        CHECK(verdict_of(*p, r.facts) == r.expected);
    }
}

TEST_CASE("malformed profiles are reported with field path and position", "[eval][profile]") {
    auto p = compile_text(
        "ruleset t\nenum E { alpha, beta }\nrecord Child { birth_date: date }\n"
        "entity Person { d: date  n: int  m: money  e: E  s: spells  kids: list of Child  o: optional Child  w: duration }\n"
        "service s \"s\" for Person\n  requires n > 0\n");
    struct row {
        const char* text;
        const char* expected;
    };
    const row rows[] = {
        {"entity: Person\nfacts:\n  kids:\n    - birth_date: six\n",
         "p.yaml:4:19: error[E703]: kids[1].birth_date: expected a date (YYYY-MM-DD), got \"six\""},
        {"entity: Person\nfacts:\n  d: 2023-02-29\n", "d: expected a date (YYYY-MM-DD), got \"2023-02-29\""},
        {"entity: Person\nfacts:\n  nn: 1\n", "p.yaml:3:3: error[E702]: nn: unknown field of Person; did you mean 'n'?"},
        {"entity: Person\nfacts:\n  n: 1.5\n", "n: expected a whole number, got \"1.5\""},
        {"entity: Person\nfacts:\n  m: lots\n", "m: expected an amount in yuan"},
        {"entity: Person\nfacts:\n  e: alhpa\n", "error[E706]: e: 'alhpa' is not a value of E; did you mean 'alpha'?"},
        {"entity: Person\nfacts:\n  s: {from: 2020-01-01}\n", "s: expected a list, got a mapping"},
        {"entity: Person\nfacts:\n  s: [{to: 2020-01-01, from: x}]\n", "s[1].from: expected a date"},
        {"entity: Person\nfacts:\n  kids: [3]\n", "kids[1]: expected a mapping of Child fields, got \"3\""},
        {"entity: Person\nfacts:\n  n: null\n", "error[E705]: n: null is only allowed for optional fields"},
        {"entity: Person\nfacts:\n  w: 6 weeks\n", "w: expected a duration"},
        {"entity: Persn\nfacts: {}\n", "error[E707]: entity: unknown entity 'Persn' (the rules declare Person)"},
        {"entity: Person\nfacts: [1, 2]\n", "expected a mapping of Person fields, got a list"},
        {"entity: Person\nid: x\nfacts: {}\nextra: 1\n", "extra: unknown key of a profile envelope"},
        {"entity: Person\nfacts:\n  n: [1\n", "error[E701]: not valid YAML or JSON"},
        {"- just\n- a list\n", "a profile is a mapping of fields"},
        {"{\"entity\": \"Person\", \"facts\": {\"n\": \"x\"}}", "p.yaml:1:37: error[E703]: n: expected a whole number, got \"x\""},
    };
    for (const auto& r : rows) {
        INFO(r.text);
        auto prof = load(*p, r.text);
        CHECK_FALSE(prof.value);
        CHECK_THAT(render_text(prof.diags), Catch::Contains(r.expected));
    }
    SECTION("a profile over the size limit") {
        std::string big = "entity: Person\nfacts:\n  n: 1\n# " + std::string(2u << 20, 'x') + "\n";
        CHECK_THAT(render_text(load(*p, big).diags), Catch::Contains("error[E708]: the profile is"));
    }
    SECTION("all errors of a file in one run") {
        auto prof = load(*p, "entity: Person\nfacts:\n  n: x\n  m: y\n  zz: 1\n");
        CHECK(prof.diags.error_count() == 3);
    }
    SECTION("a bare profile takes the only entity services are for") {
        auto prof = load(*p, "n: 3\n");
        REQUIRE(prof.value);
        CHECK(p->evaluate(*prof.value, {{2025, 1, 1}, {}}).services.at(0).outcome == verdict::eligible);
    }
}

TEST_CASE("compile picks the ruleset to evaluate", "[eval]") {
    auto national = std::make_shared<source_file>("n.rules", "ruleset n\nentity P { a: bool }\nservice s \"s\" for P\n  requires a\n");
    auto a = std::make_shared<source_file>("a.rules", "ruleset a extends n\n");
    auto b = std::make_shared<source_file>("b.rules", "ruleset b extends n\n");
    CHECK(compile({national}).program->ruleset() == "n");
    CHECK(compile({national, a}).program->ruleset() == "a");
    auto both = compile({national, a, b});
    CHECK_FALSE(both.program);
    CHECK_THAT(render_text(both.diags), Catch::Contains("several rulesets could be evaluated (a, b)"));
    CHECK(compile({national, a, b}, {}, "b").program->ruleset() == "b");
    CHECK_THAT(render_text(compile({national}, {}, "zz").diags), Catch::Contains("no ruleset named 'zz'"));
}

TEST_CASE("example profiles evaluate to their golden verdicts", "[eval][golden]") {
    // Each persona is evaluated in the jurisdiction it names.
    testing::shipped_rules rules;
    std::vector<fs::path> profiles;
    for (auto& e : fs::directory_iterator("examples/profiles")) profiles.push_back(e.path());
    std::sort(profiles.begin(), profiles.end());
    REQUIRE(profiles.size() >= 6);
    std::map<verdict, int> seen;
    for (const auto& path : profiles) {
        INFO(path.generic_string());
        auto text = std::make_shared<source_file>(path.generic_string(), testing::read_text(path));
        REQUIRE_FALSE(profile_ruleset(*text).empty());
        const program& compiled = rules.for_profile(*text);
        auto prof = compiled.load_profile(text);
        INFO(render_text(prof.diags));
        REQUIRE(prof.value);
        REQUIRE(prof.as_of);
        auto e = compiled.evaluate(*prof.value, {*prof.as_of, {}});
        for (auto& s : e.services) ++seen[s.outcome];
        // The rules hash changes with every edit of the rules: keep it out of the goldens.
        e.rules_hash = "<rules hash>";
        std::string json = render_json(e) + "\n" + render_text(e, true);
        auto golden = fs::path("tests/eval") / (path.stem().string() + ".golden");
        auto mismatch = testing::golden_mismatch(golden, json);
        CHECK_FALSE(mismatch);
        if (mismatch) CHECK(*mismatch == json);
    }
    // The examples show every kind of verdict.
    CHECK(seen[verdict::eligible] > 0);
    CHECK(seen[verdict::not_eligible] > 0);
    CHECK(seen[verdict::undetermined] > 0);
}

TEST_CASE("parameter files give dated values; a city overrides its parent", "[eval][params]") {
    auto national = std::make_shared<source_file>(
        "n.rules",
        "ruleset national\nentity Person { pension: spells }\n"
        "param school.min_pension: duration = 6 months\nparam school.other: int\n"
        "service s \"s\" for Person\n  requires within(pension, 12 months) >= param school.min_pension \"缴费\"\n");
    auto city = std::make_shared<source_file>("c.rules", "ruleset city extends national\n");
    auto values = std::make_shared<source_file>(
        "city.params.yaml",
        "ruleset: city\nparameters:\n  school.min_pension:\n    description: 城市标准\n    reference: https://example.org\n"
        "    values:\n      2018-01-01: 6 months\n      2025-07-01: 12 months\n      2027-01-01: null\n");
    auto compiled = compile({national, city, values});
    INFO(render_text(compiled.diags));
    REQUIRE(compiled.program);
    CHECK(compiled.program->ruleset() == "city");
    // Nine months of contributions in the last year.
    auto prof = compiled.program->load_profile(
        std::make_shared<source_file>("p.yaml", "entity: Person\nfacts:\n  pension: [{from: 2024-10-01}]\n"));
    REQUIRE(prof.value);
    auto at = [&](civil_date d) { return compiled.program->evaluate(*prof.value, {d, {}}).services.at(0); };
    auto before = at({2025, 6, 30});
    CHECK(before.outcome == verdict::eligible);
    CHECK(before.layer == "national");  // the service is national; the value is the city's
    REQUIRE(before.parameters.size() == 1);
    CHECK(before.parameters[0].value == "6 months");
    CHECK(before.parameters[0].since == "2018-01-01");
    CHECK(before.parameters[0].layer == "city");
    CHECK(before.parameters[0].reference == "https://example.org");
    auto after = at({2025, 7, 1});
    CHECK(after.outcome == verdict::not_eligible);
    CHECK(after.parameters[0].value == "12 months");
    CHECK(after.parameters[0].since == "2025-07-01");
    // Before the city's first value: the national default.
    auto early = at({2017, 6, 1});
    CHECK(early.parameters[0].since == "default");
    CHECK(early.parameters[0].layer == "national");
    // A value ended with null: the parameter is unknown, the verdict open.
    auto ended = at({2027, 3, 1});
    CHECK(ended.outcome == verdict::undetermined);
    CHECK(ended.missing == std::vector<std::string>{"parameter school.min_pension"});
    // Values for a ruleset that is not loaded are an error.
    auto alone = compile({national, values}, {}, "national");
    CHECK_FALSE(alone.program);  // the values name a ruleset that is not loaded
    CHECK_THAT(render_text(alone.diags), Catch::Contains("E902"));
}

TEST_CASE("exceptions follow default logic: override, priority, conflict", "[eval][exceptions]") {
    auto p = compile_text(
        "ruleset t\nentity P { local: bool  points: int  banned: bool  veteran: bool }\n"
        "service housing \"h\" for P\n  requires local \"本地户籍\"\n"
        "exception by_points \"积分达标\" to housing\n  when points >= 120\n  then eligible\n"
        "exception banned \"失信\" to housing over by_points\n  when banned\n  then not_eligible\n"
        "exception veteran \"退役军人\" to housing\n  when veteran\n  then eligible\n");
    auto run = [&](const std::string& facts) { return first_service(*p, "P", facts, {2025, 1, 1}); };
    SECTION("no exception applies: the rule decides") {
        auto r = run("  local: true\n  points: 0\n  banned: false\n  veteran: false\n");
        CHECK(r.outcome == verdict::eligible);
        CHECK(r.decided_by.empty());
    }
    SECTION("an exception overrides the rule") {
        auto r = run("  local: false\n  points: 130\n  banned: false\n  veteran: false\n");
        CHECK(r.outcome == verdict::eligible);
        CHECK(r.decided_by == "by_points");
        CHECK(r.failed.empty());
    }
    SECTION("an exception declared over another wins when both apply") {
        auto r = run("  local: false\n  points: 130\n  banned: true\n  veteran: false\n");
        CHECK(r.outcome == verdict::not_eligible);
        CHECK(r.decided_by == "banned");
        CHECK(r.failed == std::vector<std::string>{"失信"});
    }
    SECTION("two exceptions with no priority between them are a conflict") {
        auto r = run("  local: false\n  points: 130\n  banned: false\n  veteran: true\n");
        CHECK(r.outcome == verdict::undetermined);
        CHECK_THAT(r.conflict, Catch::Contains("by_points (t), veteran (t) all apply"));
    }
    SECTION("an exception that may apply and would change the verdict leaves it open") {
        auto r = run("  local: false\n  banned: false\n  veteran: false\n");
        CHECK(r.outcome == verdict::undetermined);
        CHECK(r.missing == std::vector<std::string>{"points"});
    }
    SECTION("one that may apply but agrees with the verdict changes nothing") {
        auto r = run("  local: true\n  points: 0\n  banned: false\n");
        CHECK(r.outcome == verdict::eligible);
    }
}

TEST_CASE("a city's exception to a national service names the city as the deciding layer", "[eval][exceptions]") {
    auto national = std::make_shared<source_file>(
        "n.rules", "ruleset national\nentity P { local: bool  points: int }\n"
                   "service housing \"h\" for P\n  requires local\n");
    auto city = std::make_shared<source_file>(
        "c.rules", "ruleset city extends national\n"
                   "exception by_points \"积分达标\" to housing\n  when points >= 120\n  then eligible\n");
    auto compiled = compile({national, city});
    INFO(render_text(compiled.diags));
    REQUIRE(compiled.program);
    auto rule = first_service(*compiled.program, "P", "  local: true\n  points: 0\n");
    CHECK(rule.layer == "national");
    auto exception = first_service(*compiled.program, "P", "  local: false\n  points: 130\n");
    CHECK(exception.outcome == verdict::eligible);
    CHECK(exception.layer == "city");
    CHECK(exception.decided_by == "by_points");
    // The national ruleset alone has no such exception.
    auto alone = compile({national});
    CHECK(first_service(*alone.program, "P", "  local: false\n  points: 130\n").outcome == verdict::not_eligible);
}

TEST_CASE("scores total their capped items and pass against the threshold", "[eval][scores]") {
    auto p = compile_text(
        "ruleset t\nenum Edu { none, bachelor, master }\n"
        "entity P { age: int  edu: Edu  years: int  permit: bool }\n"
        "table edu_points: Edu -> int { bachelor: 60  master: 100  else: 0 }\n"
        "param points.standard: int = 120\n"
        "score points \"积分\" for P\n"
        "  requires permit \"持证\"\n"
        "  item age \"年龄\" = if age >= 56 then 5 else min(30, 5 + 2 * (56 - age))\n"
        "  item edu \"学历\" = edu_points(edu) cap 90\n"
        "  item insurance \"社保\" = 3 * years cap 30\n"
        "  threshold param points.standard\n");
    auto run = [&](const std::string& facts) { return first_service(*p, "P", facts, {2025, 1, 1}); };
    auto pass = run("  age: 30\n  edu: master\n  years: 4\n  permit: true\n");
    CHECK(pass.is_score);
    CHECK(pass.outcome == verdict::eligible);
    CHECK(pass.total == "132");  // 30 + 90 (capped from 100) + 12
    CHECK(pass.threshold == "120");
    REQUIRE(pass.items.size() == 3);
    CHECK(pass.items[1].points == "90");
    auto low = run("  age: 50\n  edu: bachelor\n  years: 20\n  permit: true\n");
    CHECK(low.total == "107");  // 17 + 60 + 30 (capped from 60)
    CHECK(low.outcome == verdict::not_eligible);
    auto gate = run("  age: 30\n  edu: master\n  years: 4\n  permit: false\n");
    CHECK(gate.outcome == verdict::not_eligible);
    CHECK(gate.failed.front() == "持证");
    auto open = run("  age: 30\n  years: 4\n  permit: true\n");
    CHECK(open.outcome == verdict::undetermined);
    CHECK(open.total.empty());
    CHECK(open.missing == std::vector<std::string>{"edu"});
    auto json = render_json(p->evaluate(*load(*p, "entity: P\nfacts:\n  age: 30\n  edu: master\n  years: 4\n  permit: true\n").value,
                                        {{2025, 1, 1}, {}}));
    CHECK_THAT(json, Catch::Contains("\"scores\":[{\"id\":\"points\",\"title\":\"积分\",\"verdict\":\"eligible\""));
    CHECK_THAT(json, Catch::Contains("\"value\":\"132\",\"threshold\":\"120\""));
}

TEST_CASE("one program evaluates from many threads at once", "[eval][threads]") {
    auto loaded = load_rule_files({"rules"});
    auto compiled = compile(loaded.files, {}, "national");
    REQUIRE(compiled.program);
    auto prof = compiled.program->load_profile(std::make_shared<source_file>(
        "examples/profiles/li-household.yaml", testing::read_text("examples/profiles/li-household.yaml")));
    REQUIRE(prof.value);
    std::string expected = render_json(compiled.program->evaluate(*prof.value, {*prof.as_of, {}}));
    std::vector<std::string> results(4);
    std::vector<std::thread> threads;
    for (std::size_t t = 0; t < results.size(); ++t)
        threads.emplace_back([&, t] {
            std::string last;
            for (int i = 0; i < 50; ++i) last = render_json(compiled.program->evaluate(*prof.value, {*prof.as_of, {}}));
            auto decider = compiled.program->make_decider(*prof.as_of, "Household");
            std::vector<decision> d(decider->services().size());
            decider->decide(*prof.value, d.data());
            auto school = std::find(decider->services().begin(), decider->services().end(), "child_school");
            results[t] = last + (d[school - decider->services().begin()].outcome == verdict::eligible ? "eligible" : "other");
        });
    for (auto& t : threads) t.join();
    for (const auto& r : results) CHECK(r == expected + "eligible");
}

TEST_CASE("a history known only as a count answers total and nothing else", "[eval][spells]") {
    auto p = compile_text(
        "ruleset t\nentity P { pension: spells }\n"
        "service total_ \"t\" for P\n  requires total(pension) >= 36 months\n"
        "service run \"r\" for P\n  requires longest_run(pension, 0 months) >= 12 months\n"
        "service earlier \"e\" for P\n  requires total(pension, 2020-01-01) >= 1 month\n");
    auto prof = load(*p, "entity: P\nfacts:\n  pension: 40 months\n");
    INFO(render_text(prof.diags));
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
    CHECK(e.services[0].outcome == verdict::eligible);
    CHECK(e.services[1].outcome == verdict::undetermined);
    CHECK(e.services[1].missing == std::vector<std::string>{"pension (dated spells)"});
    CHECK(e.services[2].outcome == verdict::undetermined);
    auto bad = load(*p, "entity: P\nfacts:\n  pension: lots\n");
    CHECK_THAT(render_text(bad.diags), Catch::Contains("pension: expected a list of spells, or a plain count"));
}

TEST_CASE("sha256 and the rules hash", "[eval][hash]") {
    detail::sha256 empty;
    CHECK(empty.hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    detail::sha256 abc;
    abc.update("abc");
    CHECK(abc.hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    detail::sha256 two_blocks;
    two_blocks.update("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
    CHECK(two_blocks.hex() == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    // The same rules in another order hash the same; a changed rule does not.
    auto a = std::make_shared<source_file>("a.rules", "ruleset t\nentity P { x: bool }\n");
    auto b = std::make_shared<source_file>("b.rules", "ruleset t\nservice s \"s\" for P\n  requires x\n");
    auto b2 = std::make_shared<source_file>("b.rules", "ruleset t\nservice s \"s\" for P\n  requires not x\n");
    auto h1 = compile({a, b}).program->rules_hash();
    CHECK(h1.size() == 64);
    CHECK(compile({b, a}).program->rules_hash() == h1);
    CHECK(compile({a, b2}).program->rules_hash() != h1);
}

TEST_CASE("the batch fast path decides exactly as explained evaluation", "[eval][fastpath]") {
    // The urban12 rules over the bench sample, each profile whole and with one
    // fact left out in turn, so unknowns reach every kind of condition.
    auto loaded = load_rule_files({"bench/urban12.rules"});
    auto compiled = compile(loaded.files);
    REQUIRE(compiled.program);
    const auto& program = *compiled.program;
    auto decider = program.make_decider({2025, 1, 1}, "Applicant");
    REQUIRE(decider);
    std::vector<decision> out(decider->services().size());
    std::string text = testing::read_text("tests/bench/urban12-sample.jsonl");
    const char* keys[] = {"age", "hukou_local", "city_pop_m", "residence_months", "permit", "permit_months",
                          "employment", "pension_months", "fund_months", "housing", "income", "household",
                          "children"};
    std::size_t compared = 0, line_no = 0;
    for (std::size_t begin = 0, end; begin < text.size(); begin = end + 1) {
        end = text.find('\n', begin);
        std::string line = text.substr(begin, end - begin);
        ++line_no;
        for (int variant = -1; variant < 13; ++variant) {
            std::string json = line;
            if (variant >= 0) {
                // Drop `"key": value` (values here hold no commas except in children).
                std::string key = std::string("\"") + keys[variant] + "\": ";
                auto at = json.find(key);
                if (at == std::string::npos) continue;
                auto stop = std::string(keys[variant]) == "children" ? json.find(']', at) + 1 : json.find_first_of(",}", at);
                json.erase(at, stop - at);
                if (json.compare(at, 2, ", ") == 0) json.erase(at, 2);
                else if (at >= 2 && json.compare(at - 2, 2, ", ") == 0) json.erase(at - 2, 2);
            }
            INFO("line " << line_no << " variant " << variant << ": " << json);
            auto prof = program.load_profile(std::make_shared<source_file>("p.json", json), {"Applicant"});
            INFO(render_text(prof.diags));
            REQUIRE(prof.value);
            auto e = program.evaluate(*prof.value, {{2025, 1, 1}, {}});
            decider->decide(*prof.value, out.data());
            REQUIRE(e.services.size() == out.size());
            for (std::size_t k = 0; k < out.size(); ++k) {
                INFO(e.services[k].id);
                CHECK(e.services[k].outcome == out[k].outcome);
            }
            ++compared;
        }
    }
    CHECK(compared > 500);
}

namespace {

// Every shape of condition the batch decider compiles (field tests and their
// `not`, runs of them, nested and/or/not groups, quantifiers over lists with
// unknown items, comparisons of computed values, decimals against integers,
// none, `if` chains, tables, caps, thresholds, exceptions with priority and
// conflict), for profiles with facts left out at random.
const char* const shapes_rules = R"(ruleset shapes
enum Kind { a, b, c, d }
record Kid { age: int  local: bool  kind: optional Kind }
entity P {
  x: int  y: int  f: bool  g: bool  k: Kind  o: optional Kind  d: decimal  m: money  n: int
  when: date  kids: list of Kid  pay: spells  h: optional int
}
param limit "上限": int = 40
table kind_points: Kind -> int { a: 10  b: 20  else: 0 }
service s1 "s1" for P
  requires x >= 18 and x < 60 and not f
  unless k in {c, d} and g
service s2 "s2" for P
  requires f or (g and y between 3 and 9) or not (k = a or o is set)
  requires d < 2.5 or d >= 4 and d != 7
service s3 "s3" for P
  requires any c in kids: c.age between 6 and 15 and not c.local
  requires all c in kids: c.kind not in {d} or c.local
service s4 "s4" for P
  requires m / n < 30000 yuan or n = 0
  requires (count c in kids: c.local) >= 1 or x > param limit
  unless o = b
service s5 "s5" for P
  requires holds(pay) or total(pay) >= 12 months or h > 3
  requires when <= 2020-01-01 or not (f and g)
service s6 "s6" for P
  requires not (x > 10 or y > 10) or (f and not g and k != b)
exception e1 "e1" to s6
  when f and y >= 5
  then not_eligible
exception e2 "e2" to s6 over e1
  when g
  then eligible
exception e3 "e3" to s6
  when x = 7
  then eligible
score pts "pts" for P
  requires not f or g
  item i1 "i1" = min(x, 30) * 0.5
  item i2 "i2" = kind_points(k) cap 15
  item i3 "i3" = if x between 18 and 45 then 20 else if y > 5 then 10 else 0
  item i4 "i4" = sum c in kids: c.age
  item i5 "i5" = if f then d else 1
  threshold param limit
define older(k: Kid, years: int) = k.age > years
define local_kids for P = size(c in kids where c.local)
service s7 "s7" for P
  requires any c in kids where c.kind = a: older(c, 5) or local_kids >= 2
  requires total(pay, counting: calendar_months) >= 6 months or within(pay, 30 days, counting: days) >= 10 days
  requires holds(pay, 2026-01-01) or total(pay, at: 2026-06-30, future: continued) > 12 months or points_of(pts) >= 20
  requires size(distinct c in kids: c.kind) >= 2 or (max c in kids where c.local: c.age) > 10
    or size(c in kids where not c.local and c.age > 3 and c.kind != b) >= 2
    or (any c in kids: position(c) = 1 and c.local and c.age < 5)
)";

struct lcg {
    std::uint64_t s;
    unsigned operator()(unsigned n) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<unsigned>((s >> 33) % n);
    }
};

// A profile of P with every fact given, left out, or (where allowed) null.
std::string random_shape_profile(lcg& r) {
    const char* kinds[] = {"a", "b", "c", "d"};
    std::vector<std::string> facts;
    auto maybe = [&](const std::string& key, const std::string& value) {
        if (r(5) != 0) facts.push_back("\"" + key + "\": " + value);
    };
    maybe("x", std::to_string(static_cast<int>(r(80))));
    maybe("y", std::to_string(static_cast<int>(r(14))));
    maybe("f", r(2) ? "true" : "false");
    maybe("g", r(2) ? "true" : "false");
    maybe("k", std::string("\"") + kinds[r(4)] + "\"");
    maybe("o", r(3) == 0 ? std::string("null") : std::string("\"") + kinds[r(4)] + "\"");
    maybe("d", std::to_string(r(90) / 10.0));
    maybe("m", std::to_string(r(100000)));
    maybe("n", std::to_string(r(4)));
    maybe("when", r(2) ? "\"2019-05-01\"" : "\"2023-02-28\"");
    maybe("h", r(3) == 0 ? std::string("null") : std::to_string(r(6)));
    std::string kids = "[";
    for (unsigned i = 0, count = r(4); i < count; ++i) {
        std::vector<std::string> kid;
        if (r(6)) kid.push_back("\"age\": " + std::to_string(r(18)));
        if (r(6)) kid.push_back(std::string("\"local\": ") + (r(2) ? "true" : "false"));
        if (r(4)) kid.push_back(r(3) == 0 ? std::string("\"kind\": null") : std::string("\"kind\": \"") + kinds[r(4)] + "\"");
        std::string k = "{";
        for (std::size_t j = 0; j < kid.size(); ++j) k += (j ? ", " : "") + kid[j];
        kids += (i ? ", " : "") + k + "}";
    }
    maybe("kids", kids + "]");
    maybe("pay", r(3) == 0 ? std::string("\"14 months\"")
                           : r(2) ? std::string("[{\"from\": \"2024-01-01\"}]")
                                  : std::string("[{\"from\": \"2020-01-01\", \"to\": \"2020-08-31\"}]"));
    std::string json = "{";
    for (std::size_t j = 0; j < facts.size(); ++j) json += (j ? ", " : "") + facts[j];
    return json + "}";
}

double points_of(const service_result& s) { return s.total.empty() ? std::nan("") : std::stod(s.total); }

// The decider's verdicts (one profile at a time, and as one batch) against
// explained evaluation; returns how often each service had each verdict.
std::map<std::string, std::set<verdict>> check_decider_agrees(const program& p, const std::string& entity,
                                                              const std::vector<std::string>& profiles,
                                                              civil_date as_of) {
    std::map<std::string, std::set<verdict>> seen;
    auto decider = p.make_decider(as_of, entity);
    REQUIRE(decider);
    const std::size_t width = decider->services().size();
    std::string lines;
    for (const auto& json : profiles) lines += json + "\n";
    auto set = p.load_json_lines(std::make_shared<source_file>("set.jsonl", lines), {entity});
    INFO(render_text(set.diags));
    REQUIRE(set.value);
    REQUIRE(size(*set.value) == profiles.size());
    std::vector<decision> batch(width * profiles.size());
    decider->decide(*set.value, 0, profiles.size(), batch.data());
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        INFO("profile " << i << ": " << profiles[i]);
        auto prof = p.load_profile(std::make_shared<source_file>("p.json", profiles[i]), {entity});
        REQUIRE(prof.value);
        auto e = p.evaluate(*prof.value, {as_of, {}});
        std::vector<decision> one(width);
        decider->decide(*prof.value, one.data());
        REQUIRE(e.services.size() == width);
        for (std::size_t k = 0; k < width; ++k) {
            INFO(e.services[k].id);
            const decision& b = batch[i * width + k];
            CHECK(e.services[k].outcome == one[k].outcome);
            CHECK(b.outcome == one[k].outcome);
            CHECK(!e.services[k].conflict.empty() == one[k].conflict);
            // An open verdict always says why: the facts it needs, an evaluation error or a conflict.
            if (e.services[k].outcome == verdict::undetermined)
                CHECK((!e.services[k].missing.empty() || !e.services[k].errors.empty() ||
                       !e.services[k].conflict.empty()));
            seen[e.services[k].id].insert(e.services[k].outcome);
            if (e.services[k].is_score) {
                double want = points_of(e.services[k]);
                CHECK((std::isnan(want) ? std::isnan(one[k].points) : std::abs(want - one[k].points) < 1e-9));
                CHECK((std::isnan(b.points) == std::isnan(one[k].points)));
            }
        }
    }
    return seen;
}

}  // namespace

TEST_CASE("the batch decider agrees with explained evaluation on every shape of condition", "[eval][fastpath]") {
    auto p = compile_text(shapes_rules);
    lcg r{42};
    std::vector<std::string> profiles;
    for (int i = 0; i < 600; ++i) profiles.push_back(random_shape_profile(r));
    auto seen = check_decider_agrees(*p, "P", profiles, {2025, 1, 1});
    // The profiles reach every verdict of every service.
    REQUIRE(seen.size() == 8);
    for (const auto& [service, verdicts] : seen) {
        INFO(service);
        CHECK(verdicts.size() == 3);
    }
}

TEST_CASE("the batch decider agrees with explained evaluation on the shipped rules", "[eval][fastpath]") {
    // Every persona in its jurisdiction, at three dates (spells and ages move).
    testing::shipped_rules rules;
    std::size_t compared = 0;
    for (const auto& entry : fs::directory_iterator("examples/profiles")) {
        auto text = std::make_shared<source_file>(entry.path().string(), testing::read_text(entry.path().string()));
        const program& program = rules.for_profile(*text);
        auto prof = program.load_profile(text);
        REQUIRE(prof.value);
        for (civil_date as_of : {civil_date{2020, 2, 29}, civil_date{2025, 9, 1}, civil_date{2031, 12, 31}}) {
            INFO(entry.path().string() << " at " << as_of.year);
            auto e = program.evaluate(*prof.value, {as_of, {}});
            auto decider = program.make_decider(as_of, e.entity);
            REQUIRE(decider);
            std::vector<decision> out(decider->services().size());
            decider->decide(*prof.value, out.data());
            REQUIRE(out.size() == e.services.size());
            for (std::size_t k = 0; k < out.size(); ++k) {
                INFO(e.services[k].id);
                CHECK(out[k].outcome == e.services[k].outcome);
                if (e.services[k].is_score) {
                    double want = points_of(e.services[k]);
                    CHECK((std::isnan(want) ? std::isnan(out[k].points) : std::abs(want - out[k].points) < 1e-9));
                }
                ++compared;
            }
        }
    }
    CHECK(rules.compiled() == 4);
    CHECK(compared >= 500);
}

TEST_CASE("the decider computes what depends only on the as-of date once, with the same answers", "[eval][fastpath]") {
    // A define without `for`, a parameter and the as-of date fold to
    // constants in the decider; an impossible date there stays unknown (the
    // explained verdict names the error); a score declared after the service
    // that reads its points gives the same total.
    auto p = compile_text(
        "ruleset t\nentity P { born: date  n: int }\n"
        "param p.min: int = 3\n"
        "define leap_day \"闰日\" = date(year(as_of), 2, 29)\n"
        "define cutoff \"截止日\" = date(year(as_of) - param p.min, 1, 1)\n"
        "service leap \"闰日前出生\" for P\n  requires born < leap_day\n"
        "service early \"截止日前出生\" for P\n  requires born < cutoff and n + param p.min > 4\n"
        "service gate \"凭积分\" for P\n  requires points_of(pts) >= 10\n"
        "score pts \"积分\" for P\n  item a \"甲\" = n * 2 cap 30\n  threshold 12\n");
    std::vector<std::string> profiles;
    for (int y : {2019, 2021, 2023, 2024})
        for (int n : {0, 2, 5, 20}) profiles.push_back("{\"born\": \"" + std::to_string(y) + "-03-01\", \"n\": " + std::to_string(n) + "}");
    profiles.push_back("{\"n\": 5}");
    profiles.push_back("{\"born\": \"2020-01-01\"}");
    for (civil_date as_of : {civil_date{2024, 6, 1}, civil_date{2025, 6, 1}}) {
        INFO(as_of.year);
        auto seen = check_decider_agrees(*p, "P", profiles, as_of);
        CHECK(seen["early"].size() == 3);
        CHECK(seen["gate"].size() == 3);
    }
    auto prof = load(*p, "entity: P\nfacts:\n  born: 2020-01-01\n  n: 1\n");
    auto e = p->evaluate(*prof.value, {{2025, 6, 1}, {}});
    CHECK(e.services[0].outcome == verdict::undetermined);
    REQUIRE(e.services[0].errors.size() == 1);
    CHECK_THAT(e.services[0].errors[0], Catch::Contains("date(2025, 2, 29) is not a calendar date"));
}

TEST_CASE("explained evaluation computes a function once and names its facts at every use", "[eval][functions]") {
    // Two services use the same function and the same shared measure; the
    // second use is the first's value, and its unknown facts and errors are
    // still named in the second verdict.
    auto p = compile_text(
        "ruleset t\nrecord Stay { from: date  to: optional date  city: string }\n"
        "entity P { stays: list of Stay  n: int  m: int }\n"
        "define months_in(c: string) \"在某地居住月数\" for P = total(s in stays where s.city = c)\n"
        "define ratio \"比例\" for P = n / m\n"
        "service a \"甲\" for P\n  requires months_in(\"sh\") >= 12 months\n  requires ratio > 1\n"
        "service b \"乙\" for P\n  requires months_in(\"sh\") >= 24 months or ratio > 2\n"
        "service c \"丙\" for P\n  requires total(s in stays where s.city = \"sh\") >= 6 months\n");
    auto prof = load(*p, "entity: P\nfacts:\n  n: 3\n  m: 0\n  stays:\n"
                         "    - {from: 2020-01-01, to: 2022-12-31, city: sh}\n    - {from: 2023-01-01}\n");
    INFO(render_text(prof.diags));
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
    REQUIRE(e.services.size() == 3);
    for (const auto& s : e.services) {
        INFO(s.id);
        CHECK(s.outcome == verdict::undetermined);
        CHECK(s.missing == std::vector<std::string>{"stays[2].city"});
    }
    // The error is located where the value was first computed (service a's use of `ratio`).
    CHECK(e.services[0].errors == std::vector<std::string>{"t.rules:8:12: division by zero in 'ratio'"});
    CHECK(e.services[1].errors == e.services[0].errors);
    CHECK(e.services[2].errors.empty());
    // Once the fact is known, every use sees the same value.
    auto known = load(*p, "entity: P\nfacts:\n  n: 3\n  m: 1\n  stays:\n"
                          "    - {from: 2020-01-01, to: 2022-12-31, city: sh}\n    - {from: 2023-01-01, city: bj}\n");
    auto k = p->evaluate(*known.value, {{2025, 1, 1}, {}});
    CHECK(k.services[0].outcome == verdict::eligible);
    CHECK(k.services[1].outcome == verdict::eligible);
    CHECK(k.services[2].outcome == verdict::eligible);
}

TEST_CASE("a decider's rows carry the defines and score items asked for as columns", "[eval][fastpath][columns]") {
    auto p = compile_text(
        "ruleset t\nenum Kind { a \"甲\", b \"乙\" }\n"
        "record Stay { from: date  to: optional date  city: string }\n"
        "entity P { born: date  kind: Kind  stays: list of Stay  rent: money  name: string  since: optional date }\n"
        "define sh_months \"在沪月数\" for P = total(s in stays where s.city = \"sh\")\n"
        "define sh_days \"在沪天数\" for P = total(s in stays where s.city = \"sh\", counting: days)\n"
        "define adult \"成年\" for P = age(born) >= 18\n"
        "define first_day \"首次居住日\" for P = min s in stays: s.from\n"
        "define rent_half \"半租\" for P = rent * 0.5\n"
        "define sh_stays \"在沪记录\" for P = s in stays where s.city = \"sh\"\n"
        "define settled \"落户日期\" for P = since\n"
        "define kind_of \"类别\" for P = kind\n"
        "define who \"姓名\" for P = name\n"
        "score pts \"积分\" for P\n  item months \"月数\" = months(sh_months) cap 10\n  item extra \"加分\" = 0.5\n  threshold 5\n"
        "service s \"s\" for P\n  requires sh_months >= 6 months\n");
    auto set = p->load_json_lines(std::make_shared<source_file>("p.jsonl",
        "{\"born\": \"2000-05-01\", \"kind\": \"b\", \"rent\": 1000.5, \"name\": \"李\", \"since\": null, \"stays\": "
        "[{\"from\": \"2020-01-01\", \"to\": \"2020-12-31\", \"city\": \"sh\"}, {\"from\": \"2019-03-01\", \"to\": \"2019-04-30\", \"city\": \"bj\"}]}\n"
        "{\"kind\": \"a\", \"stays\": [{\"from\": \"2024-01-01\"}]}\n"), {"P"});
    INFO(render_text(set.diags));
    REQUIRE(set.value);
    std::vector<std::string> columns{"sh_months", "sh_days", "adult", "first_day", "rent_half", "settled", "pts.months", "pts.extra"};
    auto made = p->make_decider({2025, 1, 1}, "P", columns);
    INFO(render_text(made.diags));
    REQUIRE(made.value);
    CHECK(made.value->columns() == columns);
    std::vector<decision> out(2 * 2);
    std::vector<cell> cells(2 * columns.size());
    made.value->decide(*set.value, 0, 2, out.data(), cells.data());
    const cell* row = cells.data();
    CHECK((row[0].type == cell::kind::months && row[0].number == 12));
    CHECK((row[1].type == cell::kind::days && row[1].number == 366));
    CHECK((row[2].type == cell::kind::boolean && row[2].number == 1));
    CHECK((row[3].type == cell::kind::date && row[3].date.year == 2019 && row[3].date.month == 3 && row[3].date.day == 1));
    CHECK((row[4].type == cell::kind::money && row[4].number == 500.25));
    CHECK(row[5].type == cell::kind::none);
    CHECK((row[6].type == cell::kind::number && row[6].number == 10));  // after the cap
    CHECK((row[7].type == cell::kind::number && row[7].number == 0.5));
    CHECK(out[0].outcome == verdict::eligible);  // the score (10.5 >= 5)
    CHECK(out[1].outcome == verdict::eligible);
    const cell* second = cells.data() + columns.size();
    CHECK(second[0].type == cell::kind::unknown);  // the stay's city is not given
    CHECK(second[2].type == cell::kind::unknown);  // no birth date
    CHECK((second[3].type == cell::kind::date && second[3].date.year == 2024));
    CHECK(second[6].type == cell::kind::unknown);
    CHECK(out[3].outcome == verdict::undetermined);
    // The same verdicts as a decider without columns.
    auto plain = p->make_decider({2025, 1, 1}, "P");
    std::vector<decision> again(4);
    plain->decide(*set.value, 0, 2, again.data());
    for (std::size_t k = 0; k < 4; ++k) CHECK(again[k].outcome == out[k].outcome);
    // Enums (by value name) and texts as text.
    auto text = p->make_decider({2025, 1, 1}, "P", {"kind_of", "who"});
    REQUIRE(text.value);
    std::vector<cell> named(2);
    text.value->decide(*set.value, 0, 1, out.data(), named.data());
    CHECK((named[0].type == cell::kind::text && named[0].text == "b"));
    CHECK((named[1].type == cell::kind::text && named[1].text == "李"));
    // Columns that cannot be had: located by name, with the closest.
    auto bad = p->make_decider({2025, 1, 1}, "P", {"sh_month", "pts.month", "sh_stays", "nothing"});
    CHECK_FALSE(bad.value);
    const std::string shown = render_text(bad.diags);
    CHECK_THAT(shown, Catch::Contains("E909") && Catch::Contains("column sh_month: no define") &&
                          Catch::Contains("did you mean 'sh_months'?") && Catch::Contains("did you mean 'pts.months'?") &&
                          Catch::Contains("column sh_stays: the define is a list") && Catch::Contains("column nothing"));
    CHECK_FALSE(p->make_decider({2025, 1, 1}, "Q", {}).value);
}

TEST_CASE("defines and scores used many times over are compiled and evaluated once, not once per path", "[eval][limits]") {
    // d0 uses d1 three times, d1 uses d2 three times, ...: 3^60 paths. So
    // does a chain of scores whose items read the previous score twice.
    std::string text = "ruleset t\nentity P { n: int }\n";
    for (int i = 0; i < 60; ++i)
        text += "define d" + std::to_string(i) + " \"d\" for P = if d" + std::to_string(i + 1) + " > 2 then d" +
                std::to_string(i + 1) + " + 1 else d" + std::to_string(i + 1) + " - 1\n";
    text += "define d60 \"d\" for P = n\n";
    for (int i = 1; i <= 30; ++i)
        text += "score s" + std::to_string(i) + " \"s\" for P\n  item a \"a\" = " +
                (i == 1 ? std::string("n") : "points_of(s" + std::to_string(i - 1) + ") + points_of(s" + std::to_string(i - 1) + ")") +
                "\n  threshold 1\n";
    text += "service top \"t\" for P\n  requires d0 > 0 and points_of(s30) > 0\n";
    auto p = compile_text(text);
    auto prof = load(*p, "entity: P\nfacts:\n  n: 5\n");
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
    CHECK(e.services.back().outcome == verdict::eligible);  // d0 = 65, s30 = 5 * 2^29
    auto decider = p->make_decider({2025, 1, 1}, "P");
    std::vector<decision> d(decider->services().size());
    decider->decide(*prof.value, d.data());
    CHECK(d.back().outcome == verdict::eligible);
    CHECK(d[29].points == 5.0 * (1 << 29));
}

TEST_CASE("a service may require a score's points; a none item gives no points", "[eval][scores]") {
    auto p = compile_text(
        "ruleset t\nentity P { n: int  s: spells }\n"
        "score pts \"积分\" for P\n"
        "  item a \"甲\" = n * 0.5 cap 20\n"
        "  item run \"连续居住\" = months(months_between(run_start(s, 0 months), as_of))\n"
        "  threshold 100\n"
        "service gate \"凭积分\" for P\n  requires points_of(pts) >= 10 \"积分满10分\"\n");
    auto prof = load(*p, "entity: P\nfacts:\n  n: 30\n  s: [{from: 2020-01-01, to: 2020-12-31}]\n");
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
    REQUIRE(e.services.size() == 2);
    CHECK(e.services[0].total == "15");  // 15 points, the run item none: 0
    CHECK(e.services[0].missing.empty());
    CHECK(e.services[1].outcome == verdict::eligible);
    auto decider = p->make_decider({2025, 1, 1}, "P");
    std::vector<decision> d(2);
    decider->decide(*prof.value, d.data());
    CHECK(d[0].points == 15);
    CHECK(d[1].outcome == verdict::eligible);
    auto unknown = load(*p, "entity: P\nfacts:\n  s: []\n");
    auto u = p->evaluate(*unknown.value, {{2025, 1, 1}, {}});
    CHECK(u.services[1].outcome == verdict::undetermined);
    CHECK(u.services[1].missing == std::vector<std::string>{"n"});
}

TEST_CASE("evaluation errors are located in the verdict, never a silent unknown", "[eval]") {
    auto p = compile_text(
        "ruleset t\nentity P { n: int  m: int  y: int }\n"
        "service ratio \"r\" for P\n  requires n / m > 1 \"比例\"\n"
        "service day \"d\" for P\n  requires date(y, 2, 30) > 2020-01-01\n");
    auto prof = load(*p, "entity: P\nfacts:\n  n: 3\n  m: 0\n  y: 2025\n");
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
    CHECK(e.services[0].outcome == verdict::undetermined);
    REQUIRE(e.services[0].errors.size() == 1);
    CHECK(e.services[0].errors[0] == "t.rules:4:12: division by zero in 'n / m'");
    REQUIRE(e.services[1].errors.size() == 1);
    CHECK_THAT(e.services[1].errors[0], Catch::Contains("date(2025, 2, 30) is not a calendar date"));
    CHECK_THAT(render_json(e), Catch::Contains("\"errors\":[\"t.rules:4:12: division by zero"));
}

TEST_CASE("a city adds fields to the national entities; only its profiles may give them", "[eval][layers]") {
    auto national = std::make_shared<source_file>(
        "n.rules", "ruleset national\nentity Person { local: bool }\n"
                   "service s \"s\" for Person\n  requires local\n");
    auto city = std::make_shared<source_file>(
        "c.rules", "ruleset city extends national\nenum District { core, outer }\n"
                   "extend entity Person { district: District \"居住区\" }\n"
                   "service core \"中心城区\" for Person\n  requires district = core and local\n");
    auto in_city = compile({national, city}, {}, "city");
    INFO(render_text(in_city.diags));
    REQUIRE(in_city.program);
    auto prof = in_city.program->load_profile(std::make_shared<source_file>("p.yaml", "local: true\ndistrict: core\n"),
                                              {"Person"});
    INFO(render_text(prof.diags));
    REQUIRE(prof.value);
    auto e = in_city.program->evaluate(*prof.value, {{2025, 1, 1}, {}});
    REQUIRE(e.services.size() == 2);
    CHECK(e.services[1].outcome == verdict::eligible);
    auto in_nation = compile({national, city}, {}, "national");
    REQUIRE(in_nation.program);
    auto refused = in_nation.program->load_profile(
        std::make_shared<source_file>("p.yaml", "local: true\ndistrict: core\n"), {"Person"});
    CHECK_FALSE(refused.value);
    CHECK_THAT(render_text(refused.diags), Catch::Contains("E702"));
    // The parent's own rules cannot use the child's field.
    auto sneaky = std::make_shared<source_file>(
        "n2.rules", "ruleset national\nservice t \"t\" for Person\n  requires district = core\n");
    auto bad = compile({national, city, sneaky}, {}, "city");
    CHECK_FALSE(bad.program);
    CHECK_THAT(render_text(bad.diags), Catch::Contains("ruleset city adds it"));
}

TEST_CASE("flat JSON lines carry id and as_of beside the facts", "[eval][profile]") {
    auto p = compile_text("ruleset t\nentity P { n: int }\nservice s \"s\" for P\n  requires n > 1\n");
    auto set = p->load_json_lines(std::make_shared<source_file>(
        "p.jsonl", "{\"id\": \"a-1\", \"as_of\": \"2025-06-30\", \"n\": 2}\n{\"n\": 0}\n"), {"P"});
    INFO(render_text(set.diags));
    REQUIRE(set.value);
    REQUIRE(size(*set.value) == 2);
    CHECK(profile_id(*set.value, 0) == "a-1");
    REQUIRE(profile_as_of(*set.value, 0));
    CHECK(profile_as_of(*set.value, 0)->month == 6);
    CHECK(profile_id(*set.value, 1).empty());
    CHECK_FALSE(profile_as_of(*set.value, 1));
    auto one = load(*p, "id: b-2\nas_of: 2024-01-31\nn: 5\n");
    REQUIRE(one.value);
    CHECK(one.id == "b-2");
    CHECK(one.as_of->day == 31);
    auto bad = load(*p, "as_of: soon\nn: 5\n");
    CHECK_THAT(render_text(bad.diags), Catch::Contains("as_of: expected a date"));
}

TEST_CASE("the batch decider agrees with explained evaluation on urban-real with facts left out at random",
          "[eval][fastpath]") {
    // Filtered histories, calendar and day counts, future reference days,
    // functions, aggregates and points_of gates, with attributes (a spell's
    // city, scheme, district, back payment) and whole facts removed.
    auto loaded = load_rule_files({"bench/urban-real/urban_real.rules"});
    auto compiled = compile(loaded.files);
    REQUIRE(compiled.program);
    std::istringstream lines(testing::read_text("tests/bench/urban-real-sample.jsonl"));
    const char* removable[] = {",\"city\":\"sh\"",       ",\"scheme\":\"employee\"", ",\"back_paid\":false",
                               ",\"district\":\"outer\"", ",\"district\":\"core\"",   ",\"base_ratio\":1.2",
                               "\"hukou_local\":false,", "\"housing\":\"registered_rental\",",
                               ",\"to\":\"20"};
    lcg r{7};
    std::vector<std::string> profiles;
    std::string line;
    for (int i = 0; i < 400 && std::getline(lines, line); ++i) {
        for (int k = 0, cuts = static_cast<int>(r(3)); k < cuts; ++k) {
            const std::string cut = removable[r(std::size(removable))];
            auto at = line.find(cut, r(static_cast<unsigned>(line.size())));
            if (at == std::string::npos) at = line.find(cut);
            if (at == std::string::npos) continue;
            std::size_t length = cut.size();
            if (cut == ",\"to\":\"20") length = line.find('"', at + 7) + 1 - at;  // the whole date
            line.erase(at, length);
        }
        profiles.push_back(line);
    }
    auto seen = check_decider_agrees(*compiled.program, "Resident", profiles, {2025, 6, 1});
    REQUIRE(seen.size() == 12);
    std::size_t undetermined = 0;
    for (const auto& [service, verdicts] : seen) undetermined += verdicts.count(verdict::undetermined);
    CHECK(undetermined >= 8);  // the facts left out reach most outputs
}

TEST_CASE("a household's service may read its applicant's score", "[eval][scores]") {
    auto p = compile_text(
        "ruleset t\nentity Person { n: int }\nrecord Kid { grade: int }\n"
        "entity Household { applicant: Person  kids: list of Kid }\n"
        "score pts \"积分\" for Person\n  item a \"甲\" = n * 2 cap 120\n  threshold 120\n"
        "service exam \"中考\" for Household\n"
        "  requires any k in kids: k.grade = 9 \"有九年级子女\"\n"
        "  requires points_of(applicant.pts) >= 120 \"父母积分达标\"\n");
    auto run = [&](const std::string& facts) {
        auto prof = load(*p, "entity: Household\nfacts:\n" + facts);
        INFO(render_text(prof.diags));
        REQUIRE(prof.value);
        auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
        auto decider = p->make_decider({2025, 1, 1}, "Household");
        std::vector<decision> d(1);
        decider->decide(*prof.value, d.data());
        CHECK(d[0].outcome == e.services.at(0).outcome);
        return e.services.at(0);
    };
    CHECK(run("  applicant: {n: 70}\n  kids: [{grade: 9}]\n").outcome == verdict::eligible);
    auto low = run("  applicant: {n: 50}\n  kids: [{grade: 9}]\n");
    CHECK(low.failed == std::vector<std::string>{"父母积分达标"});
    auto open = run("  applicant: {}\n  kids: [{grade: 9}]\n");
    CHECK(open.outcome == verdict::undetermined);
    CHECK(open.missing == std::vector<std::string>{"applicant.n"});
    // Errors: a list, a record of another type, a score of another entity without its record.
    for (const char* bad : {"points_of(kids.pts) > 1", "points_of(pts) > 1", "points_of(nobody.pts) > 1"}) {
        INFO(bad);
        auto d = check({std::make_shared<source_file>(
            "t.rules", "ruleset t\nentity Person { n: int }\nrecord Kid { grade: int }\n"
                       "entity Household { applicant: Person  kids: list of Kid }\n"
                       "score pts \"积分\" for Person\n  item a \"甲\" = n\n  threshold 1\n"
                       "service s \"s\" for Household\n  requires " + std::string(bad) + "\n")}).diags;
        CHECK(d.has_errors());
    }
}

// Under ENTITLE_TEST_LOCALE (tests/locale_test.sh builds de_DE.UTF-8, whose
// decimal separator is a comma) the embedding program's locale is set for C
// and C++ alike; numbers must read and print as in the C locale regardless.
TEST_CASE("numbers read and print the same whatever locale the embedding program sets", "[eval][locale]") {
    const char* name = std::getenv("ENTITLE_TEST_LOCALE");
    struct restore {
        std::string c = std::setlocale(LC_ALL, nullptr);
        std::locale cpp;
        ~restore() {
            std::setlocale(LC_ALL, c.c_str());
            std::locale::global(cpp);
        }
    } saved;
    if (name) {
        INFO("locale " << name);
        REQUIRE(std::setlocale(LC_ALL, name));
        std::locale::global(std::locale(name));
        char comma[8];
        std::snprintf(comma, sizeof comma, "%.1f", 1.5);
        REQUIRE(std::string(comma) == "1,5");  // the locale is really in force
    }
    auto p = compile_text(
        "ruleset t \"t\"\n"
        "entity Person \"p\" { area: decimal \"a\"  income: money \"i\" }\n"
        "define per_head \"人均\" for Person = area / 2.5\n"
        "service s \"s\" for Person requires per_head >= 19.4 \"人均面积\" requires income >= 3000.5 yuan \"收入\"\n");
    CHECK(verdict_of(*p, "  area: 48.5\n  income: 3000.5\n") == verdict::eligible);
    CHECK(verdict_of(*p, "  area: 48.4\n  income: 3000.5\n") == verdict::not_eligible);
    auto prof = load(*p, "entity: Person\nfacts:\n  area: 48.5\n  income: 3000.25\n");
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2026, 1, 1}, {}});
    std::string json = render_json(e), text = render_text(e, true);
    CHECK_THAT(json, Catch::Contains("19.4"));
    CHECK_THAT(text, Catch::Contains("19.4") && !Catch::Contains("19,4"));
}

// Out-of-range arithmetic is an evaluation error and the verdict
// undetermined, in the explained and the fast path alike, never a wrapped
// value (n * INT64_MAX * INT64_MAX used to make the service eligible).
TEST_CASE("arithmetic past the range of its type is an evaluation error, never a wrapped value", "[eval]") {
    auto p = compile_text(
        "ruleset t\nentity P { n: int  d: date  x: money }\n"
        "service mul \"m\" for P\n  requires n * 9223372036854775807 * 9223372036854775807 > 0 \"乘\"\n"
        "service add \"a\" for P\n  requires n + 9223372036854775807 > 0 \"加\"\n"
        "service later \"l\" for P\n  requires d + n * 12 months > 2020-01-01 \"日期\"\n"
        "service money \"y\" for P\n  requires x * n > 0 yuan \"金额\"\n"
        "service total \"t\" for P\n  requires n - (0 - 9223372036854775807) > 0 \"减\"\n");
    auto prof = load(*p, "entity: P\nfacts:\n  n: 100000000\n  d: 2000-01-01\n  x: 90000000000000\n");
    REQUIRE(prof.value);
    auto e = p->evaluate(*prof.value, {{2025, 1, 1}, {}});
    auto decider = p->make_decider({2025, 1, 1}, "P");
    REQUIRE(decider);
    auto set = p->load_json_lines(std::make_shared<source_file>(
        "p.jsonl", "{\"entity\":\"P\",\"facts\":{\"n\":100000000,\"d\":\"2000-01-01\",\"x\":90000000000000}}\n"));
    REQUIRE(set.value);
    std::vector<decision> fast(decider->services().size());
    decider->decide(*set.value, 0, fast.data());
    REQUIRE(e.services.size() == 5);
    for (std::size_t k = 0; k < e.services.size(); ++k) {
        INFO(e.services[k].id);
        CHECK(e.services[k].outcome == verdict::undetermined);
        REQUIRE(e.services[k].errors.size() == 1);
        CHECK_THAT(e.services[k].errors[0], Catch::Contains("out of range"));
        CHECK(fast[k].outcome == verdict::undetermined);
    }
}

TEST_CASE("literals past what a profile could hold are refused when the rules are checked", "[check]") {
    for (const char* literal : {"99999999999999999999 yuan", "9000000000000001 yuan", "100001 months", "8334 years",
                                "3650001 days"}) {
        INFO(literal);
        auto result = compile({std::make_shared<source_file>(
            "t.rules", std::string("ruleset t\nentity P { x: money  d: duration  w: days }\nservice s \"s\" for P\n"
                                   "  requires x < ") + literal + " or d < " + literal + " or w < " + literal + "\n")});
        CHECK_THAT(render_text(result.diags), Catch::Contains("error[E108]"));
    }
}
