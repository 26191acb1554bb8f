// Built-ins over dated spells: residence, permit and contribution histories.
//
// A spell covers the days from `from` to `to`, both included; an open `to`
// runs on to the reference day `at`. Spells are clipped at `at` (nothing after
// the reference day counts), overlapping or touching spells merge, and
// lengths are whole calendar months (detail::months_between) of each merged
// run, added up. Gaps of at most `gap` months between runs are bridged for
// longest_run and run_start: the run goes on, the gap itself is not counted.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace entitle::eval {

// A spell as day numbers: [from, end) with `end` one past the last day.
struct span_days {
    std::int64_t from;
    std::int64_t end;
};

// Clips to days up to and including `at`, sorts and merges touching spells.
std::vector<span_days> merge_spells(std::vector<span_days> spells, std::int64_t at);

std::int64_t total_months(const std::vector<span_days>& merged);
std::int64_t longest_run_months(const std::vector<span_days>& merged, std::int64_t gap_months);
// Months covered in the `window` months that end with `at`.
std::int64_t months_within(const std::vector<span_days>& merged, std::int64_t window_months, std::int64_t at);
// Start of the (gap-bridged) run that covers `at`, if one does.
std::optional<std::int64_t> run_start(const std::vector<span_days>& merged, std::int64_t gap_months,
                                      std::int64_t at);
bool holds(const std::vector<span_days>& merged, std::int64_t at);

}  // namespace entitle::eval
