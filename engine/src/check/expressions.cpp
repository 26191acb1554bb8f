// Typing of expressions: names, operators, built-ins, quantifiers.
#include "check/checker_impl.hpp"
#include "common/numbers.hpp"

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
    // Literals the values of a profile could hold: money to 9e15 yuan,
    // durations to 100,000 months, days to 3,650,000 (as profiles read them).
    type operator()(const ast::money_lit& m) const {
        if (!(detail::literal_number(m.text) <= 9e15L)) {
            c.diags_.error("E108", "an amount of money past 9,000,000,000,000,000 yuan", e.source, m.where());
            return {};
        }
        return of(kind::money);
    }
    type operator()(const ast::duration_lit& d) const {
        bool days = d.unit == ast::duration_unit::days;
        std::int64_t limit = days ? 3650000 : d.unit == ast::duration_unit::years ? 100000 / 12 : 100000;
        if (d.amount > limit) {
            c.diags_.error("E108", std::string("a duration past ") +
                                       (days ? "3,650,000 days" : "100,000 months (8,333 years)"),
                           e.source, d.where());
            return {};
        }
        return of(days ? kind::days : kind::duration);
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
        c.depends_on({checker::dep_kind::param, index}, e.source, p.name.where());
        return c.prog_.params[index].t;
    }
    template <typename T>
    type operator()(const ast::x3::forward_ast<T>& n) const { return (*this)(n.get()); }
    type operator()(const ast::call& n) const { return c.call_type(n, e); }
    type operator()(const ast::filter& n) const {
        type list = c.expr(n.list, e);
        type element;
        if (!list.is_error()) {
            if (!list.list)
                c.diags_.error("E307", "'where' filters a list, but this is " + c.type_text(list), e.source,
                               ast::span_of(n.list));
            else
                element = list.element();
        }
        e.locals.push_back({n.var.name, element});
        c.expect_bool(c.expr(n.cond, e), n.cond, e, "the condition after 'where'");
        e.locals.pop_back();
        return list.list ? list : type{};
    }
    type operator()(const ast::unary& n) const {
        checker::deeper chain(c, static_cast<int>(n.ops.size()), n.where(), e);  // one node per operator
        type t = c.expr(n.rhs, e, hint);
        for (auto it = n.ops.rbegin(); it != n.ops.rend(); ++it) {
            if (t.is_error()) return t;
            if (*it == ast::op::not_) {
                c.expect_bool(t, n.rhs, e, "the operand of 'not'");
                t = of(kind::boolean);
            } else if (t.list || !(t.is_numeric() || t.k == kind::money || t.k == kind::duration || t.k == kind::days)) {
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
        checker::deeper chain(c, static_cast<int>(n.rest.size()), n.where(), e);  // folded to the left: a node per operator
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

namespace {
// A chain of one member, a test without its tail: no node of its own.
bool passes_through(const ast::operand& o) {
    if (auto* b = boost::get<ast::x3::forward_ast<ast::binary>>(&o)) return b->get().rest.empty();
    if (auto* t = boost::get<ast::x3::forward_ast<ast::test>>(&o)) return !t->get().rest;
    if (auto* u = boost::get<ast::x3::forward_ast<ast::unary>>(&o)) return u->get().ops.empty();
    return false;
}
}  // namespace

type checker::expr(const ast::operand& o, env& e, const type* hint) {
    deeper level(*this, passes_through(o) ? 0 : 1, ast::span_of(o), e);
    return boost::apply_visitor(expr_visitor{*this, e, hint}, o);
}

// How deep the compiled tree reaches at `depth` levels below a declaration's
// root (an operand, a chain of prefix operators or of + - * /, a define
// compiled into its use): past max_levels, one located E103 per declaration.
void checker::reach(int depth, span where, const env& e) {
    deepest_ = std::max(deepest_, depth);
    if (depth <= max_levels || too_deep_reported_) return;
    too_deep_reported_ = true;
    diags_.error("E103", "this expression nests more than " + std::to_string(max_levels) +
                             " levels deep, counting every operator and the defines it uses",
                 e.source, where)
        .notes.push_back("split it into named defines of a few levels each");
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
    if (const field_info* f = prog_.field(base.ref, name.name, e.ruleset)) return f->t;
    int d = lookup(e.ruleset, &scope::defines, std::make_pair(base.ref, name.name));
    if (d >= 0) {
        if (prog_.defines[d].function) {
            diags_.error("E305", quote(name.name) + " is a function of " + rec.name + "; call it with its arguments",
                         e.source, name.where())
                .notes.push_back(name.name + "(" + std::to_string(prog_.defines[d].params.size()) + " arguments)");
            return {};
        }
        return use_define(d, name, e);
    }
    std::vector<std::string> candidates;
    for (auto& f : rec.fields)
        if (prog_.visible(f, e.ruleset)) candidates.push_back(f.name);
    for (int r = e.ruleset; r >= 0; r = prog_.rulesets[r].parent)
        for (auto& [key, v] : prog_.rulesets[r].names.defines)
            if (key.first == base.ref) candidates.push_back(key.second);
    auto& diag = diags_.error("E201", "unknown field " + quote(name.name) + " on " + rec.name, e.source, name.where());
    suggest(diag, name.name, candidates);
    const field_info* hidden = rec.field(name.name);
    if (hidden && !hidden->added_by.empty())
        diag.notes.push_back("ruleset " + prog_.rulesets[hidden->added_by.front()].name +
                             " adds it; this ruleset does not extend that one");
    return {};
}

// The type of a define (or function) at a use, checking it first if need be;
// a define met again while it is being checked is a cycle.
type checker::use_define(int d, const ast::identifier& name, env& e) {
    define_info& info = prog_.defines[d];
    info.used = true;
    depends_on({dep_kind::define, d}, e.source, name.where());
    if (info.progress == define_info::state::checking) {
        std::string chain;
        bool on = false;
        for (auto& n : define_stack_) {
            if (n == info.name) on = true;
            if (on) chain += n + " -> ";
        }
        diags_.error("E210", "define " + quote(info.name) + " depends on itself: " + chain + info.name, e.source,
                     name.where())
            .notes.push_back("defines and functions may not be recursive; the language has no loops but quantifiers");
        info.t = {};
        info.progress = define_info::state::checked;
        return {};
    }
    if (info.progress == define_info::state::unchecked) {
        if (define_stack_.size() >= max_define_nesting) {
            diags_.error("E103", "defines use one another more than " + std::to_string(max_define_nesting) +
                                     " deep here", e.source, name.where())
                .notes.push_back("a define may use others, but not through a chain this long");
            info.progress = define_info::state::checked;
            info.t = {};
            return {};
        }
        check_define(d);
    }
    // A define is compiled into each use: its depth adds to this one's.
    if (d < static_cast<int>(define_depth_.size()))
        reach(level_ + define_depth_[static_cast<std::size_t>(d)], name.where(), e);
    return prog_.defines[d].t;
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
    } else if (int fd = lookup(e.ruleset, &scope::defines, std::make_pair(-1, first.name));
               fd >= 0 && !(e.subject >= 0 && (prog_.field(e.subject, first.name, e.ruleset) ||
                                               lookup(e.ruleset, &scope::defines,
                                                      std::make_pair(e.subject, first.name)) >= 0))) {
        if (prog_.defines[fd].function) {
            diags_.error("E305", quote(first.name) + " is a function; call it with its arguments", e.source,
                         first.where());
            return {};
        }
        t = use_define(fd, first, e);
    } else if (e.subject < 0) {
        if (hint && !hint->list && hint->k == kind::enumeration && !hint->is_error()) {
            auto& d = diags_.error("E204", "enum " + prog_.enums[hint->ref].name + " has no value " +
                                               quote(first.name), e.source, first.where());
            suggest(d, first.name, prog_.enums[hint->ref].values);
            return {};
        }
        if (!e.context) {
            // A function without `for`: its parameters are its only names.
            std::vector<std::string> candidates;
            for (auto& l : e.locals) candidates.push_back(l.name);
            auto& d = diags_.error("E201", "unknown name " + quote(first.name), e.source, first.where());
            suggest(d, first.name, candidates);
            d.notes.push_back("a define without 'for' sees only its parameters, other such defines, "
                              "parameters (param a.b) and as_of");
            return {};
        }
        diags_.error("E213", quote(first.name) + " cannot be used in " + std::string(e.context),
                     e.source, first.where())
            .notes.push_back("only literals, parameters and enum values are allowed here");
        return {};
    } else {
        bool known = prog_.field(e.subject, first.name, e.ruleset) ||
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
        else if (is(a, kind::days) && is(b, kind::days)) result = of(kind::days);
        else if (is(a, kind::date) && (is(b, kind::duration) || is(b, kind::days))) result = of(kind::date);
        else if (op == ast::op::add && (is(a, kind::duration) || is(a, kind::days)) && is(b, kind::date))
            result = of(kind::date);
        else ok = false;
    } else if (op == ast::op::mul) {
        if ((is(a, kind::money) && b.is_numeric()) || (a.is_numeric() && is(b, kind::money))) result = of(kind::money);
        else if ((is(a, kind::duration) && is(b, kind::integer)) || (is(a, kind::integer) && is(b, kind::duration)))
            result = of(kind::duration);
        else if ((is(a, kind::days) && is(b, kind::integer)) || (is(a, kind::integer) && is(b, kind::days)))
            result = of(kind::days);
        else ok = false;
    } else {
        if (is(a, kind::money) && b.is_numeric()) result = of(kind::money);
        else if (is(a, kind::money) && is(b, kind::money)) result = of(kind::decimal);
        else if (is(a, kind::duration) && is(b, kind::duration)) result = of(kind::decimal);
        else if (is(a, kind::days) && is(b, kind::days)) result = of(kind::decimal);
        else ok = false;
    }
    if (!ok) {
        auto& d = diags_.error("E302", std::string("cannot apply '") + sym + "' to " + type_text(a) + " and " +
                                           type_text(b), e.source, where.where());
        if (is(a, kind::date) && is(b, kind::date))
            d.notes.push_back("use months_between(a, b) or days_between(a, b) for the time between two dates");
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
    if (q.cond) expect_bool(expr(*q.cond, e), *q.cond, e, "the condition after 'where'");
    type body = expr(q.body, e);
    e.locals.pop_back();
    static const char* words[] = {"any", "all", "count", "sum", "min", "max", "first", "last", "distinct"};
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
            if (body.list ||
                !(body.is_numeric() || body.k == kind::money || body.k == kind::duration || body.k == kind::days)) {
                diags_.error("E304", what + " must be a number, money or a duration, but this is " + type_text(body),
                             e.source, ast::span_of(q.body));
                return {};
            }
            return body;
        case ast::quantifier_kind::min:
        case ast::quantifier_kind::max:
        case ast::quantifier_kind::first:
        case ast::quantifier_kind::last: {
            if (body.is_error()) return body;
            bool by_key = q.kind == ast::quantifier_kind::first || q.kind == ast::quantifier_kind::last;
            if (!ordered(body)) {
                diags_.error("E304", std::string(by_key ? "the key of '" : "the body of '") +
                                         words[static_cast<int>(q.kind)] +
                                         "' must be a number, money, a date or a duration, but this is " +
                                         type_text(body), e.source, ast::span_of(q.body));
                return {};
            }
            return by_key ? element : body;
        }
        case ast::quantifier_kind::distinct:
            if (body.is_error()) return body;
            if (body.list || body.k == kind::record) {
                diags_.error("E304", what + " must be a single value (a field such as s.city), but this is " +
                                         type_text(body), e.source, ast::span_of(q.body));
                return {};
            }
            return body.as_list();
    }
    return {};
}

namespace {
// The one positional argument of a call when it is a name (`points_of(pts)`, `position(c)`).
const ast::path* sole_path(const ast::call& call) {
    return call.args.size() == 1 && !call.args[0].name ? ast::as_bare_path(call.args[0].value) : nullptr;
}

std::string signature(const define_info& d, const type_names& names) {
    std::string out = d.name + "(";
    for (std::size_t i = 0; i < d.params.size(); ++i)
        out += (i ? ", " : "") + d.params[i].first + ": " + to_string(d.params[i].second, names);
    return out + ")";
}
}  // namespace

// A call of a define with parameters: positional arguments of the declared types.
type checker::function_call(int d, const ast::call& call, env& e, bool) {
    prog_.defines[d].used = true;
    const define_info& info = prog_.defines[d];
    std::vector<const ast::operand*> args;
    for (auto& a : call.args) {
        if (a.name) {
            diags_.error("E305", "function " + quote(info.name) + " takes no named arguments", e.source,
                         a.name->where())
                .notes.push_back(signature(info, prog_.names));
            return {};
        }
        args.push_back(&a.value);
    }
    if (args.size() != info.params.size()) {
        for (std::size_t i = 0; i < args.size(); ++i)
            expr(*args[i], e, i < info.params.size() ? &info.params[i].second : nullptr);
        diags_.error("E305", quote(info.name) + " takes " + std::to_string(info.params.size()) + " argument" +
                                 (info.params.size() == 1 ? "" : "s") + ", got " + std::to_string(args.size()),
                     e.source, call.where())
            .notes.push_back(signature(info, prog_.names));
        return {};
    }
    bool ok = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const type want = info.params[i].second;
        type got = expr(*args[i], e, &want);
        if (got.is_error() || want.is_error()) continue;
        bool fits = got == want || (want.k == kind::decimal && got.is_numeric() && !want.list);
        if (!fits) {
            auto& diag = diags_.error("E306", "argument " + std::to_string(i + 1) + " of " + quote(info.name) +
                                                  " (" + info.params[i].first + ") must be " + type_text(want) +
                                                  ", but this is " + type_text(got), e.source, ast::span_of(*args[i]));
            diag.notes.push_back(signature(info, prog_.names));
            unit_hint(diag, got, want);
            ok = false;
        }
    }
    type t = use_define(d, call.name, e);
    return ok ? t : type{};
}

// points_of(score): the total of a score of the same subject, in a service or score.
type checker::points_call(const ast::call& call, env& e) {
    const ast::path* p = sole_path(call);
    if (!p) {
        diags_.error("E305", "points_of takes the name of one score: points_of(settlement_points), or "
                             "points_of(applicant.settlement_points) for a score of a record",
                     e.source, call.where());
        return {};
    }
    const std::string& id = p->parts.back().name;
    // `applicant.score`: the score of the record the path before it names.
    int subject = e.subject;
    if (p->parts.size() > 1) {
        const ast::path& base = synthetic_.emplace_back(
            ast::make_path(std::vector<ast::identifier>(p->parts.begin(), p->parts.end() - 1)));
        type t = path_type(base, e, nullptr);
        if (t.is_error()) return {};
        if (t.list || t.k != kind::record) {
            diags_.error("E306", "points_of reads a score of a record, but " + type_text(t) + " is not one", e.source,
                         base.where());
            return {};
        }
        subject = t.ref;
    }
    int s = lookup(e.ruleset, &scope::services, id);
    if (s < 0 || !prog_.services[s].is_score) {
        std::vector<std::string> scores;
        for (int r = e.ruleset; r >= 0; r = prog_.rulesets[r].parent)
            for (auto& [n, i] : prog_.rulesets[r].names.services)
                if (prog_.services[i].is_score) scores.push_back(n);
        auto& d = diags_.error("E306", (s < 0 ? "unknown score " : quote(id) + " is a service, not a score; ") +
                                           (s < 0 ? quote(id) : std::string("points_of() reads scores")),
                               e.source, p->where());
        suggest(d, id, scores);
        return {};
    }
    if (!e.service_body) {
        diags_.error("E306", "points_of(" + id + ") can be used in services and scores only", e.source, call.where())
            .notes.push_back("a define is evaluated for any record; a score's points belong to its subject");
        return {};
    }
    if (prog_.services[s].record < 0 || subject < 0) return {};  // the score's own entity is unknown: reported there
    if (prog_.services[s].record != subject) {
        auto& d = diags_.error("E306", "score " + quote(id) + " is for " + prog_.records[prog_.services[s].record].name +
                                           ", not for " + prog_.records[subject].name, e.source, p->where());
        if (p->parts.size() == 1)
            d.notes.push_back("name the record whose score it is: points_of(applicant." + id + ")");
        return {};
    }
    depends_on({dep_kind::score, s}, e.source, call.where());
    return of(kind::decimal);
}

type checker::call_type(const ast::call& call, env& e) {
    const std::string& name = call.name.name;
    std::vector<type> args;
    // `a.b.f(x)`: a function of the record a.b.
    if (!call.target.empty()) {
        const ast::path& target = synthetic_.emplace_back(ast::make_path(call.target));
        type base = path_type(target, e, nullptr);
        if (base.is_error()) return {};
        if (base.list || base.k != kind::record) {
            diags_.error("E308", type_text(base) + " has no functions; cannot call " + quote(name), e.source,
                         call.name.where());
            return {};
        }
        int d = lookup(e.ruleset, &scope::defines, std::make_pair(base.ref, name));
        if (d < 0 || !prog_.defines[d].function) {
            std::vector<std::string> candidates;
            for (int r = e.ruleset; r >= 0; r = prog_.rulesets[r].parent)
                for (auto& [key, v] : prog_.rulesets[r].names.defines)
                    if (key.first == base.ref && prog_.defines[v].function) candidates.push_back(key.second);
            auto& diag = diags_.error("E208", "unknown function " + quote(name) + " of " + type_text(base), e.source,
                                      call.name.where());
            suggest(diag, name, candidates);
            if (d >= 0) diag.notes.push_back(quote(name) + " is a define without parameters: write " + name + ", not " + name + "()");
            return {};
        }
        return function_call(d, call, e, true);
    }
    if (int t = lookup(e.ruleset, &scope::tables, name); t >= 0) {
        table_info& table = prog_.tables[t];
        table.used = true;
        depends_on({dep_kind::table, t}, e.source, call.name.where());
        for (auto& a : call.args) args.push_back(expr(a.value, e, &table.key));
        if (args.size() != 1 || call.args[0].name) {
            diags_.error("E305", "table " + quote(name) + " takes one key, got " + std::to_string(args.size()),
                         e.source, call.where());
            return table.value;
        }
        expect_type(args[0], table.key, call.args[0].value, e, "the key of table " + quote(name));
        return table.value;
    }
    if (e.subject >= 0)
        if (int d = lookup(e.ruleset, &scope::defines, std::make_pair(e.subject, name));
            d >= 0 && prog_.defines[d].function)
            return function_call(d, call, e, true);
    if (int d = lookup(e.ruleset, &scope::defines, std::make_pair(-1, name)); d >= 0 && prog_.defines[d].function)
        return function_call(d, call, e, false);
    if (name == "points_of") return points_call(call, e);
    if (name == "position") {
        const ast::path* p = sole_path(call);
        auto item = p && p->parts.size() == 1
                        ? std::find_if(e.locals.rbegin(), e.locals.rend(),
                                       [&](const local& l) { return l.name == p->parts[0].name; })
                        : e.locals.rend();
        if (item == e.locals.rend() || !item->item) {
            diags_.error("E306", "position takes the variable of a quantifier or filter: position(c) in "
                                 "'any c in children: ...'", e.source, call.where());
            return {};
        }
        return of(kind::integer);
    }
    const builtin* b = find_builtin(name);
    if (!b) {
        std::vector<std::string> candidates;
        for (auto& f : builtins()) candidates.push_back(f.name);
        for (auto& n : visible_names(e.ruleset, &scope::tables)) candidates.push_back(n);
        for (int r = e.ruleset; r >= 0; r = prog_.rulesets[r].parent)
            for (auto& [key, v] : prog_.rulesets[r].names.defines)
                if (prog_.defines[v].function && (key.first < 0 || key.first == e.subject)) candidates.push_back(key.second);
        auto& d = diags_.error("E208", "unknown function " + quote(name), e.source, call.name.where());
        suggest(d, name, candidates);
        for (auto& a : call.args) expr(a.value, e);
        return {};
    }
    // Named options: `at: D` (a date), and words (`counting: days`).
    const auto& specs = options_of(name);
    const ast::operand* at_option = nullptr;
    std::string counting = "months";
    std::set<std::string> named;
    bool any_error = false;
    std::vector<const ast::operand*> positional;
    for (auto& a : call.args) {
        if (!a.name) {
            positional.push_back(&a.value);
            continue;
        }
        const std::string& option = a.name->name;
        auto spec = std::find_if(specs.begin(), specs.end(), [&](const option_spec& o) { return option == o.name; });
        if (spec == specs.end()) {
            auto& d = diags_.error("E305", quote(name) + " has no option " + quote(option), e.source, a.name->where());
            std::vector<std::string> candidates;
            std::string list;
            for (auto& o : specs) candidates.push_back(o.name), list += (list.empty() ? "" : ", ") + std::string(o.name);
            suggest(d, option, candidates);
            d.notes.push_back(specs.empty() ? quote(name) + " takes no named arguments"
                                            : "the options of " + quote(name) + ": " + list);
            any_error = true;
            continue;
        }
        if (!named.insert(option).second) {
            diags_.error("E305", "option " + quote(option) + " is given twice", e.source, a.name->where());
            any_error = true;
            continue;
        }
        if (spec->words.empty()) {  // at: an expression
            at_option = &a.value;
            continue;
        }
        const ast::path* word = ast::as_bare_path(a.value);
        if (!word || word->parts.size() != 1 || option_word(*spec, word->parts[0].name) < 0) {
            std::string list;
            for (auto* w : spec->words) list += (list.empty() ? "" : ", ") + std::string(w);
            auto& d = diags_.error("E306", "option " + quote(option) + " of " + quote(name) + " must be one of: " + list,
                                   e.source, ast::span_of(a.value));
            if (word && word->parts.size() == 1) {
                std::vector<std::string> candidates(spec->words.begin(), spec->words.end());
                suggest(d, word->parts[0].name, candidates);
            }
            any_error = true;
            continue;
        }
        if (option == "counting") counting = word->parts[0].name;
    }
    if (at_option && positional.size() > b->required.size()) {
        diags_.error("E305", quote(name) + " is given its reference date twice (by position and as 'at:')", e.source,
                     ast::span_of(*at_option));
        any_error = true;
    }
    for (auto* a : positional) args.push_back(expr(*a, e));
    if (at_option) {
        type t = expr(*at_option, e);
        if (!t.is_error() && (t.list || t.k != kind::date)) {
            diags_.error("E306", "option 'at' of " + quote(name) + " must be a date, but this is " + type_text(t),
                         e.source, ast::span_of(*at_option));
            any_error = true;
        }
    }
    std::size_t lo = b->required.size(), hi = lo + b->optional.size();
    any_error = any_error || std::any_of(args.begin(), args.end(), [](const type& t) { return t.is_error(); });
    if (name == "size") {
        if (args.size() != 1) {
            diags_.error("E305", "size takes one list, got " + std::to_string(args.size()) + " arguments", e.source,
                         call.where());
        } else if (!args[0].is_error() && !args[0].list) {
            diags_.error("E306", "size takes a list, but this is " + type_text(args[0]), e.source,
                         ast::span_of(*positional[0]));
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
    bool in_days = counting == "days";
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
            case arg::days: ok = !t.list && t.k == kind::days; expected = "a number of days"; break;
            case arg::span:
                if (!t.list && (t.k == kind::duration || t.k == kind::days) && (t.k == kind::days) != in_days) {
                    auto& d = diags_.error("E312", std::string("with counting: ") + counting + ", the " +
                                                       (name == "within" ? "window" : "gap") + " of " + quote(name) +
                                                       " is counted in " + (in_days ? "days" : "months") +
                                                       ", but this is " + type_text(t),
                                           e.source, ast::span_of(*positional[i]));
                    d.notes.push_back(in_days ? "write it in days: '30 days'"
                                              : "write it in months ('3 months'), or count in days: counting: days");
                    any_error = true;
                    continue;
                }
                ok = !t.list && t.k == (in_days ? kind::days : kind::duration);
                expected = in_days ? "a number of days" : "a duration";
                break;
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
                    auto& d = diags_.error("E306", quote(name) + " mixes " + type_text(same) + " and " + type_text(t),
                                           e.source, ast::span_of(*positional[i]));
                    unit_hint(d, same, t);
                    return {};
                }
                if (ok && (same.is_error() || t.k == kind::decimal)) same = t;
                break;
        }
        if (!ok) {
            auto& d = diags_.error("E306", "argument " + std::to_string(i + 1) + " of " + quote(name) + " must be " +
                                               expected + ", but this is " + type_text(t), e.source,
                                   ast::span_of(*positional[i]));
            d.notes.push_back(b->summary);
            unit_hint(d, t, want == arg::days || (want == arg::span && in_days) ? of(kind::days) : of(kind::duration));
            any_error = true;
        }
    }
    if (any_error) return {};
    if (name == "date") {
        // Constant parts: the date must exist (date(2025, 2, 30) is a mistake, not a none).
        folder f;
        auto y = folder::number(f(*positional[0])), m = folder::number(f(*positional[1])),
             dd = folder::number(f(*positional[2]));
        if (y && m && dd &&
            (*y < 1 || *y > 9999 || !detail::valid_date(static_cast<int>(*y), static_cast<int>(*m), static_cast<int>(*dd)))) {
            diags_.error("E106", "not a calendar date", e.source, call.where());
            return {};
        }
    }
    if (name == "age" || name == "years" || name == "months" || name == "year" || name == "month" ||
        name == "day" || name == "floor" || name == "round" || name == "days")
        return of(kind::integer);
    if (name == "total" || name == "longest_run" || name == "within") return of(in_days ? kind::days : kind::duration);
    if (name == "months_between") return of(kind::duration);
    if (name == "days_between") return of(kind::days);
    if (name == "date" || name == "run_start") return of(kind::date);
    if (name == "holds") return of(kind::boolean);
    return same;  // min, max
}

}  // namespace entitle::sema
