// urban-real evaluated by hand in C++: the speed limit entitle is compared
// with. Profiles are parsed with simdjson into plain structs (dates as day
// numbers, cities and enums as small codes), then each output is computed
// by straight-line code over sorted, merged spells. Same semantics as
// ref.py and the rules (rules/README.md); prints the same one-line JSON.
//
//   urban_real_handwritten PROFILES.jsonl
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace {

using i64 = std::int64_t;

i64 days_from_civil(i64 y, unsigned m, unsigned d) {
    y -= m <= 2;
    const i64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<i64>(doe) - 719468;
}
struct ymd {
    int y, m, d;
};
ymd civil(i64 z) {
    z += 719468;
    const i64 era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const i64 y = static_cast<i64>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}
int month_days(int y, int m) {
    static const int n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : n[m - 1];
}
i64 add_months(i64 day, i64 months) {
    ymd c = civil(day);
    i64 t = static_cast<i64>(c.y) * 12 + (c.m - 1) + months;
    int y = static_cast<int>(t / 12), m = static_cast<int>(t % 12) + 1;
    return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(std::min(c.d, month_days(y, m))));
}
i64 months_between(i64 a, i64 b) {
    if (b < a) return -months_between(b, a);
    ymd x = civil(a), y = civil(b);
    i64 m = (static_cast<i64>(y.y) - x.y) * 12 + (y.m - x.m);
    if (m > 0 && add_months(a, m) > b) --m;
    return m;
}
i64 age(i64 birth, i64 at) { return months_between(birth, at) / 12; }
i64 month_index(i64 day) {
    ymd c = civil(day);
    return static_cast<i64>(c.y) * 12 + c.m - 1;
}
i64 parse_date(std::string_view s) {
    auto num = [&](std::size_t at, std::size_t len) {
        int v = 0;
        for (std::size_t i = 0; i < len; ++i) v = v * 10 + (s[at + i] - '0');
        return v;
    };
    return days_from_civil(num(0, 4), static_cast<unsigned>(num(5, 2)), static_cast<unsigned>(num(8, 2)));
}

constexpr i64 open_end = INT64_MAX;
struct spell {
    i64 from, to;  // to inclusive, open_end when ongoing
    int city = 0, scheme = 0, district = 0;
    double base = 0;
    bool back_paid = false;
};
struct person {
    i64 birth;
    bool local;
    int education, housing;
    i64 spouse_since;  // -1: none
    std::vector<spell> residence, permits, contributions, fund;
    std::vector<i64> children;
};

enum { sh = 1 };
enum { employee = 0, flexible = 1, resident = 2 };
enum { core = 0, outer = 1 };
enum { no_degree, college, bachelor, master, doctorate };
enum { owned, registered_rental, dorm, no_housing };

const i64 as_of = days_from_civil(2025, 6, 1);
const i64 intake = days_from_civil(2025, 8, 31);

struct run {
    i64 lo, hi;
};
enum class future { recorded, continued };

// Merged [from, end) runs of the spells that pass `keep`, as seen at `at`.
template <typename Keep>
std::vector<run>& merged(const std::vector<spell>& s, i64 at, Keep keep, std::vector<run>& out,
                         future mode = future::recorded) {
    out.clear();
    bool projecting = at > as_of;
    for (const auto& x : s) {
        if (!keep(x)) continue;
        if (projecting && x.from > as_of) continue;
        i64 end = x.to == open_end ? at + 1 : x.to + 1;
        if (projecting && mode == future::continued && (x.to == open_end || x.to >= as_of)) end = at + 1;
        end = std::min(end, at + 1);
        if (end > x.from) out.push_back({x.from, end});
    }
    std::sort(out.begin(), out.end(), [](const run& a, const run& b) { return a.lo < b.lo; });
    std::size_t w = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (w && out[i].lo <= out[w - 1].hi) out[w - 1].hi = std::max(out[w - 1].hi, out[i].hi);
        else out[w++] = out[i];
    }
    out.resize(w);
    return out;
}
// Calendar-month runs of merged day runs, months before `cap` only.
std::vector<run>& months_of(const std::vector<run>& days, i64 cap, std::vector<run>& out) {
    out.clear();
    for (const auto& r : days) {
        i64 lo = month_index(r.lo), hi = std::min(month_index(r.hi - 1) + 1, cap);
        if (hi <= lo) continue;
        if (!out.empty() && lo <= out.back().hi) out.back().hi = std::max(out.back().hi, hi);
        else out.push_back({lo, hi});
    }
    return out;
}
i64 total(const std::vector<run>& r) {
    i64 t = 0;
    for (const auto& x : r) t += x.hi - x.lo;
    return t;
}
i64 within(const std::vector<run>& r, i64 window, i64 ref) {
    i64 lo = ref - window + 1, hi = ref + 1, t = 0;
    for (const auto& x : r) t += std::max<i64>(0, std::min(x.hi, hi) - std::max(x.lo, lo));
    return t;
}
i64 longest(const std::vector<run>& r, i64 gap) {
    i64 best = 0, cur = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        cur = i && r[i].lo - r[i - 1].hi <= gap ? cur + (r[i].hi - r[i].lo) : r[i].hi - r[i].lo;
        best = std::max(best, cur);
    }
    return best;
}
i64 whole_months(const std::vector<run>& r) {
    i64 t = 0;
    for (const auto& x : r) t += months_between(x.lo, x.hi);
    return t;
}
bool covers(const std::vector<run>& r, i64 at) {
    for (const auto& x : r)
        if (x.lo <= at && at < x.hi) return true;
    return false;
}

