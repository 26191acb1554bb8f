// Boundary cases: for every threshold a service depends on (5 years of
// residence, age 45, 36 months of insurance, built before 2000-12-31),
// profiles just below, at and just above it, made from a base profile by
// setting the one fact; with their evaluated verdicts written as
// `entitle test` cases for a reviewer to confirm. Where more of a fact that
// only grows with time (residence, insurance, a permit) takes an
// entitlement away, that is reported as a monotonicity violation.
#pragma once

#include <entitle/engine.hpp>

#include <memory>
#include <string>
#include <vector>

namespace entitle {

struct boundary_case {
    threshold at;
    std::string side;  // "below", "at", "above"
    std::string value;  // the fact as set ("5 months", "1981-09-02")
    verdict outcome = verdict::undetermined;
    std::string profile;  // the profile, YAML (flow style)
};

struct boundary_report {
    diagnostics diags;                    // the base profile did not load
    std::vector<boundary_case> cases;
    std::vector<std::string> violations;  // one line each
    std::string tests;                    // the cases as an `entitle test` file
};

// `ruleset`: the name the test cases give (`rules:`).
boundary_report find_boundaries(const program& rules, const std::string& service,
                                std::shared_ptr<const source_file> base, const civil_date& as_of,
                                const std::string& ruleset);

}  // namespace entitle
