// Table-driven checker tests: a condition (or declaration) against a small
// schema, and the diagnostic code it must produce ("" for none).
#include <entitle/entitle.hpp>

#include <catch2/catch.hpp>

using namespace entitle;

namespace {

const char* const schema = R"(ruleset t "t"
enum Education { none, bachelor, master }
record Child { birth_date: date  permits: spells }
record Contribution { from: date  to: optional date  base: money  city: string  back_paid: bool  scheme: Scheme }
entity Person {
  birth_date: date  hukou_local: bool  income: money  pension: spells  n: int  ratio: decimal
  children: list of Child  education: Education  housing: optional Child  name: string
  contributions: list of Contribution  wait: duration
}
param p.months: duration = 6 months
param p.points: int = 120
param p.rate: decimal = 0.8
param p.floor: money = 3000 yuan
enum Scheme { employee, resident }
)";

// Functions and defines the condition table uses (after the schema, so the
// other tests' line numbers stay).
const char* const functions = R"(define paid(kind: Scheme, at: date) "某类缴费" for Person = total(s in contributions where s.scheme = kind, at)
define intake_day "入学基准日" = date(year(as_of), 8, 31)
define eldest "最年长的子女" for Person = first c in children by c.birth_date
define base_of(c: Contribution) "缴费基数" = c.base
)";

diagnostics check_text(const std::string& extra) {
    auto src = std::make_shared<source_file>("t.rules", std::string(schema) + extra);
    return check({src}).diags;
}

// Codes of the errors and warnings, unused-declaration warnings left out.
std::string codes(const diagnostics& d) {
    std::string out;
    for (auto& item : d.items())
        if (item.code != "W001" && item.code != "W002" && item.code != "W003")
            out += (out.empty() ? "" : " ") + item.code;
    return out;
}

}  // namespace

