// Constant folding, for the warnings about conditions that are always true
// or always false. It folds literals and the operators over them, and knows
// that `false and x` is false and `true or x` true whatever x is; anything
// that reads a fact or a parameter is not constant. Numbers fold as long
// double, dates as day numbers, durations as months: enough to compare.
#pragma once

#include "common/calendar.hpp"
#include "common/numbers.hpp"
#include "parser/ast.hpp"

#include <cstdlib>
#include <optional>
#include <string>
#include <variant>

namespace entitle::sema {

using constant = std::variant<bool, long double, std::string>;

struct folder {
    using result_type = std::optional<constant>;

    static std::optional<long double> number(const std::optional<constant>& c) {
        if (c && std::holds_alternative<long double>(*c)) return std::get<long double>(*c);
        return std::nullopt;
    }
    static std::optional<bool> boolean(const std::optional<constant>& c) {
        if (c && std::holds_alternative<bool>(*c)) return std::get<bool>(*c);
        return std::nullopt;
    }

    result_type operator()(const ast::operand& o) const { return boost::apply_visitor(*this, o); }
    template <typename T>
    result_type operator()(const ast::x3::forward_ast<T>& n) const { return (*this)(n.get()); }
    result_type operator()(const ast::bool_lit& n) const { return constant(n.value); }
    result_type operator()(const ast::int_lit& n) const { return constant(static_cast<long double>(n.value)); }
    // A literal too long for long double is inf, not an exception.
    result_type operator()(const ast::decimal_lit& n) const { return constant(detail::literal_number(n.text)); }
    result_type operator()(const ast::money_lit& n) const { return constant(detail::literal_number(n.text)); }
    result_type operator()(const ast::duration_lit& n) const {
        if (n.unit == ast::duration_unit::days) return constant(static_cast<long double>(n.amount));
        return constant(static_cast<long double>(n.amount) * (n.unit == ast::duration_unit::years ? 12 : 1));
    }
    result_type operator()(const ast::date_lit& n) const {
        return constant(static_cast<long double>(detail::days_from_civil(n.year, n.month, n.day)));
    }
    result_type operator()(const ast::string_lit& n) const { return constant(n.value); }
    template <typename T>
    result_type operator()(const T&) const { return std::nullopt; }

    result_type operator()(const ast::unary& n) const {
        auto v = (*this)(n.rhs);
        for (auto it = n.ops.rbegin(); it != n.ops.rend(); ++it) {
            if (*it == ast::op::not_) {
                auto b = boolean(v);
                if (!b) return std::nullopt;
                v = constant(!*b);
            } else {
                auto x = number(v);
                if (!x) return std::nullopt;
                v = constant(-*x);
            }
        }
        return v;
    }
    result_type operator()(const ast::binary& n) const {
        if (n.rest.empty()) return (*this)(n.first);
        auto op = n.rest.front().oper;
        if (op == ast::op::and_ || op == ast::op::or_) {
            bool all_known = true;
            std::vector<const ast::operand*> parts{&n.first};
            for (auto& r : n.rest) parts.push_back(&r.rhs);
            for (auto* p : parts) {
                auto b = boolean((*this)(*p));
                if (b && *b == (op == ast::op::or_)) return constant(*b);  // decided
                if (!b) all_known = false;
            }
            if (all_known) return constant(op == ast::op::and_);
            return std::nullopt;
        }
        auto acc = number((*this)(n.first));
        for (auto& r : n.rest) {
            auto x = number((*this)(r.rhs));
            if (!acc || !x) return std::nullopt;
            switch (r.oper) {
                case ast::op::add: *acc += *x; break;
                case ast::op::sub: *acc -= *x; break;
                case ast::op::mul: *acc *= *x; break;
                case ast::op::div:
                    if (*x == 0) return std::nullopt;
                    *acc /= *x;
                    break;
                default: return std::nullopt;
            }
        }
        if (!acc) return std::nullopt;
        return constant(*acc);
    }
    result_type operator()(const ast::test& n) const {
        if (!n.rest) return (*this)(n.subject);
        auto subject = (*this)(n.subject);
        const folder& self = *this;
        struct tail_folder {
            const folder& f;
            const std::optional<constant>& s;
            result_type operator()(const ast::compare_tail& t) const {
                auto r = f(t.rhs);
                if (!s || !r || s->index() != r->index()) return std::nullopt;
                switch (t.oper) {
                    case ast::op::eq: return constant(*s == *r);
                    case ast::op::ne: return constant(*s != *r);
                    case ast::op::lt: return constant(*s < *r);
                    case ast::op::le: return constant(*s <= *r);
                    case ast::op::gt: return constant(*s > *r);
                    case ast::op::ge: return constant(*s >= *r);
                    default: return std::nullopt;
                }
            }
            result_type operator()(const ast::between_tail& t) const {
                auto lo = number(f(t.low)), hi = number(f(t.high));
                if (lo && hi && *lo > *hi) return constant(false);  // empty range
                auto x = number(s);
                if (!x || !lo || !hi) return std::nullopt;
                return constant(*lo <= *x && *x <= *hi);
            }
            result_type operator()(const ast::in_tail& t) const {
                if (!s) return std::nullopt;
                for (auto& item : t.items) {
                    auto v = f(item);
                    if (!v) return std::nullopt;
                    if (*v == *s) return constant(!t.negated);
                }
                return constant(t.negated);
            }
            result_type operator()(const ast::is_tail&) const { return std::nullopt; }
        };
        return boost::apply_visitor(tail_folder{self, subject}, *n.rest);
    }
    result_type operator()(const ast::conditional& n) const {
        auto c = boolean((*this)(n.cond));
        if (!c) return std::nullopt;
        return *c ? (*this)(n.then_) : (*this)(n.else_);
    }
    result_type operator()(const ast::group& n) const {
        bool all_known = true;
        bool decisive = n.kind == ast::group_kind::any;
        for (auto& c : n.items) {
            auto b = boolean((*this)(c.expr));
            if (b && *b == decisive) return constant(decisive);
            if (!b) all_known = false;
        }
        if (all_known) return constant(!decisive);
        return std::nullopt;
    }
};

}  // namespace entitle::sema
