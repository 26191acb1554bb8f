// Boundary cases (boundaries.hpp): the base profile is read with yaml-cpp,
// the one fact set on a copy, the copy evaluated and written out.
#include <entitle/boundaries.hpp>

#include "common/calendar.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <sstream>

namespace entitle {

namespace {

std::string date_text(long long day) {
    auto c = detail::civil_from_days(day);
    return to_string(civil_date{c.year, c.month, c.day});
}

// The fact's value on one side of the threshold, as YAML, and how to show it.
YAML::Node fact_value(const threshold& t, int side, long long today, std::string& shown) {
    YAML::Node v;
    auto whole = static_cast<long long>(std::llround(t.at));
    switch (t.how) {
        case threshold::lever::number: {
            bool integral = std::fabs(t.at - std::round(t.at)) < 1e-9;
            double x = integral ? static_cast<double>(whole + side) : t.at + 0.01 * side;
            std::ostringstream s;
            s << x;
            shown = s.str();
            v = x;
            if (t.shown.find("months") != std::string::npos) shown += " months", v = shown;
            return v;
        }
        case threshold::lever::date: shown = date_text(whole + side); return YAML::Node(shown);
        case threshold::lever::age: {
            // Born exactly `at` years ago today; a day later is just below, a day earlier just above.
            long long born = detail::add_months(today, -12 * whole) - side;
            shown = date_text(born);
            return YAML::Node(shown);
        }
        case threshold::lever::months:
        case threshold::lever::run: {
            long long months = std::max(0LL, whole + side);
            shown = std::to_string(months) + " months";
            YAML::Node spells(YAML::NodeType::Sequence);
            if (months > 0) {
                YAML::Node spell;
                spell["from"] = date_text(detail::add_months(today, -months));
                spells.push_back(spell);
            }
            return spells;
        }
    }
    return v;
}

// Flow style all the way down: the profile fits on the case's `profile:` line.
void flow(YAML::Node n) {
    if (n.IsMap() || n.IsSequence()) n.SetStyle(YAML::EmitterStyle::Flow);
    if (n.IsMap())
        for (auto it = n.begin(); it != n.end(); ++it) flow(it->second);
    else if (n.IsSequence())
        for (auto item : n) flow(item);
}

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
    YAML::Node root = YAML::Load(base->text());
    bool envelope = root.IsMap() && root["facts"];
    long long today = detail::days_from_civil(as_of.year, as_of.month, as_of.day);
    std::ostringstream tests;
    tests << "# Boundary cases of " << service << " (entitle boundaries), from " << base->name()
          << ": each threshold's fact set just below, at and just above it.\n"
          << "# The verdicts are what the rules say today: review each before keeping it as a test.\n";
    for (const auto& t : rules.thresholds(service, as_of)) {
        std::vector<verdict> seen;
        for (int side : {-1, 0, 1}) {
            YAML::Node doc = YAML::Clone(root);
            YAML::Node facts = envelope ? doc["facts"] : doc;
            // Walk to the fact, making the records on the way; reset() rebinds without writing through.
            YAML::Node at;
            at.reset(facts);
            for (std::size_t i = 0; i + 1 < t.path.size(); ++i) {
                if (!at[t.path[i]] || !at[t.path[i]].IsMap()) at[t.path[i]] = YAML::Node(YAML::NodeType::Map);
                YAML::Node next;
                next.reset(at[t.path[i]]);
                at.reset(next);
            }
            boundary_case c;
            c.at = t;
            c.side = side < 0 ? "below" : side == 0 ? "at" : "above";
            at[t.path.back()] = fact_value(t, side, today, c.value);
            flow(doc);
            YAML::Emitter e;
            e << doc;
            c.profile = e.c_str();
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
            std::string fact;
            for (const auto& step : t.path) fact += (fact.empty() ? "" : ".") + step;
            tests << "\n- name: " << quoted(service + ": " + (t.label.empty() ? t.text : t.label) + " — " + fact + " " +
                                            c.value + " (" + c.side + " " + t.shown + ")")
                  << "\n  rules: " << ruleset << "\n  as_of: " << to_string(as_of) << "\n  profile: " << c.profile
                  << "\n  expect:\n    " << service << ": " << to_string(c.outcome) << "\n";
            out.cases.push_back(std::move(c));
        }
        // More of a fact that only grows with time never takes the service away.
        bool grows = t.how == threshold::lever::months || t.how == threshold::lever::run;
        for (std::size_t i = 1; grows && i < seen.size(); ++i)
            if (rank(seen[i]) < rank(seen[i - 1])) {
                std::string fact;
                for (const auto& step : t.path) fact += (fact.empty() ? "" : ".") + step;
                out.violations.push_back(service + ": " + (t.label.empty() ? t.text : t.label) + ": more " + fact +
                                         " takes the service away (" + to_string(seen[i - 1]) + " → " +
                                         to_string(seen[i]) + " across " + t.shown + ")");
                break;
            }
    }
    out.tests = tests.str();
    return out;
}

}  // namespace entitle
