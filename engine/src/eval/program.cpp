// The public engine: compile(), the program class, verdicts with their
// explanations and exceptions, and the batch decider. Rendering is in render.cpp.
#include <entitle/engine.hpp>

#include "common/calendar.hpp"
#include "common/path.hpp"
#include "common/sha256.hpp"
#include "compile/compile.hpp"
#include "data/generate.hpp"
#include "data/params.hpp"
#include "data/scalar.hpp"
#include "data/profile.hpp"
#include "eval/evaluate.hpp"
#include "eval/linear.hpp"
#include "parser/parse.hpp"

#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace entitle {

namespace {

using eval::value;
using eval::vk;
using compiled::op;

truth truth_value(const value& v) {
    if (v.kind == vk::boolean) return v.b ? truth::yes : truth::no;
    if (v.kind == vk::none) return truth::no;
    return truth::unknown;
}

using eval::add_points;
double number(const value& v) { return eval::as_number(v); }

// What the exceptions of a service do to its verdict: those that apply and
// are not overridden by another that applies (`applying`; more than one is a
// conflict), and those whose applicability is unknown and whose conclusion
// would change the verdict (`open`).
struct exception_outcome {
    std::vector<std::size_t> applying;
    std::vector<std::size_t> open;
};

exception_outcome resolve_exceptions(const compiled::program_data& data, const compiled::service_def& s,
                                     const std::vector<truth>& applies, verdict base) {
    exception_outcome out;
    auto overridden = [&](std::size_t i) {
        for (std::size_t j = 0; j < s.exceptions.size(); ++j)
            if (applies[j] == truth::yes && data.exceptions[s.exceptions[j]].over == s.exceptions[i]) return true;
        return false;
    };
    for (std::size_t i = 0; i < applies.size(); ++i)
        if (applies[i] == truth::yes && !overridden(i)) out.applying.push_back(i);
    if (out.applying.size() > 1) return out;
    verdict current = out.applying.empty()
                          ? base
                          : data.exceptions[s.exceptions[out.applying.front()]].grants ? verdict::eligible
                                                                                       : verdict::not_eligible;
    for (std::size_t i = 0; i < applies.size(); ++i) {
        const auto& x = data.exceptions[s.exceptions[i]];
        verdict conclusion = x.grants ? verdict::eligible : verdict::not_eligible;
        if (applies[i] != truth::unknown || conclusion == current || overridden(i)) continue;
        if (!out.applying.empty() && data.exceptions[s.exceptions[out.applying.front()]].over == s.exceptions[i])
            continue;
        out.open.push_back(i);
    }
    return out;
}

class compiled_program final : public program {
public:
    compiled_program(std::shared_ptr<sema::program_data> checked, std::shared_ptr<data::parameter_store> parameters,
                     int ruleset)
        : parameters_(std::move(parameters)) {
        data_.checked = std::move(checked);
        ruleset_ = data_.checked->rulesets[ruleset].name;
        auto roots = compiled::compile_program(data_, ruleset);
        // The declarations' defaults are constants: evaluate them once.
        std::vector<value> none(roots.size());
        eval::evaluator ev(data_, none, 0, false);
        data_.param_defaults.resize(roots.size());
        for (std::size_t i = 0; i < roots.size(); ++i)
            if (roots[i] >= 0) data_.param_defaults[i] = ev.run(static_cast<std::uint32_t>(roots[i]), value());
        infos_ = sema::describe(*data_.checked);
        ruleset_index_ = ruleset;
    }

    const std::vector<ruleset_info>& rulesets() const override { return infos_; }
    const std::string& ruleset() const override { return ruleset_; }
    const std::string& rules_hash() const override { return rules_hash_; }
    void set_rules_hash(std::string h) { rules_hash_ = std::move(h); }

    profile_result load_profile(std::shared_ptr<const source_file> text, const profile_options& options) const override {
        return data::load_profile(*data_.checked, ruleset_index_, std::move(text), options);
    }

    profile_set_result load_json_lines(std::shared_ptr<const source_file> text,
                                       const profile_options& options) const override {
        return data::load_json_lines(*data_.checked, ruleset_index_, std::move(text), options);
    }

    std::unique_ptr<decider> make_decider(const civil_date& as_of, const std::string& entity) const override;
    decider_result make_decider(const civil_date& as_of, const std::string& entity,
                                const std::vector<std::string>& columns) const override;

    std::vector<threshold> thresholds(const std::string& service, const civil_date& as_of) const override {
        std::vector<threshold> out;
        std::vector<value> params;
        std::vector<parameter_use> uses;
        resolve_parameters(detail::days_from_civil(as_of.year, as_of.month, as_of.day), params, uses);
        for (const auto& s : data_.services) {
            if (s.id != service) continue;
            place subject{{}, s.record};
            for (const auto& c : s.clauses) find_thresholds(c.node, "", subject, params, out, c.unless);
        }
        return out;
    }

