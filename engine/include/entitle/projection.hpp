// What next for a resident: for a service not eligible today, the first day
// it becomes eligible if nothing else changes (ongoing spells keep running,
// ages grow, the rules' own dated values apply) and what holds it back
// until then; the nearest changes of facts that would make it eligible; and
// for an undetermined service, the missing facts ranked by how many
// undetermined services each is needed for, so a screener asks the fewest
// questions.
//
// Eligible-from is found by evaluating every day from the day after the
// as-of date to the horizon (five years by default): exact to the day by
// construction. Nearest changes try the facts behind the service's
// thresholds (program::thresholds) one at a time, then two at a time.
#pragma once

#include <entitle/engine.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace entitle {

struct projection_options {
    int horizon_days = 5 * 365 + 1;  // how far ahead eligible-from looks
    std::size_t max_changes = 5;     // nearest changes kept per service
    // The work a projection may do, in evaluations times the profile's size
    // in KiB (at least 1): every day tried and every edit evaluated spends
    // it. A household of a few KiB never comes near; a profile of 24,000
    // spells would otherwise take minutes. When it runs out the projection
    // stops, says so (`truncated`) and keeps what it found.
    std::size_t max_work = 400000;
};

struct service_projection {
    std::string service;
    verdict outcome = verdict::undetermined;  // today's
    std::optional<civil_date> eligible_from;  // not eligible today: the first day it is
    bool never = false;                       // not eligible through the horizon if nothing else changes
    std::vector<std::string> blocking;        // conditions holding it back, and when each is met
    std::vector<std::vector<std::string>> nearest_changes;  // each: facts changed ("residence = 6 months")
    std::vector<std::vector<std::string>> nearest_change_conditions;  // the condition each fact change meets
    std::vector<std::string> next_questions;  // undetermined: its missing facts, most needed first
};

struct projection {
    std::vector<service_projection> services;
    std::vector<std::string> next_questions;  // every missing fact, most needed first
    int horizon_days = 0;
    bool truncated = false;  // max_work ran out: eligible-from dates and changes are partial
};

// A profile document (YAML or JSON text) with the fact at `path` (as
// verdicts name missing facts: "applicant.pension", "children[2].birth_date")
// set to `answer` (YAML: `true`, `2020-01-01`, `owned`, `[{from: 2020-01-01}]`):
// the document, in flow-style YAML; nothing when the path cannot be followed
// or the answer is not YAML. Load it to check it against the schema.
std::optional<std::string> with_answer(const std::string& profile, const std::string& path, const std::string& answer);

// `e` is the evaluation of the profile in `text` at e.as_of.
projection project(const program& rules, std::shared_ptr<const source_file> text, const evaluation& e,
                   const projection_options& options = {});

}  // namespace entitle
