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
// The same in place: `spells` is reordered and becomes the merged runs (no allocation once warm).
void merge_in_place(std::vector<span_days>& spells, std::int64_t at);

std::int64_t total_months(const std::vector<span_days>& merged);
std::int64_t longest_run_months(const std::vector<span_days>& merged, std::int64_t gap_months);
// Months covered in the `window` months that end with `at`.
std::int64_t months_within(const std::vector<span_days>& merged, std::int64_t window_months, std::int64_t at);
// Start of the (gap-bridged) run that covers `at`, if one does.
std::optional<std::int64_t> run_start(const std::vector<span_days>& merged, std::int64_t gap_months,
                                      std::int64_t at);
bool holds(const std::vector<span_days>& merged, std::int64_t at);

// Counting in calendar months or days (`counting:`). Merged spells become
// runs of units: days, or the calendar months they touch (a spell from 30
// June touches June). `calendar_months_before` leaves out the month of the
// reference day. Every measure counts units; gaps and windows are in the
// same units.
enum class unit_counting { calendar_months, calendar_months_before, days };
struct unit_run {
    std::int64_t lo, hi;     // [lo, hi): day numbers, or month indexes (year * 12 + month - 1)
    std::int64_t first_day;  // the day the run starts
};
std::vector<unit_run> unit_runs(const std::vector<span_days>& merged, unit_counting counting, std::int64_t at);
// The unit that holds the reference day (for _before, the month before it).
std::int64_t reference_unit(unit_counting counting, std::int64_t at);
// unit_runs with the reference day's unit given (reference_unit), into `out`.
void unit_runs_into(const std::vector<span_days>& merged, unit_counting counting, std::int64_t reference,
                    std::vector<unit_run>& out);
std::int64_t total_units(const std::vector<unit_run>& runs);
std::int64_t longest_run_units(const std::vector<unit_run>& runs, std::int64_t gap);
// Units covered among the `window` units that end with `reference`.
std::int64_t units_within(const std::vector<unit_run>& runs, std::int64_t window, std::int64_t reference);
std::optional<std::int64_t> run_start_units(const std::vector<unit_run>& runs, std::int64_t gap, std::int64_t reference);

}  // namespace entitle::eval
