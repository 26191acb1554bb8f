// Projections (projection.hpp) over the public evaluation API: later dates
// for eligible-from, edited profiles for nearest changes.
#include <entitle/projection.hpp>

#include "common/calendar.hpp"
#include "data/edit.hpp"
#include "eval/reasons.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <functional>
#include <map>

namespace entitle {

namespace {

civil_date date_of(long long day) {
    auto c = detail::civil_from_days(day);
    return {c.year, c.month, c.day};
}

long long day_of(const civil_date& d) { return detail::days_from_civil(d.year, d.month, d.day); }

// The innermost failed conditions of a not-eligible service, by label (or text).
struct blocker {
    std::string key, shown;  // key: label or source text; shown: with the values seen today
    std::optional<long long> met;
};

void failed_leaves(const explanation& node, std::vector<const explanation*>& out) {
    std::vector<const explanation*> inner;
    for (const auto& child : node.children)
        if (child.outcome == node.outcome) inner.push_back(&child);
    if (inner.empty()) out.push_back(&node);
    for (const auto* child : inner) failed_leaves(*child, out);
}

// Whether the condition named `key` holds somewhere in the service's explanation.
bool holds(const service_result& s, const std::string& key) {
    std::function<bool(const explanation&)> walk = [&](const explanation& node) {
        if ((node.label.empty() ? node.text : node.label) == key) return node.outcome == (node.unless ? truth::no : truth::yes);
        for (const auto& child : node.children)
            if (walk(child)) return true;
        return false;
    };
    for (const auto& c : s.conditions)
        if (walk(c)) return true;
    return false;
}

}  // namespace

projection project(const program& rules, std::shared_ptr<const source_file> text, const evaluation& e,
                   const projection_options& options) {
    projection out;
    out.horizon_days = options.horizon_days;
    auto loaded = rules.load_profile(text);
    if (!loaded.value) return out;
    const profile& p = *loaded.value;
    long long today = day_of(e.as_of);

    // Next questions: each missing fact, by how many undetermined services need it.
    std::map<std::string, std::size_t> needed;
    for (const auto& s : e.services)
        if (s.outcome == verdict::undetermined)
            for (const auto& fact : s.missing) ++needed[fact];
    auto by_need = [&](std::vector<std::string> facts) {
        std::stable_sort(facts.begin(), facts.end(), [&](auto& a, auto& b) { return needed[a] > needed[b]; });
        return facts;
    };
    for (const auto& [fact, n] : needed) out.next_questions.push_back(fact);
    out.next_questions = by_need(out.next_questions);

    for (const auto& s : e.services) {
        service_projection sp;
        sp.service = s.id;
        sp.outcome = s.outcome;
        if (s.outcome == verdict::undetermined) sp.next_questions = by_need(s.missing);
        if (s.outcome != verdict::not_eligible) {
            out.services.push_back(std::move(sp));
            continue;
        }
        // What holds it back today.
        std::vector<blocker> blockers;
        for (const auto& c : s.conditions) {
            bool failed = c.unless ? c.outcome == truth::yes : c.outcome == truth::no;
            if (!failed) continue;
            std::vector<const explanation*> leaves;
            failed_leaves(c, leaves);
            for (const auto* leaf : leaves) {
                std::vector<std::string> shown;
                eval::deciding(*leaf, leaf->outcome, shown);
                blockers.push_back({leaf->label.empty() ? leaf->text : leaf->label, shown.empty() ? leaf->text : shown[0], {}});
            }
        }
        if (!s.decided_by.empty()) blockers.push_back({"exception " + s.decided_by, "exception " + s.decided_by, {}});
        // Eligible from: day by day, nothing else changing.
        for (long long day = today + 1; day <= today + options.horizon_days; ++day) {
            auto later = rules.evaluate(p, {date_of(day), {s.id}});
            if (later.services.empty()) break;
            const service_result& then = later.services.front();
            for (auto& b : blockers)
                if (!b.met && holds(then, b.key)) b.met = day;
            if (then.outcome == verdict::eligible) {
                sp.eligible_from = date_of(day);
                break;
            }
        }
        sp.never = !sp.eligible_from;
        for (const auto& b : blockers)
            sp.blocking.push_back(b.shown + (b.met ? ": met on " + to_string(date_of(*b.met))
                                                   : sp.never ? ": not met within the horizon" : ""));
        // Nearest changes: the facts behind the thresholds, one, then two at a time.
        auto thresholds = rules.thresholds(s.id, e.as_of);
        std::vector<std::pair<threshold, std::string>> moves;  // a threshold and its satisfying side's value
        auto eligible_with = [&](const std::string& yaml) {
            auto edited = rules.load_profile(std::make_shared<source_file>(text->name(), yaml));
            if (!edited.value) return false;
            auto r = rules.evaluate(*edited.value, {e.as_of, {s.id}});
            return !r.services.empty() && r.services.front().outcome == verdict::eligible;
        };
        auto condition_name = [](const threshold& t) { return t.label.empty() ? t.text : t.label; };
        auto fact_name = [](const threshold& t) {
            std::string f;
            for (const auto& step : t.path) f += (f.empty() ? "" : ".") + step;
            return f;
        };
        // The sides of a threshold that satisfy it: at it, then one step beyond (for > and <).
        auto sides = [](const threshold& t) {
            return t.direction > 0 ? std::vector<int>{0, 1} : t.direction < 0 ? std::vector<int>{0, -1} : std::vector<int>{0};
        };
        std::vector<std::pair<int, std::string>> singles;  // (threshold index, yaml with the fact at its far side)
        for (std::size_t i = 0; i < thresholds.size(); ++i) {
            const auto& t = thresholds[i];
            bool found = false;
            std::string yaml, shown;
            if (t.how == threshold::lever::search) {
                // A number a computed comparison reads: the value nearest today's that makes the
                // service eligible, between today's and 0 or a large multiple (bisection).
                auto now = data::number_at(text->text(), t.path);
                if (!now) continue;
                bool whole = std::fabs(*now - std::round(*now)) < 1e-9;
                auto set = [&](double v) {
                    std::ostringstream s;
                    s.precision(15);
                    s << (whole ? std::round(v) : v);
                    return std::pair{data::with_answer(text->text(), fact_name(t), s.str()), s.str()};
                };
                for (double far : {0.0, std::max(*now * 10, *now + 1e6)}) {
                    auto [edge, edge_text] = set(far);
                    if (!edge || !eligible_with(*edge)) continue;
                    double bad = *now, good = far;
                    for (int i = 0; i < 60 && std::fabs(good - bad) > (whole ? 1.0 : 1e-6); ++i) {
                        double mid = (bad + good) / 2;
                        auto [y, ignored] = set(mid);
                        (void)ignored;
                        if (y && eligible_with(*y)) good = mid;
                        else bad = mid;
                    }
                    // The eligible value nearest today's: for whole numbers, the integer on today's side first.
                    std::vector<double> tries = {good};
                    if (whole) tries = good < bad ? std::vector<double>{std::ceil(good), std::floor(good)}
                                                  : std::vector<double>{std::floor(good), std::ceil(good)};
                    for (double v : tries) {
                        auto [best, best_text] = set(v);
                        if (best && eligible_with(*best)) {
                            yaml = *best;
                            shown = best_text;
                            found = true;
                            break;
                        }
                    }
                    if (found) break;
                }
                if (!found) continue;
            } else if (t.how == threshold::lever::value) {
                // A bool or enum fact: each value that satisfies the condition.
                for (const auto& v : t.values) {
                    auto edited = data::with_answer(text->text(), fact_name(t), v);
                    if (!edited) continue;
                    yaml = *edited;
                    shown = v;
                    if ((found = eligible_with(yaml))) break;
                }
                if (yaml.empty()) continue;
            } else {
                for (int side : sides(t)) {
                    yaml = data::with_fact(text->text(), t, side, today, shown);
                    if ((found = eligible_with(yaml))) break;
                }
            }
            if (found) {
                if (sp.nearest_changes.size() < options.max_changes) {
                    sp.nearest_changes.push_back({fact_name(t) + " = " + shown});
                    sp.nearest_change_conditions.push_back({condition_name(t)});
                }
            } else {
                singles.emplace_back(static_cast<int>(i), yaml);
            }
        }
        for (std::size_t a = 0; a < singles.size() && sp.nearest_changes.size() < options.max_changes; ++a)
            for (std::size_t b = a + 1; b < singles.size() && sp.nearest_changes.size() < options.max_changes; ++b) {
                const auto& ta = thresholds[static_cast<std::size_t>(singles[a].first)];
                const auto& tb = thresholds[static_cast<std::size_t>(singles[b].first)];
                if (ta.path == tb.path) continue;
                std::string shown_a, shown_b;
                data::with_fact(text->text(), ta, sides(ta).back(), today, shown_a);
                std::string yaml = data::with_fact(singles[a].second, tb, sides(tb).back(), today, shown_b);
                if (eligible_with(yaml))
                {
                    sp.nearest_changes.push_back({fact_name(ta) + " = " + shown_a, fact_name(tb) + " = " + shown_b});
                    sp.nearest_change_conditions.push_back({condition_name(ta), condition_name(tb)});
                }
            }
        out.services.push_back(std::move(sp));
    }
    return out;
}

std::optional<std::string> with_answer(const std::string& profile, const std::string& path, const std::string& answer) {
    return data::with_answer(profile, path, answer);
}

}  // namespace entitle
