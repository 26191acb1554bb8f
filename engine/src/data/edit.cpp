// Setting one fact of a profile document (edit.hpp).
#include "data/edit.hpp"

#include "common/calendar.hpp"
#include "common/path.hpp"
#include "common/numbers.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <sstream>

namespace entitle::data {

namespace {

// The fact's value on one side of the threshold, as YAML, and how to show it.
YAML::Node fact_value(const threshold& t, int side, long long today, std::string& shown) {
    YAML::Node v;
    auto whole = static_cast<long long>(std::llround(t.at));
    switch (t.how) {
        case threshold::lever::number: {
            bool integral = std::fabs(t.at - std::round(t.at)) < 1e-9;
            double x = integral ? static_cast<double>(whole + side) : t.at + 0.01 * side;
            shown = detail::general_text(x, 6);
            v = x;
            if (t.shown.find("months") != std::string::npos) shown += " months", v = shown;
            return v;
        }
        case threshold::lever::date: shown = detail::day_text(whole + side); return YAML::Node(shown);
        case threshold::lever::age: {
            // Born exactly `at` years ago today; a day later is just below, a day earlier just above.
            long long born = detail::add_months(today, -12 * whole) - side;
            shown = detail::day_text(born);
            return YAML::Node(shown);
        }
        case threshold::lever::search:  // searched for by the caller: nothing to set here
            shown = "~";
            return YAML::Node();
        case threshold::lever::value:  // the first value that satisfies the condition
            shown = t.values.empty() ? std::string("~") : t.values.front();
            return YAML::Load(shown);
        case threshold::lever::months:
        case threshold::lever::run: {
            long long months = std::max(0LL, whole + side);
            shown = std::to_string(months) + " months";
            YAML::Node spells(YAML::NodeType::Sequence);
            if (months > 0) {
                YAML::Node spell;
                spell["from"] = detail::day_text(detail::add_months(today, -months));
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

// Where the facts are: under the envelope's `facts`, or the document itself.
YAML::Node facts_of(const YAML::Node& doc) {
    YAML::Node at;
    at.reset(doc.IsMap() && doc["facts"] ? doc["facts"] : doc);
    return at;
}

std::string flow_text(const YAML::Node& doc) {
    flow(doc);
    YAML::Emitter e;
    e << doc;
    return e.c_str();
}

// A path step's 1-based list index ("children[2]" → 2, with `name` "children"),
// 0 for a plain name, nothing when the brackets do not hold a number from 1.
std::optional<std::size_t> step_index(std::string& name) {
    auto bracket = name.find('[');
    if (bracket == std::string::npos) return 0;
    std::string digits = name.substr(bracket + 1, name.size() - bracket - 2);
    if (name.back() != ']' || digits.empty() || digits.size() > 6 ||
        digits.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    name.resize(bracket);
    std::size_t index = std::stoul(digits);
    if (index == 0) return std::nullopt;
    return index;
}

}  // namespace

std::string with_fact(const std::string& profile_yaml, const threshold& t, int side, long long today,
                      std::string& shown) {
    YAML::Node doc = YAML::Load(profile_yaml);
    // Walk to the fact, making the records on the way; reset() rebinds without writing through.
    YAML::Node at = facts_of(doc);
    for (std::size_t i = 0; i + 1 < t.path.size(); ++i) {
        if (!at[t.path[i]] || !at[t.path[i]].IsMap()) at[t.path[i]] = YAML::Node(YAML::NodeType::Map);
        YAML::Node next;
        next.reset(at[t.path[i]]);
        at.reset(next);
    }
    at[t.path.back()] = fact_value(t, side, today, shown);
    return flow_text(doc);
}

std::optional<double> number_at(const std::string& profile_yaml, const std::vector<std::string>& path) {
    YAML::Node doc = YAML::Load(profile_yaml);
    YAML::Node at = facts_of(doc);
    for (const auto& step : path) {
        if (!at.IsMap() || !at[step]) return std::nullopt;
        YAML::Node next;
        next.reset(at[step]);
        at.reset(next);
    }
    try {
        return at.IsScalar() ? std::optional<double>(at.as<double>()) : std::nullopt;
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
}

std::optional<std::string> with_answer(const std::string& profile_yaml, const std::string& path, const std::string& answer) {
    YAML::Node value, doc;
    try {
        value = YAML::Load(answer);
        doc = YAML::Load(profile_yaml);
    } catch (const YAML::Exception&) {
        return std::nullopt;
    }
    YAML::Node at = facts_of(doc);
    // Steps: names, each with an optional 1-based [index] into a list.
    auto steps = detail::split_path(path);
    for (std::size_t k = 0; k < steps.size(); ++k) {
        std::string step = steps[k];
        auto indexed = step_index(step);
        if (!indexed || step.empty()) return std::nullopt;
        std::size_t index = *indexed;
        bool last = k + 1 == steps.size();
        if (!at.IsMap() && !at.IsNull()) return std::nullopt;
        if (last && !index) {
            at[step] = value;
            break;
        }
        if (!at[step]) at[step] = YAML::Node(index ? YAML::NodeType::Sequence : YAML::NodeType::Map);
        YAML::Node next;
        next.reset(at[step]);
        if (index) {
            if (!next.IsSequence() || index > next.size()) return std::nullopt;
            YAML::Node item;
            item.reset(next[index - 1]);
            next.reset(item);
            if (last) {
                next = value;
                break;
            }
        }
        at.reset(next);
    }
    return flow_text(doc);
}

}  // namespace entitle::data
