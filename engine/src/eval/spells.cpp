#include "eval/spells.hpp"

#include "common/calendar.hpp"

#include <algorithm>

namespace entitle::eval {

void merge_in_place(std::vector<span_days>& spells, std::int64_t at) {
    auto by_start = [](const span_days& a, const span_days& b) { return a.from < b.from; };
    if (!std::is_sorted(spells.begin(), spells.end(), by_start)) std::sort(spells.begin(), spells.end(), by_start);
    // One pass: clip at the reference day, drop what is left empty, merge what touches.
    std::size_t w = 0;
    for (auto s : spells) {
        s.end = std::min(s.end, at + 1);
        if (s.end <= s.from) continue;
        if (w > 0 && s.from <= spells[w - 1].end) spells[w - 1].end = std::max(spells[w - 1].end, s.end);
        else spells[w++] = s;
    }
    spells.resize(w);
}

std::vector<span_days> merge_spells(std::vector<span_days> spells, std::int64_t at) {
    merge_in_place(spells, at);
    return spells;
}

std::int64_t total_months(const std::vector<span_days>& merged) {
    std::int64_t total = 0;
    for (const auto& s : merged) total += detail::months_between(s.from, s.end);
    return total;
}

namespace {
// Runs of the items [0, n) that `bridged(i)` joins to item i - 1: f(first, last) for each.
template <typename Bridged, typename F>
void for_each_bridged(std::size_t n, Bridged bridged, F f) {
    std::size_t first = 0;
    for (std::size_t i = 1; i <= n; ++i) {
        if (i < n && bridged(i)) continue;
        if (n > 0) f(first, i - 1);
        first = i;
    }
}

// The longest run's length: the lengths of its items added up (the gaps not counted).
template <typename Bridged, typename Length>
std::int64_t longest_bridged(std::size_t n, Bridged bridged, Length length) {
    std::int64_t best = 0;
    for_each_bridged(n, bridged, [&](std::size_t a, std::size_t b) {
        std::int64_t sum = 0;
        for (std::size_t k = a; k <= b; ++k) sum += length(k);
        best = std::max(best, sum);
    });
    return best;
}
}  // namespace

std::int64_t longest_run_months(const std::vector<span_days>& merged, std::int64_t gap_months) {
    return longest_bridged(
        merged.size(), [&](std::size_t i) { return merged[i].from <= detail::add_months(merged[i - 1].end, gap_months); },
        [&](std::size_t k) { return detail::months_between(merged[k].from, merged[k].end); });
}

std::int64_t months_within(const std::vector<span_days>& merged, std::int64_t window_months, std::int64_t at) {
    std::int64_t window_start = detail::add_months(at + 1, -window_months);
    std::int64_t total = 0;
    for (const auto& s : merged) {
        std::int64_t from = std::max(s.from, window_start);
        if (s.end > from) total += detail::months_between(from, s.end);
    }
    return total;
}

std::optional<std::int64_t> run_start(const std::vector<span_days>& merged, std::int64_t gap_months,
                                      std::int64_t at) {
    std::optional<std::int64_t> start;
    for_each_bridged(
        merged.size(), [&](std::size_t i) { return merged[i].from <= detail::add_months(merged[i - 1].end, gap_months); },
        [&](std::size_t a, std::size_t b) {
            if (merged[a].from <= at && at < merged[b].end) start = merged[a].from;
        });
    return start;
}

bool holds(const std::vector<span_days>& merged, std::int64_t at) {
    for (const auto& s : merged)
        if (s.from <= at && at < s.end) return true;
    return false;
}

namespace {
std::int64_t month_index(std::int64_t day) {
    auto c = detail::civil_from_days(day);
    return static_cast<std::int64_t>(c.year) * 12 + (c.month - 1);
}
}  // namespace

std::int64_t reference_unit(unit_counting counting, std::int64_t at) {
    if (counting == unit_counting::days) return at;
    return month_index(at) - (counting == unit_counting::calendar_months_before ? 1 : 0);
}

void unit_runs_into(const std::vector<span_days>& merged, unit_counting counting, std::int64_t reference,
                    std::vector<unit_run>& out) {
    out.clear();
    const std::int64_t cap = reference + 1;  // units from here on do not count
    for (const auto& s : merged) {
        unit_run r = counting == unit_counting::days ? unit_run{s.from, s.end, s.from}
                                                     : unit_run{month_index(s.from), month_index(s.end - 1) + 1, s.from};
        r.hi = std::min(r.hi, cap);
        if (r.hi <= r.lo) continue;
        // Spells of one month (10 and 20 June) touch it once.
        if (!out.empty() && r.lo <= out.back().hi) out.back().hi = std::max(out.back().hi, r.hi);
        else out.push_back(r);
    }
}

std::vector<unit_run> unit_runs(const std::vector<span_days>& merged, unit_counting counting, std::int64_t at) {
    std::vector<unit_run> out;
    unit_runs_into(merged, counting, reference_unit(counting, at), out);
    return out;
}

std::int64_t total_units(const std::vector<unit_run>& runs) {
    std::int64_t total = 0;
    for (const auto& r : runs) total += r.hi - r.lo;
    return total;
}

std::int64_t longest_run_units(const std::vector<unit_run>& runs, std::int64_t gap) {
    return longest_bridged(
        runs.size(), [&](std::size_t i) { return runs[i].lo - runs[i - 1].hi <= gap; },
        [&](std::size_t k) { return runs[k].hi - runs[k].lo; });
}

std::int64_t units_within(const std::vector<unit_run>& runs, std::int64_t window, std::int64_t reference) {
    std::int64_t lo = reference - window + 1, hi = reference + 1, total = 0;
    for (const auto& r : runs) total += std::max<std::int64_t>(0, std::min(r.hi, hi) - std::max(r.lo, lo));
    return total;
}

std::optional<std::int64_t> run_start_units(const std::vector<unit_run>& runs, std::int64_t gap,
                                            std::int64_t reference) {
    std::optional<std::int64_t> start;
    for_each_bridged(
        runs.size(), [&](std::size_t i) { return runs[i].lo - runs[i - 1].hi <= gap; },
        [&](std::size_t a, std::size_t b) {
            if (runs[a].lo <= reference && reference < runs[b].hi) start = runs[a].first_day;
        });
    return start;
}

}  // namespace entitle::eval
