#include "eval/evaluate.hpp"

#include "common/calendar.hpp"
#include "common/numbers.hpp"
#include "eval/spells.hpp"

#include <algorithm>
#include <cmath>

namespace entitle::eval {

using compiled::op;

namespace {

bool numeric(const value& v) { return v.kind == vk::integer || v.kind == vk::decimal; }
double as_double(const value& v) { return v.kind == vk::decimal ? v.d : static_cast<double>(v.i); }

// -1, 0, 1; both values known and comparable (the checker made sure).
int compare(const value& a, const value& b) {
    if (numeric(a) && numeric(b)) {
        if (a.kind == vk::integer && b.kind == vk::integer) return (a.i > b.i) - (a.i < b.i);
        double x = as_double(a), y = as_double(b);
        return (x > y) - (x < y);
    }
    switch (a.kind) {
        case vk::boolean: return (a.b > b.b) - (a.b < b.b);
        case vk::string: {
            int c = a.str->compare(*b.str);
            return (c > 0) - (c < 0);
        }
        default: return (a.i > b.i) - (a.i < b.i);
    }
}

// The common case inline: two values of one integral kind.
inline int compare_fast(const value& a, const value& b) {
    if (a.kind == b.kind && a.kind != vk::decimal && a.kind != vk::string && a.kind != vk::boolean)
        return (a.i > b.i) - (a.i < b.i);
    return compare(a, b);
}

}  // namespace

value comparison(op code, const value& a, const value& b) {
    if (a.kind == vk::unknown || b.kind == vk::unknown) return value();
    if (a.kind == vk::none || b.kind == vk::none) {
        bool both = a.kind == b.kind;
        return value::boolean(code == op::eq ? both : code == op::ne ? !both : false);
    }
    if (a.kind == vk::string && b.kind == vk::string && (code == op::eq || code == op::ne))
        return value::boolean((a.str == b.str || same_text(*a.str, *b.str)) == (code == op::eq));
    int c = compare_fast(a, b);
    return value::boolean(code == op::eq ? c == 0 : code == op::ne ? c != 0 : code == op::lt ? c < 0
                          : code == op::le ? c <= 0 : code == op::gt ? c > 0 : c >= 0);
}

// Checked arithmetic: a result that does not fit (a whole number past
// 64 bits, a date outside years 1 to 9999, a decimal that is not finite) is
// unknown, never a wrapped value; the explained path reports it as an
// evaluation error at the operator (arithmetic_error).
namespace {

const std::int64_t first_day = detail::days_from_civil(1, 1, 1), last_day = detail::days_from_civil(9999, 12, 31);

value whole(vk kind, std::int64_t a, std::int64_t b, op code) {
    std::int64_t out;
    bool overflow = code == op::add   ? __builtin_add_overflow(a, b, &out)
                    : code == op::sub ? __builtin_sub_overflow(a, b, &out)
                                      : __builtin_mul_overflow(a, b, &out);
    return overflow ? value() : value::of(kind, out);
}
value rounded(vk kind, double x) {
    return std::fabs(x) < 9.2e18 ? value::of(kind, std::llround(x)) : value();  // NaN fails too
}
value finite(double x) { return std::isfinite(x) ? value::decimal(x) : value(); }
value day(std::int64_t d) { return d >= first_day && d <= last_day ? value::of(vk::date, d) : value(); }
value months_after(std::int64_t date, std::int64_t months) {
    if (months > 120000 || months < -120000) return value();  // ten thousand years
    return day(detail::add_months(date, months));
}

}  // namespace

value arithmetic(op code, const value& a, const value& b) {
    if (a.kind == vk::unknown || b.kind == vk::unknown) return value();
    if (a.kind == vk::none || b.kind == vk::none) return value::none();
    if (numeric(a) && numeric(b)) {
        if (code == op::div) return as_double(b) != 0 ? finite(as_double(a) / as_double(b)) : value();
        if (a.kind == vk::integer && b.kind == vk::integer) return whole(vk::integer, a.i, b.i, code);
        double x = as_double(a), y = as_double(b);
        return finite(code == op::add ? x + y : code == op::sub ? x - y : x * y);
    }
    if (a.kind == vk::date && b.kind == vk::duration) return months_after(a.i, code == op::add ? b.i : -b.i);
    if (a.kind == vk::duration && b.kind == vk::date) return months_after(b.i, a.i);
    if (a.kind == vk::date && b.kind == vk::days) {
        value d = whole(vk::date, a.i, b.i, code);
        return d.known() ? day(d.i) : d;
    }
    if (a.kind == vk::days && b.kind == vk::date) {
        value d = whole(vk::date, a.i, b.i, op::add);
        return d.known() ? day(d.i) : d;
    }
    if (code == op::mul) {
        const value& unit = numeric(a) ? b : a;
        const value& factor = numeric(a) ? a : b;
        if (factor.kind == vk::integer) return whole(unit.kind, unit.i, factor.i, op::mul);
        return rounded(unit.kind, static_cast<double>(unit.i) * factor.d);
    }
    if (code == op::div) {
        if (numeric(b)) return as_double(b) != 0 ? rounded(a.kind, static_cast<double>(a.i) / as_double(b)) : value();
        return b.i != 0 ? value::decimal(static_cast<double>(a.i) / static_cast<double>(b.i)) : value();
    }
    return whole(a.kind, a.i, b.i, code);
}

const char* arithmetic_error(op code, const value& a, const value& b) {
    if (!a.known() || !b.known() || a.kind == vk::none || b.kind == vk::none) return nullptr;
    if (code == op::div && (numeric(b) ? as_double(b) == 0 : b.i == 0)) return "division by zero";
    return "the result of this arithmetic is out of range (past 64-bit whole numbers, or a date outside years 1 to 9999)";
}

value min_max(op code, const value* a, std::uint32_t count) {
    value best = a[0];
    for (std::uint32_t i = 1; i < count; ++i) {
        int c = compare(a[i], best);
        if (code == op::min_of ? c < 0 : c > 0) best = a[i];
    }
    // int and decimal mixed: the result is a decimal
    for (std::uint32_t i = 0; i < count; ++i)
        if (a[i].kind == vk::decimal && best.kind == vk::integer) return value::decimal(as_double(best));
    return best;
}

namespace {

value from_tri(tri t) { return t == tri::unknown ? value() : value::boolean(t == tri::yes); }

}  // namespace

evaluator::evaluator(const compiled::program_data& program, const std::vector<value>& params, std::int64_t as_of,
                     bool tracing)
    : program_(program), params_(params), as_of_(as_of), tracing_(tracing) {
    locals_.resize(std::max<std::size_t>(program.locals, 1) * 4);
    if (tracing) trace_.resize(program.nodes.size());
    shared_.resize(program.memos + 1);
}

value evaluator::run(std::uint32_t node, const value& subject) {
    subject_ = subject;
    // Traced, the lists built (filters, distinct values) live as long as the evaluator: its memo holds them.
    if (!tracing_) scratch_used_ = 0;
    memo_.clear();
    views_used_ = 0;
    ++epoch_;
    frame_ = 0;
    return tracing_ ? eval<true>(node) : eval<false>(node);
}

template <bool Trace>
value evaluator::field(const value& base, std::uint32_t slot) {
    if (base.kind != vk::record) return base.kind == vk::none ? value::none() : value();
    const value& v = base.rec->fields[slot];
    if (Trace && v.kind == vk::unknown) {
        const auto& rec = program_.checked->records[base.rec->record_type];
        const std::string& name = rec.fields[slot].name;
        missing_.insert(base.rec->path.empty() ? name : base.rec->path + "." + name);
    }
    return v;
}

// `root` with `subject` as the subject, in a frame of its own whose first
// variables are `args` (a function's parameters).
template <bool Trace>
value evaluator::in_frame(const value& subject, std::uint32_t root, const value* args, std::uint32_t count) {
    value saved_subject = subject_;
    std::size_t saved_frame = frame_;
    std::size_t stride = std::max<std::uint32_t>(program_.locals, 1);
    frame_ += stride;
    if (locals_.size() < frame_ + stride + 1) locals_.resize(frame_ + stride + 1);
    std::copy(args, args + count, locals_.begin() + static_cast<std::ptrdiff_t>(frame_));
    subject_ = subject;
    value result = eval<Trace>(root);
    subject_ = saved_subject;
    frame_ = saved_frame;
    return result;
}

// `root` with the record `base` as the subject (a define or a score of another record).
template <bool Trace>
value evaluator::in_subject(const value& base, std::uint32_t root) {
    if (base.kind != vk::record) return base.kind == vk::none ? value::none() : value();
    return in_frame<Trace>(base, root, nullptr, 0);
}

template <bool Trace>
value evaluator::eval(std::uint32_t n) {
    const compiled::node& nd = program_.nodes[n];
    if (Trace) {
        // A shared filter or measure: computed once per subject, its facts replayed after.
        value result = nd.memo ? traced_once(shared_key(nd.memo), owner(subject_), value(), value(),
                                             [&] { return compute<true>(nd); })
                               : compute<true>(nd);
        trace_[n] = result;
        return result;
    }
    return nd.memo ? shared(nd) : compute<false>(nd);
}

// Untraced, a filter or measure met before for this subject (and run): its value.
value evaluator::shared(const compiled::node& nd) {
    const void* who = owner(subject_);
    const shared_entry& e = shared_[nd.memo];
    if (e.epoch == epoch_ && e.subject == who) return e.result;
    value result = compute<false>(nd);
    shared_[nd.memo] = {epoch_, who, result};
    return result;
}

// One node's value; the larger cases in functions of their own.
template <bool Trace>
value evaluator::compute(const compiled::node& nd) {
    value result;
    switch (nd.code) {
        case op::constant: return program_.constants[nd.a];
        case op::as_of: return value::of(vk::date, as_of_);
        case op::param:
            result = params_[nd.a];
            if (Trace) {
                params_read_.insert(nd.a);
                if (!result.known()) missing_.insert("parameter " + program_.checked->params[nd.a].name);
            }
            break;
        case op::subject: return subject_;
        case op::local: return locals_[frame_ + nd.a];
        case op::field: return field<Trace>(operand<Trace>(nd.a), nd.b);
        case op::subject_field: return field<Trace>(subject_, nd.a);
        case op::local_field: return field<Trace>(locals_[frame_ + nd.a], nd.b);
        case op::define: return in_subject<Trace>(operand<Trace>(nd.a), program_.defines[nd.b].root);
        case op::not_: {
            tri t = truth_of(operand<Trace>(nd.a));
            result = from_tri(t == tri::unknown ? t : t == tri::yes ? tri::no : tri::yes);
            break;
        }
        case op::neg: {
            value v = operand<Trace>(nd.a);
            if (v.kind == vk::decimal) result = value::decimal(-v.d);
            else if (v.kind == vk::unknown || v.kind == vk::none) result = v;
            else result = value::of(v.kind, -v.i);
            break;
        }
        case op::and_:
        case op::or_:
        case op::all_group:
        case op::any_group: {
            bool is_and = nd.code == op::and_ || nd.code == op::all_group;
            tri acc = is_and ? tri::yes : tri::no;
            for (std::uint32_t i = 0; i < nd.arg_count; ++i) {
                tri t = truth_of(operand<Trace>(arg(nd, i)));
                if (t == (is_and ? tri::no : tri::yes)) {
                    acc = t;
                    // Traced runs evaluate the rest too, so explanations show every member.
                    if (!Trace) break;
                } else if (t == tri::unknown && acc != (is_and ? tri::no : tri::yes)) {
                    acc = tri::unknown;
                }
            }
            result = from_tri(acc);
            break;
        }
        case op::eq: case op::ne: case op::lt: case op::le: case op::gt: case op::ge:
            return comparison(nd.code, operand<Trace>(nd.a), operand<Trace>(nd.b));
        case op::between: {
            value s = operand<Trace>(nd.a), lo = operand<Trace>(nd.b), hi = operand<Trace>(nd.c);
            if (s.kind == vk::none || lo.kind == vk::none || hi.kind == vk::none) {
                result = value::boolean(false);
            } else if (s.known() && lo.known() && hi.known()) {
                result = value::boolean(compare_fast(lo, s) <= 0 && compare_fast(s, hi) <= 0);
            }
            break;
        }
        case op::in_set: {
            value s = operand<Trace>(nd.a);
            tri found = tri::no;
            if (s.kind == vk::unknown) found = tri::unknown;
            for (std::uint32_t i = 0; i < nd.arg_count && found != tri::yes; ++i) {
                value item = operand<Trace>(arg(nd, i));
                if (s.kind == vk::none || item.kind == vk::none) continue;
                if (!item.known() || !s.known()) found = tri::unknown;
                else if (compare_fast(s, item) == 0) found = tri::yes;
            }
            if (nd.flag && found != tri::unknown) found = found == tri::yes ? tri::no : tri::yes;
            result = from_tri(found);
            break;
        }
        case op::is_set: {
            value v = operand<Trace>(nd.a);
            if (v.kind != vk::unknown) result = value::boolean((v.kind != vk::none) != nd.flag);
            break;
        }
        case op::add: case op::sub: case op::mul: case op::div: {
            value x = operand<Trace>(nd.a), y = operand<Trace>(nd.b);
            result = arithmetic(nd.code, x, y);
            if (Trace && !result.known())
                if (const char* why = arithmetic_error(nd.code, x, y)) error(nd, why);
            break;
        }
        case op::cond: {
            tri t = truth_of(operand<Trace>(nd.a));
            if (t == tri::yes) result = operand<Trace>(nd.b);
            else if (t == tri::no) result = operand<Trace>(nd.c);
            else {
                value x = operand<Trace>(nd.b), y = operand<Trace>(nd.c);
                if (x.known() && y.known() && x.kind == y.kind && compare(x, y) == 0) result = x;
            }
            break;
        }
        case op::any_q: case op::all_q: case op::count_q: case op::sum_q: case op::min_q: case op::max_q:
        case op::first_q: case op::last_q: case op::distinct_q:
            return quantify<Trace>(nd);
        case op::filter: return filter<Trace>(nd);
        case op::call_define: return call_define<Trace>(nd);
        case op::points: return points<Trace>(nd);
        case op::with_subject: return in_subject<Trace>(operand<Trace>(nd.a), nd.b);
        case op::position:
            result = frame_ + nd.a < positions_.size() ? value::of(vk::integer, positions_[frame_ + nd.a]) : value();
            break;
        case op::table: return table<Trace>(nd);
        default: return call<Trace>(nd);
    }
    return result;
}

std::pair<list_v*, std::vector<value>*> evaluator::scratch(const std::string* path) {
    if (scratch_used_ == scratch_.size()) scratch_.push_back(std::make_unique<scratch_list>());
    scratch_list& s = *scratch_[scratch_used_++];
    list_v* list = &s.list;
    std::vector<value>* items = &s.items;
    if (path) list->path = *path;  // traced runs name the list's facts
    else if (!list->path.empty()) list->path.clear();
    list->months = -1;
    list->items = {};
    items->clear();
    return {list, items};
}

void evaluator::error(const compiled::node& n, const std::string& message) {
    const auto& src = program_.sources.at(n.source);
    auto p = src->position(n.where.begin);
    errors_.insert(src->name() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + message +
                   " in '" + std::string(src->slice(n.where)) + "'");
}

template <bool Trace>
value evaluator::quantify(const compiled::node& nd) {
    value list = operand<Trace>(nd.a);
    if (list.kind == vk::unknown || (list.kind == vk::list && list.list->months >= 0)) return value();
    static const list_v empty;
    const list_v& items = list.kind == vk::list ? *list.list : empty;
    std::size_t slot = frame_ + nd.c;
    const bool has_where = nd.arg_count > 0;
    tri acc = nd.code == op::all_q ? tri::yes : tri::no;
    std::int64_t count = 0;
    value sum, best, best_key;
    bool unknown = false;
    std::pair<list_v*, std::vector<value>*> distinct{nullptr, nullptr};
    if (nd.code == op::distinct_q) distinct = scratch(Trace ? &items.path : nullptr);
    if (positions_.size() < locals_.size()) positions_.resize(locals_.size());
    std::int64_t place = 0;
    for (const value& item : items.items) {
        locals_[slot] = item;
        positions_[slot] = ++place;
        tri in = tri::yes;  // whether the item passes `where`
        if (has_where) {
            in = truth_of(operand<Trace>(arg(nd, 0)));
            if (in == tri::no) continue;
        }
        value body = operand<Trace>(nd.b);
        switch (nd.code) {
            case op::any_q:
            case op::all_q:
            case op::count_q: {
                tri t = truth_of(body);
                // An item that may or may not pass the filter: `in and body` (any, count), `not in or body` (all).
                if (in == tri::unknown) t = nd.code == op::all_q ? (t == tri::yes ? t : tri::unknown)
                                                                 : (t == tri::no ? t : tri::unknown);
                if (nd.code == op::count_q) {
                    if (t == tri::yes) ++count;
                    if (t == tri::unknown) unknown = true;
                    break;
                }
                bool decisive = nd.code == op::any_q ? t == tri::yes : t == tri::no;
                if (decisive) {
                    acc = t;
                    if (!Trace) goto done;
                } else if (t == tri::unknown && acc != (nd.code == op::any_q ? tri::yes : tri::no)) {
                    acc = tri::unknown;
                }
                break;
            }
            case op::sum_q:
                if (in == tri::unknown || !body.known()) {
                    unknown = true;
                    break;
                }
                if (body.kind == vk::none) break;
                if (!sum.known()) sum = body;
                else if (sum.kind == vk::decimal || body.kind == vk::decimal) sum = value::decimal(as_double(sum) + as_double(body));
                else if (__builtin_add_overflow(sum.i, body.i, &sum.i)) unknown = true;
                break;
            default: {  // min, max, first, last, distinct
                if (in == tri::unknown || !body.known()) {
                    unknown = true;
                    break;
                }
                if (body.kind == vk::none) break;
                if (nd.code == op::distinct_q) {
                    auto& seen = *distinct.second;
                    bool fresh = std::none_of(seen.begin(), seen.end(), [&](const value& v) { return compare(v, body) == 0; });
                    if (fresh) seen.push_back(body);
                    break;
                }
                int c = best_key.known() ? compare(body, best_key) : 0;
                bool better = !best_key.known() || (nd.code == op::min_q || nd.code == op::first_q ? c < 0
                                                    : nd.code == op::last_q                      ? c >= 0
                                                                                                 : c > 0);
                if (better) {
                    best_key = body;
                    best = nd.code == op::first_q || nd.code == op::last_q ? item : body;
                }
            }
        }
    }
done:
    switch (nd.code) {
        case op::count_q: return unknown ? value() : value::of(vk::integer, count);
        case op::sum_q:
            if (unknown) return value();
            return sum.known() ? sum : value::of(vk::integer, 0);
        case op::any_q:
        case op::all_q: return from_tri(acc);
        case op::distinct_q:
            if (unknown) return value();
            distinct.first->items = {distinct.second->data(), distinct.second->size()};
            return value::of_list(distinct.first);
        default: return unknown ? value() : best_key.known() ? best : value::none();
    }
}

// Whether `item` passes a filter whose condition is an `and` of field
// tests (node.flag): read in place, Kleene's `and` as the general evaluator
// does it; unknown for an item that is not a record.
inline tri evaluator::passes(const compiled::node& filter, const value& item) {
    if (item.kind != vk::record) return tri::unknown;
    const compiled::field_test* tests = program_.field_tests.data() + filter.first_arg;
    tri acc = tri::yes;
    for (std::uint32_t k = 0; k < filter.arg_count && acc != tri::no; ++k) {
        const compiled::field_test& x = tests[k];
        const value& v = item.rec->fields[x.slot];
        const value& against = x.local >= 0   ? locals_[frame_ + static_cast<std::size_t>(x.local)]
                               : x.param >= 0 ? params_[static_cast<std::size_t>(x.param)]
                                              : x.constant;
        tri t = x.code == op::field ? truth_of(v) : compared(x.code, v, against);
        if (x.negated && t != tri::unknown) t = t == tri::yes ? tri::no : tri::yes;
        if (t == tri::no) acc = tri::no;
        else if (t == tri::unknown) acc = tri::unknown;
    }
    return acc;
}

template <bool Trace>
value evaluator::filter(const compiled::node& nd) {
    value list = operand<Trace>(nd.a);
    if (list.kind == vk::none || list.kind == vk::unknown) return list;
    if (list.kind != vk::list) return value();
    if (list.list->months >= 0) {
        if (Trace) missing_.insert(list.list->path + " (dated spells)");
        return value();
    }
    auto [out, kept] = scratch(Trace ? &list.list->path : nullptr);
    std::size_t slot = frame_ + nd.c;
    bool unknown = false;
    if (!Trace && nd.flag) {
        for (const value& item : list.list->items) {
            tri t = passes(nd, item);
            if (t == tri::yes) kept->push_back(item);
            if (t == tri::unknown) {
                unknown = true;
                break;
            }
        }
        if (unknown) return value();
        out->items = {kept->data(), kept->size()};
        return value::of_list(out);
    }
    if (positions_.size() < locals_.size()) positions_.resize(locals_.size());
    std::int64_t place = 0;
    for (const value& item : list.list->items) {
        locals_[slot] = item;
        positions_[slot] = ++place;
        tri t = truth_of(operand<Trace>(nd.b));
        if (t == tri::yes) kept->push_back(item);
        if (t == tri::unknown) {
            unknown = true;
            if (!Trace) break;  // traced: read on, to name every missing fact
        }
    }
    if (unknown) return value();
    out->items = {kept->data(), kept->size()};
    return value::of_list(out);
}

namespace {
bool same(const value& a, const value& b) { return a.kind == b.kind && a.type == b.type && a.i == b.i; }
}  // namespace

bool evaluator::memo_entry::is(std::uint32_t k, const void* s, const value& x0, const value& x1) const {
    return key == k && subject == s && same(a0, x0) && same(a1, x1);
}

const value* evaluator::recall(std::uint32_t key, const void* subject, const value& a0, const value& a1) const {
    for (const auto& m : memo_)
        if (m.is(key, subject, a0, a1)) return &m.result;
    return nullptr;
}

// Traced: the value of `compute` for this key, subject and arguments, once
// per evaluator; the unknown facts, errors and parameters it read are
// replayed into the current sets at every later use, so explanations name
// them wherever the value is used.
template <typename Compute>
value evaluator::traced_once(std::uint32_t key, const void* subject, const value& a0, const value& a1, Compute compute) {
    for (const auto& m : traced_memo_)
        if (m.entry.is(key, subject, a0, a1)) {
            missing_.insert(m.missing.begin(), m.missing.end());
            errors_.insert(m.errors.begin(), m.errors.end());
            params_read_.insert(m.params.begin(), m.params.end());
            return m.entry.result;
        }
    // Collect what this computation reads on its own, then add it to what the caller has read.
    std::set<std::string> missing, errors;
    std::set<std::uint32_t> params;
    missing.swap(missing_);
    errors.swap(errors_);
    params.swap(params_read_);
    value result = compute();
    traced_memo_.push_back({{key, subject, a0, a1, result}, missing_, errors_, params_read_});
    missing_.insert(missing.begin(), missing.end());
    errors_.insert(errors.begin(), errors.end());
    params_read_.insert(params.begin(), params.end());
    return result;
}

template <bool Trace>
value evaluator::call_define(const compiled::node& nd) {
    const compiled::define_def& def = program_.defines[nd.b];
    value base;
    if (nd.a != compiled::no_node) {
        base = operand<Trace>(nd.a);
        if (base.kind != vk::record) return base.kind == vk::none ? value::none() : value();
    }
    // The arguments, in the caller's frame, before the callee's frame is written.
    if (nd.arg_count > 2) {
        std::vector<value> args(nd.arg_count);
        for (std::uint32_t i = 0; i < nd.arg_count; ++i) args[i] = operand<Trace>(arg(nd, i));
        return in_frame<Trace>(base, def.root, args.data(), nd.arg_count);
    }
    value args[2];  // most functions take one or two (unknown: not given)
    for (std::uint32_t i = 0; i < nd.arg_count; ++i) args[i] = operand<Trace>(arg(nd, i));
    // A function of the same record and arguments is computed once (traced:
    // the facts it read are replayed at every use).
    const void* who = owner(base);
    if (Trace)
        return traced_once(nd.b, who, args[0], args[1], [&] { return in_frame<true>(base, def.root, args, nd.arg_count); });
    if (const value* hit = recall(nd.b, who, args[0], args[1])) return *hit;
    value result = in_frame<false>(base, def.root, args, nd.arg_count);
    memo_.push_back({nd.b, who, args[0], args[1], result});
    return result;
}

template <bool Trace>
value evaluator::points(const compiled::node& nd) {
    // A score's total is computed once per subject (nd.c: the score).
    const void* who = owner(subject_);
    const std::uint32_t key = score_key(nd.c);
    if (Trace) return traced_once(key, who, value(), value(), [&] { return total_points<true>(nd); });
    if (const value* hit = recall(key, who, value(), value())) return *hit;
    value result = total_points<false>(nd);
    memo_.push_back({key, who, value(), value(), result});
    return result;
}

// The sum of a score's capped items (points_of).
template <bool Trace>
value evaluator::total_points(const compiled::node& nd) {
    value total = value::of(vk::integer, 0);
    bool unknown = false;
    for (std::uint32_t i = 0; i + 1 < nd.arg_count; i += 2) {
        value v = operand<Trace>(arg(nd, i));
        if (arg(nd, i + 1) != compiled::no_node && v.known() && v.kind != vk::none)
            v = capped(v, operand<Trace>(arg(nd, i + 1)));
        if (!v.known()) unknown = true;
        else if (v.kind != vk::none) add_points(total, v);  // an item that is none gives no points
    }
    return unknown ? value() : total;
}

template <bool Trace>
value evaluator::table(const compiled::node& nd) {
    value key = operand<Trace>(nd.a);
    if (!key.known()) return value();
    if (key.kind == vk::none) return value::none();
    const compiled::table_def& t = program_.tables[nd.b];
    if (!t.by_enum.empty() && key.kind == vk::enumeration && key.i >= 0 &&
        static_cast<std::size_t>(key.i) < t.by_enum.size())
        return t.by_enum[static_cast<std::size_t>(key.i)];
    for (const auto& row : t.rows) {
        if (row.is_else) return eval<Trace>(row.result);
        if (row.low.known() && compare(key, row.low) < 0) continue;
        if (row.high.known()) {
            int c = compare(key, row.high);
            if (c > 0 || (c == 0 && !row.high_inclusive)) continue;
        }
        return eval<Trace>(row.result);
    }
    return value::none();
}

template <bool Trace>
value evaluator::spells(const compiled::node& nd) {
    // Untraced, a filter of field tests that no other measure shares runs
    // in the pass that reads the spells: no filtered list is built.
    const compiled::node& source = program_.nodes[arg(nd, 0)];
    const bool fused = !Trace && source.code == op::filter && source.flag && source.memo == 0;
    value list = operand<Trace>(fused ? source.a : arg(nd, 0));
    if (list.kind == vk::unknown || (fused && list.kind != vk::list && list.kind != vk::none)) return value();
    // The optional reference date is the last argument when present.
    std::uint32_t fixed = nd.code == op::total || nd.code == op::holds ? 1 : 2;
    std::int64_t at = as_of_;
    if (nd.arg_count > fixed) {
        value d = operand<Trace>(arg(nd, fixed));
        if (!d.known()) return value();
        if (d.kind == vk::none) return value::none();
        at = d.i;
    }
    std::int64_t gap = 0;
    if (fixed == 2) {
        value g = operand<Trace>(arg(nd, 1));
        if (!g.known()) return value();
        if (g.kind == vk::none) return value::none();
        gap = g.i;
    }
    if (list.kind == vk::list && list.list->months >= 0) {
        // Only a count is known: it answers `total` at the as-of date, nothing else (nothing filtered).
        if (nd.code == op::total && at == as_of_ && !fused) return value::of(vk::duration, list.list->months);
        if (Trace) missing_.insert(list.list->path + " (dated spells)");
        return value();
    }
    // A reference day after the as-of day looks ahead "if nothing changes":
    // spells that start later are not known to happen; those in force keep
    // their recorded end (or, `future: continued`, go on); `planned` takes
    // every spell as recorded.
    const auto ahead = static_cast<compiled::future>(nd.future);
    const bool projecting = at > as_of_ && ahead != compiled::future::planned;
    // The merged spells of one list at one reference day are the same for
    // every measure; untraced, they are built once per run.
    const std::uint8_t view = projecting ? static_cast<std::uint8_t>(ahead) + 1 : 0;
    spell_view* cached = nullptr;
    if (!Trace && list.kind == vk::list && !fused) {
        for (std::size_t k = 0; k < views_used_ && !cached; ++k)
            if (views_[k].list == list.list && views_[k].at == at && views_[k].view == view) cached = &views_[k];
        if (cached && !cached->ok) return value();
    }
    if (!cached) {
        std::vector<span_days>* raw = &spans_;
        if (!Trace && list.kind == vk::list && !fused) {
            if (views_used_ == views_.size()) views_.emplace_back();
            cached = &views_[views_used_++];
            cached->list = list.list;  // a new view; its buffers keep their capacity
            cached->at = at;
            cached->view = view;
            cached->ok = true;
            std::fill(std::begin(cached->built), std::end(cached->built), false);
            raw = &cached->merged;
        }
        raw->clear();
        if (list.kind == vk::list) {
            for (const value& item : list.list->items) {
                if (fused) {
                    tri t = passes(source, item);
                    if (t == tri::unknown) return value();
                    if (t == tri::no) continue;
                }
                const value* from = item.kind == vk::record ? &item.rec->fields[nd.b] : nullptr;
                if (!from || from->kind != vk::date) {
                    if (Trace && from) missing_.insert(item.rec->path + ".from");
                    if (cached) cached->ok = false;
                    return value();
                }
                if (projecting && from->i > as_of_) continue;
                // An open (absent or null) end runs on: the spell is ongoing.
                const value& to = item.rec->fields[nd.c];
                bool open = to.kind != vk::date;
                std::int64_t end = open ? at + 1 : to.i + 1;
                if (projecting && ahead == compiled::future::continued && (open || to.i >= as_of_)) end = at + 1;
                raw->push_back({from->i, end});
            }
        }
        merge_in_place(*raw, at);
    }
    const std::vector<span_days>& merged = cached ? cached->merged : spans_;
    if (nd.mode != static_cast<std::uint8_t>(compiled::counting::months) && nd.code != op::holds) {
        auto counting = nd.mode == static_cast<std::uint8_t>(compiled::counting::days) ? unit_counting::days
                        : nd.mode == static_cast<std::uint8_t>(compiled::counting::calendar_months_before)
                            ? unit_counting::calendar_months_before
                            : unit_counting::calendar_months;
        // The unit of the reference day: the same day for most measures of a run.
        auto k = static_cast<std::size_t>(counting);
        if (reference_[k].first != at) reference_[k] = {at, reference_unit(counting, at)};
        const std::int64_t reference = reference_[k].second;
        std::vector<unit_run>* units = &units_;
        if (cached) {
            units = &cached->units[k];
            if (!cached->built[k]) unit_runs_into(merged, counting, reference, *units);
            cached->built[k] = true;
        } else {
            unit_runs_into(merged, counting, reference, *units);
        }
        const std::vector<unit_run>& runs = *units;
        vk unit = counting == unit_counting::days ? vk::days : vk::duration;
        switch (nd.code) {
            case op::total: return value::of(unit, total_units(runs));
            case op::longest_run: return value::of(unit, longest_run_units(runs, gap));
            case op::within: return value::of(unit, units_within(runs, gap, reference));
            default: {
                auto start = run_start_units(runs, gap, reference);
                return start ? value::of(vk::date, *start) : value::none();
            }
        }
    }
    switch (nd.code) {
        case op::total: return value::of(vk::duration, total_months(merged));
        case op::longest_run: return value::of(vk::duration, longest_run_months(merged, gap));
        case op::within: return value::of(vk::duration, months_within(merged, gap, at));
        case op::run_start: {
            auto start = eval::run_start(merged, gap, at);
            return start ? value::of(vk::date, *start) : value::none();
        }
        default: return value::boolean(holds(merged, at));
    }
}

template <bool Trace>
value evaluator::call(const compiled::node& nd) {
    if (nd.code >= op::total) return spells<Trace>(nd);
    if (nd.code == op::size_of) {
        value l = operand<Trace>(arg(nd, 0));
        if (l.kind == vk::list && l.list->months >= 0) return value();
        if (l.kind == vk::list) return value::of(vk::integer, static_cast<std::int64_t>(l.list->items.size()));
        return l.kind == vk::none ? value::of(vk::integer, 0) : value();
    }
    switch (nd.code) {  // one argument: no argument array
        case op::years_of: case op::months_of: case op::days_of: case op::year_of: case op::month_of:
        case op::day_of: case op::floor_of: case op::round_of: {
            value x = operand<Trace>(arg(nd, 0));
            if (!x.known() || x.kind == vk::none) return x;
            switch (nd.code) {
                case op::years_of: return value::of(vk::integer, x.i / 12);
                case op::months_of: case op::days_of: return value::of(vk::integer, x.i);
                case op::year_of: return value::of(vk::integer, detail::civil_from_days(x.i).year);
                case op::month_of: return value::of(vk::integer, detail::civil_from_days(x.i).month);
                case op::day_of: return value::of(vk::integer, detail::civil_from_days(x.i).day);
                case op::floor_of: return value::of(vk::integer, static_cast<std::int64_t>(std::floor(as_double(x))));
                default: return value::of(vk::integer, std::llround(as_double(x)));
            }
        }
        default: break;
    }
    value a[4];
    std::uint32_t count = std::min<std::uint32_t>(nd.arg_count, 4);
    bool none = false;
    for (std::uint32_t i = 0; i < count; ++i) {
        a[i] = operand<Trace>(arg(nd, i));
        if (!a[i].known()) return value();
        if (a[i].kind == vk::none) none = true;
    }
    if (none) return value::none();
    if ((nd.code == op::min_of || nd.code == op::max_of) && count == 2 && a[0].kind == a[1].kind &&
        a[0].kind != vk::decimal) {
        // Two values of one integral kind (the common `min(months, 120)`): no call.
        bool second = nd.code == op::min_of ? a[1].i < a[0].i : a[1].i > a[0].i;
        return second ? a[1] : a[0];
    }
    switch (nd.code) {
        case op::age: {
            std::int64_t at = count > 1 ? a[1].i : as_of_;
            std::int64_t years = detail::age_on(a[0].i, at);
            if (nd.mode != 1) return value::of(vk::integer, years);
            // leap_birthday: mar_1: born on 29 February, a year older on 1 March in common years.
            auto born = detail::civil_from_days(a[0].i), on = detail::civil_from_days(at);
            if (born.month == 2 && born.day == 29 && on.month == 2 && on.day == 28 && years > 0 &&
                detail::age_on(a[0].i, at - 1) < years)
                --years;
            return value::of(vk::integer, years);
        }
        case op::months_between: return value::of(vk::duration, detail::months_between(a[0].i, a[1].i));
        case op::days_between: return value::of(vk::days, a[1].i - a[0].i);
        case op::make_date:
            if (a[0].i < 1 || a[0].i > 9999 || !detail::valid_date(static_cast<int>(a[0].i), static_cast<int>(a[1].i),
                                                                 static_cast<int>(a[2].i))) {
                if (Trace)
                    error(nd, "date(" + std::to_string(a[0].i) + ", " + std::to_string(a[1].i) + ", " +
                                  std::to_string(a[2].i) + ") is not a calendar date");
                return value();
            }
            return value::of(vk::date, detail::days_from_civil(static_cast<int>(a[0].i), static_cast<int>(a[1].i),
                                                               static_cast<int>(a[2].i)));
        case op::min_of:
        case op::max_of: return min_max(nd.code, a, count);
        default: return value();
    }
}

std::string evaluator::format(const value& v) const {
    char buf[64];
    switch (v.kind) {
        case vk::unknown: return "unknown";
        case vk::none: return "none";
        case vk::boolean: return v.b ? "true" : "false";
        case vk::integer: return std::to_string(v.i);
        case vk::decimal:
            return detail::general_text(v.d, 10);
        case vk::money:
            if (v.i % 100 == 0) return std::to_string(v.i / 100) + " yuan";
            std::snprintf(buf, sizeof buf, "%s%lld.%02lld yuan", v.i < 0 ? "-" : "",
                          static_cast<long long>(std::llabs(v.i) / 100), static_cast<long long>(std::llabs(v.i) % 100));
            return buf;
        case vk::date: return detail::day_text(v.i);
        case vk::duration: return std::to_string(v.i) + (v.i == 1 ? " month" : " months");
        case vk::days: return std::to_string(v.i) + (v.i == 1 ? " day" : " days");
        case vk::enumeration:
            if (v.type >= 0 && v.type < static_cast<int>(program_.checked->enums.size()))
                return program_.checked->enums[v.type].values.at(static_cast<std::size_t>(v.i));
            return std::to_string(v.i);
        case vk::string: return *v.str;
        case vk::record: return "(" + program_.checked->records[v.rec->record_type].name + ")";
        case vk::list: {
            // Short lists of values (distinct cities) show them; others their size.
            bool scalars = !v.list->items.empty() && v.list->items.size() <= 5 &&
                           std::none_of(v.list->items.begin(), v.list->items.end(),
                                        [](const value& x) { return x.kind == vk::record; });
            if (!scalars) return "(" + std::to_string(v.list->items.size()) + " items)";
            std::string out = "[";
            for (const value& x : v.list->items) out += (out.size() > 1 ? ", " : "") + format(x);
            return out + "]";
        }
    }
    return "?";
}

// The batch decider's code (linear.cpp) falls back to the general evaluator.
template value evaluator::eval<false>(std::uint32_t);

}  // namespace entitle::eval