struct outputs {
    bool v[11];
    double points;
    bool points_ok;
};

outputs evaluate(const person& p) {
    static thread_local std::vector<run> a, b;
    outputs o{};
    const i64 this_month = month_index(as_of);
    auto all = [](const spell&) { return true; };
    auto sh_emp = [](const spell& s) { return s.city == sh && s.scheme == employee; };
    auto sh_any = [](const spell& s) { return s.city == sh; };
    // Shanghai employee insurance in calendar months before this month.
    months_of(merged(p.contributions, as_of, sh_emp, a), this_month, b);
    const i64 sh_months = total(b), sh_run0 = longest(b, 0), sh_run3 = longest(b, 3);
    const i64 sh_emp_12 = within(b, 12, this_month - 1);
    const i64 ag = age(p.birth, as_of);
    auto base_months = [&](double ratio) {
        months_of(merged(p.contributions, as_of, [&](const spell& s) { return sh_emp(s) && s.base >= ratio; }, a),
                  this_month, b);
        return within(b, 48, this_month - 1);
    };
    double pts = ag >= 56 ? 5 : std::min<i64>(30, 5 + 2 * (56 - ag));
    static const int edu[] = {0, 50, 60, 100, 110};
    pts += edu[p.education];
    pts += 3 * (sh_months / 12);
    pts += base_months(2) >= 36 ? 100 : base_months(1) >= 36 ? 50 : base_months(0.8) >= 36 ? 25 : 0;
    pts += std::min(0.5 * static_cast<double>(whole_months(
                              merged(p.residence, as_of, [](const spell& s) { return s.district == outer; }, a))),
                    20.0);
    pts += std::min(0.2 * static_cast<double>(whole_months(merged(p.fund, as_of, sh_any, a))), 10.0);
    if (p.spouse_since >= 0) pts += std::min<i64>(40, 4 * (months_between(p.spouse_since, as_of) / 12));
    o.points = pts;
    const bool permit_now = covers(merged(p.permits, as_of, all, a), as_of);
    months_of(merged(p.contributions, as_of, sh_any, a), this_month, b);
    o.points_ok = permit_now && within(b, 12, this_month - 1) >= 6 && pts >= 120;

    const i64 residence_days = total(merged(p.residence, as_of, all, a));
    const i64 permit_days = total(merged(p.permits, as_of, all, a));
    bool kid_6_15 = false, kid_15 = false, kid_6_12 = false;
    int under3 = 0;
    for (i64 c : p.children) {
        i64 k = age(c, intake);
        kid_6_15 |= k >= 6 && k <= 15;
        kid_15 |= k == 15;
        kid_6_12 |= k >= 6 && k <= 12;
        under3 += age(c, as_of) < 3;
    }
    months_of(merged(p.contributions, as_of, sh_any, a), this_month + 1, b);
    o.v[0] = !p.local && residence_days >= 180 &&
             (p.housing == owned || p.housing == registered_rental || p.housing == dorm || within(b, 6, this_month) >= 1);
    o.v[1] = kid_6_15 && (p.local || (covers(merged(p.permits, intake, all, a), intake) && sh_emp_12 >= 6 &&
                                      (p.housing == owned || p.housing == registered_rental)));
    o.v[2] = kid_15 && (p.local || pts >= 120);
    o.v[3] = !p.local && permit_days >= 730 && sh_run0 >= 12 && p.housing != owned;
    months_of(merged(p.contributions, as_of, [](const spell& s) { return s.back_paid; }, a), this_month + 1, b);
    o.v[4] = !p.local && pts >= 120 && sh_run3 >= 84 && total(b) <= 3;
    bool fund_run = false;
    i64 latest = -1;
    for (const auto& f : p.fund) {
        latest = std::max(latest, f.from);
        if (fund_run) continue;
        merged(p.fund, as_of, [&](const spell& s) { return s.city == f.city; }, a);
        for (const auto& r : a) fund_run |= months_between(r.lo, r.hi) >= 6;
    }
    o.v[5] = fund_run && latest >= days_from_civil(2023, 1, 1);
    const spell* current = nullptr;
    for (const auto& r : p.residence)
        if (!current || r.from >= current->from) current = &r;
    o.v[6] = kid_6_12 && current && current->district == core &&
             covers(merged(p.residence, intake, all, a, future::continued), intake);
    o.v[7] = under3 >= 1 && (p.local || permit_now);
    months_of(merged(p.contributions, as_of, [](const spell& s) { return s.city == sh && s.scheme == resident; }, a),
              this_month + 1, b);
    i64 resident_months = total(b);
    months_of(merged(p.contributions, as_of, sh_emp, a), this_month + 1, b);
    o.v[8] = p.local || resident_months >= 6 || within(b, 3, this_month) >= 1;
    o.v[9] = ag >= 60 && (p.local || residence_days >= 3650);
    o.v[10] = (p.education == master || p.education == doctorate) && ag <= 35 && (sh_months >= 6 || permit_days >= 365);
    return o;
}

