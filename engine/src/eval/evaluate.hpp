// The evaluator: runs a compiled program over one profile.
//
// Three-valued (Kleene) logic throughout: `false and unknown` is false,
// `true or unknown` is true, anything else that touches an unknown fact is
// unknown. `none` (an optional fact known to be absent) compares false and
// counts as an empty list. With tracing on, the evaluator also keeps the last
// value of every node and the paths of the unknown facts it read: what
// explanations are built from. Without it, the hot path allocates nothing.
#pragma once

#include "compile/program.hpp"
#include "eval/spells.hpp"

#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace entitle::eval {

enum class tri { no, yes, unknown };

// Arithmetic on known or unknown values, as the language defines it: shared
// by the evaluator and the block evaluator, so both compute the same.
// Checked: a result out of range is unknown (never wrapped).
value arithmetic(compiled::op code, const value& a, const value& b);
// Why arithmetic() gave unknown for known operands (division by zero, a
// result out of range); nothing when an operand was unknown.
const char* arithmetic_error(compiled::op code, const value& a, const value& b);
value comparison(compiled::op code, const value& a, const value& b);  // eq, ne, lt, le, gt, ge
value min_max(compiled::op code, const value* args, std::uint32_t count);

// Kleene truth of a value: none counts as false.
inline tri truth_of(const value& v) {
    if (v.kind == vk::boolean) return v.b ? tri::yes : tri::no;
    if (v.kind == vk::none) return tri::no;
    return tri::unknown;
}

// Equal texts; short ones (city codes, ids) compared here, not in a call.
inline bool same_text(const std::string& x, const std::string& y) {
    const std::size_t n = x.size();
    if (n != y.size()) return false;
    if (n > 16) return std::memcmp(x.data(), y.data(), n) == 0;
    for (std::size_t k = n; k-- > 0;)
        if (x[k] != y[k]) return false;
    return true;
}

// truth_of(comparison(code, a, b)), the common cases inline: two values of
// one integral kind, numbers, strings for equality.
inline tri compared(compiled::op code, const value& a, const value& b) {
    using compiled::op;
    int c;  // -1, 0, 1
    if (a.kind == b.kind) {
        switch (a.kind) {
            case vk::integer: case vk::money: case vk::date: case vk::duration: case vk::days: case vk::enumeration:
                c = (a.i > b.i) - (a.i < b.i);
                break;
            case vk::decimal: c = (a.d > b.d) - (a.d < b.d); break;
            case vk::string:
                if (code != op::eq && code != op::ne) return truth_of(comparison(code, a, b));
                c = a.str == b.str || same_text(*a.str, *b.str) ? 0 : 1;
                break;
            default: return truth_of(comparison(code, a, b));
        }
    } else if ((a.kind == vk::integer || a.kind == vk::decimal) && (b.kind == vk::integer || b.kind == vk::decimal)) {
        double x = a.kind == vk::decimal ? a.d : static_cast<double>(a.i);
        double y = b.kind == vk::decimal ? b.d : static_cast<double>(b.i);
        c = (x > y) - (x < y);
    } else {
        return truth_of(comparison(code, a, b));
    }
    // By operator (eq, ne, lt, le, gt, ge) and c + 1.
    static constexpr tri holds[6][3] = {{tri::no, tri::yes, tri::no},  {tri::yes, tri::no, tri::yes},
                                        {tri::yes, tri::no, tri::no},  {tri::yes, tri::yes, tri::no},
                                        {tri::no, tri::no, tri::yes},  {tri::no, tri::yes, tri::yes}};
    return holds[static_cast<int>(code) - static_cast<int>(op::eq)][c + 1];
}

// Scores: a number as a double; an item's points added to a total; an
// item's points limited by its cap (unknown or absent caps limit nothing).
inline double as_number(const value& v) { return v.kind == vk::decimal ? v.d : static_cast<double>(v.i); }
inline void add_points(value& total, const value& v) {
    if (v.kind == vk::decimal || total.kind == vk::decimal) total = value::decimal(as_number(total) + as_number(v));
    else total.i += v.i;
}
inline value capped(const value& points, const value& cap) {
    bool usable = points.known() && points.kind != vk::none && cap.known() && cap.kind != vk::none;
    return usable && as_number(cap) < as_number(points) ? cap : points;
}

struct linear_code;
struct insn;

class evaluator {
public:
    // `params`: the parameter values in force at `as_of` (by parameter index).
    evaluator(const compiled::program_data& program, const std::vector<value>& params, std::int64_t as_of,
              bool tracing);

    value run(std::uint32_t node, const value& subject);
    // Runs the batch decider's code (linear.hpp) from `entry` to its `ret`,
    // untraced: the verdicts and score totals it stores go to `out`; returns
    // the last truth.
    tri execute(const linear_code& code, std::uint32_t entry, const value& subject, decision* out);
    // After execute: another node's value for the same subject, in the same
    // run (the functions and measures it computed are reused).
    value more(std::uint32_t node) { return eval<false>(node); }
    tri general_test(const insn& x);
    tri field_test(const linear_code& code, const insn& x, const value* const* bases);
    void bind(const linear_code& code, std::uint32_t var, const value& item);
    tri quantified(const linear_code& code, const insn& x);
    tri field_tests(const linear_code& code, std::uint32_t first, std::uint32_t count, bool is_or);

    // Tracing only: last value per node, unknown facts read since reset.
    const std::vector<value>& trace() const { return trace_; }
    std::set<std::string>& missing() { return missing_; }
    std::set<std::uint32_t>& params_read() { return params_read_; }
    // Tracing only: evaluation errors since reset (division by zero, an
    // impossible date), each with its place in the rules.
    std::set<std::string>& errors() { return errors_; }

