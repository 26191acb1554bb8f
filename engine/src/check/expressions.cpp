// Typing of expressions: names, operators, built-ins, quantifiers.
#include "check/checker_impl.hpp"

namespace entitle::sema {

// ---- expression typing ----------------------------------------------------------------

struct expr_visitor {
    using result_type = type;
    checker& c;
    env& e;
    const type* hint;

    type operator()(const ast::nil&) const { return {}; }
    type operator()(const ast::bool_lit&) const { return of(kind::boolean); }
    type operator()(const ast::int_lit&) const { return of(kind::integer); }
    type operator()(const ast::decimal_lit&) const { return of(kind::decimal); }
    type operator()(const ast::money_lit&) const { return of(kind::money); }
    type operator()(const ast::duration_lit& d) const {
        if (d.unit == ast::duration_unit::days) {
            c.diags_.error("E312", "durations are counted in months and years; days are not supported here",
                           e.source, d.where())
                .notes.push_back("write '1 month' or a date: date(year(as_of), 8, 31)");
            return {};
        }
        return of(kind::duration);
    }
    type operator()(const ast::date_lit& d) const {
        if (!detail::valid_date(d.year, d.month, d.day)) {
            c.diags_.error("E106", "not a calendar date", e.source, d.where());
            return {};
        }
        return of(kind::date);
    }
    type operator()(const ast::string_lit&) const { return of(kind::string); }
    type operator()(const ast::as_of_ref&) const { return of(kind::date); }
    type operator()(const ast::path& p) const { return c.path_type(p, e, hint); }
    type operator()(const ast::param_ref& p) const {
        int index = c.lookup(e.ruleset, &scope::params, p.name.name);
        if (index < 0) {
            auto& d = c.diags_.error("E202", "unknown parameter " + quote(p.name.name), e.source, p.name.where());
            c.suggest(d, p.name.name, c.visible_names(e.ruleset, &scope::params));
            return {};
        }
        c.prog_.params[index].used = true;
        return c.prog_.params[index].t;
    }
    template <typename T>
    type operator()(const ast::x3::forward_ast<T>& n) const { return (*this)(n.get()); }
    type operator()(const ast::call& n) const { return c.call_type(n, e); }
    type operator()(const ast::unary& n) const {
        type t = c.expr(n.rhs, e, hint);
        for (auto it = n.ops.rbegin(); it != n.ops.rend(); ++it) {
            if (t.is_error()) return t;
            if (*it == ast::op::not_) {
                c.expect_bool(t, n.rhs, e, "the operand of 'not'");
                t = of(kind::boolean);
            } else if (t.list || !(t.is_numeric() || t.k == kind::money || t.k == kind::duration)) {
                c.diags_.error("E306", "cannot negate " + c.type_text(t), e.source, n.where());
                return {};
            }
        }
        return t;
    }
    type operator()(const ast::binary& n) const {
        if (n.rest.empty()) return c.expr(n.first, e, hint);
        auto op = n.rest.front().oper;
        if (op == ast::op::and_ || op == ast::op::or_) {
            const char* word = op == ast::op::and_ ? "and" : "or";
            c.expect_bool(c.expr(n.first, e), n.first, e, std::string("the operand of '") + word + "'");
            for (auto& r : n.rest)
                c.expect_bool(c.expr(r.rhs, e), r.rhs, e, std::string("the operand of '") + word + "'");
            return of(kind::boolean);
        }
        type acc = c.expr(n.first, e);
        for (auto& r : n.rest) acc = c.arith(acc, r.oper, c.expr(r.rhs, e), r, e);
        return acc;
    }
    type operator()(const ast::test& n) const {
        if (!n.rest) return c.expr(n.subject, e, hint);
        return c.test_type(n, e);
    }
    type operator()(const ast::quantifier& n) const { return c.quantifier_type(n, e); }
    type operator()(const ast::group& n) const {
        for (auto& item : n.items) c.condition(item, e);
        if (n.items.empty()) {
            c.diags_.error("E309", std::string(n.kind == ast::group_kind::any ? "any" : "all") +
                                       " { } needs at least one condition", e.source, n.where());
            return {};
        }
        return of(kind::boolean);
    }
    type operator()(const ast::conditional& n) const {
        c.expect_bool(c.expr(n.cond, e), n.cond, e, "the condition of 'if'");
        type a = c.expr(n.then_, e, hint), b = c.expr(n.else_, e, hint);
        if (a.is_error()) return b;
        if (b.is_error()) return a;
        if (a.is_numeric() && b.is_numeric())
            return of(a.k == kind::decimal || b.k == kind::decimal ? kind::decimal : kind::integer);
        if (a != b) {
            auto& d = c.diags_.error("E304", "the branches of 'if' differ: " + c.type_text(a) + " and " +
                                                 c.type_text(b), e.source, ast::span_of(n.else_));
            c.unit_hint(d, a, b);
            return {};
        }
        return a;
    }
};

type checker::expr(const ast::operand& o, env& e, const type* hint) {
    return boost::apply_visitor(expr_visitor{*this, e, hint}, o);
}

type checker::member(const type& base, const ast::identifier& name, env& e) {
    if (base.is_error()) return base;
    if (base.list) {
        diags_.error("E307", quote(name.name) + " is taken from a list (" + type_text(base) + ")", e.source,
                     name.where())
            .notes.push_back("use a quantifier: any x in list: x." + name.name + " ...");
        return {};
    }
    if (base.k != kind::record) {
        diags_.error("E308", type_text(base) + " has no fields; cannot take " + quote(name.name), e.source,
                     name.where());
        return {};
    }
    const record_info& rec = prog_.records[base.ref];
    if (const field_info* f = rec.field(name.name)) return f->t;
    int d = lookup(e.ruleset, &scope::defines, std::make_pair(base.ref, name.name));
    if (d >= 0) {
        define_info& info = prog_.defines[d];
        info.used = true;
        if (info.progress == define_info::state::checking) {
            std::string chain;
            bool on = false;
            for (auto& n : define_stack_) {
                if (n == info.name) on = true;
                if (on) chain += n + " -> ";
            }
            diags_.error("E210", "define " + quote(info.name) + " depends on itself: " + chain + info.name,
                         e.source, name.where())
                .notes.push_back("defines may not be recursive; the language has no loops but quantifiers");
            info.t = {};
            info.progress = define_info::state::checked;
            return {};
        }
        if (info.progress == define_info::state::unchecked) check_define(d);
        return prog_.defines[d].t;
    }
    std::vector<std::string> candidates;
    for (auto& f : rec.fields) candidates.push_back(f.name);
    for (int r = e.ruleset; r >= 0; r = prog_.rulesets[r].parent)
        for (auto& [key, v] : prog_.rulesets[r].names.defines)
            if (key.first == base.ref) candidates.push_back(key.second);
    auto& diag = diags_.error("E201", "unknown field " + quote(name.name) + " on " + rec.name, e.source, name.where());
    suggest(diag, name.name, candidates);
    return {};
}

type checker::path_type(const ast::path& p, env& e, const type* hint) {
    const auto& first = p.parts.front();
    type t;
    std::size_t next = 1;
    auto local_it = std::find_if(e.locals.rbegin(), e.locals.rend(),
                                 [&](const local& l) { return l.name == first.name; });
    if (local_it != e.locals.rend()) {
        t = local_it->t;
    } else if (hint && !hint->list && hint->k == kind::enumeration && p.parts.size() == 1 &&
               prog_.enums[hint->ref].index_of(first.name) >= 0) {
        prog_.enum_values[&p] = {hint->ref, prog_.enums[hint->ref].index_of(first.name)};
        return *hint;  // a value of the enum the other side expects
    } else if (int en = lookup(e.ruleset, &scope::enums, first.name); en >= 0 && p.parts.size() == 2) {
        if (prog_.enums[en].index_of(p.parts[1].name) < 0) {
            auto& d = diags_.error("E204", "enum " + first.name + " has no value " + quote(p.parts[1].name),
                                   e.source, p.parts[1].where());
            suggest(d, p.parts[1].name, prog_.enums[en].values);
            return {};
        }
        prog_.enum_values[&p] = {en, prog_.enums[en].index_of(p.parts[1].name)};
        return {kind::enumeration, en, false};
    } else if (e.subject < 0) {
        if (hint && !hint->list && hint->k == kind::enumeration && !hint->is_error()) {
            auto& d = diags_.error("E204", "enum " + prog_.enums[hint->ref].name + " has no value " +
                                               quote(first.name), e.source, first.where());
            suggest(d, first.name, prog_.enums[hint->ref].values);
            return {};
        }
        diags_.error("E213", quote(first.name) + " cannot be used in " + std::string(e.context ? e.context : "here"),
                     e.source, first.where())
            .notes.push_back("only literals, parameters and enum values are allowed here");
        return {};
    } else {
        const record_info& rec = prog_.records[e.subject];
        bool known = rec.field(first.name) ||
                     lookup(e.ruleset, &scope::defines, std::make_pair(e.subject, first.name)) >= 0;
        if (!known && hint && !hint->list && hint->k == kind::enumeration && p.parts.size() == 1) {
            auto& d = diags_.error("E204", "enum " + prog_.enums[hint->ref].name + " has no value " +
                                               quote(first.name), e.source, first.where());
            std::vector<std::string> candidates = prog_.enums[hint->ref].values;
            suggest(d, first.name, candidates);
            return {};
        }
        t = member(type{kind::record, e.subject, false}, first, e);
    }
    for (; next < p.parts.size() && !t.is_error(); ++next) t = member(t, p.parts[next], e);
    return t;
}

type checker::arith(const type& a, ast::op op, const type& b, const ast::operation& where, env& e) {
    if (a.is_error() || b.is_error()) return {};
    auto is = [](const type& t, kind k) { return !t.list && t.k == k; };
    const char* sym = op == ast::op::add ? "+" : op == ast::op::sub ? "-" : op == ast::op::mul ? "*" : "/";
    type result;
    bool ok = true;
    if (a.is_numeric() && b.is_numeric()) {
        result = of((op == ast::op::div || is(a, kind::decimal) || is(b, kind::decimal)) ? kind::decimal
                                                                                          : kind::integer);
    } else if (op == ast::op::add || op == ast::op::sub) {
        if (is(a, kind::money) && is(b, kind::money)) result = of(kind::money);
        else if (is(a, kind::duration) && is(b, kind::duration)) result = of(kind::duration);
        else if (is(a, kind::date) && is(b, kind::duration)) result = of(kind::date);
        else if (op == ast::op::add && is(a, kind::duration) && is(b, kind::date)) result = of(kind::date);
        else ok = false;
    } else if (op == ast::op::mul) {
        if ((is(a, kind::money) && b.is_numeric()) || (a.is_numeric() && is(b, kind::money))) result = of(kind::money);
        else if ((is(a, kind::duration) && is(b, kind::integer)) || (is(a, kind::integer) && is(b, kind::duration)))
            result = of(kind::duration);
        else ok = false;
    } else {
        if (is(a, kind::money) && b.is_numeric()) result = of(kind::money);
        else if (is(a, kind::money) && is(b, kind::money)) result = of(kind::decimal);
        else if (is(a, kind::duration) && is(b, kind::duration)) result = of(kind::decimal);
        else ok = false;
    }
    if (!ok) {
        auto& d = diags_.error("E302", std::string("cannot apply '") + sym + "' to " + type_text(a) + " and " +
                                           type_text(b), e.source, where.where());
        if (is(a, kind::date) && is(b, kind::date))
            d.notes.push_back("use months_between(a, b) for the time between two dates");
        else
            unit_hint(d, a, b);
        return {};
    }
    return result;
}

type checker::test_type(const ast::test& t, env& e) {
    const ast::operand& subject = t.subject;
    // A bare name on the left may be an enum value the right side explains.
    type s = expr(subject, e);
    struct tail_visitor {
        using result_type = type;
        checker& c;
        env& e;
        const ast::operand& subject;
        type s;
        void compare(const type& a, const type& b, span where, const char* op) const {
            if (a.is_error() || b.is_error()) return;
            bool equality = std::string(op) == "=" || std::string(op) == "!=";
            bool ok = comparable(a, b) && (equality || ordered(a));
            if (ok) return;
            auto& d = c.diags_.error("E301",
                                     comparable(a, b)
                                         ? std::string("'") + op + "' needs ordered values; " + c.type_text(a) +
                                               " has no order"
                                         : "cannot compare " + c.type_text(a) + " with " + c.type_text(b),
                                     e.source, where);
            c.unit_hint(d, a, b);
        }
        type operator()(const ast::compare_tail& ct) const {
            type r = c.expr(ct.rhs, e, &s);
            static const char* names[] = {"", "", "", "", "=", "!=", "<", "<=", ">", ">="};
            span where{ast::span_of(subject).begin, ct.end};
            compare(s, r, where, names[static_cast<int>(ct.oper)]);
            return of(kind::boolean);
        }
        type operator()(const ast::between_tail& bt) const {
            type lo = c.expr(bt.low, e, &s), hi = c.expr(bt.high, e, &s);
            span where{ast::span_of(subject).begin, bt.end};
            compare(s, lo, where, "between");
            if (!lo.is_error() && comparable(s, lo) && ordered(s)) compare(s, hi, where, "between");
            auto flo = folder::number(folder{}(bt.low)), fhi = folder::number(folder{}(bt.high));
            if (flo && fhi && *flo > *fhi)
                c.diags_.warning("W102", "this range is empty: its low end is above its high end", e.source,
                                 bt.where());
            return of(kind::boolean);
        }
        type operator()(const ast::in_tail& it) const {
            for (auto& item : it.items) {
                type t = c.expr(item, e, &s);
                if (!t.is_error() && !s.is_error() && !comparable(s, t)) {
                    auto& d = c.diags_.error("E301", "cannot compare " + c.type_text(s) + " with " + c.type_text(t),
                                             e.source, ast::span_of(item));
                    c.unit_hint(d, s, t);
                }
            }
            return of(kind::boolean);
        }
        type operator()(const ast::is_tail&) const { return of(kind::boolean); }
    };
    return boost::apply_visitor(tail_visitor{*this, e, subject, s}, *t.rest);
}

type checker::quantifier_type(const ast::quantifier& q, env& e) {
    type list = expr(q.list, e);
    type element;
    if (!list.is_error()) {
        if (!list.list) {
            diags_.error("E307", "a quantifier ranges over a list, but this is " + type_text(list), e.source,
                         ast::span_of(q.list));
        } else {
            element = list.element();
        }
    }
    e.locals.push_back({q.var.name, element});
    type body = expr(q.body, e);
    e.locals.pop_back();
    static const char* words[] = {"any", "all", "count", "sum"};
    std::string what = std::string("the body of '") + words[static_cast<int>(q.kind)] + "'";
    switch (q.kind) {
        case ast::quantifier_kind::any:
        case ast::quantifier_kind::all:
            expect_bool(body, q.body, e, what);
            return of(kind::boolean);
        case ast::quantifier_kind::count:
            expect_bool(body, q.body, e, what);
            return of(kind::integer);
        case ast::quantifier_kind::sum:
            if (body.is_error()) return body;
            if (body.list || !(body.is_numeric() || body.k == kind::money || body.k == kind::duration)) {
                diags_.error("E304", what + " must be a number, money or a duration, but this is " + type_text(body),
                             e.source, ast::span_of(q.body));
                return {};
            }
            return body;
    }
    return {};
}

type checker::call_type(const ast::call& call, env& e) {
    const std::string& name = call.name.name;
    std::vector<type> args;
    if (int t = lookup(e.ruleset, &scope::tables, name); t >= 0) {
        table_info& table = prog_.tables[t];
        table.used = true;
        for (auto& a : call.args) args.push_back(expr(a, e, &table.key));
        if (args.size() != 1) {
            diags_.error("E305", "table " + quote(name) + " takes one key, got " + std::to_string(args.size()),
                         e.source, call.where());
            return table.value;
        }
        expect_type(args[0], table.key, call.args[0], e, "the key of table " + quote(name));
        return table.value;
    }
    const builtin* b = find_builtin(name);
    if (!b) {
        std::vector<std::string> candidates;
        for (auto& f : builtins()) candidates.push_back(f.name);
        for (auto& n : visible_names(e.ruleset, &scope::tables)) candidates.push_back(n);
        auto& d = diags_.error("E208", "unknown function " + quote(name), e.source, call.name.where());
        suggest(d, name, candidates);
        for (auto& a : call.args) expr(a, e);
        return {};
    }
    for (auto& a : call.args) args.push_back(expr(a, e));
    std::size_t lo = b->required.size(), hi = lo + b->optional.size();
    bool any_error = std::any_of(args.begin(), args.end(), [](const type& t) { return t.is_error(); });
    if (name == "size") {
        if (args.size() != 1) {
            diags_.error("E305", "size takes one list, got " + std::to_string(args.size()) + " arguments", e.source,
                         call.where());
        } else if (!args[0].is_error() && !args[0].list) {
            diags_.error("E306", "size takes a list, but this is " + type_text(args[0]), e.source,
                         ast::span_of(call.args[0]));
        }
        return of(kind::integer);
    }
    if (args.size() < lo || args.size() > hi) {
        diags_.error("E305", quote(name) + " takes " +
                                 (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
                                 " arguments, got " + std::to_string(args.size()), e.source, call.where())
            .notes.push_back(b->summary);
        return {};
    }
    type same;  // for ordered_same
    for (std::size_t i = 0; i < args.size(); ++i) {
        arg want = i < lo ? b->required[i] : b->optional[i - lo];
        const type& t = args[i];
        if (t.is_error()) continue;
        bool ok = true;
        const char* expected = "";
        switch (want) {
            case arg::date: ok = !t.list && t.k == kind::date; expected = "a date"; break;
            case arg::integer: ok = !t.list && t.k == kind::integer; expected = "an int"; break;
            case arg::numeric: ok = t.is_numeric(); expected = "a number"; break;
            case arg::duration: ok = !t.list && t.k == kind::duration; expected = "a duration"; break;
            case arg::spells: {
                expected = "a list of spells (records with 'from' and 'to' dates)";
                ok = t.list && t.k == kind::record;
                if (ok) {
                    const record_info& rec = prog_.records[t.ref];
                    const field_info* from = rec.field("from");
                    const field_info* to = rec.field("to");
                    ok = from && to && from->t == of(kind::date) && to->t == of(kind::date);
                }
                break;
            }
            case arg::ordered_same:
                expected = "a number, money, a date or a duration";
                ok = ordered(t);
                if (ok && !same.is_error() && !comparable(same, t)) {
                    diags_.error("E306", quote(name) + " mixes " + type_text(same) + " and " + type_text(t), e.source,
                                 ast::span_of(call.args[i]));
                    return {};
                }
                if (ok && (same.is_error() || t.k == kind::decimal)) same = t;
                break;
        }
        if (!ok) {
            auto& d = diags_.error("E306", "argument " + std::to_string(i + 1) + " of " + quote(name) + " must be " +
                                               expected + ", but this is " + type_text(t), e.source,
                                   ast::span_of(call.args[i]));
            d.notes.push_back(b->summary);
            any_error = true;
        }
    }
    if (any_error) return {};
    if (name == "age" || name == "years" || name == "months" || name == "year" || name == "month" ||
        name == "day" || name == "floor" || name == "round")
        return of(kind::integer);
    if (name == "months_between" || name == "total" || name == "longest_run" || name == "within")
        return of(kind::duration);
    if (name == "date" || name == "run_start") return of(kind::date);
    if (name == "holds") return of(kind::boolean);
    return same;  // min, max
}

}  // namespace entitle::sema