    std::string describe_fact(const std::string& entity, const std::string& path) const override {
        const auto& schema = *data_.checked;
        int record = record_of(entity);
        const sema::field_info* f = nullptr;
        bool item = false;  // the path names one item of a list
        auto steps = detail::split_path(path);
        for (std::size_t k = 0; record >= 0 && k < steps.size(); ++k) {
            bool indexed = steps[k].find('[') != std::string::npos;
            f = schema.records[static_cast<std::size_t>(record)].field(steps[k].substr(0, steps[k].find('[')));
            if (!f) return {};
            if (k + 1 == steps.size()) {
                item = indexed;
                break;
            }
            record = f->t.k == sema::kind::record ? f->t.ref : -1;
        }
        if (!f || record < 0) return {};
        std::string form;
        const sema::type t = item ? f->t.element() : f->t;
        if (t.list && t.k == sema::kind::record && t.ref == 0)
            form = "spells: [{from: YYYY-MM-DD, to: YYYY-MM-DD}], no `to` while ongoing; or a count such as 36 months";
        else if (t.list) form = "a list: [...]";
        else if (t.k == sema::kind::boolean) form = "true or false";
        else if (t.k == sema::kind::date) form = "a date, YYYY-MM-DD";
        else if (t.k == sema::kind::duration) form = "a duration such as 6 months";
        else if (t.k == sema::kind::days) form = "a number of days such as 730 days";
        else if (t.k == sema::kind::money) form = "an amount in yuan";
        else if (t.k == sema::kind::integer) form = "a whole number";
        else if (t.k == sema::kind::decimal) form = "a number";
        else if (t.k == sema::kind::enumeration) {
            form = "one of:";
            for (const auto& v : schema.enums[static_cast<std::size_t>(t.ref)].values) form += " " + v;
        } else if (t.k == sema::kind::record) {
            form = "a mapping of " + schema.records[static_cast<std::size_t>(t.ref)].name + " fields {...}";
        } else {
            form = "text";
        }
        if (f->optional && !item) form += "; null if there is none";
        return (f->label.empty() ? f->name : f->label) + " (" + form + ")";
    }

    diagnostics generate(const generate_options& options,
                         const std::function<void(const std::string&)>& line) const override {
        diagnostics diags;
        data::generate_profiles(*data_.checked, ruleset_index_, options, diags, line);
        return diags;
    }

    const compiled::program_data& data() const { return data_; }
    std::vector<std::string> field_paths(const std::string& entity) const override {
        std::vector<std::string> out;
        const auto& schema = *data_.checked;
        std::function<void(int, const std::string&, int)> walk = [&](int record, const std::string& prefix, int depth) {
            for (const auto& f : schema.records[static_cast<std::size_t>(record)].fields) {
                out.push_back(prefix + f.name);
                if (f.t.k == sema::kind::record && f.t.ref > 0 && depth < 16) walk(f.t.ref, prefix + f.name + ".", depth + 1);
            }
        };
        if (int record = record_of(entity); record >= 0) walk(record, "", 0);
        return out;
    }

    int record_of(const std::string& entity) const {
        for (std::size_t i = 0; i < data_.checked->records.size(); ++i)
            if (data_.checked->records[i].name == entity && data_.checked->records[i].entity) return static_cast<int>(i);
        return -1;
    }

    evaluation evaluate(const profile& p, const eval_options& options) const override {
        evaluation out;
        out.ruleset = ruleset_;
        out.rules_hash = rules_hash_;
        out.entity = data_.checked->records[p.entity].name;
        out.as_of = options.as_of;
        std::int64_t as_of = detail::days_from_civil(options.as_of.year, options.as_of.month, options.as_of.day);
        std::vector<value> params;
        std::vector<parameter_use> provenance;
        resolve_parameters(as_of, params, provenance);
        // One traced evaluator for all services: each service reads only its
        // own condition nodes, so a service never sees another's trace.
        eval::evaluator ev(data_, params, as_of, true);
        for (const auto& s : data_.services) {
            if (s.record != p.entity) continue;
            if (!options.services.empty() &&
                std::find(options.services.begin(), options.services.end(), s.id) == options.services.end())
                continue;
            ev.params_read().clear();
            out.services.push_back(evaluate_service(s, p, ev));
            for (auto index : ev.params_read()) out.services.back().parameters.push_back(provenance[index]);
        }
        return out;
    }

private:
    std::shared_ptr<data::parameter_store> parameters_;
    compiled::program_data data_;
    std::string ruleset_;
    std::string rules_hash_;
    int ruleset_index_ = -1;
    std::vector<ruleset_info> infos_;

public:
    // The value of every parameter at `as_of`: from the evaluated ruleset's
    // parameter files, else its parents', else the declaration's default.
    void resolve_parameters(std::int64_t as_of, std::vector<value>& values, std::vector<parameter_use>& uses) const {
        const auto& params = data_.checked->params;
        values.assign(params.size(), value());
        uses.assign(params.size(), {});
        eval::evaluator formatter(data_, values, as_of, false);
        for (std::size_t i = 0; i < params.size(); ++i) {
            parameter_use& use = uses[i];
            use.name = params[i].name;
            bool found = false;
            for (int r = ruleset_index_; r >= 0 && !found; r = data_.checked->rulesets[r].parent) {
                for (const auto& t : parameters_->by_param[i]) {
                    if (t.ruleset != r) continue;
                    const data::dated_value* in_force = nullptr;
                    for (const auto& v : t.values)
                        if (v.from <= as_of) in_force = &v;
                    if (!in_force) continue;
                    found = true;
                    values[i] = in_force->value;
                    use.since = detail::day_text(in_force->from);
                    use.layer = data_.checked->rulesets[r].name;
                    use.reference = t.reference;
                }
            }
            if (!found && params[i].decl->default_value) {
                values[i] = data_.param_defaults[i];
                use.since = "default";
                use.layer = data_.checked->rulesets[params[i].at.ruleset].name;
            }
            use.value = formatter.format(values[i]);
        }
    }