TEST_CASE("conditions are type-checked", "[check]") {
    struct row {
        const char* condition;
        const char* expected;
    };
    const row rows[] = {
        // valid
        {"hukou_local", ""},
        {"not hukou_local and n > 3", ""},
        {"age(birth_date) >= 18", ""},
        {"age(birth_date, date(year(as_of), 8, 31)) between 6 and 15", ""},
        {"total(pension) >= 36 months", ""},
        {"total(pension, 2023-12-31) >= param p.months", ""},
        {"longest_run(pension, 3 months) >= 3 years", ""},
        {"within(pension, 12 months) >= 6 months", ""},
        {"run_start(pension, 0 months) <= as_of - 5 years", ""},
        {"holds(pension, date(year(as_of) - 1, 12, 31))", ""},
        {"total(contributions) >= 12 months", ""},
        {"income >= 3000 yuan", ""},
        {"income * 2 > param p.floor", ""},
        {"income / param p.floor >= param p.rate", ""},
        {"ratio >= 0.8 and n * 2 + 1 < 10", ""},
        {"education in {bachelor, master}", ""},
        {"education = Education.master", ""},
        {"education != none", ""},
        {"housing is set or housing is missing", ""},
        {"any c in children: age(c.birth_date) < 16", ""},
        {"all c in children: holds(c.permits)", ""},
        {"count c in children: age(c.birth_date) < 16 >= 2", ""},
        {"(sum c in contributions: c.base) > 100000 yuan", ""},
        {"size(children) > 0", ""},
        {"(if hukou_local then 10 else 5) > 3", ""},
        {"min(n, 30) + max(1, 2) > 3", ""},
        {"floor(ratio * 10) >= 8", ""},
        {"name = \"张三\"", ""},
        {"wait + 3 months >= 1 year", ""},
        {"birth_date + 18 years <= as_of", ""},
        {"months_between(birth_date, as_of) >= 216 months", ""},
        {"years(total(pension)) * 3 >= param p.points", ""},
        {"all { hukou_local \"甲\" n > 1 \"乙\" } or any { n < 0 }", ""},
        // filtered histories, counting conventions, days, functions, aggregates
        {"total(s in contributions where s.city = name and not s.back_paid) >= 12 months", ""},
        {"total(pension, counting: calendar_months) >= 12 months", ""},
        {"total(pension, counting: days) >= 730 days", ""},
        {"within(pension, 12 months, at: intake_day, counting: calendar_months_before) >= 6 months", ""},
        {"longest_run(pension, 30 days, counting: days, future: continued) >= 365 days", ""},
        {"run_start(pension, 0 months, at: intake_day, future: planned) <= as_of", ""},
        {"days_between(birth_date, as_of) >= 6570 days and days(30 days) = 30", ""},
        {"birth_date + 30 days < as_of and 2 * 15 days = 30 days", ""},
        {"paid(employee, as_of) >= 12 months and paid(Scheme.resident, intake_day) < 1 month", ""},
        {"(sum c in contributions: base_of(c)) > 0 yuan", ""},
        {"age(eldest.birth_date) < 18", ""},
        {"(max c in contributions: c.base) >= 3000 yuan", ""},
        {"(min c in contributions where c.city = name: c.from) <= 2020-01-01", ""},
        {"any city in (distinct c in contributions: c.city): longest_run(s in contributions where s.city = city, 0 months) >= 6 months", ""},
        {"age(birth_date, at: intake_day, leap_birthday: mar_1) >= 6", ""},
        {"any c in children where age(c.birth_date) < 16: holds(c.permits)", ""},
        {"count c in children where holds(c.permits): age(c.birth_date) < 16 >= 1", ""},
        {"size(c in contributions where c.back_paid) <= 6", ""},
        // invalid
        {"bith_date < as_of", "E201"},
        {"param p.mnths > 1 month", "E202"},
        {"education = phd", "E204"},
        {"education = Education.phd", "E204"},
        {"frobnicate(n) > 1", "E208"},
        {"total(pension) >= 36", "E301"},
        {"income > 3000", "E301"},
        {"birth_date > 2000", "E301"},
        {"education > bachelor", "E301"},
        {"name between \"a\" and \"b\"", "E301"},
        {"n in {1, \"2\"}", "E301"},
        {"as_of - birth_date > 1 year", "E302"},
        {"income + 5 > 0 yuan", "E302"},
        {"wait * 1.5 > 1 year", "E302"},
        {"n", "E303"},
        {"not n", "E303"},
        {"hukou_local and n", "E303"},
        {"any c in children: c.birth_date", "E303"},
        {"(if n then 1 else 2) > 0", "E303"},
        {"(if hukou_local then 1 else 2 months) > 0", "E304"},
        {"(sum c in children: c.birth_date) > 0", "E304"},
        {"age() > 1", "E305"},
        {"total(pension, as_of, as_of) > 1 month", "E305"},
        {"size() > 1", "E305"},
        {"age(n) > 1", "E306"},
        {"total(children) > 1 month", "E306"},
        {"holds(birth_date)", "E306"},
        {"min(n, 1 month) > 1", "E306"},
        {"size(n) > 1", "E306"},
        {"-hukou_local", "E306"},
        {"children.birth_date > as_of", "E307"},
        {"any c in n: true", "E307"},
        {"birth_date.year > 1", "E308"},
        {"any { }", "E309"},
        {"total(pension) > 30 days", "E301"},
        {"total(pension, counting: days) >= 12 months", "E301"},
        {"longest_run(pension, 3 months, counting: days) > 1 day", "E312"},
        {"within(pension, 30 days) > 1 month", "E312"},
        {"total(pension, counting: weeks) > 1 month", "E306"},
        {"total(pension, per: days) > 1 month", "E305"},
        {"total(pension, as_of, at: as_of) > 1 month", "E305"},
        {"total(pension, at: 3) > 1 month", "E306"},
        {"age(birth_date, counting: days) > 1", "E305"},
        {"total(c in contributions where c.cty = name) > 1 month", "E201"},
        {"total(c in contributions where c.base) > 1 month", "E303"},
        {"size(c in n where true) > 0", "E307"},
        {"paid(employee) > 1 month", "E305"},
        {"paid(1, as_of) > 1 month", "E306"},
        {"paid > 1 month", "E305"},
        {"frob.paid(employee, as_of) > 1 month", "E201"},
        {"(max c in children: c.permits) > 1", "E304"},
        {"(first c in children by c.permits) is set", "E304"},
        {"date(2025, 2, 30) < as_of", "E106"},
        {"points_of(s) > 1", "E306"},
        {"points_of(nothing) > 1", "E306"},
        {"position(n) > 1", "E306"},
        {"any c in children: position(c) <= 2 and holds(c.permits)", ""},
        {"2024-02-30 < as_of", "E106"},
        // constant conditions
        {"1 < 2", "W101"},
        {"hukou_local or true", "W101"},
        {"1 > 2", "W102"},
        {"hukou_local and false", "W102"},
        {"n between 10 and 5", "W102 W102"},
        {"not (3 months < 1 year)", "W102"},
    };
    for (const auto& r : rows) {
        INFO("condition: " << r.condition);
        auto d = check_text(std::string(functions) + "service s \"s\" for Person\n  requires " + r.condition + "\n");
        INFO(render_text(d));
        CHECK(codes(d) == r.expected);
    }
}

