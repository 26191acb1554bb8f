// Evaluations for people (text with Chinese titles and ✓ ✗ ? marks) and for
// machines (a JSON document of stable shape, documented in engine.hpp).
#include <entitle/engine.hpp>
#include <entitle/projection.hpp>

#include "common/json.hpp"
#include "common/utf8.hpp"

namespace entitle {

const char* to_string(verdict v) {
    switch (v) {
        case verdict::eligible: return "eligible";
        case verdict::not_eligible: return "not_eligible";
        case verdict::undetermined: return "undetermined";
    }
    return "undetermined";
}

const char* to_string(truth t) {
    switch (t) {
        case truth::yes: return "true";
        case truth::no: return "false";
        case truth::unknown: return "unknown";
    }
    return "unknown";
}

namespace {

const char* mark(truth t, bool unless) {
    if (t == truth::unknown) return "?";
    return (t == truth::yes) != unless ? "✓" : "✗";
}

const char* mark(verdict v) {
    return v == verdict::eligible ? "✓" : v == verdict::not_eligible ? "✗" : "?";
}

const char* verdict_words(verdict v) {
    return v == verdict::eligible ? "eligible 符合" : v == verdict::not_eligible ? "not eligible 不符合" : "undetermined 待定";
}

void explain_text(std::string& out, const explanation& e, int depth, bool recurse = true) {
    out += std::string(static_cast<std::size_t>(depth) * 2 + 4, ' ');
    out += mark(e.outcome, e.unless);
    out += ' ';
    if (e.unless) out += "unless ";
    // A label says what a condition means; long source text only in JSON.
    if (e.label.empty()) out += e.text;
    else out += e.text.size() <= 72 ? e.label + "  [" + e.text + "]" : e.label;
    if (!e.observed.empty()) {
        out += "  (" + e.observed;
        if (!e.expected.empty()) out += " vs " + e.expected;
        out += ")";
    }
    out += '\n';
    if (recurse)
        for (const auto& c : e.children) explain_text(out, c, depth + 1);
}

void json_explanation(detail::json_writer& w, const explanation& e) {
    w.begin_object().key("label").value(e.label).key("text").value(e.text).key("value").value(to_string(e.outcome));
    if (e.unless) w.key("unless").value(true);
    if (!e.observed.empty()) w.key("observed").value(e.observed);
    if (!e.expected.empty()) w.key("expected").value(e.expected);
    if (!e.children.empty()) w.array("children", e.children, json_explanation);
    w.end_object();
}

}  // namespace

namespace {

const service_projection* projection_of(const projection* p, const std::string& id) {
    if (!p) return nullptr;
    for (const auto& sp : p->services)
        if (sp.service == id) return &sp;
    return nullptr;
}

void projection_text(std::string& out, const service_projection& sp, int horizon_days) {
    if (sp.outcome == verdict::not_eligible) {
        if (sp.eligible_from) out += "    → eligible from " + to_string(*sp.eligible_from) + " if nothing else changes\n";
        else if (sp.never)
            out += "    → not eligible within " + std::to_string(horizon_days / 365) +
                   " years unless something else changes\n";
        else
            out += "    → eligible from: not known (the projection's work bound ran out)\n";
        for (const auto& b : sp.blocking) out += "      held back by: " + b + "\n";
        for (std::size_t c = 0; c < sp.nearest_changes.size(); ++c) {
            const auto& change = sp.nearest_changes[c];
            out += "      nearest change:";
            for (std::size_t i = 0; i < change.size(); ++i) {
                out += (i ? ", " : " ") + change[i];
                if (c < sp.nearest_change_conditions.size() && i < sp.nearest_change_conditions[c].size())
                    out += " [" + sp.nearest_change_conditions[c][i] + "]";
            }
            out += "\n";
        }
    }
    if (!sp.next_questions.empty()) {
        out += "    ask first:";
        for (std::size_t i = 0; i < sp.next_questions.size(); ++i) out += (i ? ", " : " ") + sp.next_questions[i];
        out += "\n";
    }
}

}  // namespace

std::string render_text(const evaluation& e, bool explain, const projection* p) {
    std::string out = e.ruleset + " · " + e.entity + " · as of " + to_string(e.as_of) + "\n\n";
    for (const auto& s : e.services) {
        out += std::string(mark(s.outcome)) + " " + s.title + " (" + s.id + "): " + verdict_words(s.outcome);
        if (s.is_score) {
            out += "  points " + (s.total.empty() ? std::string("unknown") : s.total) + " / " +
                   (s.threshold.empty() ? std::string("unknown") : s.threshold);
        }
        out += "\n";
        if (explain) {
            for (const auto& c : s.conditions) explain_text(out, c, 0);
            for (const auto& i : s.items)
                out += "    · " + (i.label.empty() ? i.id : i.label) + ": " + (i.points.empty() ? "unknown" : i.points) +
                       "\n";
            for (const auto& x : s.exceptions) {
                out += "    exception " + (x.title.empty() ? x.id : x.title + " (" + x.id + ")") + " [" + x.layer +
                       "] → " + to_string(x.conclusion) + ": " +
                       (x.applies == truth::yes ? "applies" : x.applies == truth::no ? "does not apply" : "may apply") +
                       "\n";
                for (const auto& c : x.conditions) explain_text(out, c, 1);
            }
            for (const auto& c : s.citations) out += "    cites " + c + "\n";
            for (const auto& p : s.parameters)
                out += "    param " + p.name + " = " + p.value + " (" +
                       (p.since == "default" ? std::string("default") : "since " + p.since) + ", " + p.layer + ")\n";
        } else {
            // The conditions that decided against the service, or left it open.
            for (const auto& c : s.conditions) {
                bool fails = c.unless ? c.outcome == truth::yes : c.outcome == truth::no;
                if (fails || (s.outcome == verdict::undetermined && c.outcome == truth::unknown))
                    explain_text(out, c, 0, false);
            }
            if (s.is_score && s.outcome == verdict::not_eligible && !s.failed.empty() &&
                s.failed.back().rfind("积分", 0) == 0)
                out += "    ✗ " + s.failed.back() + "\n";
        }
        if (!s.decided_by.empty()) out += "    decided by exception " + s.decided_by + " (" + s.layer + ")\n";
        if (!s.conflict.empty()) out += "    conflict: " + s.conflict + "\n";
        for (const auto& e : s.errors) out += "    error: " + e + "\n";
        if (!s.missing.empty()) {
            out += "    missing:";
            for (const auto& m : s.missing) out += " " + m;
            out += "\n";
        }
        if (auto* sp = projection_of(p, s.id)) projection_text(out, *sp, p->horizon_days);
    }
    if (p && !p->next_questions.empty()) {
        out += "\nnext questions (most needed first):";
        for (std::size_t i = 0; i < p->next_questions.size(); ++i) out += (i ? ", " : " ") + p->next_questions[i];
        out += "\n";
    }
    if (p && p->truncated)
        out += "\nthe projection stopped at its work bound (a profile this large takes long to project): "
               "eligible-from dates and nearest changes are partial\n";
    return detail::terminal_text(out);
}

std::string render_json(const evaluation& e, const projection* p) {
    detail::json_writer w;
    w.begin_object().key("ruleset").value(e.ruleset).key("rules_hash").value(e.rules_hash);
    w.key("entity").value(e.entity).key("as_of").value(to_string(e.as_of));
    for (bool scores : {false, true}) {
        w.key(scores ? "scores" : "services").begin_array();
        for (const auto& s : e.services) {
            if (s.is_score != scores) continue;
            w.begin_object().key("id").value(s.id).key("title").value(s.title);
            w.key("verdict").value(to_string(s.outcome)).key("layer").value(s.layer);
            if (scores) {
                w.key("value").value_or_null(s.total).key("threshold").value_or_null(s.threshold);
                w.array("items", s.items, [](detail::json_writer& j, const score_item_result& i) {
                    j.begin_object().key("id").value(i.id).key("label").value(i.label).key("points").value_or_null(i.points);
                    j.end_object();
                });
            }
            w.strings("failed", s.failed).strings("missing", s.missing);
            if (!s.errors.empty()) w.strings("errors", s.errors);
            w.strings("citations", s.citations);
            w.array("parameters", s.parameters, [](detail::json_writer& j, const parameter_use& p) {
                j.begin_object().key("name").value(p.name).key("value").value(p.value);
                j.key("since").value(p.since).key("layer").value(p.layer);
                if (!p.reference.empty()) j.key("reference").value(p.reference);
                j.end_object();
            });
            w.array("explanation", s.conditions, json_explanation);
            if (auto* sp = projection_of(p, s.id)) {
                if (s.outcome == verdict::not_eligible) {
                    w.key("eligible_from");
                    if (sp->eligible_from) w.value(to_string(*sp->eligible_from));
                    else if (sp->never) w.value("never");
                    else w.null();  // not known: the work bound ran out
                    w.strings("blocking", sp->blocking);
                    w.key("nearest_changes").begin_array();
                    for (const auto& change : sp->nearest_changes) w.begin_array(), w.strings_inline(change), w.end_array();
                    w.end_array();
                    w.key("nearest_change_conditions").begin_array();
                    for (const auto& meets : sp->nearest_change_conditions) w.begin_array(), w.strings_inline(meets), w.end_array();
                    w.end_array();
                }
                if (s.outcome == verdict::undetermined) w.strings("next_questions", sp->next_questions);
            }
            if (!s.decided_by.empty()) w.key("decided_by").value(s.decided_by);
            if (!s.conflict.empty()) w.key("conflict").value(s.conflict);
            if (!s.exceptions.empty())
                w.array("exceptions", s.exceptions, [](detail::json_writer& j, const exception_result& x) {
                    j.begin_object().key("id").value(x.id).key("title").value(x.title).key("layer").value(x.layer);
                    j.key("applies").value(to_string(x.applies)).key("conclusion").value(to_string(x.conclusion));
                    j.strings("citations", x.citations).array("explanation", x.conditions, json_explanation);
                    j.end_object();
                });
            w.end_object();
        }
        w.end_array();
    }
    if (p) {
        w.strings("next_questions", p->next_questions);
        w.key("horizon_days").value(static_cast<long long>(p->horizon_days));
        w.key("projection_truncated").value(p->truncated);
    }
    w.end_object();
    return w.str() + "\n";
}

}  // namespace entitle