    // An item's points, capped.
    value item_points(const compiled::item_def& item, const value& root, eval::evaluator& ev) const {
        value v = ev.run(item.value, root);
        if (item.cap >= 0 && v.known() && v.kind != vk::none)
            v = eval::capped(v, ev.run(static_cast<std::uint32_t>(item.cap), root));
        return v;
    }

private:
    // Where a record comes from: its path from the subject and its type.
    struct place {
        std::vector<std::string> path;
        int record = -1;
    };

    std::optional<place> record_place(std::uint32_t n, const place& subject) const {
        const compiled::node& x = data_.nodes[n];
        const auto& records = data_.checked->records;
        if (x.code == op::subject) return subject;
        std::optional<place> base = x.code == op::subject_field ? std::optional<place>(subject)
                                    : x.code == op::field       ? record_place(x.a, subject)
                                                                : std::nullopt;
        if (!base || base->record < 0) return std::nullopt;
        std::uint32_t slot = x.code == op::subject_field ? x.a : x.b;
        const auto& f = records[static_cast<std::size_t>(base->record)].fields[slot];
        place out{base->path, f.t.k == sema::kind::record && !f.t.list ? f.t.ref : -1};
        out.path.push_back(f.name);
        return out;
    }

    // The fact an expression measures, when it can be set directly.
    bool lever_of(std::uint32_t n, const place& subject, threshold& t) const {
        const compiled::node& x = data_.nodes[n];
        auto arg = [&](std::uint32_t i) { return data_.args[x.first_arg + i]; };
        auto fact = [&](std::uint32_t m, sema::kind want, bool list) -> std::optional<place> {
            const compiled::node& y = data_.nodes[m];
            if (y.code != op::subject_field && y.code != op::field) return std::nullopt;
            auto p = record_place(m, subject);
            auto parent = y.code == op::subject_field ? std::optional<place>(subject) : record_place(y.a, subject);
            if (!p || !parent || parent->record < 0) return std::nullopt;
            const auto& f = data_.checked->records[static_cast<std::size_t>(parent->record)]
                                .fields[y.code == op::subject_field ? y.a : y.b];
            if (f.t.k != want || f.t.list != list) return std::nullopt;
            return p;
        };
        switch (x.code) {
            case op::subject_field: case op::field:
                for (auto k : {sema::kind::integer, sema::kind::decimal, sema::kind::money, sema::kind::duration})
                    if (auto p = fact(n, k, false)) return t.path = p->path, t.how = threshold::lever::number, true;
                if (auto p = fact(n, sema::kind::date, false)) return t.path = p->path, t.how = threshold::lever::date, true;
                return false;
            case op::age:
                if (x.arg_count != 1) return false;
                if (auto p = fact(arg(0), sema::kind::date, false)) return t.path = p->path, t.how = threshold::lever::age, true;
                return false;
            case op::total: case op::within: case op::longest_run:
                // Projections grow histories by whole months; other countings are not levers (yet).
                if (x.mode != static_cast<std::uint8_t>(compiled::counting::months)) return false;
                if (auto p = fact(arg(0), sema::kind::record, true)) return t.path = p->path, t.how = threshold::lever::months, true;
                return false;
            case op::months_between: {
                const compiled::node& start = data_.nodes[arg(0)];
                if (x.arg_count != 2 || start.code != op::run_start || data_.nodes[arg(1)].code != op::as_of) return false;
                if (auto p = fact(data_.args[start.first_arg], sema::kind::record, true))
                    return t.path = p->path, t.how = threshold::lever::run, true;
                return false;
            }
            case op::define: {
                auto base = record_place(x.a, subject);
                return base && lever_of(data_.defines[x.b].root, *base, t);
            }
            default: return false;
        }
    }

