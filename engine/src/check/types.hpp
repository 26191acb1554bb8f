// Types of the rules language and the built-in functions' signatures.
//
// A type is a base kind, a reference to a declared enum or record where the
// kind needs one, and a list flag (lists do not nest). `error` is the type of
// an expression that already produced a diagnostic: every rule accepts it
// silently, so one mistake is reported once, not at every use.
#pragma once

#include <string>
#include <vector>

namespace entitle::sema {

// `duration` counts months (`6 months`, `3 years`); `days` counts days (`730 days`):
// they never mix.
enum class kind { error, boolean, integer, decimal, money, string, date, duration, enumeration, record, days };

struct type {
    kind k = kind::error;
    int ref = -1;       // index of the enum or record, for those kinds
    bool list = false;  // a list of (k, ref)

    bool is_error() const { return k == kind::error; }
    bool is_numeric() const { return !list && (k == kind::integer || k == kind::decimal); }
    bool operator==(const type& o) const { return k == o.k && ref == o.ref && list == o.list; }
    bool operator!=(const type& o) const { return !(*this == o); }
    type element() const { return {k, ref, false}; }
    type as_list() const { return {k, ref, true}; }
};

inline type of(kind k) { return {k, -1, false}; }

// Names the checker prints need: enum and record names by index.
struct type_names {
    std::vector<std::string> enums;
    std::vector<std::string> records;
};

std::string to_string(const type& t, const type_names& names);

// Scalar types by the name a rules file writes ("int", "money", ...).
bool builtin_type(const std::string& name, type& out);
// All the scalar type names, for "did you mean".
const std::vector<std::string>& builtin_type_names();

// Both numeric (int or decimal), or both the same ordered kind.
bool ordered(const type& t);
bool comparable(const type& a, const type& b);

// The edit distance used for "did you mean" suggestions.
std::size_t edit_distance(const std::string& a, const std::string& b);
// The closest candidate within a small distance, or "".
std::string closest(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace entitle::sema
