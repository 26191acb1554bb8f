// The batch decider's code: the conditions and score items of a program
// compiled, for one as-of date, into one linear sequence of instructions.
//
// The general evaluator walks the node graph and builds a value at every
// node. Deciding a million profiles wants less: a truth for each condition,
// and a handful of numbers for scores. So the decider's code works on a
// truth register `t` (three-valued), a small stack of truths for and/or, a
// stack of values for arithmetic, and jumps for short circuits, `if` and
// quantifier loops. Parameters are fixed at the as-of date, so comparisons
// with a parameter are comparisons with a constant: one range test on a
// field (`residence_months >= 60` is `60 <= x <= max`), one bit test for an
// enum set. Anything without a fast form runs on the general evaluator for
// that node (`generic`), so the answers are the same by construction; the
// tests compare the two over many profiles.
#pragma once

#include "compile/program.hpp"
#include "eval/evaluate.hpp"
#include "eval/value.hpp"

#include <cstdint>
#include <set>
#include <vector>

namespace entitle::eval {

enum class lop : std::uint8_t {
    // Truths: each sets t, then may negate it (`flip`: a fused `not`), store
    // it as a verdict (`stores`), and take a step of its and/or group (`step`).
    yes,        // t = yes
    boolean,    // t = truth of a field
    range,      // a field within k..hi (integral) or lo..hi (decimal); negated: outside it
    mask,       // an enum field in a set of values (bits in k); negated: not in it
    leaves,     // the and (any: or) of field tests leaves[first, first + count), in order
                // (negated: its `not`); a field test itself, so runs nest
    q_tests,    // any (else all) item of a list field for which the field test leaves[first] holds,
                // the item bound to variable `bound` (negated: its `not`); a field test itself
    compare,    // pop b, pop a; t = a `cmp` b
    generic,    // t = truth of the general evaluator's value of `node`
    pop,        // the end of an and/or group, where all its paths meet: t, unless it is
                // the group's decisive truth (k), becomes the group's value, popped
    q_next,     // after a quantifier's body: decisive t ends the loop, else the next item
                // and back to `var`; at the end, t is the quantifier's value
    pass,       // t unchanged: only the negation, store or step
    // others
    q_begin,    // a quantifier over a list field: the first item goes to variable `bound`
                // and the body follows; empty or undecidable lists decide t and jump to
                // the q_next at target
    // values onto the value stack
    constant,   // push constants[slot]
    field,      // push a field
    value_of,   // push the general evaluator's value of `node`
    arith,      // pop b, pop a, push a `cmp` b (add, sub, mul, div)
    min_max,    // pop b, pop a, push min or max
    table,      // pop a key, push the row of an enum-keyed table of constants (`slot`), else run `node`
    pick,       // push constants[slot + k] for the first yes of the field tests leaves[first + k],
                // else constants[slot + count]; an unknown test: the general value of its `if` (target)
    branch,     // on t: yes next, no jump target, unknown jump `var` (the `if` of a value)
    jump,       // to target
    // scores
    item,       // pop points, add them to the total (unknown or absent: the total is unknown)
    cap,        // pop a cap, limit the points on top by it
    score,      // pop the threshold: score `slot` decided from the total and its verdict so far
    ret,
};

// The step of a group member: the first pushes the group's value so far,
// the others lower it; a decisive truth (no for and, yes for or) jumps
// straight to the group's pop.
enum class step : std::uint8_t { none, first, next };

// What a truth instruction does after it: the common cases on their own.
enum class tail : std::uint8_t { none, first, next, store, general };

struct insn {
    lop code = lop::ret;
    step steps = step::none;
    tail after = tail::none; // set by end()
    bool folded = false;     // the flip has moved into `negated` (field tests)
    tri decisive = tri::unknown;  // the group's decisive truth, for the step
    bool flip = false;       // truths: negate (before store and step)
    bool stores = false;     // truths: verdict `out` = t
    bool negated = false;    // range, mask
    bool local = false;      // the field is a quantifier variable's (else the subject's)
    bool any = true;         // q_begin, q_next: any (else all)
    bool decimal = false;    // range: compare as decimals (lo..hi with open ends)
    bool lo_open = false, hi_open = false;
    bool right = false;      // compare, arith, min_max: b is constants[slot], not on the stack
    bool adds = false;       // arith, min_max, table, pick, cap: the value goes to the score's total
    vk want = vk::integer;   // range: the kind of the integral bounds
    compiled::op cmp = compiled::op::eq;  // compare, arith, min_max
    std::uint32_t var = 0;   // local: the variable slot of the field's record; branch: where unknown goes;
                             // q_next: the body
    std::uint32_t bound = 0; // q_begin, q_next: the variable the body reads
    std::uint32_t base = 0;  // field reads: 0 the subject, 1 + v variable v
    std::uint32_t slot = 0;  // field slot; score: verdict index; table: table index; constant: its index
    std::uint32_t out = 0;   // stores: the verdict
    std::uint32_t node = 0;  // the node decided here: generic, value_of and fallbacks
    std::uint32_t target = 0;
    std::uint32_t first = 0, count = 0;  // leaves
    std::int64_t k = 0, hi = 0;
    double lo_d = 0, hi_d = 0;
};

struct linear_code {
    std::vector<insn> code;
    std::vector<insn> leaves;  // the field tests of `leaves` instructions
    std::vector<value> constants;
    std::vector<value> unknowns, nones;  // the fields of an unknown (absent) record: slots of them
    std::uint32_t slots = 0;
    std::uint32_t truths = 1, values = 1, loops = 1;  // the stack depths it needs
};

// The `range` and `mask` tests of a field's value into t; false for a value
// of another kind (then the general evaluator decides).
inline bool range_test(const insn& i, const value& v, tri& t) {
    if (v.kind == i.want && !i.decimal) {
        t = (i.k <= v.i && v.i <= i.hi) != i.negated ? tri::yes : tri::no;
    } else if ((v.kind == vk::decimal && (i.decimal || i.want == vk::integer)) || (v.kind == vk::integer && i.decimal)) {
        double x = v.kind == vk::decimal ? v.d : static_cast<double>(v.i);
        bool in = (i.lo_open ? x > i.lo_d : x >= i.lo_d) && (i.hi_open ? x < i.hi_d : x <= i.hi_d);
        t = in != i.negated ? tri::yes : tri::no;
    } else if (v.kind == vk::unknown) {
        t = tri::unknown;
    } else if (v.kind == vk::none) {
        t = i.negated ? tri::yes : tri::no;
    } else {
        return false;
    }
    return true;
}

inline bool mask_test(const insn& i, const value& v, tri& t) {
    auto mask = static_cast<std::uint64_t>(i.k);
    if (v.kind == vk::enumeration) t = (v.i >= 0 && v.i < 64 && ((mask >> v.i) & 1)) != i.negated ? tri::yes : tri::no;
    else if (v.kind == vk::none) t = i.negated ? tri::yes : tri::no;
    else if (v.kind == vk::unknown) t = tri::unknown;
    else return false;
    return true;
}


// The program as the decider runs it at one as-of date: every node whose
// value depends only on constants, parameters and the as-of date (`date(year(as_of), 8, 31)`,
// a define without `for` and without parameters) becomes a constant, computed once here;
// a filter used by one shared measure only is no longer shared (the measure reads it in its pass).
compiled::program_data fixed_at(const compiled::program_data& program, const std::vector<value>& params,
                                std::int64_t as_of);

// Emits the code of conditions and values; every entry ends with `ret`.
class linear_builder {
public:
    // `params`: parameter values at the as-of date (by parameter index).
    linear_builder(const compiled::program_data& program, const std::vector<value>& params, linear_code& out);