    // The numeric facts an expression reads (through arithmetic and calls), as search levers.
    void numbers_in(std::uint32_t n, const place& subject, const std::string& label, const std::string& text,
                    std::vector<threshold>& out) const {
        const compiled::node& x = data_.nodes[n];
        if (x.code == op::subject_field || x.code == op::field) {
            auto p = record_place(n, subject);
            auto parent = x.code == op::subject_field ? std::optional<place>(subject) : record_place(x.a, subject);
            if (!p || !parent || parent->record < 0) return;
            const auto& f = data_.checked->records[static_cast<std::size_t>(parent->record)]
                                .fields[x.code == op::subject_field ? x.a : x.b];
            bool numeric = !f.t.list && (f.t.k == sema::kind::integer || f.t.k == sema::kind::money ||
                                         f.t.k == sema::kind::decimal);
            bool seen = std::any_of(out.begin(), out.end(), [&](auto& t) { return t.path == p->path && t.how == threshold::lever::search; });
            if (!numeric || seen) return;
            threshold t;
            t.path = p->path;
            t.how = threshold::lever::search;
            t.label = label;
            t.text = text;
            out.push_back(std::move(t));
            return;
        }
        switch (x.code) {
            case op::add: case op::sub: case op::mul: case op::div: case op::neg:
            case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge:
                numbers_in(x.a, subject, label, text, out);
                if (x.code != op::neg) numbers_in(x.b, subject, label, text, out);
                return;
            case op::min_of: case op::max_of: case op::floor_of: case op::round_of:
                for (std::uint32_t i = 0; i < x.arg_count; ++i) numbers_in(data_.args[x.first_arg + i], subject, label, text, out);
                return;
            default: return;
        }
    }

    // `negated`: the condition must be false for the service (under `not`, or an `unless`).
    void find_thresholds(std::uint32_t n, const std::string& label, const place& subject, const std::vector<value>& params,
                         std::vector<threshold>& out, bool negated = false) const {
        const compiled::node& x = data_.nodes[n];
        std::string here = x.label >= 0 ? data_.labels[static_cast<std::size_t>(x.label)] : label;
        auto constant = [&](std::uint32_t m) -> std::optional<value> {
            const compiled::node& y = data_.nodes[m];
            if (y.code == op::constant) return data_.constants[y.a];
            if (y.code == op::param && params[y.a].known() && params[y.a].kind != vk::none) return params[y.a];
            return std::nullopt;
        };
        auto add = [&](std::uint32_t fact, const value& k, int direction) {
            threshold t;
            if (!lever_of(fact, subject, t)) return;
            t.label = here;
            t.text = text_of(x);
            t.direction = direction;
            t.at = k.kind == vk::decimal ? k.d : k.kind == vk::money ? static_cast<double>(k.i) / 100 : static_cast<double>(k.i);
            t.shown = eval::evaluator(data_, params, 0, false).format(k);  // only for a threshold found
            out.push_back(std::move(t));
        };
        // A bool or enum fact and the values of it that satisfy the condition.
        auto choice = [&](std::uint32_t fact, const std::vector<std::string>& satisfying) {
            const compiled::node& y = data_.nodes[fact];
            if (y.code != op::subject_field && y.code != op::field) return;
            auto p = record_place(fact, subject);
            if (!p || satisfying.empty()) return;
            threshold t;
            t.path = p->path;
            t.how = threshold::lever::value;
            t.values = satisfying;
            t.label = here;
            t.text = text_of(x);
            t.shown = satisfying.front();
            out.push_back(std::move(t));
        };
        auto enum_values = [&](const value& k) -> const std::vector<std::string>* {
            return k.kind == vk::enumeration && k.type >= 0 ? &data_.checked->enums[static_cast<std::size_t>(k.type)].values
                                                            : nullptr;
        };
        switch (x.code) {
            case op::and_: case op::or_: case op::all_group: case op::any_group:
                for (std::uint32_t i = 0; i < x.arg_count; ++i)
                    find_thresholds(data_.args[x.first_arg + i], here, subject, params, out, negated);
                return;
            case op::not_: find_thresholds(x.a, here, subject, params, out, !negated); return;
            case op::subject_field: case op::field: choice(n, {negated ? "false" : "true"}); return;
            case op::in_set: {
                std::vector<std::string> members, all;
                for (std::uint32_t i = 0; i < x.arg_count; ++i) {
                    auto k = constant(data_.args[x.first_arg + i]);
                    auto* names = k ? enum_values(*k) : nullptr;
                    if (!names) return;
                    all = *names;
                    members.push_back((*names)[static_cast<std::size_t>(k->i)]);
                }
                bool want_in = !negated != x.flag;  // `in` (or `not in` under a negation)
                std::vector<std::string> satisfying;
                for (const auto& v : all)
                    if ((std::find(members.begin(), members.end(), v) != members.end()) == want_in) satisfying.push_back(v);
                choice(x.a, satisfying);
                return;
            }
            case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge: {
                if (auto k = constant(x.b); k && enum_values(*k) && (x.code == op::eq || x.code == op::ne)) {
                    const auto& names = *enum_values(*k);
                    bool want_equal = (x.code == op::eq) != negated;
                    std::vector<std::string> satisfying;
                    for (std::size_t v = 0; v < names.size(); ++v)
                        if ((static_cast<std::int64_t>(v) == k->i) == want_equal) satisfying.push_back(names[v]);
                    choice(x.a, satisfying);
                    return;
                }
                int up = x.code == op::ge || x.code == op::gt ? 1 : x.code == op::le || x.code == op::lt ? -1 : 0;
                if (negated) up = -up;
                std::size_t before = out.size();
                if (auto k = constant(x.b)) add(x.a, *k, up);
                else if (auto k2 = constant(x.a)) add(x.b, *k2, -up);
                // No single fact to set: the numbers the comparison computes with, to search.
                if (out.size() == before) numbers_in(n, subject, here, text_of(x), out);
                return;
            }
            case op::between: {
                auto lo = constant(x.b), hi = constant(x.c);
                if (lo) add(x.a, *lo, 1);
                if (hi) add(x.a, *hi, -1);
                return;
            }
            default: return;
        }
    }

