// Scalars of profiles and parameter files: the text of a YAML/JSON scalar
// read as a value of a declared type. One reader for both, so a date or a
// duration is written the same way everywhere: dates YYYY-MM-DD, durations
// "6 months" / "3 years" (or a bare number of months), money in yuan.
#pragma once

#include "check/checker.hpp"
#include "eval/value.hpp"

#include <deque>
#include <optional>
#include <string>

namespace entitle::data {

struct scalar_error {
    std::string code;     // E703 (wrong form) or E706 (not an enum value)
    std::string message;  // "expected a date (YYYY-MM-DD)"
};

// Nothing, with `error` set, when the text is not a value of type `t`.
std::optional<eval::value> scalar_value(const std::string& text, const sema::type& t,
                                        const sema::program_data& schema, std::deque<std::string>& strings,
                                        scalar_error& error);

}  // namespace entitle::data
