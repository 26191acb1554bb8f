#include "eval/linear.hpp"

#include "eval/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace entitle::eval {

using compiled::op;

namespace {

bool integral(vk k) {
    return k == vk::integer || k == vk::money || k == vk::date || k == vk::duration || k == vk::days ||
           k == vk::enumeration;
}

constexpr double infinity = std::numeric_limits<double>::infinity();

// Decimal bounds of `x <cmp> k`.
void decimal_bounds(op cmp, double k, insn& i) {
    i.lo_d = cmp == op::lt || cmp == op::le ? -infinity : k;
    i.hi_d = cmp == op::gt || cmp == op::ge ? infinity : k;
    i.lo_open = cmp == op::gt;
    i.hi_open = cmp == op::lt;
}

}  // namespace

namespace {

// Which nodes depend only on constants, parameters and the as-of date.
class invariants {
public:
    explicit invariants(const compiled::program_data& p) : p_(p), state_(p.nodes.size(), unseen) {}

    bool of(std::uint32_t n) {
        if (n == compiled::no_node) return true;
        if (state_[n] != unseen) return state_[n] == yes;
        state_[n] = no;  // while deciding (the program has no cycles)
        state_[n] = decide(p_.nodes[n]) ? yes : no;
        return state_[n] == yes;
    }

private:
    enum : std::uint8_t { unseen, no, yes };
    const compiled::program_data& p_;
    std::vector<std::uint8_t> state_;

    bool args(const compiled::node& x) {
        for (std::uint32_t k = 0; k < x.arg_count; ++k)
            if (!of(p_.args[x.first_arg + k])) return false;
        return true;
    }
    bool decide(const compiled::node& x) {
        switch (x.code) {
            case op::constant: case op::param: case op::as_of: return true;
            case op::not_: case op::neg: case op::is_set: return of(x.a);
            case op::and_: case op::or_: case op::all_group: case op::any_group:
            case op::age: case op::months_between: case op::days_between: case op::years_of: case op::months_of:
            case op::days_of: case op::make_date: case op::year_of: case op::month_of: case op::day_of:
            case op::min_of: case op::max_of: case op::floor_of: case op::round_of:
                return args(x);
            case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge:
            case op::add: case op::sub: case op::mul: case op::div:
                return of(x.a) && of(x.b);
            case op::between: case op::cond: return of(x.a) && of(x.b) && of(x.c);
            case op::in_set: return of(x.a) && args(x);
            // A define without `for` and without parameters (`intake_day`).
            case op::call_define: return x.a == compiled::no_node && x.arg_count == 0 && of(p_.defines[x.b].root);
            default: return false;
        }
    }
};

}  // namespace

compiled::program_data fixed_at(const compiled::program_data& program, const std::vector<value>& params,
                                std::int64_t as_of) {
    compiled::program_data out = program;
    evaluator ev(program, params, as_of, false);
    invariants fixed(program);
    for (std::uint32_t n = 0; n < program.nodes.size(); ++n) {
        const compiled::node& x = program.nodes[n];
        if (x.code == op::constant || x.code == op::param || !fixed.of(n)) continue;
        compiled::node& c = out.nodes[n];
        c.code = op::constant;
        c.a = static_cast<std::uint32_t>(out.constants.size());
        c.arg_count = 0;
        c.memo = 0;
        out.constants.push_back(ev.run(n, value()));
    }
    // A filter of field tests whose text appears once and that feeds a
    // shared measure is read in the measure's own pass (evaluator::spells):
    // kept as a list, it would be built for nothing.
    std::vector<std::uint32_t> uses(program.memos + 1, 0);
    for (const auto& x : out.nodes) ++uses[x.memo];
    for (auto& x : out.nodes) {
        if (x.code < op::total || x.memo == 0 || x.arg_count == 0) continue;
        compiled::node& source = out.nodes[out.args[x.first_arg]];
        if (source.code == op::filter && source.flag && uses[source.memo] == 1) source.memo = 0;
    }
    return out;
}

linear_builder::linear_builder(const compiled::program_data& program, const std::vector<value>& params,
                               linear_code& out)
    : program_(program), params_(params), out_(out) {}

insn& linear_builder::emit(lop code) {
    out_.code.emplace_back();
    out_.code.back().code = code;
    return out_.code.back();
}

void linear_builder::pushed(int truths, int values) {
    truth_depth_ += truths;
    value_depth_ += values;
    out_.truths = std::max(out_.truths, truth_depth_);
    out_.values = std::max(out_.values, value_depth_);
}