    std::string text_of(const compiled::node& n) const {
        const auto& src = data_.sources[n.source];
        std::string text(src->slice(n.where));
        // One line: fold runs of white space (conditions may span lines).
        std::string out;
        bool space = false;
        for (char c : text) {
            bool blank = c == ' ' || c == '\n' || c == '\t' || c == '\r';
            if (blank) {
                space = !out.empty();
                continue;
            }
            if (space) out += ' ';
            space = false;
            out += c;
        }
        return out;
    }

    std::string name_of(const compiled::node& n) const {
        return n.label >= 0 ? data_.labels[static_cast<std::size_t>(n.label)] : text_of(n);
    }

    explanation explain(std::uint32_t index, eval::evaluator& ev) const {
        const compiled::node& n = data_.nodes[index];
        const auto& trace = ev.trace();
        explanation e;
        e.label = n.label >= 0 ? data_.labels[static_cast<std::size_t>(n.label)] : "";
        e.text = text_of(n);
        e.outcome = truth_value(trace[index]);
        switch (n.code) {
            case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge:
                e.observed = ev.format(trace[n.a]);
                e.expected = ev.format(trace[n.b]);
                break;
            case op::between:
                e.observed = ev.format(trace[n.a]);
                e.expected = ev.format(trace[n.b]) + " .. " + ev.format(trace[n.c]);
                break;
            case op::in_set:
                e.observed = ev.format(trace[n.a]);
                break;
            case op::is_set:
                e.observed = trace[n.a].kind == vk::unknown ? "unknown" : trace[n.a].kind == vk::none ? "none" : "set";
                break;
            case op::and_: case op::or_: case op::all_group: case op::any_group:
                for (std::uint32_t i = 0; i < n.arg_count; ++i)
                    e.children.push_back(explain(data_.args[n.first_arg + i], ev));
                break;
            default:
                if (trace[index].kind != vk::boolean) e.observed = ev.format(trace[index]);
        }
        return e;
    }

    service_result evaluate_service(const compiled::service_def& s, const profile& p, eval::evaluator& ev) const {
        service_result r;
        r.id = s.id;
        r.title = s.title;
        r.layer = s.layer;
        r.is_score = s.is_score;
        r.citations = s.citations;
        bool any_false = false, any_unknown = false;
        std::set<std::string> missing;
        ev.errors().clear();
        for (const auto& c : s.clauses) {
            ev.missing().clear();
            truth t = truth_value(ev.run(c.node, p.store.root));
            explanation e = explain(c.node, ev);
            e.unless = c.unless;
            bool fails = c.unless ? t == truth::yes : t == truth::no;
            if (fails) {
                any_false = true;
                r.failed.push_back(name_of(data_.nodes[c.node]));
            } else if (t == truth::unknown) {
                any_unknown = true;
                missing.insert(ev.missing().begin(), ev.missing().end());
            }
            r.conditions.push_back(std::move(e));
        }
        if (s.is_score) {
            bool total_known = true;
            value total = value::of(vk::integer, 0);
            for (const auto& item : s.items) {
                ev.missing().clear();
                value v = item_points(item, p.store.root, ev);
                if (!v.known()) {
                    total_known = false;
                    missing.insert(ev.missing().begin(), ev.missing().end());
                    r.items.push_back({item.id, item.label, ""});
                    continue;
                }
                if (v.kind == vk::none) v = value::of(vk::integer, 0);  // an item that is none gives no points
                add_points(total, v);
                r.items.push_back({item.id, item.label, ev.format(v)});
            }
            value threshold = s.threshold >= 0 ? ev.run(static_cast<std::uint32_t>(s.threshold), p.store.root) : value();
            r.threshold = threshold.known() ? ev.format(threshold) : "";
            r.total = total_known ? ev.format(total) : "";
            if (total_known && threshold.known()) {
                if (number(total) < number(threshold)) {
                    any_false = true;
                    r.failed.push_back("积分达到" + r.threshold + "分 (points " + r.total + " < " + r.threshold + ")");
                }
            } else {
                any_unknown = true;
            }
        }
        r.outcome = any_false ? verdict::not_eligible : any_unknown ? verdict::undetermined : verdict::eligible;
        apply_exceptions(s, p, ev, r, missing);
        if (r.outcome == verdict::undetermined) {
            r.missing.assign(missing.begin(), missing.end());
            r.errors.assign(ev.errors().begin(), ev.errors().end());
        }
        return r;
    }

