// Synthetic populations: plausible profiles of an entity from the schema the
// rules declare (generate.cpp describes the spec).
#pragma once

#include "check/checker.hpp"

#include <entitle/engine.hpp>

#include <functional>
#include <string>

namespace entitle::data {

// Calls `line` with each profile as one JSON line; false (with diagnostics)
// when the entity or the spec is wrong.
bool generate_profiles(const sema::program_data& schema, int ruleset, const generate_options& options,
                       diagnostics& diags, const std::function<void(const std::string&)>& line);

}  // namespace entitle::data
