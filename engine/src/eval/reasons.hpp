// Why a verdict is what it is, in one line: the innermost conditions that
// decided it, with the values they saw. Used by the population diff and by
// projections.
#pragma once

#include <entitle/engine.hpp>

#include <string>
#include <vector>

namespace entitle::eval {

// The innermost conditions that made `node` come out `want`, with the values
// they saw: "近一年本市社保缴费满规定时间 (9 months vs 12 months)".
inline void deciding(const explanation& node, truth want, std::vector<std::string>& out) {
    std::vector<const explanation*> inner;
    for (const auto& child : node.children)
        if (child.outcome == want) inner.push_back(&child);
    if (!inner.empty()) {
        for (const auto* child : inner) deciding(*child, want, out);
        return;
    }
    std::string seen = node.observed.empty() ? "" : " (" + node.observed + (node.expected.empty() ? "" : " vs " + node.expected) + ")";
    out.push_back(node.name() + seen);
}

// Why a service is not eligible: the conditions that failed, down to the
// innermost, or the facts missing; an exception that decided, by name.
inline std::string reason(const service_result& s) {
    std::vector<std::string> items;
    if (s.outcome == verdict::undetermined) {
        items = s.missing;
    } else if (s.outcome == verdict::not_eligible) {
        if (!s.decided_by.empty()) items.push_back("exception " + s.decided_by);
        else
            for (const auto& c : s.conditions) {
                bool failed = c.unless ? c.outcome == truth::yes : c.outcome == truth::no;
                if (failed) deciding(c, c.outcome, items);
            }
        if (items.empty()) items = s.failed;
    }
    std::string out;
    for (const auto& x : items) out += (out.empty() ? "" : "; ") + x;
    return s.outcome == verdict::undetermined && !out.empty() ? "missing: " + out : out;
}

}  // namespace entitle::eval