// A field of the subject or of a quantifier variable, read in place.
bool linear_builder::leaf(std::uint32_t node, insn& i) const {
    const compiled::node& x = program_.nodes[node];
    if (x.code == op::subject_field) {
        i.local = false;
        i.base = 0;
        i.slot = x.a;
        return true;
    }
    if (x.code == op::local_field) {
        i.local = true;
        i.var = x.a;
        i.base = 1 + x.a;
        i.slot = x.b;
        return true;
    }
    return false;
}

// A constant, or a parameter: fixed at the as-of date. Unknown and absent
// values are left to the general evaluator.
const value* linear_builder::constant(std::uint32_t node) const {
    const compiled::node& x = program_.nodes[node];
    const value* v = x.code == op::constant ? &program_.constants[x.a] : x.code == op::param ? &params_[x.a] : nullptr;
    return v && v->known() && v->kind != vk::none ? v : nullptr;
}

// `field <cmp> low` (high null), or `field between low and high`, as one range test.
bool linear_builder::range(const compiled::node& n, const value& low, const value& high, insn& i) const {
    if (n.code == op::between) {
        if (integral(low.kind) && low.kind == high.kind) {
            i.want = low.kind;
            i.k = low.i;
            i.hi = high.i;
            if (low.kind != vk::integer) return true;
        } else if ((low.kind == vk::integer || low.kind == vk::decimal) &&
                   (high.kind == vk::integer || high.kind == vk::decimal)) {
            i.decimal = true;
        } else {
            return false;
        }
        i.lo_d = low.kind == vk::decimal ? low.d : static_cast<double>(low.i);
        i.hi_d = high.kind == vk::decimal ? high.d : static_cast<double>(high.i);
        return true;
    }
    if (low.kind == vk::decimal) {
        i.decimal = true;
        i.negated = n.code == op::ne;
        decimal_bounds(n.code, low.d, i);
        return true;
    }
    if (!integral(low.kind)) return false;
    const std::int64_t lowest = std::numeric_limits<std::int64_t>::min();
    const std::int64_t highest = std::numeric_limits<std::int64_t>::max();
    if ((n.code == op::lt && low.i == lowest) || (n.code == op::gt && low.i == highest)) return false;
    i.want = low.kind;
    i.negated = n.code == op::ne;
    i.k = n.code == op::lt || n.code == op::le ? lowest : n.code == op::gt ? low.i + 1 : low.i;
    i.hi = n.code == op::gt || n.code == op::ge ? highest : n.code == op::lt ? low.i - 1 : low.i;
    // An integer bound also answers for a decimal field (`city_pop_m < 3`).
    if (low.kind == vk::integer) decimal_bounds(n.code, static_cast<double>(low.i), i);
    return true;
}

// Whether the code since `start` ends in a truth instruction that takes no
// step yet and that nothing jumps past: then a `not`, a store or an and/or
// step can be fused into it.
bool linear_builder::single_truth(std::uint32_t start) const {
    if (here() == start) return false;
    const insn& last = out_.code.back();
    if (last.code > lop::pass || last.steps != step::none || last.stores) return false;
    for (std::uint32_t j = start; j + 1 < here(); ++j) {
        const insn& x = out_.code[j];
        if (x.target == here() || (x.code == lop::branch && x.var == here())) return false;
    }
    return true;
}

// The truth instruction that ends the code since `start`, or a new `pass`.
insn& linear_builder::fusable(std::uint32_t start) {
    if (single_truth(start)) return out_.code.back();
    return emit(lop::pass);
}

// Kleene and/or of members (each negated where `negate[i]`). Runs of
// field tests become one `leaves` instruction: a loop, not a dispatch each.
void linear_builder::group(const std::vector<std::uint32_t>& members, const std::vector<bool>& negate, bool is_and) {
    auto negated = [&](std::size_t k) { return k < negate.size() && negate[k]; };
    if (members.size() == 1) {
        std::uint32_t start = here();
        truth(members[0]);
        if (negated(0)) {
            insn& i = fusable(start);
            i.flip = !i.flip;
        }
        return;
    }
    pushed(1, 0);
    std::vector<std::uint32_t> steps;  // the instructions that end a member
    std::vector<insn> run;
    auto flush = [&] {
        if (run.empty()) return;
        if (run.size() == 1) {
            out_.code.push_back(run.front());
        } else {
            insn& l = emit(lop::leaves);
            l.any = !is_and;
            l.first = static_cast<std::uint32_t>(out_.leaves.size());
            l.count = static_cast<std::uint32_t>(run.size());
            out_.leaves.insert(out_.leaves.end(), run.begin(), run.end());
        }
        run.clear();
        steps.push_back(here() - 1);
    };
    for (std::size_t k = 0; k < members.size(); ++k) {
        insn test;
        if (field_test(members[k], test)) {
            if (negated(k)) fold(test);
            run.push_back(test);
            continue;
        }
        flush();
        std::uint32_t start = here();
        truth(members[k]);
        insn& i = fusable(start);
        if (negated(k)) i.flip = !i.flip;
        steps.push_back(here() - 1);
    }
    flush();
    pushed(-1, 0);
    if (steps.size() == 1) return;  // one run of field tests: the group is that instruction
    std::uint32_t end = here();
    tri decisive = is_and ? tri::no : tri::yes;
    emit(lop::pop).k = static_cast<std::int64_t>(decisive);
    for (std::size_t k = 0; k < steps.size(); ++k) {
        insn& i = out_.code[steps[k]];
        i.steps = k == 0 ? step::first : step::next;
        i.decisive = decisive;
        i.target = end;
    }
}

