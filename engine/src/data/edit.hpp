// Setting one fact of a profile document: the profile as YAML text, the fact
// moved to one side of a threshold (program::thresholds), written back as
// one line of flow-style YAML. Used by boundary cases and projections.
#pragma once

#include <entitle/engine.hpp>

#include <optional>
#include <string>
#include <vector>

namespace entitle::data {

// The profile with the threshold's fact just below (side -1), at (0) or just
// above (+1) it; `shown` says the value set ("5 months", "1981-09-02").
std::string with_fact(const std::string& profile_yaml, const threshold& t, int side, long long today,
                      std::string& shown);

// The profile with the fact at `path` (a missing fact's path, as verdicts
// name them: "applicant.pension", "children[2].birth_date") set to `answer`
// (YAML: `true`, `2020-01-01`, `[{from: 2020-01-01}]`, `owned`). Nothing when
// the path cannot be followed or the answer is not YAML.
std::optional<std::string> with_answer(const std::string& profile_yaml, const std::string& path, const std::string& answer);

// The number at a fact's path in a profile document (nothing when it is absent or not a number).
std::optional<double> number_at(const std::string& profile_yaml, const std::vector<std::string>& path);

}  // namespace entitle::data