TEST_CASE("declarations are checked", "[check]") {
    struct row {
        const char* declarations;
        const char* expected;
    };
    const row rows[] = {
        {"define adult for Person = age(birth_date) >= 18\nservice s \"s\" for Person\n  requires adult\n", ""},
        {"define a for Child = age(birth_date) < 16\nservice s \"s\" for Person\n  requires any c in children: c.a\n",
         ""},
        {"define a for Person = b\ndefine b for Person = c\ndefine c for Person = a\n", "E210"},
        {"define a for Person = a\n", "E210"},
        {"define n for Person = 1\n", "E205"},
        {"define x for Nobody = 1\n", "E203"},
        {"service s \"s\" for Child\n", "E207"},
        {"service s \"s\" for Education\n", "E206"},
        {"service s \"s\" for Person\nscore s \"s\" for Person\n  threshold 1\n", "E205"},
        {"param p.months: duration = 12 months\n", "E205"},
        {"param q: list of int\n", "E304"},
        {"param q: Child\n", "E304"},
        {"param q: int = n\n", "E213"},
        {"param q: Education = master\nservice s \"s\" for Person\n  requires education = param q\n", ""},
        {"param q: Education = phd\n", "E204"},
        {"entity Person { a: int }\n", "E205"},
        {"enum Period { a }\n", "E205"},
        {"record Q { a: int  a: int }\n", "E205"},
        {"record Q { a: spells  b: list of spells }\n", "E304"},
        {"enum E2 { a, a }\n", "E205"},
        {"score s \"s\" for Person\n  item a = 1\n  item a = 2\n  threshold 1\n", "E205"},
        {"score s \"s\" for Person\n  item a = hukou_local\n  threshold 1\n", "E304"},
        {"score s \"s\" for Person\n  item a = 1 cap 1 month\n  threshold 1\n", "E304"},
        {"score s \"s\" for Person\n  item a = 1\n  threshold 1\n  threshold 2\n", "E205"},
        {"score s \"s\" for Person\n  item a = 1\n", "E311"},
        {"service s \"s\" for Person\n  threshold 1\n", "E310"},
        {"table age: int -> int { else: 1 }\n", "E205"},
        {"table t1: int -> int { 1: 1  1: 2 }\nservice s \"s\" for Person\n  requires t1(n) > 0\n", "E402"},
        {"table t1: int -> int { 1: 1  3: 2 }\nservice s \"s\" for Person\n  requires t1(n) > 0\n", "E401"},
        {"table t1: int -> int { 1: 1  3: 2 else: 0 }\nservice s \"s\" for Person\n  requires t1(n) > 0\n", ""},
        {"table t1: decimal -> int { ..< 0.8: 0  0.8 ..< 1: 25  1 ..< 2: 50  2 ..: 100 }\n"
         "service s \"s\" for Person\n  requires t1(ratio) > 0\n",
         ""},
        {"table t1: decimal -> int { ..< 0.8: 0  0.9 ..: 25 }\nservice s \"s\" for Person\n  requires t1(ratio) > 0\n",
         "E401"},
        {"table t1: decimal -> int { .. 0.8: 0  0.8 ..: 25 }\nservice s \"s\" for Person\n  requires t1(ratio) > 0\n",
         "E402"},
        {"table t1: date -> int { .. 1959-12-31: 60  1960-01-01 .. 1969-12-31: 63  1970-01-01 ..: 65 }\n"
         "service s \"s\" for Person\n  requires age(birth_date) < t1(birth_date)\n",
         ""},
        {"table t1: date -> int { ..< 1960-01-01: 60  1960-01-02 ..: 63 }\n"
         "service s \"s\" for Person\n  requires t1(birth_date) > 0\n",
         "E401"},
        {"table t1: Education -> int { none: 0  bachelor: 60  master: 100 }\n"
         "service s \"s\" for Person\n  requires t1(education) > 0\n",
         ""},
        {"table t1: Education -> int { none: 0  bachelor: 1 month  master: 100 }\n", "E304"},
        {"table t1: Education -> int { none: 0  bachelor: 60  master: 100 }\n"
         "service s \"s\" for Person\n  requires t1(n) > 0\n",
         "E304"},
        {"table t1: Education -> int { none: 0  none: 60  else: 1 }\n", "E402"},
        {"table t1: int -> int { 1: 1 }\nservice s \"s\" for Person\n  requires t1(n, n) > 0\n", "E305"},
        {"table t1: int -> int { 5 .. 1: 1 }\n", "E406"},
        {"table t1: bool -> int { true: 1 }\n", "E404"},
        {"table t1: int -> int { }\n", "E405"},
        {"table age: int -> int { 1: 1 }\n", "E205"},
    };
    for (const auto& r : rows) {
        INFO("declarations:\n" << r.declarations);
        auto d = check_text(r.declarations);
        INFO(render_text(d));
        CHECK(codes(d) == r.expected);
    }
}

