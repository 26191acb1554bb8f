// Rule tests: YAML files of cases, shaped like OpenFisca's YAML tests, run
// against rules; and the coverage they reach.
//
// A test file is a list of cases:
//
//   - name: 李先生一家：子女可以入学
//     rules: national                 # the ruleset (optional when there is one)
//     as_of: 2025-09-01               # optional: else the profile's as_of
//     profile: ../profiles/li-household.yaml   # a file, relative to this one,
//     # or the profile itself, inline: {entity: Household, facts: {...}}
//     expect:
//       child_school: eligible        # a verdict, or in full:
//       residence_permit:
//         verdict: not_eligible
//         failed: [非本市户籍]         # the failed conditions' labels, any order
//         missing: [pension]          # the missing facts' paths, any order
//       points: {verdict: eligible, value: 125}   # a score's total
//
// Coverage says which labelled conditions the cases never saw true or never
// saw false, which services no case expects anything of, and which
// paragraphs of a ruleset's source that grant something (its header's
// `entitlements`) no service cites. The library never prints: the CLI does.
#pragma once

#include <entitle/engine.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace entitle {

// What a case expects of one service or score.
struct expectation {
    std::string service;
    std::optional<verdict> outcome;
    std::optional<std::vector<std::string>> failed;   // labels of the failed conditions, in any order
    std::optional<std::vector<std::string>> missing;  // paths of the missing facts, in any order
    std::optional<double> value;                      // a score's total
    span where;                                       // in the test file
};

struct test_case {
    std::string name;
    std::string ruleset;  // empty: the only ruleset the rules can evaluate
    std::optional<civil_date> as_of;
    std::shared_ptr<const source_file> file;  // the test file
    span where;
    std::string profile_path;                 // a profile file, as written (relative to the test file)...
    std::vector<std::string> profile_within;  // ...or, when empty, inline: where in the test file
    std::vector<expectation> expect;
};

struct test_file {
    diagnostics diags;  // mistakes in the file, with positions
    std::vector<test_case> cases;
};

// Reads the cases of a test file.
test_file load_tests(std::shared_ptr<const source_file> text);

struct case_result {
    const test_case* test = nullptr;
    bool passed = false;
    std::vector<std::string> failures;  // one line per unmet expectation
    diagnostics diags;                  // why the rules or the profile did not load
    std::optional<evaluation> result;
};

// One labelled condition of a service or exception, and the truths the cases saw.
struct condition_coverage {
    std::string ruleset, service, label, text;  // service: its id, or "exception ID"
    bool seen_true = false, seen_false = false;
};

struct coverage_report {
    std::vector<condition_coverage> conditions;                   // all labelled conditions evaluated
    std::vector<std::pair<std::string, std::string>> untested;    // (ruleset, service) no case expects
    std::vector<std::pair<std::string, int>> uncited;             // (ruleset, paragraph) no service cites
    std::size_t services = 0, paragraphs = 0;                     // how many there were in all
    bool complete() const;
};

// Runs cases against the rules in `sources`; each ruleset a case names is
// compiled once. Profile files are read relative to the test file.
class test_runner {
public:
    explicit test_runner(std::vector<std::shared_ptr<const source_file>> sources, check_options options = {});
    case_result run(const test_case& c);
    // Over every case run so far.
    coverage_report coverage() const;

private:
    struct compiled_ruleset {
        compile_result compiled;
        std::vector<std::string> chain;  // the ruleset, its parent, ... (names)
    };
    const compiled_ruleset& compiled(const std::string& ruleset);
    void observe(const compiled_ruleset& rules, const test_case& c, const evaluation& e);

    std::vector<std::shared_ptr<const source_file>> sources_;
    check_options options_;
    std::map<std::string, compiled_ruleset> compiled_;
    std::map<std::string, ruleset_info> rulesets_;  // every ruleset seen, by name
    std::map<std::tuple<std::string, std::string, std::string, std::string>, condition_coverage> conditions_;
    std::map<std::string, std::map<std::string, bool>> expected_;  // ruleset -> service -> some case expects it
};

// JUnit XML of the results (for CI systems): one testsuite per test file.
std::string render_junit(const std::vector<case_result>& results);

}  // namespace entitle