    // Kleene `and` of the conditions (negated where `unless[i]`), into verdict `store`.
    void verdict(const std::vector<std::uint32_t>& conditions, const std::vector<bool>& unless, std::uint32_t store);
    // A score's total into points[store], and its verdict (verdicts[store],
    // that of its conditions) lowered if the total is unknown or too low.
    void score(const compiled::service_def& s, std::uint32_t store);
    // The `and` of conditions as its own entry; returns where it starts.
    std::uint32_t truth_entry(const std::vector<std::uint32_t>& conditions);
    // Ends an entry; the code is ready to run after the last end().
    void end();

private:
    const compiled::program_data& program_;
    const std::vector<value>& params_;
    linear_code& out_;
    std::uint32_t truth_depth_ = 0, value_depth_ = 0, loop_depth_ = 0;

    insn& emit(lop code);
    std::uint32_t here() const { return static_cast<std::uint32_t>(out_.code.size()); }
    void conjunction(const std::vector<std::uint32_t>& conditions, const std::vector<bool>& unless);
    void group(const std::vector<std::uint32_t>& members, const std::vector<bool>& negate, bool is_and);
    bool single_truth(std::uint32_t start) const;
    insn& fusable(std::uint32_t start);
    void truth(std::uint32_t node);
    void number(std::uint32_t node);
    void push_constant(const value& v);
    void binary(lop code, compiled::op cmp, std::uint32_t a, std::uint32_t b);
    bool pick(std::uint32_t node);
    bool leaf(std::uint32_t node, insn& i) const;
    bool field_test(std::uint32_t node, insn& i);
    static void fold(insn& i);
    const value* constant(std::uint32_t node) const;
    bool range(const compiled::node& n, const value& low, const value& high, insn& i) const;
    void pushed(int truths, int values);
    bool expanded_before(std::uint32_t node);
    std::set<std::uint32_t> expanded_;  // shared nodes already in the code
};

}  // namespace entitle::eval
