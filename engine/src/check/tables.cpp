// Lookup tables: key and value types, gaps, overlaps, exhaustiveness.
#include "check/checker_impl.hpp"

#include <cmath>

namespace entitle::sema {

// ---- tables ------------------------------------------------------------------------------

void checker::check_table(table_info& t) {
    const ast::table_decl& decl = *t.decl;
    owning rows(owners_, {dep_kind::table, static_cast<int>(&t - prog_.tables.data())});
    declaration_depth own(*this);
    env e{t.at.ruleset, -1, t.at.source, {}, "a table"};
    if (decl.rows.empty()) {
        diags_.error("E405", "table " + quote(t.name) + " has no rows", t.at.source, t.at.where);
        return;
    }
    bool has_else = false;
    bool enum_key = !t.key.is_error() && t.key.k == kind::enumeration;
    bool discrete = !t.key.is_error() && (t.key.k == kind::integer || t.key.k == kind::date ||
                                          t.key.k == kind::duration);
    struct interval {
        long double lo, hi;
        bool hi_inclusive;
        const ast::table_row* row;
    };
    std::vector<interval> intervals;
    std::vector<int> enum_rows;
    const long double inf = HUGE_VALL;
    for (auto& row : decl.rows) {
        expect_type(expr(row.value, e, &t.value), t.value, row.value, e, "a value of table " + quote(t.name));
        if (row.key.kind == ast::key_kind::otherwise) {
            if (has_else)
                diags_.error("E402", "table " + quote(t.name) + " has two 'else' rows", t.at.source, row.key.where());
            has_else = true;
            continue;
        }
        if (t.key.is_error()) continue;
        auto key_value = [&](const ast::operand& o) -> std::optional<long double> {
            type k = expr(o, e, &t.key);
            if (k.is_error()) return std::nullopt;
            if (enum_key) {
                if (k != t.key) {
                    expect_type(k, t.key, o, e, "a key of table " + quote(t.name));
                    return std::nullopt;
                }
                return 0;
            }
            if (!comparable(k, t.key)) {
                expect_type(k, t.key, o, e, "a key of table " + quote(t.name));
                return std::nullopt;
            }
            return folder::number(folder{}(o));
        };
        if (row.key.kind == ast::key_kind::range) {
            if (enum_key) {
                diags_.error("E405", "an enum key takes values, not ranges", t.at.source, row.key.where());
                continue;
            }
            bool open_lo = boost::get<ast::nil>(&row.key.low) != nullptr;
            bool open_hi = boost::get<ast::nil>(&row.key.high) != nullptr;
            std::optional<long double> lo = open_lo ? std::optional<long double>(-inf) : key_value(row.key.low);
            std::optional<long double> hi = open_hi ? std::optional<long double>(inf) : key_value(row.key.high);
            if (!lo || !hi) continue;
            bool inclusive = !row.key.half_open;
            if (discrete && !inclusive && !open_hi) {
                *hi -= 1;
                inclusive = true;
            }
            if (*lo > *hi || (!inclusive && *lo == *hi)) {
                diags_.error("E406", "this range is empty", t.at.source, row.key.where());
                continue;
            }
            intervals.push_back({*lo, *hi, inclusive || open_hi, &row});
        } else if (enum_key) {
            if (!key_value(row.key.low)) continue;
            const auto* p = boost::get<ast::path>(&row.key.low);
            int index = prog_.enums[t.key.ref].index_of(p ? p->parts.back().name : "");
            if (index < 0) continue;
            if (std::find(enum_rows.begin(), enum_rows.end(), index) != enum_rows.end()) {
                diags_.error("E402", "key " + quote(prog_.enums[t.key.ref].values[index]) +
                                         " appears twice in table " + quote(t.name), t.at.source, row.key.where());
                continue;
            }
            enum_rows.push_back(index);
        } else {
            auto v = key_value(row.key.low);
            if (v) intervals.push_back({*v, *v, true, &row});
        }
    }
    if (enum_key && !has_else) {
        std::string missing;
        const enum_info& en = prog_.enums[t.key.ref];
        for (std::size_t i = 0; i < en.values.size(); ++i)
            if (std::find(enum_rows.begin(), enum_rows.end(), static_cast<int>(i)) == enum_rows.end())
                missing += (missing.empty() ? "" : ", ") + en.values[i];
        if (!missing.empty())
            diags_.error("E403", "table " + quote(t.name) + " has no row for " + missing, t.at.source, t.at.where)
                .notes.push_back("add the rows, or an 'else' row for the rest");
    }
    std::sort(intervals.begin(), intervals.end(),
              [](const interval& a, const interval& b) { return a.lo < b.lo; });
    for (std::size_t i = 1; i < intervals.size(); ++i) {
        const interval& prev = intervals[i - 1];
        const interval& cur = intervals[i];
        bool overlap = cur.lo < prev.hi || (cur.lo == prev.hi && prev.hi_inclusive);
        // Discrete keys (int, date, duration) are contiguous when the next row
        // starts one after; continuous ones when a `..<` row meets the next.
        bool gap = discrete ? cur.lo > prev.hi + 1 : cur.lo > prev.hi;
        if (overlap) {
            auto pos = t.at.source->position(prev.row->begin);
            diags_.error("E402", "rows of table " + quote(t.name) + " overlap", t.at.source, cur.row->key.where())
                .notes.push_back("it overlaps the row on line " + std::to_string(pos.line));
        } else if (gap && !has_else) {
            auto pos = t.at.source->position(prev.row->begin);
            diags_.error("E401", "table " + quote(t.name) + " has a gap before this row", t.at.source,
                         cur.row->key.where())
                .notes.push_back("no row covers the keys between this row and the row on line " +
                                 std::to_string(pos.line) + "; add one, or an 'else' row");
        }
    }
}

}  // namespace entitle::sema