    std::string format(const value& v) const;

private:
    // Trace: keep node values and unknown facts (explanations); the
    // untraced instantiation is the fast path.
    template <bool Trace> value eval(std::uint32_t n);
    template <bool Trace> value compute(const compiled::node& n);
    value shared(const compiled::node& n);
    template <bool Trace> value field(const value& base, std::uint32_t slot);
    template <bool Trace> value call(const compiled::node& n);
    template <bool Trace> value spells(const compiled::node& n);
    template <bool Trace> value table(const compiled::node& n);
    template <bool Trace> value quantify(const compiled::node& n);
    template <bool Trace> value filter(const compiled::node& n);
    tri passes(const compiled::node& filter, const value& item);
    template <bool Trace> value call_define(const compiled::node& n);
    template <bool Trace> value points(const compiled::node& n);
    template <bool Trace> value total_points(const compiled::node& n);
    template <typename Compute>
    value traced_once(std::uint32_t key, const void* subject, const value& a0, const value& a1, Compute compute);
    template <bool Trace> value in_subject(const value& base, std::uint32_t root);
    template <bool Trace>
    value in_frame(const value& subject, std::uint32_t root, const value* args, std::uint32_t count);
    void error(const compiled::node& n, const std::string& message);
    // A list that lives until the next run (filtered lists, distinct values).
    std::pair<list_v*, std::vector<value>*> scratch(const std::string* path);
    // An operand. Untraced, the leaves (constants, fields of the subject or
    // of a quantifier variable) are read in place, without a call.
    template <bool Trace>
    value operand(std::uint32_t n) {
        if constexpr (!Trace) {
            const compiled::node& x = program_.nodes[n];
            switch (x.code) {
                case compiled::op::constant: return program_.constants[x.a];
                case compiled::op::subject_field: return leaf_field(subject_, x.a);
                case compiled::op::local_field: return leaf_field(locals_[frame_ + x.a], x.b);
                case compiled::op::local: return locals_[frame_ + x.a];
                default: break;
            }
        }
        return eval<Trace>(n);
    }
    static value leaf_field(const value& base, std::uint32_t slot) {
        if (base.kind == vk::record) return base.rec->fields[slot];
        return base.kind == vk::none ? value::none() : value();
    }
    std::uint32_t arg(const compiled::node& n, std::uint32_t i) const { return program_.args[n.first_arg + i]; }

    const compiled::program_data& program_;
    const std::vector<value>& params_;
    std::int64_t as_of_;
    bool tracing_;
    value subject_;
    std::vector<value> locals_;
    std::vector<std::int64_t> positions_;  // by slot, as locals_: the bound item's place in its list
    std::size_t frame_ = 0;  // where the current define's variables start in locals_
    std::vector<value> trace_;
    std::set<std::string> missing_;
    std::set<std::uint32_t> params_read_;
    std::set<std::string> errors_;
    struct scratch_list {
        list_v list;
        std::vector<value> items;
    };
    std::vector<std::unique_ptr<scratch_list>> scratch_;  // they stay where they are
    std::size_t scratch_used_ = 0;
    // Untraced: the values of functions and score totals already computed
    // for this profile (reset by run and execute), so each is computed once
    // per subject and arguments.
    struct memo_entry {
        std::uint32_t key;
        const void* subject;
        value a0, a1;
        value result;
        bool is(std::uint32_t k, const void* s, const value& x0, const value& x1) const;
    };
    std::vector<memo_entry> memo_;
    // The memo's keys: a function by its define index, a score's total by its index in the checked program.
    static std::uint32_t score_key(std::uint32_t score) { return 0x80000000u | score; }
    static std::uint32_t shared_key(std::uint32_t memo) { return 0x40000000u | memo; }  // traced only
    static const void* owner(const value& subject) {
        return subject.kind == vk::record ? static_cast<const void*>(subject.rec) : nullptr;
    }
    // Untraced: shared filters and measures (node.memo) by id, valid for the
    // current run (epoch) and subject.
    struct shared_entry {
        std::uint64_t epoch = 0;
        const void* subject = nullptr;
        value result;
    };
    std::vector<shared_entry> shared_;
    // Traced: functions, score totals and shared nodes computed for this
    // evaluator's profile (it explains one profile), with the facts each read.
    struct traced_entry {
        memo_entry entry;
        std::set<std::string> missing, errors;
        std::set<std::uint32_t> params;
    };
    std::vector<traced_entry> traced_memo_;
    std::uint64_t epoch_ = 1;
    const value* recall(std::uint32_t key, const void* subject, const value& a0, const value& a1) const;
    // spells(): its buffers, kept between calls
    std::vector<span_days> spans_;
    std::vector<unit_run> units_;
    // Untraced: the merged spells of a list at a reference day (and how far
    // it looks ahead), and their units by counting, for the current run.
    struct spell_view {
        const list_v* list = nullptr;
        std::int64_t at = 0;
        std::uint8_t view = 0;
        bool ok = true;  // false: a spell without a start date
        std::vector<span_days> merged;
        bool built[3] = {false, false, false};
        std::vector<unit_run> units[3];  // by unit_counting
    };
    std::vector<spell_view> views_;
    // The last reference day's unit, by unit_counting (a day before any date: none yet).
    static constexpr std::int64_t no_day = std::numeric_limits<std::int64_t>::min();
    std::pair<std::int64_t, std::int64_t> reference_[3] = {{no_day, 0}, {no_day, 0}, {no_day, 0}};
    std::size_t views_used_ = 0;
    // execute(): its stacks, kept between runs
    struct loop {
        const list_v* list;
        std::size_t next;
        tri acc;
    };
    std::vector<tri> truths_;
    std::vector<value> values_;
    std::vector<loop> loops_;
    std::vector<const value*> bases_;
};

}  // namespace entitle::eval