TEST_CASE("a child ruleset sees its parent and may not redefine it", "[check][extends]") {
    auto national = std::make_shared<source_file>("n.rules", std::string(schema));
    SECTION("the child uses the parent's schema and parameters") {
        auto city = std::make_shared<source_file>(
            "c.rules", "ruleset city \"c\" extends t\nservice s \"s\" for Person\n  requires n > param p.points\n");
        auto result = check({national, city});
        INFO(render_text(result.diags));
        CHECK_FALSE(result.diags.has_errors());
        REQUIRE(result.rules);
        CHECK(result.rules->rulesets().size() == 2);
    }
    SECTION("siblings may each declare the same name") {
        auto a = std::make_shared<source_file>("a.rules", "ruleset a extends t\nparam x.y: int = 1\n");
        auto b = std::make_shared<source_file>("b.rules", "ruleset b extends t\nparam x.y: int = 2\n");
        CHECK_FALSE(check({national, a, b}).diags.has_errors());
    }
    SECTION("redefinition is an error that points at the parent's declaration") {
        auto city = std::make_shared<source_file>("c.rules", "ruleset city extends t\nparam p.points: int = 100\n");
        auto text = render_text(check({national, city}).diags);
        CHECK_THAT(text, Catch::Contains("c.rules:2:7: error[E205]: parameter 'p.points' is already declared"));
        CHECK_THAT(text, Catch::Contains("previous declaration at n.rules:11:7 (ruleset t)"));
    }
    SECTION("an unknown parent") {
        auto city = std::make_shared<source_file>("c.rules", "ruleset city extends tt\n");
        CHECK_THAT(render_text(check({national, city}).diags), Catch::Contains("E211"));
    }
}

TEST_CASE("all errors of a run are reported, sorted by position", "[check]") {
    auto d = check_text("service s \"s\" for Person\n  requires bad1 > 1\n  requires bad2 > 1\n  requires bad3\n");
    auto text = render_text(d);
    auto a = text.find("bad1"), b = text.find("bad2"), c = text.find("bad3");
    CHECK(a < b);
    CHECK(b < c);
    CHECK_THAT(text, Catch::Contains("3 errors and 4 warnings generated."));
}

TEST_CASE("hostile literals are checked without overflow or exceptions", "[check][limits]") {
    // A decimal too long for long double; a duration at the edge of int64 is
    // past what a profile can hold (E108), located, with no overflow.
    auto d = check_text("service s \"s\" for Person\n  requires ratio > " + std::string(5000, '9') +
                        ".5 and 1.0 < " + std::string(400, '1') + ".0\n");
    INFO(render_text(d));
    CHECK_FALSE(d.has_errors());
    auto years = check_text("service s \"s\" for Person\n  requires wait < 9223372036854775807 years\n");
    CHECK_THAT(render_text(years), Catch::Contains("error[E108]: a duration past 100,000 months"));
    auto e = check_text("service s \"s\" for Person\n  requires wait > 99999999999999999999999 months\n");
    CHECK(e.has_errors());
}

TEST_CASE("long chains of tables and records are checked without recursion", "[check][limits]") {
    // Ten thousand tables in one cycle, and a record chain as long: each a
    // located error whose chain is shortened, not a stack overflow.
    std::string tables;
    const int n = 10000;
    for (int i = 0; i < n; ++i)
        tables += "table t" + std::to_string(i) + " \"t\": int -> int { 1: t" + std::to_string((i + 1) % n) +
                  "(1)  else: 0 }\n";
    auto d = check_text(tables + "service s \"s\" for Person\n  requires t0(1) > 0\n");
    CHECK(codes(d) == "E210");
    CHECK_THAT(render_text(d), Catch::Contains("table t0 depends on itself: table t0 -> table t1 -> table t2 -> table t3 -> ... (") &&
                                   Catch::Contains("-> table t9999 -> table t0"));
    std::string records;
    for (int i = 0; i < n; ++i)
        records += "record K" + std::to_string(i) + " { next: K" + std::to_string((i + 1) % n) + " }\n";
    auto r = check_text(records);
    CHECK(codes(r) == "E219");
    CHECK_THAT(render_text(r), Catch::Contains("K0.next -> K1.next -> K2.next -> K3.next -> ... ("));
}
