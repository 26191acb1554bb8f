// Parameter files: the values a jurisdiction gives the parameters that rules
// declare, each with the date it applies from (a legislative history).
//
//     # rules/cities/shanghai/school.params.yaml
//     ruleset: shanghai
//     parameters:
//       school.min_pension:
//         description: 随迁子女入学所需社保缴费时间
//         unit: months                      # optional; must match the declaration
//         reference: https://...            # where the value comes from
//         values:
//           2018-01-01: 6 months
//           2025-07-01: 12 months
//           2027-01-01: null                # no value from this date on
//
// Files end in `.params.yaml` and sit among the rules files. At an as-of date
// a parameter takes the latest value not after that date from the evaluated
// ruleset, else from its parent, and so on; failing those, the declaration's
// default; failing that it is unknown.
#pragma once

#include "check/checker.hpp"
#include "eval/value.hpp"

#include <entitle/diagnostic.hpp>

#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace entitle::data {

struct dated_value {
    std::int64_t from = 0;  // day number
    eval::value value;      // unknown for `null`: no value from this date
};

struct timeline {
    int ruleset = -1;
    std::string reference, description;
    std::vector<dated_value> values;  // increasing dates
};

struct parameter_store {
    std::deque<std::string> strings;
    std::vector<std::vector<timeline>> by_param;  // indexed like sema params
};

bool is_parameter_file(const std::string& name);

void load_parameter_files(const sema::program_data& schema,
                          const std::vector<std::shared_ptr<const source_file>>& files, parameter_store& out,
                          diagnostics& diags);

}  // namespace entitle::data
