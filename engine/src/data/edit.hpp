// Setting one fact of a profile document: the profile as YAML text, the fact
// moved to one side of a threshold (program::thresholds), written back as
// one line of flow-style YAML. Used by boundary cases and projections.
#pragma once

#include <entitle/engine.hpp>

#include <string>

namespace entitle::data {

// The profile with the threshold's fact just below (side -1), at (0) or just
// above (+1) it; `shown` says the value set ("5 months", "1981-09-02").
std::string with_fact(const std::string& profile_yaml, const threshold& t, int side, long long today,
                      std::string& shown);

}  // namespace entitle::data