// A test of one field against constants (`permit`, `age >= 18`, `housing
// in {owned, registered_rental}`, and their `not`): one instruction, not
// emitted. False for anything else.
bool linear_builder::field_test(std::uint32_t n, insn& i) {
    const compiled::node& nd = program_.nodes[n];
    i.node = n;
    switch (nd.code) {
        case op::and_: case op::or_: case op::all_group: case op::any_group: {
            // An and/or of field tests only: a run of them, itself a field test.
            std::vector<insn> tests(nd.arg_count);
            std::size_t before = out_.leaves.size();
            for (std::uint32_t k = 0; k < nd.arg_count; ++k)
                if (!field_test(program_.args[nd.first_arg + k], tests[k])) {
                    out_.leaves.resize(before);
                    return false;
                }
            i.code = lop::leaves;
            i.any = nd.code == op::or_ || nd.code == op::any_group;
            i.first = static_cast<std::uint32_t>(out_.leaves.size());
            i.count = nd.arg_count;
            out_.leaves.insert(out_.leaves.end(), tests.begin(), tests.end());
            return true;
        }
        case op::subject_field:
        case op::local_field:
            i.code = lop::boolean;
            return leaf(n, i);
        case op::not_:
            if (!field_test(nd.a, i)) return false;
            fold(i);
            return true;
        case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge: {
            const value* k = constant(nd.b);
            i.code = lop::range;
            return k && leaf(nd.a, i) && range(nd, *k, value(), i);
        }
        case op::between: {
            const value* low = constant(nd.b);
            const value* high = constant(nd.c);
            i.code = lop::range;
            return low && high && leaf(nd.a, i) && range(nd, *low, *high, i);
        }
        case op::any_q: case op::all_q: {
            // `any c in kids: c.age between 6 and 15 and not c.local`: a quantifier
            // over a list field whose body is a field test.
            insn body;
            std::size_t before = out_.leaves.size();
            if (nd.arg_count > 0 || nd.mode) return false;  // `where` or position(): the general evaluator
            if (!leaf(nd.a, i) || !field_test(nd.b, body)) {
                out_.leaves.resize(before);
                return false;
            }
            i.code = lop::q_tests;
            i.any = nd.code == op::any_q;
            i.bound = nd.c;
            i.first = static_cast<std::uint32_t>(out_.leaves.size());
            i.count = 1;
            out_.leaves.push_back(body);
            return true;
        }
        case op::in_set: {
            if (!leaf(nd.a, i)) return false;
            std::uint64_t mask = 0;
            for (std::uint32_t k = 0; k < nd.arg_count; ++k) {
                const value* v = constant(program_.args[nd.first_arg + k]);
                if (!v || v->kind != vk::enumeration || v->i < 0 || v->i >= 64) return false;
                mask |= std::uint64_t(1) << v->i;
            }
            i.code = lop::mask;
            i.k = static_cast<std::int64_t>(mask);
            i.negated = nd.flag;
            return true;
        }
        default: return false;
    }
}

// The `not` of a field test is the opposite test; only the general
// evaluator's answer (for values of unexpected kinds) is still flipped.
void linear_builder::fold(insn& i) {
    i.flip = !i.flip;
    i.negated = !i.negated;
    i.folded = true;
}

// A shared node (a define used in several places, a measure) is expanded
// into code once; later uses ask the general evaluator, which computes it
// once per profile. Expanding every use would grow the code with the
// number of paths to it, which is exponential in defines that use others twice.
bool linear_builder::expanded_before(std::uint32_t n) {
    return program_.nodes[n].memo != 0 && !expanded_.insert(n).second;
}

