#include "check/types.hpp"

#include <algorithm>
#include <cstdint>

namespace entitle::sema {

namespace {
struct named_kind {
    const char* name;
    kind k;
};
const named_kind scalar_types[] = {
    {"bool", kind::boolean},   {"int", kind::integer},  {"decimal", kind::decimal},
    {"money", kind::money},    {"string", kind::string}, {"date", kind::date},
    {"duration", kind::duration}, {"days", kind::days},
};
}  // namespace

std::string to_string(const type& t, const type_names& names) {
    std::string base;
    switch (t.k) {
        case kind::error: return "an erroneous type";
        case kind::enumeration:
            base = t.ref >= 0 && t.ref < static_cast<int>(names.enums.size()) ? names.enums[t.ref] : "enum";
            break;
        case kind::record:
            base = t.ref >= 0 && t.ref < static_cast<int>(names.records.size()) ? names.records[t.ref] : "record";
            break;
        default:
            for (auto& s : scalar_types)
                if (s.k == t.k) base = s.name;
    }
    return t.list ? "list of " + base : base;
}

bool builtin_type(const std::string& name, type& out) {
    for (auto& s : scalar_types)
        if (name == s.name) {
            out = of(s.k);
            return true;
        }
    return false;
}

const std::vector<std::string>& builtin_type_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (auto& s : scalar_types) v.push_back(s.name);
        v.push_back("spells");
        return v;
    }();
    return names;
}

bool ordered(const type& t) {
    if (t.list) return false;
    switch (t.k) {
        case kind::integer: case kind::decimal: case kind::money: case kind::date:
        case kind::duration: case kind::days: case kind::error:
            return true;
        default:
            return false;
    }
}

bool comparable(const type& a, const type& b) {
    if (a.is_error() || b.is_error()) return true;
    if (a.is_numeric() && b.is_numeric()) return true;
    return a == b && !a.list;
}

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbours (`alhpa` is one edit from `alpha`).
std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

std::string closest(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(1, name.size() / 3) + 1, best_exact = SIZE_MAX;
    for (const auto& c : candidates) {
        std::size_t exact = edit_distance(name, c), d = exact;
        // A name that extends another (pension_month, pension) is a near miss too;
        // between near misses the smaller true distance wins.
        bool prefix = std::min(name.size(), c.size()) >= 4 &&
                      (name.compare(0, c.size(), c) == 0 || c.compare(0, name.size(), name) == 0);
        if (prefix) d = std::min<std::size_t>(d, 1);
        if (d < best_distance || (d == best_distance && exact < best_exact)) {
            best_distance = d;
            best_exact = exact;
            best = c;
        }
    }
    return best;
}

}  // namespace entitle::sema
