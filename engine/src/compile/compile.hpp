// Compiles a checked program into the flat form of program.hpp.
#pragma once

#include "compile/program.hpp"

#include <cstdint>
#include <vector>

namespace entitle::compiled {

// Fills `out` (whose `checked` is set) with the services of `ruleset` and its
// parents. Returns, for each parameter, the node of its default value (-1
// for none), for the caller to evaluate into `param_defaults`.
std::vector<std::int64_t> compile_program(program_data& out, int ruleset);

}  // namespace entitle::compiled