void linear_builder::truth(std::uint32_t n) {
    const compiled::node nd = program_.nodes[n];
    insn i;
    if (expanded_before(n)) {
        i.node = n;
        i.code = lop::generic;
        out_.code.push_back(i);
        return;
    }
    if (field_test(n, i)) {
        out_.code.push_back(i);
        return;
    }
    i = insn();
    i.node = n;
    auto arg = [&](std::uint32_t k) { return program_.args[nd.first_arg + k]; };
    switch (nd.code) {
        case op::not_: {
            std::uint32_t start = here();
            truth(nd.a);
            insn& x = fusable(start);
            x.flip = !x.flip;
            return;
        }
        case op::and_: case op::or_: case op::all_group: case op::any_group: {
            std::vector<std::uint32_t> members;
            for (std::uint32_t k = 0; k < nd.arg_count; ++k) members.push_back(arg(k));
            group(members, {}, nd.code == op::and_ || nd.code == op::all_group);
            return;
        }
        case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge:
            binary(lop::compare, nd.code, nd.a, nd.b);
            pushed(0, -1);
            return;
        case op::any_q: case op::all_q: {
            if (nd.arg_count > 0 || nd.mode || !leaf(nd.a, i)) break;
            std::uint32_t begin = here();
            i.code = lop::q_begin;
            i.any = nd.code == op::any_q;
            i.bound = nd.c;
            out_.code.push_back(i);
            ++loop_depth_;
            out_.loops = std::max(out_.loops, loop_depth_);
            std::uint32_t body = here();
            truth(nd.b);
            out_.code[begin].target = here();
            insn& next = emit(lop::q_next);
            next.any = i.any;
            next.bound = i.bound;
            next.var = body;
            --loop_depth_;
            return;
        }
        default: break;
    }
    i.code = lop::generic;
    out_.code.push_back(i);
}

// `a <cmp> b` of two values: a constant b is read in place, not pushed.
void linear_builder::binary(lop code, op cmp, std::uint32_t a, std::uint32_t b) {
    number(a);
    const compiled::node& right = program_.nodes[b];
    if (right.code == op::constant || right.code == op::param) {
        insn& i = emit(code);
        i.cmp = cmp;
        i.right = true;
        i.slot = static_cast<std::uint32_t>(out_.constants.size());
        out_.constants.push_back(right.code == op::constant ? program_.constants[right.a] : params_[right.a]);
        return;
    }
    number(b);
    emit(code).cmp = cmp;
    pushed(0, -1);
}

void linear_builder::push_constant(const value& v) {
    emit(lop::constant).slot = static_cast<std::uint32_t>(out_.constants.size());
    out_.constants.push_back(v);
    pushed(0, 1);
}

void linear_builder::number(std::uint32_t n) {
    const compiled::node nd = program_.nodes[n];
    insn i;
    i.node = n;
    if (expanded_before(n)) {
        i.code = lop::value_of;
        out_.code.push_back(i);
        pushed(0, 1);
        return;
    }
    switch (nd.code) {
        case op::constant: return push_constant(program_.constants[nd.a]);
        case op::param: return push_constant(params_[nd.a]);
        case op::subject_field:
        case op::local_field:
            leaf(n, i);
            i.code = lop::field;
            out_.code.push_back(i);
            pushed(0, 1);
            return;
        case op::add: case op::sub: case op::mul: case op::div:
            binary(lop::arith, nd.code, nd.a, nd.b);
            return;
        case op::min_of: case op::max_of:
            if (nd.arg_count != 2) break;
            binary(lop::min_max, nd.code, program_.args[nd.first_arg], program_.args[nd.first_arg + 1]);
            return;
        case op::table:
            if (program_.tables[nd.b].by_enum.empty()) break;
            number(nd.a);
            i.code = lop::table;
            i.slot = nd.b;
            out_.code.push_back(i);
            return;
        case op::cond: {
            if (pick(n)) return;
            // if: the branch taken; an unknown condition goes to the general evaluator.
            truth(nd.a);
            std::uint32_t branch = here();
            emit(lop::branch).node = n;
            number(nd.b);
            std::uint32_t skip_else = here();
            emit(lop::jump);
            out_.code[branch].target = here();
            pushed(0, -1);
            number(nd.c);
            std::uint32_t skip_unknown = here();
            emit(lop::jump);
            out_.code[branch].var = here();
            pushed(0, -1);
            emit(lop::value_of).node = n;
            pushed(0, 1);
            out_.code[skip_else].target = out_.code[skip_unknown].target = here();
            return;
        }
        default: break;
    }
    i.code = lop::value_of;
    out_.code.push_back(i);
    pushed(0, 1);
}