    // Catala's default logic: the service's rule decides unless an exception
    // applies; an exception `over` another wins when both apply; two that
    // apply with no priority between them are a conflict, never a silent pick.
    void apply_exceptions(const compiled::service_def& s, const profile& p, eval::evaluator& ev, service_result& r,
                          std::set<std::string>& missing) const {
        if (s.exceptions.empty()) return;
        std::vector<std::set<std::string>> unknown_facts;
        for (auto index : s.exceptions) {
            const compiled::exception_def& x = data_.exceptions[index];
            exception_result xr;
            xr.id = x.id;
            xr.title = x.title;
            xr.layer = x.layer;
            xr.conclusion = x.grants ? verdict::eligible : verdict::not_eligible;
            xr.citations = x.citations;
            truth all = truth::yes;
            ev.missing().clear();
            for (auto node : x.conditions) {
                truth t = truth_value(ev.run(node, p.store.root));
                xr.conditions.push_back(explain(node, ev));
                if (t == truth::no) all = truth::no;
                else if (t == truth::unknown && all == truth::yes) all = truth::unknown;
            }
            xr.applies = all;
            unknown_facts.push_back(ev.missing());
            r.exceptions.push_back(std::move(xr));
        }
        std::vector<truth> applies;
        for (const auto& x : r.exceptions) applies.push_back(x.applies);
        exception_outcome decided = resolve_exceptions(data_, s, applies, r.outcome);
        const std::vector<std::size_t>& applying = decided.applying;
        if (applying.size() > 1) {
            std::string names;
            for (auto i : applying) names += (names.empty() ? "" : ", ") + r.exceptions[i].id + " (" + r.exceptions[i].layer + ")";
            r.conflict = "exceptions " + names + " all apply and none is declared over the others";
            r.outcome = verdict::undetermined;
            return;
        }
        if (applying.size() == 1) {
            const auto& x = r.exceptions[applying.front()];
            r.outcome = x.conclusion;
            r.decided_by = x.id;
            r.layer = x.layer;
            r.failed.clear();
            if (x.conclusion == verdict::not_eligible) r.failed.push_back(x.title.empty() ? x.id : x.title);
            missing.clear();
        }
        // An exception that may apply and would change the verdict leaves it open.
        for (std::size_t i : decided.open) {
            r.outcome = verdict::undetermined;
            missing.insert(unknown_facts[i].begin(), unknown_facts[i].end());
        }
    }
};

// Verdicts only: no tracing, no explanations, no strings. The conditions
// of every service, score items and exceptions run as linear code
// (linear.hpp) built for the as-of date.
// A batch column: a node's value (a define's root, a score item's value
// and its cap).
struct column_def {
    std::string name;
    std::uint32_t node = 0;
    std::int64_t cap = -1;
};

class fast_decider final : public decider {
public:
    fast_decider(const compiled_program& program, std::int64_t as_of, int entity, std::vector<column_def> columns = {})
        : params_(parameters_at(program, as_of)), data_(eval::fixed_at(program.data(), params_, as_of)),
          columns_(std::move(columns)) {
        for (const auto& c : columns_) column_names_.push_back(c.name);
        ev_ = std::make_unique<eval::evaluator>(data_, params_, as_of, false);
        for (std::size_t i = 0; i < data_.services.size(); ++i)
            if (data_.services[i].record == entity) {
                services_.push_back(i);
                ids_.push_back(data_.services[i].id);
            }
        // Entry 0: every service's requires/unless into its verdict, and
        // its total for a score. Scores first: a service's points_of(score)
        // then reads the total computed (services[k] keeps verdict k).
        eval::linear_builder build(data_, params_, code_);
        std::vector<std::size_t> order(services_.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_partition(order.begin(), order.end(), [&](std::size_t k) { return data_.services[services_[k]].is_score; });
        for (std::size_t k : order) {
            const compiled::service_def& s = data_.services[services_[k]];
            std::vector<std::uint32_t> conditions;
            std::vector<bool> unless;
            for (const auto& c : s.clauses) {
                conditions.push_back(c.node);
                unless.push_back(c.unless);
            }
            build.verdict(conditions, unless, static_cast<std::uint32_t>(k));
            if (s.is_score) build.score(s, static_cast<std::uint32_t>(k));
        }
        build.end();
        // Then an entry for each exception.
        for (std::size_t k = 0; k < services_.size(); ++k) {
            const compiled::service_def& s = data_.services[services_[k]];
            if (s.exceptions.empty()) continue;
            with_exceptions_.push_back(k);
            exception_entry_.resize(data_.exceptions.size());
            for (auto x : s.exceptions) exception_entry_[x] = build.truth_entry(data_.exceptions[x].conditions);
        }
    }

    const std::vector<std::string>& services() const override { return ids_; }
    const std::vector<std::string>& columns() const override { return column_names_; }

    void decide(const profile_set& set, std::size_t first, std::size_t count, decision* out, cell* cells) override {
        const value* roots = set.roots.data() + first;
        for (std::size_t i = 0; i < count; ++i, out += services_.size()) {
            decide_root(roots[i], out);
            if (cells) {
                fill(cells);
                cells += columns_.size();
            }
        }
    }
    void decide(const profile& p, decision* out, cell* cells) override {
        decide_root(p.store.root, out);
        if (cells) fill(cells);
    }

private:
    std::vector<value> params_;      // in force at the as-of date
    compiled::program_data data_;    // fixed at the as-of date (eval::fixed_at)
    std::vector<column_def> columns_;
    std::vector<std::string> column_names_;
    std::unique_ptr<eval::evaluator> ev_;
    std::vector<std::size_t> services_;
    std::vector<std::string> ids_;
    eval::linear_code code_;
    std::vector<std::uint32_t> exception_entry_;  // by exception index: the entry of its conditions
    std::vector<std::size_t> with_exceptions_;        // services (by position) with exceptions
    std::vector<truth> applies_;

    static std::vector<value> parameters_at(const compiled_program& program, std::int64_t as_of) {
        std::vector<value> params;
        std::vector<parameter_use> uses;
        program.resolve_parameters(as_of, params, uses);
        return params;
    }

    static truth truth_from(eval::tri t) {
        return t == eval::tri::yes ? truth::yes : t == eval::tri::no ? truth::no : truth::unknown;
    }

    void decide_root(const value& root, decision* out) {
        ev_->execute(code_, 0, root, out);
        for (std::size_t k : with_exceptions_) exceptions(data_.services[services_[k]], root, out[k]);
    }

    // The columns of the profile just decided (its functions and measures already computed).
    void fill(cell* cells) {
        for (std::size_t j = 0; j < columns_.size(); ++j) {
            value v = ev_->more(columns_[j].node);
            if (columns_[j].cap >= 0 && v.known() && v.kind != vk::none)
                v = eval::capped(v, ev_->more(static_cast<std::uint32_t>(columns_[j].cap)));
            cells[j] = cell_of(v);
        }
    }

    cell cell_of(const value& v) const {
        cell c;
        switch (v.kind) {
            case vk::unknown: break;
            case vk::none: c.type = cell::kind::none; break;
            case vk::boolean: c.type = cell::kind::boolean; c.number = v.b ? 1 : 0; break;
            case vk::integer: c.type = cell::kind::number; c.number = static_cast<double>(v.i); break;
            case vk::decimal: c.type = cell::kind::number; c.number = v.d; break;
            case vk::money: c.type = cell::kind::money; c.number = static_cast<double>(v.i) / 100; break;
            case vk::duration: c.type = cell::kind::months; c.number = static_cast<double>(v.i); break;
            case vk::days: c.type = cell::kind::days; c.number = static_cast<double>(v.i); break;
            case vk::date: {
                auto d = detail::civil_from_days(v.i);
                c.type = cell::kind::date;
                c.date = {d.year, d.month, d.day};
                break;
            }
            case vk::enumeration:
                c.type = cell::kind::text;
                c.text = data_.checked->enums[static_cast<std::size_t>(v.type)].values.at(static_cast<std::size_t>(v.i));
                break;
            case vk::string: c.type = cell::kind::text; c.text = *v.str; break;
            default: break;  // records and lists are refused as columns
        }
        return c;
    }

    void exceptions(const compiled::service_def& s, const value& root, decision& d) {
        applies_.clear();
        for (auto index : s.exceptions)
            applies_.push_back(truth_from(ev_->execute(code_, exception_entry_[index], root, nullptr)));
        exception_outcome x = resolve_exceptions(data_, s, applies_, d.outcome);
        if (x.applying.size() > 1) {
            d.conflict = true;
            d.outcome = verdict::undetermined;
        } else if (x.applying.size() == 1) {
            d.outcome = data_.exceptions[s.exceptions[x.applying.front()]].grants ? verdict::eligible
                                                                                  : verdict::not_eligible;
        }
        if (!x.open.empty()) d.outcome = verdict::undetermined;
    }
};

std::unique_ptr<decider> compiled_program::make_decider(const civil_date& as_of, const std::string& entity) const {
    int record = record_of(entity);
    if (record < 0) return nullptr;
    return std::make_unique<fast_decider>(*this, detail::days_from_civil(as_of.year, as_of.month, as_of.day), record);
}

decider_result compiled_program::make_decider(const civil_date& as_of, const std::string& entity,
                                              const std::vector<std::string>& columns) const {
    decider_result out;
    int record = record_of(entity);
    if (record < 0) {
        out.diags.error("E909", "no entity " + entity + " in ruleset " + ruleset_);
        return out;
    }
    const sema::program_data& schema = *data_.checked;
    std::vector<column_def> defs;
    for (const auto& name : columns) {
        column_def c{name};
        auto dot = name.find('.');
        bool found = false;
        std::vector<std::string> candidates;
        if (dot != std::string::npos) {  // score.item
            for (const auto& s : data_.services) {
                if (!s.is_score || s.record != record) continue;
                for (const auto& item : s.items) {
                    candidates.push_back(s.id + "." + item.id);
                    if (s.id == name.substr(0, dot) && item.id == name.substr(dot + 1)) {
                        c.node = item.value;
                        c.cap = item.cap;
                        found = true;
                    }
                }
            }
        } else {
            for (int r = data_.ruleset; r >= 0 && !found; r = schema.rulesets[r].parent) {
                for (const auto& [key, d] : schema.rulesets[r].names.defines) {
                    const auto& info = schema.defines[static_cast<std::size_t>(d)];
                    if (key.first != record || info.function) continue;
                    candidates.push_back(key.second);
                    if (key.second != name) continue;
                    if (info.t.list || info.t.k == sema::kind::record) {
                        out.diags.error("E909", "column " + name + ": the define is " +
                                                    (info.t.list ? "a list" : "a record") +
                                                    "; a column takes one value (a number, date, duration, text or yes/no)");
                        found = true;
                        c.node = compiled::no_node;
                        break;
                    }
                    c.node = data_.defines[static_cast<std::size_t>(d)].root;
                    found = true;
                }
            }
        }
        if (!found) {
            std::string best = sema::closest(name, candidates);
            out.diags.error("E909", "column " + name + ": no define of " + entity + " without parameters and no score item (score.item) of that name" +
                                        (best.empty() ? "" : "; did you mean '" + best + "'?"));
        } else if (c.node != compiled::no_node) {
            defs.push_back(c);
        }
    }
    if (out.diags.has_errors()) return out;
    out.value = std::make_unique<fast_decider>(*this, detail::days_from_civil(as_of.year, as_of.month, as_of.day),
                                                 record, std::move(defs));
    return out;
}

// check_options::parameters: each replaces the evaluated ruleset's own values
// of a parameter, at every date. False (with E908) when one names no
// parameter or its value is not of the parameter's type.
bool override_parameters(const sema::program_data& program, int ruleset, const check_options& options,
                         data::parameter_store& store, diagnostics& diags) {
    bool ok = true;
    for (const auto& setting : options.parameters) {
        // Named, not bound: lambdas may not capture structured bindings before C++20 (clang).
        const std::string& name = setting.first;
        const std::string& text = setting.second;
        auto it = std::find_if(program.params.begin(), program.params.end(), [&](auto& p) { return p.name == name; });
        if (it == program.params.end()) {
            std::vector<std::string> names;
            for (const auto& p : program.params) names.push_back(p.name);
            std::string best = sema::closest(name, names);
            diags.error("E908", "--set " + name + ": no parameter " + name + (best.empty() ? "" : "; did you mean '" + best + "'?"));
            ok = false;
            continue;
        }
        auto index = static_cast<std::size_t>(it - program.params.begin());
        data::scalar_error error;
        auto v = data::scalar_value(text, it->t, program, store.strings, error);
        if (!v) {
            diags.error("E908", "--set " + name + "=" + text + ": " + error.message);
            ok = false;
            continue;
        }
        auto& timelines = store.by_param[index];
        timelines.erase(std::remove_if(timelines.begin(), timelines.end(), [&](auto& t) { return t.ruleset == ruleset; }),
                        timelines.end());
        data::timeline t;
        t.ruleset = ruleset;
        t.reference = "--set " + name + "=" + text;
        t.values.push_back({std::numeric_limits<std::int64_t>::min() / 2, *v});
        timelines.push_back(std::move(t));
    }
    return ok;
}

}  // namespace

std::size_t size(const profile_set& set) { return set.roots.size(); }
const std::string& profile_id(const profile_set& set, std::size_t i) { return set.ids.at(i); }
std::optional<civil_date> profile_as_of(const profile_set& set, std::size_t i) { return set.as_ofs.at(i); }

compile_result compile(const std::vector<std::shared_ptr<const source_file>>& sources, const check_options& options,
                       const std::string& ruleset) {
    compile_result result;
    auto parameters = std::make_shared<data::parameter_store>();
    auto program = sema::front_end(sources, options, result.diags, *parameters);
    if (!result.diags.has_errors()) {
        // The ruleset to evaluate: the one named, or the only one no other extends.
        std::vector<int> leaves;
        int named = -1;
        for (std::size_t i = 0; i < program->rulesets.size(); ++i) {
            bool extended = false;
            for (const auto& other : program->rulesets)
                if (other.parent == static_cast<int>(i)) extended = true;
            if (!extended) leaves.push_back(static_cast<int>(i));
            if (program->rulesets[i].name == ruleset) named = static_cast<int>(i);
        }
        std::string names;
        for (int l : leaves) names += (names.empty() ? "" : ", ") + program->rulesets[l].name;
        if (!ruleset.empty() && named < 0) {
            result.diags.error("E801", "no ruleset named '" + ruleset + "' (loaded: " + names + ")");
        } else if (ruleset.empty() && leaves.size() != 1) {
            result.diags.error("E801", leaves.empty() ? "no ruleset to evaluate"
                                                      : "several rulesets could be evaluated (" + names +
                                                            "); choose one with --ruleset");
        } else if (override_parameters(*program, named >= 0 ? named : leaves.front(), options, *parameters,
                                       result.diags)) {
            auto compiled = std::make_shared<compiled_program>(program, parameters, named >= 0 ? named : leaves.front());
            // Names and contents, sorted by name, so the hash does not depend on load order.
            std::vector<const source_file*> sorted;
            for (const auto& src : sources) sorted.push_back(src.get());
            std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name() < b->name(); });
            detail::sha256 hash;
            for (const auto* src : sorted) {
                hash.update(src->name());
                hash.update(std::string_view("\0", 1));
                hash.update(std::to_string(src->text().size()));
                hash.update(std::string_view("\0", 1));
                hash.update(src->text());
            }
            compiled->set_rules_hash(hash.hex());
            result.program = compiled;
        }
    }
    result.diags.sort();
    return result;
}

}  // namespace entitle
