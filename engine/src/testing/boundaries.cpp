// Boundary cases (boundaries.hpp): the base profile is read with yaml-cpp,
// the one fact set on a copy, the copy evaluated and written out.
#include <entitle/boundaries.hpp>

#include "common/calendar.hpp"
#include "data/edit.hpp"

#include <yaml-cpp/yaml.h>

#include <sstream>

namespace entitle {

namespace {

int rank(verdict v) { return v == verdict::eligible ? 2 : v == verdict::undetermined ? 1 : 0; }

std::string quoted(const std::string& s) {
    YAML::Emitter e;
    e << YAML::DoubleQuoted << s;
    return e.c_str();
}

}  // namespace

boundary_report find_boundaries(const program& rules, const std::string& service,
                                std::shared_ptr<const source_file> base, const civil_date& as_of,
                                const std::string& ruleset) {
    boundary_report out;
    auto loaded = rules.load_profile(base);
    if (!loaded.value) {
        out.diags = loaded.diags;
        return out;
    }
    long long today = detail::days_from_civil(as_of.year, as_of.month, as_of.day);
    std::ostringstream tests;
    tests << "# Boundary cases of " << service << " (entitle boundaries), from " << base->name()
          << ": each threshold's fact set just below, at and just above it.\n"
          << "# The verdicts are what the rules say today: review each before keeping it as a test.\n";
    for (const auto& t : rules.thresholds(service, as_of)) {
        if (t.how == threshold::lever::value || t.how == threshold::lever::search) continue;  // no threshold on the fact itself
        std::vector<verdict> seen;
        for (int side : {-1, 0, 1}) {
            boundary_case c;
            c.at = t;
            c.side = side < 0 ? "below" : side == 0 ? "at" : "above";
            c.profile = data::with_fact(base->text(), t, side, today, c.value);
            auto text = std::make_shared<source_file>(base->name() + " (" + c.side + " " + t.shown + ")", c.profile);
            auto p = rules.load_profile(text);
            if (!p.value) {
                out.diags.append(p.diags);
                continue;
            }
            auto result = rules.evaluate(*p.value, {as_of, {service}});
            if (result.services.empty()) continue;
            c.outcome = result.services.front().outcome;
            seen.push_back(c.outcome);
            tests << "\n- name: " << quoted(service + ": " + t.condition() + " — " + t.fact() + " " +
                                            c.value + " (" + c.side + " " + t.shown + ")")
                  << "\n  rules: " << ruleset << "\n  as_of: " << to_string(as_of) << "\n  profile: " << c.profile
                  << "\n  expect:\n    " << service << ": " << to_string(c.outcome) << "\n";
            out.cases.push_back(std::move(c));
        }
        // More of a fact that only grows with time never takes the service away.
        bool grows = t.how == threshold::lever::months || t.how == threshold::lever::run;
        for (std::size_t i = 1; grows && i < seen.size(); ++i)
            if (rank(seen[i]) < rank(seen[i - 1])) {
                out.violations.push_back(service + ": " + t.condition() + ": more " + t.fact() +
                                         " takes the service away (" + to_string(seen[i - 1]) + " → " +
                                         to_string(seen[i]) + " across " + t.shown + ")");
                break;
            }
    }
    out.tests = tests.str();
    return out;
}

}  // namespace entitle