// Where each truth goes next (insn::after).
void linear_builder::end() {
    emit(lop::ret);
    // Fields of things that are not records read as unknown (or none) from
    // arrays as long as the highest slot read.
    for (const auto* list : {&out_.code, &out_.leaves})
        for (const insn& i : *list)
            if (i.code == lop::boolean || i.code == lop::range || i.code == lop::mask || i.code == lop::field ||
                i.code == lop::q_begin || i.code == lop::q_tests)
                out_.slots = std::max(out_.slots, i.slot + 1);
    out_.unknowns.assign(out_.slots, value());
    out_.nones.assign(out_.slots, value::none());
    for (insn& i : out_.code) {
        if (i.code > lop::pass) continue;
        if (i.flip && !i.folded &&
            (i.code == lop::boolean || i.code == lop::range || i.code == lop::mask || i.code == lop::leaves ||
             i.code == lop::q_tests))
            fold(i);
        if (i.flip && !i.folded) i.after = tail::general;
        else if (i.stores) i.after = i.steps == step::none ? tail::store : tail::general;
        else i.after = i.steps == step::first ? tail::first : i.steps == step::next ? tail::next : tail::none;
    }
}

void linear_builder::conjunction(const std::vector<std::uint32_t>& conditions, const std::vector<bool>& unless) {
    if (conditions.empty()) emit(lop::yes);
    else group(conditions, unless, true);
}

void linear_builder::verdict(const std::vector<std::uint32_t>& conditions, const std::vector<bool>& unless,
                             std::uint32_t store) {
    std::uint32_t start = here();
    conjunction(conditions, unless);
    insn& i = fusable(start);
    i.stores = true;
    i.out = store;
}

// `if A then 20 else if B then 10 else 0` with field tests A, B: one
// `pick` instruction. An unknown test leaves that `if` to the general evaluator.
bool linear_builder::pick(std::uint32_t n) {
    auto constant_or_param = [&](std::uint32_t k) -> const value* {
        const compiled::node& x = program_.nodes[k];
        return x.code == op::constant ? &program_.constants[x.a] : x.code == op::param ? &params_[x.a] : nullptr;
    };
    std::vector<insn> tests;
    std::vector<value> values;
    std::uint32_t rest = n;
    for (;;) {
        const compiled::node& x = program_.nodes[rest];
        insn test;
        const value* then = x.code == op::cond ? constant_or_param(x.b) : nullptr;
        if (!then || !field_test(x.a, test)) break;
        test.target = rest;  // the `if` the general evaluator decides when the test is unknown
        tests.push_back(test);
        values.push_back(*then);
        rest = x.c;
    }
    const value* otherwise = constant_or_param(rest);
    if (tests.empty() || !otherwise) return false;
    values.push_back(*otherwise);
    insn& i = emit(lop::pick);
    i.node = n;
    i.first = static_cast<std::uint32_t>(out_.leaves.size());
    i.count = static_cast<std::uint32_t>(tests.size());
    i.slot = static_cast<std::uint32_t>(out_.constants.size());
    out_.leaves.insert(out_.leaves.end(), tests.begin(), tests.end());
    out_.constants.insert(out_.constants.end(), values.begin(), values.end());
    pushed(0, 1);
    return true;
}

void linear_builder::score(const compiled::service_def& s, std::uint32_t store) {
    for (const auto& item : s.items) {
        std::uint32_t start = here();
        number(item.value);
        if (item.cap >= 0) {
            number(static_cast<std::uint32_t>(item.cap));
            emit(lop::cap);
            pushed(0, -1);
        }
        // The points go straight to the total from the instruction that computes them.
        insn& last = out_.code.back();
        bool fusable = last.code == lop::arith || last.code == lop::min_max || last.code == lop::table ||
                       last.code == lop::pick || last.code == lop::cap;
        for (std::uint32_t j = start; j + 1 < here() && fusable; ++j)
            fusable = out_.code[j].target != here() && !(out_.code[j].code == lop::branch && out_.code[j].var == here());
        if (fusable) last.adds = true;
        else emit(lop::item);
        pushed(0, -1);
    }
    if (s.threshold >= 0) number(static_cast<std::uint32_t>(s.threshold));
    else push_constant(value());
    insn& decided = emit(lop::score);
    decided.slot = store;
    decided.node = s.checked_index;  // points_of(this score) then reads the total
    pushed(0, -1);
}

std::uint32_t linear_builder::truth_entry(const std::vector<std::uint32_t>& conditions) {
    std::uint32_t start = here();
    conjunction(conditions, {});
    end();
    return start;
}

