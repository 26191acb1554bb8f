// Projections (projection.hpp) over the public evaluation API: later dates
// for eligible-from, edited profiles for nearest changes.
#include <entitle/projection.hpp>

#include "common/calendar.hpp"
#include "common/numbers.hpp"
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

// What a projection may still spend (projection_options::max_work): each
// evaluation costs the profile's size in KiB.
class work_budget {
public:
    work_budget(std::size_t total, std::size_t profile_bytes) : left_(total), cost_(std::max<std::size_t>(1, profile_bytes / 1024)) {}
    // False, and nothing spent, once an evaluation would overdraw it.
    bool spend() {
        if (left_ < cost_) {
            exhausted_ = true;
            return false;
        }
        left_ -= cost_;
        return true;
    }
    bool exhausted() const { return exhausted_; }

private:
    std::size_t left_, cost_;
    bool exhausted_ = false;
};

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
        if (node.name() == key) return node.outcome == (node.unless ? truth::no : truth::yes);
        for (const auto& child : node.children)
            if (walk(child)) return true;
        return false;
    };
    for (const auto& c : s.conditions)
        if (walk(c)) return true;
    return false;
}

// Eligible from: day by day, nothing else changing; and what holds the
// service back today, each with the day it is met.
void eligible_from(const program& rules, const profile& p, const service_result& s, long long today, int horizon_days,
                   work_budget& budget, service_projection& sp) {
    std::vector<blocker> blockers;
    for (const auto& c : s.conditions) {
        bool failed = c.unless ? c.outcome == truth::yes : c.outcome == truth::no;
        if (!failed) continue;
        std::vector<const explanation*> leaves;
        failed_leaves(c, leaves);
        for (const auto* leaf : leaves) {
            std::vector<std::string> shown;
            eval::deciding(*leaf, leaf->outcome, shown);
            blockers.push_back({leaf->name(), shown.empty() ? leaf->text : shown[0], {}});
        }
    }
    if (!s.decided_by.empty()) blockers.push_back({"exception " + s.decided_by, "exception " + s.decided_by, {}});
    for (long long day = today + 1; day <= today + horizon_days && budget.spend(); ++day) {
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
    sp.never = !sp.eligible_from && !budget.exhausted();
    for (const auto& b : blockers)
        sp.blocking.push_back(b.shown + (b.met ? ": met on " + detail::day_text(*b.met)
                                         : sp.never ? ": not met within the horizon"
                                         : !sp.eligible_from ? ": not known (the projection's work bound ran out)" : ""));
}

// The sides of a threshold that satisfy it: at it, then one step beyond (for > and <).
std::vector<int> satisfying_sides(const threshold& t) {
    return t.direction > 0 ? std::vector<int>{0, 1} : t.direction < 0 ? std::vector<int>{0, -1} : std::vector<int>{0};
}

// A profile with one fact changed: its text, and the value set as shown.
struct edit {
    std::string yaml, shown;
};

// Edits of one profile toward one service's eligibility on one day.
class change_search {
public:
    change_search(const program& rules, std::shared_ptr<const source_file> text, const civil_date& as_of,
                  const std::string& service, work_budget& budget)
        : rules_(rules), text_(std::move(text)), as_of_(as_of), service_(service), today_(day_of(as_of)),
          budget_(budget) {}

    const program& rules() const { return rules_; }
    const civil_date& as_of() const { return as_of_; }
    long long today() const { return today_; }

    bool eligible_with(const std::string& yaml) const {
        if (!budget_.spend()) return false;
        auto edited = rules_.load_profile(std::make_shared<source_file>(text_->name(), yaml));
        if (!edited.value) return false;
        auto r = rules_.evaluate(*edited.value, {as_of_, {service_}});
        return !r.services.empty() && r.services.front().outcome == verdict::eligible;
    }

    // The threshold's fact set to a value that satisfies the condition, and
    // whether that alone makes the service eligible; nothing when the fact
    // cannot be set (or, for a searched number, no value does it).
    std::optional<edit> move(const threshold& t, bool& eligible) const {
        eligible = false;
        if (t.how == threshold::lever::search) {
            auto found = search_number(t);
            eligible = found.has_value();
            return found;
        }
        std::optional<edit> tried;
        if (t.how == threshold::lever::value) {
            // A bool or enum fact: each value that satisfies the condition.
            for (const auto& v : t.values)
                if (auto edited = data::with_answer(text_->text(), t.fact(), v)) {
                    tried = edit{*edited, v};
                    if ((eligible = eligible_with(tried->yaml))) break;
                }
            return tried;
        }
        for (int side : satisfying_sides(t)) {
            tried = edit{};
            tried->yaml = data::with_fact(text_->text(), t, side, today_, tried->shown);
            if ((eligible = eligible_with(tried->yaml))) break;
        }
        return tried;
    }

private:
    const program& rules_;
    std::shared_ptr<const source_file> text_;
    civil_date as_of_;
    const std::string& service_;
    long long today_;
    work_budget& budget_;

    // A number a computed comparison reads: the value nearest today's that makes the
    // service eligible, between today's and 0 or a large multiple (bisection).
    std::optional<edit> search_number(const threshold& t) const {
        auto now = data::number_at(text_->text(), t.path);
        if (!now) return std::nullopt;
        bool whole = std::fabs(*now - std::round(*now)) < 1e-9;
        auto set = [&](double v) -> std::optional<edit> {
            std::string shown = detail::general_text(whole ? std::round(v) : v, 15);
            auto edited = data::with_answer(text_->text(), t.fact(), shown);
            if (!edited || !eligible_with(*edited)) return std::nullopt;
            return edit{*edited, shown};
        };
        for (double far : {0.0, std::max(*now * 10, *now + 1e6)}) {
            if (!set(far)) continue;
            double bad = *now, good = far;
            for (int i = 0; i < 60 && std::fabs(good - bad) > (whole ? 1.0 : 1e-6); ++i) {
                double mid = (bad + good) / 2;
                (set(mid) ? good : bad) = mid;
            }
            // The eligible value nearest today's: for whole numbers, the integer on today's side first.
            std::vector<double> tries = {good};
            if (whole) tries = good < bad ? std::vector<double>{std::ceil(good), std::floor(good)}
                                          : std::vector<double>{std::floor(good), std::ceil(good)};
            for (double v : tries)
                if (auto best = set(v)) return best;
        }
        return std::nullopt;
    }
};

// Nearest changes: the facts behind the service's thresholds, one, then two at a time.
void nearest_changes(const change_search& search, std::size_t most, service_projection& sp) {
    auto add = [&](std::vector<std::string> facts, std::vector<std::string> conditions) {
        sp.nearest_changes.push_back(std::move(facts));
        sp.nearest_change_conditions.push_back(std::move(conditions));
    };
    auto thresholds = search.rules().thresholds(sp.service, search.as_of());
    std::vector<std::pair<const threshold*, edit>> partial;  // moves that are not enough alone
    for (const auto& t : thresholds) {
        bool eligible = false;
        auto moved = search.move(t, eligible);
        if (!moved) continue;
        if (!eligible) partial.emplace_back(&t, std::move(*moved));
        else if (sp.nearest_changes.size() < most) add({t.fact() + " = " + moved->shown}, {t.condition()});
    }
    for (std::size_t a = 0; a < partial.size() && sp.nearest_changes.size() < most; ++a)
        for (std::size_t b = a + 1; b < partial.size() && sp.nearest_changes.size() < most; ++b) {
            const threshold& ta = *partial[a].first;
            const threshold& tb = *partial[b].first;
            if (ta.path == tb.path) continue;
            std::string shown_b;
            std::string yaml = data::with_fact(partial[a].second.yaml, tb, satisfying_sides(tb).back(), search.today(), shown_b);
            if (search.eligible_with(yaml))
                add({ta.fact() + " = " + partial[a].second.shown, tb.fact() + " = " + shown_b},
                    {ta.condition(), tb.condition()});
        }
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
    work_budget budget(options.max_work, text->text().size());

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
        eligible_from(rules, p, s, today, options.horizon_days, budget, sp);
        nearest_changes(change_search(rules, text, e.as_of, s.id, budget), options.max_changes, sp);
        out.services.push_back(std::move(sp));
    }
    out.truncated = budget.exhausted();
    return out;
}

std::optional<std::string> with_answer(const std::string& profile, const std::string& path, const std::string& answer) {
    return data::with_answer(profile, path, answer);
}

}  // namespace entitle