int code(std::string_view s, std::initializer_list<const char*> names) {
    int i = 0;
    for (const char* n : names) {
        if (s == n) return i;
        ++i;
    }
    return -1;
}

// Cities as small codes, "sh" first (1); others in order of appearance.
int city_code(std::string_view name) {
    static std::vector<std::string> cities{"", "sh"};
    for (std::size_t i = 1; i < cities.size(); ++i)
        if (cities[i] == name) return static_cast<int>(i);
    cities.emplace_back(name);
    return static_cast<int>(cities.size() - 1);
}

std::vector<spell> spells(simdjson::dom::array list) {
    std::vector<spell> out;
    for (simdjson::dom::object o : list) {
        spell s;
        s.from = parse_date(std::string_view(o["from"]));
        auto to = o["to"];
        s.to = to.error() || to.is_null() ? open_end : parse_date(std::string_view(to));
        if (auto c = o["city"]; !c.error()) s.city = city_code(std::string_view(c));
        if (auto c = o["scheme"]; !c.error()) s.scheme = code(std::string_view(c), {"employee", "flexible", "resident"});
        if (auto c = o["district"]; !c.error()) s.district = code(std::string_view(c), {"core", "outer"});
        if (auto c = o["base_ratio"]; !c.error()) s.base = double(c);
        if (auto c = o["back_paid"]; !c.error()) s.back_paid = bool(c);
        out.push_back(s);
    }
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: urban_real_handwritten PROFILES.jsonl\n");
        return 2;
    }
    using clock_type = std::chrono::steady_clock;
    auto t0 = clock_type::now();
    simdjson::dom::parser parser;
    simdjson::padded_string text;
    if (simdjson::padded_string::load(argv[1]).get(text)) {
        std::fprintf(stderr, "%s: error: cannot read the file\n", argv[1]);
        return 1;
    }
    std::vector<person> people;
    for (simdjson::dom::element doc : parser.parse_many(text)) {
        person p;
        p.birth = parse_date(std::string_view(doc["birth_date"]));
        p.local = bool(doc["hukou_local"]);
        p.education = code(std::string_view(doc["education"]), {"no_degree", "college", "bachelor", "master", "doctorate"});
        p.housing = code(std::string_view(doc["housing"]), {"owned", "registered_rental", "dorm", "no_housing"});
        auto spouse = doc["spouse_local_since"];
        p.spouse_since = spouse.is_null() ? -1 : parse_date(std::string_view(spouse));
        p.residence = spells(doc["residence"]);
        p.permits = spells(doc["permits"]);
        p.contributions = spells(doc["contributions"]);
        p.fund = spells(doc["fund"]);
        for (simdjson::dom::object c : simdjson::dom::array(doc["children"]))
            p.children.push_back(parse_date(std::string_view(c["birth_date"])));
        people.push_back(std::move(p));
    }
    double parse_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
    for (std::size_t i = 0; i < std::min<std::size_t>(2000, people.size()); ++i) evaluate(people[i]);  // warm-up
    long counts[11] = {0};
    double points_sum = 0;
    long points_ok = 0;
    auto t1 = clock_type::now();
    for (const auto& p : people) {
        outputs o = evaluate(p);
        for (int k = 0; k < 11; ++k) counts[k] += o.v[k];
        points_sum += o.points;
        points_ok += o.points_ok;
    }
    double eval_ms = std::chrono::duration<double, std::milli>(clock_type::now() - t1).count();
    static const char* names[] = {"permit_apply", "school_place",  "local_exam",    "public_rental",
                                  "settlement",   "fund_loan",     "core_school",   "childcare",
                                  "medical_local", "elderly_allowance", "talent_bonus"};
    std::size_t n = people.size();
    std::printf("{\"engine\": \"handwritten\", \"n\": %zu, \"results\": {", n);
    for (int k = 0; k < 11; ++k) std::printf("\"%s\": %ld, ", names[k], counts[k]);
    std::printf("\"points_sum\": %.2f, \"points_ge_120\": %ld}, ", std::round(points_sum * 100) / 100, points_ok);
    std::printf("\"timing\": {\"parse_ms\": %.1f, \"eval_ms\": %.1f, \"eval_pps\": %.0f, \"parse_eval_pps\": %.0f}}\n",
                parse_ms, eval_ms, n / (eval_ms / 1000), n / ((parse_ms + eval_ms) / 1000));
    return 0;
}
