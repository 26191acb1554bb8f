// Population diff: who gains and who loses when rules change. Two compiled
// programs (two rulesets, two versions of one, or one with parameters set
// differently) decide the same profiles; for every service the diff counts
// those eligible before and after, the gains and losses, the verdicts that
// became or stopped being undetermined, the same by the values of fields
// the caller names, and keeps a few examples of each change with the
// condition that decided it under the old and the new rules.
//
// Profiles come in chunks of JSON lines (add_lines), so a caller can stream
// a population of any size with flat memory. The library never prints:
// render_text/json/html give the report.
#pragma once

#include <entitle/engine.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace entitle {

struct diff_options {
    civil_date as_of;
    std::vector<std::string> by;  // field paths to break the counts down by ("applicant.hukou_local")
    std::size_t examples = 3;     // kept per service and kind of change
};

struct change_counts {
    std::size_t profiles = 0;
    std::size_t before = 0, after = 0;  // eligible under the old / the new rules
    std::size_t gained = 0, lost = 0;   // became eligible / stopped being eligible
    std::size_t became_undetermined = 0, stopped_undetermined = 0;
};

// One profile whose verdict changed, and why under each set of rules.
struct change_example {
    std::string id;    // the profile's id, or "line N"
    std::size_t line = 0;
    verdict old_verdict = verdict::undetermined, new_verdict = verdict::undetermined;
    std::string old_reason, new_reason;  // failed conditions or missing facts; empty when eligible
};

struct service_diff {
    std::string id, title;
    bool in_old = true, in_new = true;
    change_counts total;
    std::map<std::string, std::map<std::string, change_counts>> by;  // field -> its value -> counts
    std::map<std::string, std::vector<change_example>> examples;    // "gained", "lost", ... -> examples
};

struct diff_report {
    std::string old_name, new_name;  // how the caller named the two sides
    std::string entity;
    civil_date as_of;
    std::size_t profiles = 0, rejected = 0;
    std::vector<service_diff> services;
};

class population_diff {
public:
    population_diff(std::shared_ptr<const program> old_rules, std::shared_ptr<const program> new_rules,
                    diff_options options, std::string old_name, std::string new_name);
    // Decides every profile of a chunk of JSON lines under both rule sets.
    // `first_line` is the chunk's first line in the whole file. Returns the
    // problems of lines that did not load (each message says its line); those
    // lines are left out of the counts.
    diagnostics add_lines(const std::string& file_name, const std::string& text, std::size_t first_line);
    // Lines the caller could not even turn into JSON (a CSV row), for the count.
    void reject(std::size_t lines) { report_.rejected += lines; }
    const diff_report& report() const { return report_; }
    // A mistake of the options themselves (a --by path that names no field,
    // E717): nothing more is counted and no report should be written.
    bool fatal() const { return fatal_; }

private:
    std::shared_ptr<const program> old_, new_;
    diff_options options_;
    diff_report report_;
    std::unique_ptr<decider> old_decider_, new_decider_;
    std::vector<std::size_t> old_column_, new_column_;  // column of each report service in each decider
    std::vector<std::string> by_pointers_;              // options_.by as JSON pointers into the facts
    bool fatal_ = false;
};

// Profiles as CSV: a header row of field paths (`hukou_local`,
// `applicant.birth_date`), then one profile per row. An empty cell is an
// unknown fact; `null`, `true`, `false` are themselves; a cell that starts
// with `[` or `{` is JSON (spells, lists of records); anything else is read
// as the field's type reads text. Rows become JSON lines for add_lines.
// Quoted cells may hold commas and doubled quotes, not line breaks.
class csv_profiles {
public:
    csv_profiles(const std::string& header, std::string entity);
    const std::string& error() const { return error_; }  // a problem with the header
    // The row as a JSON profile, or nothing with `problem` set.
    std::optional<std::string> json(const std::string& row, std::string& problem) const;

private:
    std::vector<std::vector<std::string>> paths_;
    std::string entity_, error_;
};

std::string render_text(const diff_report& r);
std::string render_json(const diff_report& r);
// One self-contained HTML page: the tables, and the gains and losses as
// inline SVG bar charts; readable offline.
std::string render_html(const diff_report& r);

}  // namespace entitle
