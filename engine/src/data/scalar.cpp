#include "data/scalar.hpp"

#include "common/calendar.hpp"
#include "common/numbers.hpp"

#include <entitle/engine.hpp>

#include <cmath>
#include <cstdlib>

namespace entitle::data {

using eval::value;
using eval::vk;

namespace {

bool integer(const std::string& s, std::int64_t& out) {
    if (s.empty() || s.size() > 18) return false;
    std::size_t i = s[0] == '-' ? 1 : 0;
    if (i == s.size()) return false;
    std::int64_t v = 0;
    for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    out = s[0] == '-' ? -v : v;
    return true;
}

bool number(const std::string& s, double& out) { return detail::parse_number(s, out); }

}  // namespace

std::optional<value> scalar_value(const std::string& text, const sema::type& t, const sema::program_data& schema,
                                  std::deque<std::string>& strings, scalar_error& error) {
    auto fail = [&](const std::string& what) -> std::optional<value> {
        error = {"E703", "expected " + what};
        return std::nullopt;
    };
    switch (t.k) {
        case sema::kind::boolean:
            if (text == "true" || text == "false") return value::boolean(text == "true");
            return fail("true or false");
        case sema::kind::integer: {
            std::int64_t v;
            if (!integer(text, v)) return fail("a whole number");
            return value::of(vk::integer, v);
        }
        case sema::kind::decimal: {
            double v;
            if (!number(text, v)) return fail("a number");
            return value::decimal(v);
        }
        case sema::kind::money: {
            double v;
            if (!number(text, v) || std::fabs(v) > 9e15) return fail("an amount in yuan");
            return value::of(vk::money, std::llround(v * 100));
        }
        case sema::kind::string: {
            strings.push_back(text);
            return value::string(&strings.back());
        }
        case sema::kind::date: {
            auto d = parse_date(text);
            if (!d) return fail("a date (YYYY-MM-DD)");
            if (d->year < 1900 || d->year > 2199) return fail("a date between 1900-01-01 and 2199-12-31");
            return value::of(vk::date, detail::days_from_civil(d->year, d->month, d->day));
        }
        case sema::kind::duration: {
            // "6 months", "3 years", or a bare number of months.
            std::int64_t n;
            auto space = text.find(' ');
            std::string amount = text.substr(0, space), unit = space == std::string::npos ? "" : text.substr(space + 1);
            if (!integer(amount, n) || n < 0 || n > 100000) return fail("a duration (\"6 months\", \"3 years\")");
            if (unit.empty() || unit == "months" || unit == "month") return value::of(vk::duration, n);
            if (unit == "years" || unit == "year") return value::of(vk::duration, n * 12);
            return fail("a duration (\"6 months\", \"3 years\")");
        }
        case sema::kind::days: {
            // "730 days", or a bare number of days.
            std::int64_t n;
            auto space = text.find(' ');
            std::string amount = text.substr(0, space), unit = space == std::string::npos ? "" : text.substr(space + 1);
            if (!integer(amount, n) || n < 0 || n > 3650000 || !(unit.empty() || unit == "days" || unit == "day"))
                return fail("a number of days (\"730 days\")");
            return value::of(vk::days, n);
        }
        case sema::kind::enumeration: {
            const auto& en = schema.enums[t.ref];
            int index = en.index_of(text);
            if (index < 0) {
                std::string best = sema::closest(text, en.values), all;
                for (auto& v : en.values) all += (all.empty() ? "" : ", ") + v;
                error = {"E706", "'" + text + "' is not a value of " + en.name +
                                     (best.empty() ? " (" + all + ")" : "; did you mean '" + best + "'?")};
                return std::nullopt;
            }
            return value::enumeration(t.ref, index);
        }
        default:
            return fail(sema::to_string(t, schema.names));
    }
}

}  // namespace entitle::data