namespace {

// A test of one field (boolean, range or mask) into r; false for a value of
// an unexpected kind (then the general evaluator decides).
inline bool simple_test(const insn& x, const value* const* bases, tri& r) {
    const value& v = bases[x.base][x.slot];
    switch (x.code) {
        case lop::boolean:
            r = v.kind == vk::boolean ? (v.b != x.negated ? tri::yes : tri::no)
                : v.kind == vk::none  ? (x.negated ? tri::yes : tri::no)
                                      : tri::unknown;
            return true;
        case lop::range:
            if (v.kind == x.want && !x.decimal) {
                r = (x.k <= v.i && v.i <= x.hi) != x.negated ? tri::yes : tri::no;
                return true;
            }
            return range_test(x, v, r);
        default: return mask_test(x, v, r);
    }
}

tri negate_if(bool negated, tri t) { return negated && t != tri::unknown ? (t == tri::yes ? tri::no : tri::yes) : t; }

// The and (is_or: or) of tests x[0, count), in order, stopping at a decisive one.
template <typename Test>
inline tri fold_tests(const insn* x, std::uint32_t count, bool is_or, Test test) {
    const tri decisive = is_or ? tri::yes : tri::no;
    tri r = is_or ? tri::no : tri::yes;
    for (const insn* last = x + count; x != last; ++x) {
        tri one = test(*x);
        if (one == decisive) return one;
        if (one == tri::unknown) r = tri::unknown;
    }
    return r;
}

// The fields of a record value, read in place; of anything else, the code's unknown (none) fields.
inline const value* fields_of(const linear_code& lc, const value& v) {
    return v.kind == vk::record ? v.rec->fields.data() : v.kind == vk::none ? lc.nones.data() : lc.unknowns.data();
}

}  // namespace

// The general evaluator's truth of a field test's node (negated if the test was).
tri evaluator::general_test(const insn& x) { return negate_if(x.flip, truth_of(eval<false>(x.node))); }

// One field test: a run of them (leaves) or a quantifier over them recurses.
inline tri evaluator::field_test(const linear_code& lc, const insn& x, const value* const* bases) {
    tri r;
    if (x.code == lop::leaves) return negate_if(x.negated, field_tests(lc, x.first, x.count, x.any));
    if (x.code == lop::q_tests) return negate_if(x.negated, quantified(lc, x));
    return simple_test(x, bases, r) ? r : general_test(x);
}

// The and (is_or: or) of the field tests leaves[first, first + count), in order.
tri evaluator::field_tests(const linear_code& lc, std::uint32_t first, std::uint32_t count, bool is_or) {
    return fold_tests(lc.leaves.data() + first, count, is_or,
                      [&](const insn& x) { return field_test(lc, x, bases_.data()); });
}

// any (all) item of a list field for which the test leaves[first] holds.
tri evaluator::quantified(const linear_code& lc, const insn& x) {
    const value& list = bases_[x.base][x.slot];
    if (list.kind == vk::unknown || (list.kind == vk::list && list.list->months >= 0)) return tri::unknown;
    const tri decisive = x.any ? tri::yes : tri::no;
    tri t = x.any ? tri::no : tri::yes;  // none and empty lists too
    if (list.kind != vk::list) return t;
    for (const value& item : list.list->items) {
        bind(lc, x.bound, item);
        tri r = field_tests(lc, x.first, 1, false);
        if (r == decisive) return r;
        if (r == tri::unknown) t = tri::unknown;
    }
    return t;
}

// A quantifier's variable takes an item: its value, and its fields read in place.
inline void evaluator::bind(const linear_code& lc, std::uint32_t var, const value& item) {
    locals_[var] = item;
    bases_[1 + var] = fields_of(lc, item);
}

// Threaded code: every handler jumps straight to the next instruction's
// handler (GCC's and Clang's labels as values), and every truth to its tail,
// so each jump is predicted on its own history. The handlers and tails are
// in the order of lop and tail.
#if !defined(__GNUC__)
#error "the decider's interpreter needs labels as values (GCC or Clang)"
#endif
#define ENTITLE_NEXT()                              \
    do {                                            \
        i = ip++;                                   \
        goto* handlers[static_cast<int>(i->code)]; \
    } while (false)
#define ENTITLE_TRUTH() goto* tails[static_cast<int>(i->after)]

tri evaluator::execute(const linear_code& lc, std::uint32_t pc, const value& subject, decision* out) {
    static void* const handlers[] = {
        &&op_yes,      &&op_boolean, &&op_range,    &&op_mask,    &&op_leaves,  &&op_q_tests, &&op_compare, &&op_generic, &&op_pop,
        &&op_q_next,   &&op_pass,    &&op_q_begin,  &&op_constant, &&op_field,  &&op_value_of, &&op_arith,
        &&op_min_max,  &&op_table,   &&op_pick,    &&op_branch,   &&op_jump,    &&op_item,    &&op_cap,     &&op_score,
        &&op_ret};
    static_assert(sizeof handlers / sizeof *handlers == static_cast<int>(lop::ret) + 1, "a handler per lop");
    static void* const tails[] = {&&tail_none, &&tail_first, &&tail_next, &&tail_store, &&tail_general};
    static constexpr verdict verdict_of[] = {verdict::not_eligible, verdict::eligible, verdict::undetermined};
    subject_ = subject;
    frame_ = 0;
    scratch_used_ = 0;
    memo_.clear();
    views_used_ = 0;
    ++epoch_;
    if (truths_.size() < lc.truths) truths_.resize(lc.truths);
    if (values_.size() < lc.values) values_.resize(lc.values);
    if (loops_.size() < lc.loops) loops_.resize(lc.loops);
    tri* ts = truths_.data();
    value* vs = values_.data();
    loop* qs = loops_.data();
    std::size_t tn = 0, vn = 0, qn = 0;
    value total = value::of(vk::integer, 0);
    bool total_known = true;
    const insn* code = lc.code.data();
    const insn* ip = code + pc;
    const insn* i;
    // Fields read in place: bases_[0] the subject's, bases_[1 + v] those of variable v.
    if (bases_.size() < program_.locals + 1u) bases_.resize(program_.locals + 1u);
    const value** bases = bases_.data();  // kept in a local: read by every field test
    bases[0] = fields_of(lc, subject);
    auto leaf = [&](const insn& x) -> const value& { return bases[x.base][x.slot]; };
    const insn* leaves = lc.leaves.data();
    // The field tests leaves[first, first + count), as field_tests, with the bases at hand.
    auto run = [&](std::uint32_t first, std::uint32_t count, bool is_or) {
        return fold_tests(leaves + first, count, is_or, [&](const insn& x) { return field_test(lc, x, bases); });
    };
    // A score item's points into the total (unknown: the total is unknown; none: no points).
    auto add = [&](const value& v) {
        if (!v.known()) total_known = false;
        else if (v.kind != vk::none) add_points(total, v);
    };
    tri t = tri::yes;
    ENTITLE_NEXT();

op_yes:
    t = tri::yes;
    ENTITLE_TRUTH();
op_boolean:
op_range:
op_mask:
    if (!simple_test(*i, bases, t)) t = general_test(*i);
    ENTITLE_TRUTH();
op_leaves:
    t = negate_if(i->negated, run(i->first, i->count, i->any));
    ENTITLE_TRUTH();
op_q_tests:
    t = negate_if(i->negated, quantified(lc, *i));
    ENTITLE_TRUTH();
op_compare: {
    const value& b = i->right ? lc.constants[i->slot] : vs[--vn];
    t = compared(i->cmp, vs[--vn], b);
    ENTITLE_TRUTH();
}
op_generic:
    t = truth_of(eval<false>(i->node));
    ENTITLE_TRUTH();
op_pop: {
    tri top = ts[--tn];
    if (t != static_cast<tri>(i->k)) t = top;
    ENTITLE_TRUTH();
}
op_q_next: {
    loop& q = qs[qn - 1];
    if (q.list && t != (i->any ? tri::yes : tri::no)) {
        if (t == tri::unknown) q.acc = tri::unknown;
        if (q.next < q.list->items.size()) {
            bind(lc, i->bound, q.list->items[q.next++]);
            ip = code + i->var;
            ENTITLE_NEXT();
        }
        t = q.acc;
    }
    --qn;
    ENTITLE_TRUTH();
}
op_pass:
    ENTITLE_TRUTH();
op_q_begin: {
    value list = leaf(*i);
    if (list.kind == vk::list && list.list->months < 0 && !list.list->items.empty()) {
        qs[qn++] = {list.list, 1, i->any ? tri::no : tri::yes};
        bind(lc, i->bound, list.list->items.front());
        ENTITLE_NEXT();
    }
    // Unknown, a history known only as a count, or empty (none is empty too).
    qs[qn++] = {nullptr, 0, tri::unknown};
    t = list.kind == vk::unknown || (list.kind == vk::list && list.list->months >= 0) ? tri::unknown
        : i->any                                                                      ? tri::no
                                                                                      : tri::yes;
    ip = code + i->target;
    ENTITLE_NEXT();
}
op_constant:
    vs[vn++] = lc.constants[i->slot];
    ENTITLE_NEXT();
op_field:
    vs[vn++] = leaf(*i);
    ENTITLE_NEXT();
op_value_of:
    vs[vn++] = eval<false>(i->node);
    ENTITLE_NEXT();
op_arith: {
    const value& b = i->right ? lc.constants[i->slot] : vs[--vn];
    value& a = vs[vn - 1];
    // Numbers inline (`months * 0.5`); the rest as the general evaluator does it.
    bool numbers = (a.kind == vk::integer || a.kind == vk::decimal) && (b.kind == vk::integer || b.kind == vk::decimal);
    if (numbers && i->cmp != op::div && a.kind == vk::integer && b.kind == vk::integer) {
        bool overflow = i->cmp == op::add   ? __builtin_add_overflow(a.i, b.i, &a.i)
                        : i->cmp == op::sub ? __builtin_sub_overflow(a.i, b.i, &a.i)
                                            : __builtin_mul_overflow(a.i, b.i, &a.i);
        if (overflow) a = value();  // out of range: unknown, as arithmetic() does
    } else if (numbers && i->cmp != op::div)
        a = value::decimal(i->cmp == op::add   ? as_number(a) + as_number(b)
                           : i->cmp == op::sub ? as_number(a) - as_number(b)
                                               : as_number(a) * as_number(b));
    else
        a = arithmetic(i->cmp, a, b);
    if (i->adds) add(vs[--vn]);
    ENTITLE_NEXT();
}
op_min_max: {
    const value& b = i->right ? lc.constants[i->slot] : vs[--vn];
    value& a = vs[vn - 1];
    if (!a.known() || !b.known()) {
        a = value();
    } else if (a.kind == vk::none || b.kind == vk::none) {
        a = value::none();
    } else if (a.kind == b.kind && a.kind != vk::decimal) {
        if (i->cmp == op::min_of ? b.i < a.i : b.i > a.i) a = b;
    } else {
        value pair[2] = {a, b};
        a = min_max(i->cmp, pair, 2);
    }
    if (i->adds) add(vs[--vn]);
    ENTITLE_NEXT();
}
op_table: {
    const auto& direct = program_.tables[i->slot].by_enum;
    value& key = vs[vn - 1];
    if (key.kind == vk::enumeration && key.i >= 0 && static_cast<std::size_t>(key.i) < direct.size())
        key = direct[static_cast<std::size_t>(key.i)];
    else
        key = eval<false>(i->node);
    if (i->adds) add(vs[--vn]);
    ENTITLE_NEXT();
}
op_pick: {
    value& v = vs[vn++];
    v = lc.constants[i->slot + i->count];
    for (std::uint32_t k = 0; k < i->count; ++k) {
        tri r = field_test(lc, leaves[i->first + k], bases);
        if (r == tri::no) continue;
        v = r == tri::yes ? lc.constants[i->slot + k] : eval<false>(leaves[i->first + k].target);
        break;
    }
    if (i->adds) add(vs[--vn]);
    ENTITLE_NEXT();
}
op_branch:
    if (t == tri::no) ip = code + i->target;
    else if (t == tri::unknown) ip = code + i->var;
    ENTITLE_NEXT();
op_jump:
    ip = code + i->target;
    ENTITLE_NEXT();
op_item:
    add(vs[--vn]);
    ENTITLE_NEXT();
op_cap:
    --vn;
    vs[vn - 1] = capped(vs[vn - 1], vs[vn]);
    if (i->adds) add(vs[--vn]);
    ENTITLE_NEXT();
op_score: {
    const value& threshold = vs[--vn];
    decision& d = out[i->slot];
    d.points = total_known ? as_number(total) : std::nan("");
    if (d.outcome != verdict::not_eligible) {
        if (total_known && threshold.known() && as_number(total) < as_number(threshold)) d.outcome = verdict::not_eligible;
        else if (!total_known || !threshold.known()) d.outcome = verdict::undetermined;
    }
    // points_of(this score) later in the run reads this total.
    memo_.push_back({score_key(i->node), owner(subject_), value(), value(), total_known ? total : value()});
    total = value::of(vk::integer, 0);
    total_known = true;
    ENTITLE_NEXT();
}
op_ret:
    return t;

// After a truth: nothing, an and/or step, or (general) a `not`, a store and a step.
tail_none:
    ENTITLE_NEXT();
tail_first:
    ts[tn++] = t;
    if (t == i->decisive) ip = code + i->target;
    ENTITLE_NEXT();
tail_next:
    if (t == i->decisive) ip = code + i->target;
    else if (t == tri::unknown) ts[tn - 1] = t;
    ENTITLE_NEXT();
tail_store:
    out[i->out] = {verdict_of[static_cast<int>(t)], false, 0};
    ENTITLE_NEXT();
tail_general:
    if (i->flip && t != tri::unknown) t = t == tri::yes ? tri::no : tri::yes;
    if (i->stores) out[i->out] = {verdict_of[static_cast<int>(t)], false, 0};
    if (i->steps == step::first) {
        ts[tn++] = t;
        if (t == i->decisive) ip = code + i->target;
    } else if (i->steps == step::next) {
        if (t == i->decisive) ip = code + i->target;
        else if (t == tri::unknown) ts[tn - 1] = t;
    }
    ENTITLE_NEXT();
}

#undef ENTITLE_NEXT
#undef ENTITLE_TRUTH

}  // namespace entitle::eval
