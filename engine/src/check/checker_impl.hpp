// The checker's class, shared by the files of check/: checker.cpp
// (rulesets, declarations, bodies, warnings), expressions.cpp (typing),
// tables.cpp (gaps, overlaps, exhaustiveness) and citations (citations.cpp).
// Private to the check phase.
#pragma once

#include "check/checker.hpp"
#include "check/cycles.hpp"

#include "check/builtins.hpp"
#include "check/fold.hpp"
#include "common/calendar.hpp"

#include <algorithm>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace entitle::sema {

using src_ptr = std::shared_ptr<const source_file>;

inline std::string quote(const std::string& s) { return "'" + s + "'"; }

inline std::string where_text(const origin& o) {
    if (!o.source) return "built in";
    auto p = o.source->position(o.where.begin);
    return o.source->name() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

inline std::string label_of(const boost::optional<ast::string_lit>& l) { return l ? l->value : ""; }

// ---- the checker ----------------------------------------------------------------

struct local {
    std::string name;
    type t;
    bool item = true;  // an item of a list (quantifier or filter), not a function's parameter
};

struct env {
    int ruleset = -1;
    int subject = -1;  // record whose fields bare names refer to; -1 for none
    src_ptr source;
    std::vector<local> locals;
    const char* context = nullptr;  // "a parameter default", "a table value": no fields
    bool service_body = false;      // in a service or score, where points(score) may stand
};

class checker {
public:
    checker(program_data& p, const check_options& o, diagnostics& d) : prog_(p), options_(o), diags_(d) {}

    void run() {
        add_builtin_records();
        collect_rulesets();
        std::vector<int> order = topological_order();
        for (int r : order) declare(r);
        for (int r : order) check_bodies(r);
        check_cycles();
        for (int r : order) check_entitlements(r);
        warn_unused();
    }

private:
    program_data& prog_;
    const check_options& options_;
    diagnostics& diags_;
    std::vector<std::string> define_stack_;
    // Depth: the compiled tree of a declaration, counted as the compiler and
    // the evaluator will walk it (every operator, every define compiled into
    // its use), is bounded, so no walk can exhaust the stack (E103).
    static constexpr int max_levels = 400;
    static constexpr std::size_t max_define_nesting = 64;
    int level_ = 0;    // below the declaration being checked
    int deepest_ = 0;  // the most reached in it
    bool too_deep_reported_ = false;
    std::vector<int> define_depth_;  // by define: the depth of its body
    void reach(int depth, span where, const env& e);
    struct deeper {  // `by` levels more while an operand is checked
        checker& c;
        int by;
        deeper(checker& owner, int levels, span where, const env& e) : c(owner), by(levels) {
            c.level_ += by;
            c.reach(c.level_, where, e);
        }
        ~deeper() { c.level_ -= by; }
    };
    // A declaration's body checked on its own: depth counted from its root.
    struct declaration_depth {
        checker& c;
        int level, deepest;
        bool reported;
        explicit declaration_depth(checker& owner)
            : c(owner), level(owner.level_), deepest(owner.deepest_), reported(owner.too_deep_reported_) {
            c.level_ = 0;
            c.deepest_ = 0;
            c.too_deep_reported_ = false;
        }
        int depth() const { return c.deepest_; }
        ~declaration_depth() {
            c.level_ = level;
            c.deepest_ = deepest;
            c.too_deep_reported_ = reported;
        }
    };
    // What each definition uses: defines, tables, parameter defaults and
    // scores (through points_of). One cycle check over all of them (E210);
    // owners_ holds the definitions being checked, innermost last.
    enum class dep_kind { define, table, param, score };
    struct dep_node {
        dep_kind kind;
        int index;
        bool operator<(const dep_node& o) const { return std::tie(kind, index) < std::tie(o.kind, o.index); }
        bool operator==(const dep_node& o) const { return kind == o.kind && index == o.index; }
    };
    struct dep_edge {
        dep_node from, to;
        src_ptr source;
        span where;
    };
    std::vector<dep_node> owners_;
    std::vector<dep_edge> deps_;
    void depends_on(dep_node to, const src_ptr& source, span where) {
        if (!owners_.empty()) deps_.push_back({owners_.back(), to, source, where});
    }
    struct owning {  // a definition on owners_ while it is checked
        std::vector<dep_node>& owners;
        owning(std::vector<dep_node>& o, dep_node n) : owners(o) { owners.push_back(n); }
        ~owning() { owners.pop_back(); }
    };
    std::deque<ast::path> synthetic_;  // the record paths of `a.b.f(x)` calls, checked as paths
    std::unique_ptr<text_normalizer> normalizer_;

    // ---- names and scopes ----------------------------------------------------

    std::string type_text(const type& t) const { return to_string(t, prog_.names); }

    template <typename Map, typename Key>
    int lookup(int ruleset, Map scope::*member, const Key& key) const {
        for (int r = ruleset; r >= 0; r = prog_.rulesets[r].parent) {
            auto& m = prog_.rulesets[r].names.*member;
            auto it = m.find(key);
            if (it != m.end()) return it->second;
        }
        return -1;
    }

    template <typename Map>
    std::vector<std::string> visible_names(int ruleset, Map scope::*member) const {
        std::vector<std::string> out;
        for (int r = ruleset; r >= 0; r = prog_.rulesets[r].parent)
            for (auto& [k, v] : prog_.rulesets[r].names.*member) out.push_back(k);
        return out;
    }

    void suggest(diagnostic& d, const std::string& name, const std::vector<std::string>& candidates) {
        std::string best = closest(name, candidates);
        if (!best.empty()) d.notes.push_back("did you mean " + quote(best) + "?");
    }

    // Reports a second declaration of a name already visible from `ruleset`.
    bool duplicate(int existing, const origin& first, const std::string& what, const std::string& name,
                   const src_ptr& src, span where) {
        if (existing < 0) return false;
        auto& d = diags_.error("E205", what + " " + quote(name) + " is already declared", src, where);
        if (first.ruleset >= 0)
            d.notes.push_back("previous declaration at " + where_text(first) + " (ruleset " +
                              prog_.rulesets[first.ruleset].name + ")");
        d.notes.push_back("a ruleset cannot redefine a name; a city ruleset adds exceptions instead");
        return true;
    }

    void add_builtin_records() {
        record_info period;
        period.name = "Period";
        period.label = "期间";
        period.fields = {{"from", "起始日", of(kind::date), false, {}, nullptr, {}}, {"to", "终止日", of(kind::date), true, {}, nullptr, {}}};
        prog_.records.push_back(period);
        prog_.names.records.push_back("Period");
    }

    // ---- rulesets: grouping, headers, extends ------------------------------------

    void collect_rulesets() {
        std::map<std::string, int> index;
        for (auto& file : prog_.files) {
            if (!file.has_header) continue;
            const auto& h = file.tree.head;
            auto [it, fresh] = index.emplace(h.name.name, static_cast<int>(prog_.rulesets.size()));
            if (fresh) {
                prog_.rulesets.emplace_back();
                prog_.rulesets.back().name = h.name.name;
            }
            ruleset_data& rs = prog_.rulesets[it->second];
            rs.files.push_back(&file);
            auto once = [&](auto& slot, const auto& value, const char* what, span where) {
                if (!slot.empty()) {
                    diags_.error("E603", std::string("the ") + what + " of ruleset " + quote(rs.name) +
                                             " is given more than once", file.source, where)
                        .notes.push_back("give header attributes in one file of the ruleset only");
                    return false;
                }
                slot = value;
                return true;
            };
            if (h.title) once(rs.title, h.title->value, "title", h.title->where());
            if (h.extends) once(rs.extends, h.extends->name, "parent (extends)", h.extends->where());
            if (h.source && once(rs.source_path, h.source->value, "source", h.source->where())) {
                rs.header_source = file.source;
                rs.source_where = h.source->where();
            }
            if (!h.entitlements.empty()) {
                if (rs.entitlements.empty()) {
                    rs.entitlements = h.entitlements;
                    rs.entitlements_source = file.source;
                } else {
                    diags_.error("E603", "the entitlements of ruleset " + quote(rs.name) + " are given more than once",
                                 file.source, h.entitlements.front().where())
                        .notes.push_back("give header attributes in one file of the ruleset only");
                }
            }
            if (h.effective_to && !h.effective_from)
                diags_.error("E602", "'to' needs an 'effective' start date before it", file.source,
                             h.effective_to->where());
            for (auto* d : {h.effective_from.get_ptr(), h.effective_to.get_ptr()})
                if (d && !detail::valid_date(d->year, d->month, d->day))
                    diags_.error("E106", "not a calendar date", file.source, d->where());
            if (h.effective_from && h.effective_to) {
                auto& a = *h.effective_from;
                auto& b = *h.effective_to;
                if (!detail::valid_date(a.year, a.month, a.day) || !detail::valid_date(b.year, b.month, b.day))
                    continue;
                if (detail::days_from_civil(b.year, b.month, b.day) <= detail::days_from_civil(a.year, a.month, a.day))
                    diags_.error("E601", "the effective period ends before it starts", file.source,
                                 b.where());
            }
        }
        for (auto& rs : prog_.rulesets) {
            if (rs.extends.empty()) continue;
            auto it = index.find(rs.extends);
            const parser::parsed_file* f = nullptr;
            for (auto* file : rs.files)
                if (file->tree.head.extends) f = file;
            span where = f ? f->tree.head.extends->where() : span{};
            src_ptr src = f ? f->source : nullptr;
            if (rs.extends == rs.name) {
                diags_.error("E212", "ruleset " + quote(rs.name) + " extends itself", src, where);
                rs.broken = true;
            } else if (it == index.end()) {
                std::vector<std::string> known;
                for (auto& [k, v] : index) known.push_back(k);
                auto& d = diags_.error("E211", "unknown ruleset " + quote(rs.extends), src, where);
                suggest(d, rs.extends, known);
                d.notes.push_back("check the parent's files together with this one: entitle check rules/");
                rs.broken = true;
            } else {
                rs.parent = it->second;
            }
        }
    }

    std::vector<int> topological_order() {
        std::vector<int> order;
        std::vector<int> mark(prog_.rulesets.size(), 0);
        for (std::size_t i = 0; i < prog_.rulesets.size(); ++i) visit_ruleset(static_cast<int>(i), mark, order);
        return order;
    }

    void visit_ruleset(int r, std::vector<int>& mark, std::vector<int>& order) {
        if (mark[r] == 2) return;
        auto& rs = prog_.rulesets[r];
        if (mark[r] == 1) {
            const parser::parsed_file* f = nullptr;
            for (auto* file : rs.files)
                if (file->tree.head.extends) f = file;
            diags_.error("E212", "ruleset " + quote(rs.name) + " extends itself through its parents",
                         f ? f->source : nullptr, f ? f->tree.head.extends->where() : span{});
            rs.broken = true;
            rs.parent = -1;
            return;
        }
        mark[r] = 1;
        if (int parent = rs.parent; parent >= 0) {
            visit_ruleset(parent, mark, order);
            if (prog_.rulesets[parent].broken) rs.broken = true;
        }
        if (mark[r] == 1) {
            mark[r] = 2;
            order.push_back(r);
        }
    }

    // ---- declarations ------------------------------------------------------------

    // `for_field`: the type of a record's field, the one place `signed` means something.
    type resolve_type(int r, const ast::type_ref& t, const src_ptr& src, bool for_field = false) {
        type out;
        if (t.is_signed && !for_field)
            diags_.error("E304", "'signed' is for fields of records and entities (a profile's number that may be "
                                 "below zero), not here", src, t.where());
        if (t.name.name == "spells") {
            if (t.list) {
                diags_.error("E304", "'spells' is already a list (of Period); write 'spells'", src, t.where());
                return {};
            }
            return type{kind::record, 0, true};
        }
        if (builtin_type(t.name.name, out)) {
        } else if (int e = lookup(r, &scope::enums, t.name.name); e >= 0) {
            out = {kind::enumeration, e, false};
        } else if (int rec = (t.name.name == "Period") ? 0 : lookup(r, &scope::records, t.name.name); rec >= 0) {
            out = {kind::record, rec, false};
        } else {
            auto& d = diags_.error("E203", "unknown type " + quote(t.name.name), src, t.name.where());
            std::vector<std::string> candidates = builtin_type_names();
            for (auto& n : visible_names(r, &scope::enums)) candidates.push_back(n);
            for (auto& n : visible_names(r, &scope::records)) candidates.push_back(n);
            suggest(d, t.name.name, candidates);
            return {};
        }
        out.list = t.list;
        if (t.is_signed && for_field && !(out.k == kind::integer || out.k == kind::decimal || out.k == kind::money))
            diags_.error("E304", "'signed' is for numbers (int, decimal, money); " + quote(t.name.name) +
                                     " cannot be below zero", src, t.where());
        return out;
    }

    template <typename Info>
    origin first_origin(const std::vector<Info>& infos, int index) const {
        return index >= 0 ? infos[index].at : origin{};
    }

    void declare(int r) {
        auto& rs = prog_.rulesets[r];
        if (rs.broken) return;
        // Types first: enums and record names, so fields can refer to any of them.
        std::vector<std::pair<int, const ast::record_decl*>> records;
        std::vector<std::pair<int, src_ptr>> record_sources;
        std::map<int, origin> record_origins;
        for (auto* file : rs.files) {
            for (auto& decl : file->tree.decls) {
                if (auto* e = boost::get<ast::enum_decl>(&decl)) declare_enum(r, *e, file->source);
                if (auto* rec = boost::get<ast::record_decl>(&decl)) {
                    int existing = lookup(r, &scope::records, rec->name.name);
                    if (rec->name.name == "Period" || rec->name.name == "spells") {
                        diags_.error("E205", quote(rec->name.name) + " is a built-in type", file->source,
                                     rec->name.where());
                        continue;
                    }
                    if (existing >= 0 || lookup(r, &scope::enums, rec->name.name) >= 0) {
                        diags_.error("E205", "type " + quote(rec->name.name) + " is already declared",
                                     file->source, rec->name.where());
                        continue;
                    }
                    int index = static_cast<int>(prog_.records.size());
                    record_info info;
                    info.name = rec->name.name;
                    info.label = label_of(rec->label);
                    info.entity = rec->is_entity;
                    info.ruleset = r;
                    prog_.records.push_back(info);
                    prog_.names.records.push_back(info.name);
                    rs.names.records[info.name] = index;
                    records.push_back({index, rec});
                    record_sources.push_back({index, file->source});
                }
            }
        }
        for (std::size_t i = 0; i < records.size(); ++i) {
            auto [index, rec] = records[i];
            auto& src = record_sources[i].second;
            std::set<std::string> seen;
            for (auto& f : rec->fields) {
                if (!seen.insert(f.name.name).second) {
                    diags_.error("E205", "field " + quote(f.name.name) + " is declared twice in " + rec->name.name,
                                 src, f.name.where());
                    continue;
                }
                type t = resolve_type(r, f.type, src, true);
                prog_.records[index].fields.push_back(
                    {f.name.name, label_of(f.label), t, f.type.optional, {}, src, f.name.where(), f.type.is_signed});
            }
        }
        for (auto* file : rs.files)
            for (auto& decl : file->tree.decls)
                if (auto* x = boost::get<ast::extend_decl>(&decl)) extend_record(r, *x, file->source);
        refuse_recursive_records(r);
        for (auto* file : rs.files) {
            for (auto& decl : file->tree.decls) {
                if (auto* p = boost::get<ast::param_decl>(&decl)) declare_param(r, *p, file->source);
                if (auto* t = boost::get<ast::table_decl>(&decl)) declare_table(r, *t, file->source);
                if (auto* d = boost::get<ast::define_decl>(&decl)) declare_define(r, *d, file->source);
                if (auto* s = boost::get<ast::service_decl>(&decl)) declare_service(r, *s, file->source);
            }
        }
        // Exceptions name services, which may be declared in any file.
        for (auto* file : rs.files)
            for (auto& decl : file->tree.decls)
                if (auto* x = boost::get<ast::exception_decl>(&decl)) declare_exception(r, *x, file->source);
    }

    // The steps of a cycle joined by arrows; a long one by its start and its end.
    static std::string cycle_text(const std::vector<std::string>& steps) {
        std::string out;
        for (std::size_t k = 0; k < steps.size(); ++k) {
            if (steps.size() > 9 && k == 4) {
                out += " -> ... (" + std::to_string(steps.size() - 8) + " more)";
                k = steps.size() - 5;
                continue;
            }
            out += (k == 0 ? "" : " -> ") + steps[k];
        }
        return out;
    }

    // A record that contains itself, through its fields or those of the
    // records it holds (E219): profiles are finite trees, and loading one
    // must end. The field that closes the cycle is named.
    void refuse_recursive_records(int r) {
        struct held {  // a field of a record whose type is a record
            std::size_t owner;
            field_info* field;
        };
        std::vector<std::vector<std::pair<std::size_t, held>>> out(prog_.records.size());
        for (std::size_t i = 0; i < prog_.records.size(); ++i)  // a parent's record may close a cycle through this ruleset's fields
            for (auto& f : prog_.records[i].fields)
                if (f.t.k == kind::record && f.t.ref >= 0 && prog_.visible(f, r))
                    out[i].push_back({static_cast<std::size_t>(f.t.ref), {i, &f}});
        find_cycles(out, [&](const std::vector<held>& cycle) {
            field_info& closing = *cycle.back().field;
            if (closing.t.is_error()) return;  // reported already
            const std::string& name = prog_.records[cycle.front().owner].name;
            std::vector<std::string> steps;
            for (const held& h : cycle) steps.push_back(prog_.records[h.owner].name + "." + h.field->name);
            steps.push_back(name);
            diags_.error("E219", "record " + quote(name) + " contains itself: " + cycle_text(steps), closing.source,
                         closing.where)
                .notes.push_back("a profile is a tree of facts; give the related record's id (a string) instead");
            closing.t = {};  // checked no further
        });
    }

    // `extend entity Person { ... }`: fields a child ruleset adds to a parent's type.
    void extend_record(int r, const ast::extend_decl& x, const src_ptr& src) {
        int rec = lookup(r, &scope::records, x.name.name);
        if (x.name.name == "Period" || x.name.name == "spells") {
            diags_.error("E205", quote(x.name.name) + " is a built-in type and cannot be extended", src,
                         x.name.where());
            return;
        }
        if (rec < 0) {
            auto& d = diags_.error("E203", "unknown type " + quote(x.name.name) + " to extend", src, x.name.where());
            suggest(d, x.name.name, visible_names(r, &scope::records));
            return;
        }
        record_info& info = prog_.records[rec];
        if (info.ruleset == r) {
            diags_.error("E218", quote(x.name.name) + " is declared by this ruleset; add the fields to its declaration",
                         src, x.name.where())
                .notes.push_back("'extend' adds fields to a type of a parent ruleset");
            return;
        }
        std::set<std::string> seen;
        for (auto& f : x.fields) {
            if (!seen.insert(f.name.name).second) {
                diags_.error("E205", "field " + quote(f.name.name) + " is added twice to " + info.name, src,
                             f.name.where());
                continue;
            }
            type t = resolve_type(r, f.type, src, true);
            bool handled = false;
            for (auto& existing : info.fields) {
                if (existing.name != f.name.name) continue;
                handled = true;
                if (prog_.visible(existing, r)) {
                    std::string by = existing.added_by.empty()
                                         ? "declared with " + info.name + " (ruleset " +
                                               (info.ruleset >= 0 ? prog_.rulesets[info.ruleset].name : "built in") + ")"
                                         : "added by ruleset " + prog_.rulesets[existing.added_by.front()].name;
                    diags_.error("E205", "field " + quote(f.name.name) + " of " + info.name + " is already " + by, src,
                                 f.name.where())
                        .notes.push_back("a ruleset may add fields, not redeclare them; use the existing field");
                } else if (existing.t != t || existing.optional != f.type.optional ||
                           existing.is_signed != f.type.is_signed) {
                    diags_.error("E205", "field " + quote(f.name.name) + " of " + info.name +
                                             " is added by ruleset " + prog_.rulesets[existing.added_by.front()].name +
                                             " as " + type_text(existing.t) + "; here it is " + type_text(t),
                                 src, f.name.where())
                        .notes.push_back("rulesets that add a field of the same name to one type must agree on its type");
                } else {
                    existing.added_by.push_back(r);  // a sibling's field of the same shape: shared
                }
                break;
            }
            if (handled) continue;
            info.fields.push_back(
                {f.name.name, label_of(f.label), t, f.type.optional, {r}, src, f.name.where(), f.type.is_signed});
        }
    }

    void declare_exception(int r, const ast::exception_decl& x, const src_ptr& src) {
        int existing = lookup(r, &scope::exceptions, x.name.name);
        if (duplicate(existing, first_origin(prog_.exceptions, existing), "exception", x.name.name, src,
                      x.name.where()))
            return;
        exception_info info;
        info.name = x.name.name;
        info.title = label_of(x.title);
        info.grants = x.grants;
        info.decl = &x;
        info.at = {src, x.name.where(), r};
        info.service = lookup(r, &scope::services, x.service.name);
        if (info.service < 0) {
            auto& d = diags_.error("E214", "exception to unknown service " + quote(x.service.name), src,
                                   x.service.where());
            suggest(d, x.service.name, visible_names(r, &scope::services));
        } else if (prog_.services[info.service].is_score) {
            diags_.error("E216", quote(x.service.name) + " is a score; exceptions apply to services", src,
                         x.service.where())
                .notes.push_back("change a score's threshold or items with parameters");
            info.service = -1;
        }
        prog_.rulesets[r].names.exceptions[info.name] = static_cast<int>(prog_.exceptions.size());
        prog_.exceptions.push_back(info);
    }

    void declare_enum(int r, const ast::enum_decl& e, const src_ptr& src) {
        auto& rs = prog_.rulesets[r];
        if (lookup(r, &scope::enums, e.name.name) >= 0 || lookup(r, &scope::records, e.name.name) >= 0 ||
            e.name.name == "Period") {
            diags_.error("E205", "type " + quote(e.name.name) + " is already declared", src, e.name.where());
            return;
        }
        enum_info info;
        info.name = e.name.name;
        info.label = label_of(e.label);
        info.ruleset = r;
        for (auto& v : e.values) {
            if (info.index_of(v.name.name) >= 0) {
                diags_.error("E205", "enum value " + quote(v.name.name) + " is listed twice", src, v.name.where());
                continue;
            }
            info.values.push_back(v.name.name);
            info.labels.push_back(label_of(v.label));
        }
        if (info.values.empty())
            diags_.error("E209", "enum " + quote(e.name.name) + " has no values", src, e.name.where());
        rs.names.enums[info.name] = static_cast<int>(prog_.enums.size());
        prog_.enums.push_back(info);
        prog_.names.enums.push_back(e.name.name);
    }

    void declare_param(int r, const ast::param_decl& p, const src_ptr& src) {
        int existing = lookup(r, &scope::params, p.name.name);
        if (duplicate(existing, first_origin(prog_.params, existing), "parameter", p.name.name, src, p.name.where()))
            return;
        param_info info;
        info.name = p.name.name;
        info.label = label_of(p.label);
        info.unit = p.unit ? p.unit->value : "";
        info.t = resolve_type(r, p.type, src);
        if (!info.t.is_error() && (info.t.list || info.t.k == kind::record)) {
            diags_.error("E304", "a parameter holds a single value, not " + type_text(info.t), src, p.type.where());
            info.t = {};
        }
        info.decl = &p;
        info.at = {src, p.name.where(), r};
        prog_.rulesets[r].names.params[info.name] = static_cast<int>(prog_.params.size());
        prog_.params.push_back(info);
    }

    void declare_table(int r, const ast::table_decl& t, const src_ptr& src) {
        int existing = lookup(r, &scope::tables, t.name.name);
        if (duplicate(existing, first_origin(prog_.tables, existing), "table", t.name.name, src, t.name.where()))
            return;
        if (find_builtin(t.name.name)) {
            diags_.error("E205", quote(t.name.name) + " is a built-in function", src, t.name.where());
            return;
        }
        table_info info;
        info.name = t.name.name;
        info.label = label_of(t.label);
        info.key = resolve_type(r, t.key_type, src);
        info.value = resolve_type(r, t.value_type, src);
        if (!info.key.is_error() && (info.key.list || !(ordered(info.key) || info.key.k == kind::enumeration))) {
            diags_.error("E404", "a table key must be an enum, int, decimal, money, date or duration, not " +
                                     type_text(info.key), src, t.key_type.where());
            info.key = {};
        }
        info.decl = &t;
        info.at = {src, t.name.where(), r};
        prog_.rulesets[r].names.tables[info.name] = static_cast<int>(prog_.tables.size());
        prog_.tables.push_back(info);
    }

    int subject_record(int r, const ast::identifier& name, const src_ptr& src, bool need_entity,
                       const char* what) {
        int rec = name.name == "Period" ? 0 : lookup(r, &scope::records, name.name);
        if (rec < 0) {
            bool is_enum = lookup(r, &scope::enums, name.name) >= 0;
            auto& d = diags_.error(need_entity ? "E206" : "E203",
                                   std::string(what) + " for " + (is_enum ? "enum " : "undeclared entity ") +
                                       quote(name.name),
                                   src, name.where());
            if (!is_enum) suggest(d, name.name, visible_names(r, &scope::records));
            return -1;
        }
        if (need_entity && !prog_.records[rec].entity) {
            diags_.error("E207", std::string(what) + " for " + quote(name.name) + ", which is a record, not an entity",
                         src, name.where())
                .notes.push_back("services apply to entities (a person, a household, a compound, a county); "
                                 "declare it with 'entity'");
            return -1;
        }
        return rec;
    }

    void declare_define(int r, const ast::define_decl& d, const src_ptr& src) {
        int rec = -1;
        if (d.subject) {
            rec = subject_record(r, *d.subject, src, false, "define");
            if (rec < 0) return;
        }
        int existing = lookup(r, &scope::defines, std::make_pair(rec, d.name.name));
        if (duplicate(existing, first_origin(prog_.defines, existing), "define", d.name.name, src, d.name.where()))
            return;
        if (rec >= 0 && prog_.records[rec].field(d.name.name)) {
            diags_.error("E205", "define " + quote(d.name.name) + " has the name of a field of " +
                                     prog_.records[rec].name, src, d.name.where());
            return;
        }
        if ((d.params || rec < 0) && (find_builtin(d.name.name) || lookup(r, &scope::tables, d.name.name) >= 0)) {
            diags_.error("E205", quote(d.name.name) + " is already the name of a " +
                                     (find_builtin(d.name.name) ? "built-in function" : "table"), src, d.name.where());
            return;
        }
        define_info info;
        info.name = d.name.name;
        info.label = label_of(d.label);
        info.record = rec;
        info.function = d.params.has_value();
        if (d.params) {
            std::set<std::string> names;
            for (auto& p : *d.params) {
                if (!names.insert(p.name.name).second)
                    diags_.error("E205", "parameter " + quote(p.name.name) + " is listed twice", src, p.name.where());
                info.params.push_back({p.name.name, resolve_type(r, p.type, src)});
            }
        }
        info.decl = &d;
        info.at = {src, d.name.where(), r};
        prog_.rulesets[r].names.defines[{rec, info.name}] = static_cast<int>(prog_.defines.size());
        prog_.defines.push_back(info);
    }

    void declare_service(int r, const ast::service_decl& s, const src_ptr& src) {
        int existing = lookup(r, &scope::services, s.name.name);
        if (duplicate(existing, first_origin(prog_.services, existing), s.is_score ? "score" : "service",
                      s.name.name, src, s.name.where()))
            return;
        service_info info;
        info.name = s.name.name;
        info.title = label_of(s.title);
        info.is_score = s.is_score;
        info.record = subject_record(r, s.subject, src, true, s.is_score ? "score" : "service");
        info.decl = &s;
        info.at = {src, s.name.where(), r};
        prog_.rulesets[r].names.services[info.name] = static_cast<int>(prog_.services.size());
        prog_.services.push_back(info);
    }

    // ---- bodies ------------------------------------------------------------------

    void check_bodies(int r) {
        if (prog_.rulesets[r].broken) return;
        for (std::size_t i = 0; i < prog_.params.size(); ++i)
            if (prog_.params[i].at.ruleset == r) check_param(prog_.params[i]);
        for (std::size_t i = 0; i < prog_.tables.size(); ++i)
            if (prog_.tables[i].at.ruleset == r) check_table(prog_.tables[i]);
        for (std::size_t i = 0; i < prog_.defines.size(); ++i)
            if (prog_.defines[i].at.ruleset == r) check_define(static_cast<int>(i));
        for (std::size_t i = 0; i < prog_.services.size(); ++i)
            if (prog_.services[i].at.ruleset == r) check_service(prog_.services[i]);
        for (std::size_t i = 0; i < prog_.exceptions.size(); ++i)
            if (prog_.exceptions[i].at.ruleset == r) check_exception(prog_.exceptions[i]);
        refuse_priority_cycles(r);
    }

    // Exceptions that are each `over` the other (directly or round a ring)
    // leave no order between them (E215): both would apply and neither win.
    // A ruleset's exceptions may be over its parent's, never the reverse, so
    // a ring lies within one ruleset.
    void refuse_priority_cycles(int r) {
        std::vector<std::vector<std::pair<std::size_t, std::size_t>>> out(prog_.exceptions.size());
        for (std::size_t i = 0; i < prog_.exceptions.size(); ++i)
            if (prog_.exceptions[i].at.ruleset == r && prog_.exceptions[i].over >= 0)
                out[i].push_back({static_cast<std::size_t>(prog_.exceptions[i].over), i});
        find_cycles(out, [&](const std::vector<std::size_t>& cycle) {
            std::string ring;
            for (std::size_t i : cycle) ring += quote(prog_.exceptions[i].name) + " over ";
            ring += quote(prog_.exceptions[cycle.front()].name);
            exception_info& closing = prog_.exceptions[cycle.back()];
            diags_.error("E215", "exceptions to " + quote(prog_.services[closing.service].name) +
                                     " are each over the other: " + ring,
                         closing.at.source, closing.decl->over->where())
                .notes.push_back("'over' orders exceptions that can both apply; one of them must come first");
            closing.over = -1;
        });
    }

    void check_exception(exception_info& x) {
        if (x.service < 0) return;
        const service_info& s = prog_.services[x.service];
        declaration_depth own(*this);
        env e{x.at.ruleset, s.record, x.at.source, {}, nullptr};
        bool has_condition = false;
        for (auto& member : x.decl->members) {
            if (auto* c = boost::get<ast::seed_cite>(&member)) check_seed_cite(x.at, *c);
            if (auto* c = boost::get<ast::external_cite>(&member)) check_external_cite(x.at, *c);
            if (auto* q = boost::get<ast::requirement>(&member)) {
                has_condition = true;
                if (s.record >= 0) condition(q->cond, e);
            }
        }
        if (!has_condition)
            diags_.error("E217", "exception " + quote(x.name) + " has no 'when' condition", x.at.source, x.at.where)
                .notes.push_back("an exception applies when its conditions hold; without any it would replace the "
                                 "service outright");
        if (x.decl->over) {
            const std::string& other = x.decl->over->name;
            int o = lookup(x.at.ruleset, &scope::exceptions, other);
            if (o < 0 || prog_.exceptions[o].service != x.service || o == static_cast<int>(&x - prog_.exceptions.data())) {
                std::vector<std::string> candidates;
                for (auto& other_x : prog_.exceptions)
                    if (other_x.service == x.service && other_x.name != x.name) candidates.push_back(other_x.name);
                auto& d = diags_.error("E215", quote(other) + " is not another exception to " + quote(s.name),
                                       x.at.source, x.decl->over->where());
                suggest(d, other, candidates);
            } else {
                x.over = o;
            }
        }
    }

    void check_param(param_info& p) {
        if (!p.decl->default_value) return;
        owning value(owners_, {dep_kind::param, static_cast<int>(&p - prog_.params.data())});
        declaration_depth own(*this);
        env e{p.at.ruleset, -1, p.at.source, {}, "a parameter value"};
        type t = expr(*p.decl->default_value, e, &p.t);
        expect_type(t, p.t, *p.decl->default_value, e, "the default of parameter " + quote(p.name));
    }

    void check_define(int index) {
        define_info& d = prog_.defines[index];
        if (d.progress != define_info::state::unchecked) return;
        d.progress = define_info::state::checking;
        define_stack_.push_back(d.name);
        owning body(owners_, {dep_kind::define, index});
        declaration_depth own(*this);
        env e{d.at.ruleset, d.record, d.at.source, {}, nullptr};
        for (auto& [name, t] : d.params) e.locals.push_back({name, t, false});
        type t = expr(d.decl->value, e);
        define_stack_.pop_back();
        if (define_depth_.size() <= static_cast<std::size_t>(index)) define_depth_.resize(prog_.defines.size(), 0);
        // Too deep: reported here once, not again at every use.
        define_depth_[static_cast<std::size_t>(index)] = own.depth() > max_levels ? 0 : own.depth();
        // A cycle found while checking may already have marked this define.
        if (prog_.defines[index].progress == define_info::state::checking) {
            prog_.defines[index].t = t;
            prog_.defines[index].progress = define_info::state::checked;
        }
    }

    void check_service(service_info& s) {
        const auto& decl = *s.decl;
        declaration_depth own(*this);
        env e{s.at.ruleset, s.record, s.at.source, {}, nullptr};
        e.service_body = true;
        int self = static_cast<int>(&s - prog_.services.data());
        bool has_threshold = false;
        std::set<std::string> items;
        for (auto& member : decl.members) {
            if (auto* c = boost::get<ast::seed_cite>(&member)) check_seed_cite(s.at, *c);
            if (auto* c = boost::get<ast::external_cite>(&member)) check_external_cite(s.at, *c);
            if (s.record < 0) continue;  // the subject is unknown: names cannot resolve
            if (auto* q = boost::get<ast::requirement>(&member)) condition(q->cond, e);
            if (auto* item = boost::get<ast::score_item>(&member)) {
                if (!s.is_score) {
                    diags_.error("E310", "only a score has items; " + quote(s.name) + " is a service",
                                 s.at.source, item->name.where())
                        .notes.push_back("declare it with 'score' to add points");
                    continue;
                }
                if (!items.insert(item->name.name).second)
                    diags_.error("E205", "item " + quote(item->name.name) + " appears twice in score " + quote(s.name),
                                 s.at.source, item->name.where());
                owning items_of(owners_, {dep_kind::score, self});
                type t = expr(item->value, e);
                expect_numeric(t, item->value, e, "score item " + quote(item->name.name));
                if (item->cap) expect_numeric(expr(*item->cap, e), *item->cap, e, "the cap of item " + quote(item->name.name));
            }
            if (auto* th = boost::get<ast::threshold>(&member)) {
                if (!s.is_score) {
                    diags_.error("E310", "only a score has a threshold; " + quote(s.name) + " is a service",
                                 s.at.source, ast::span_of(th->value));
                    continue;
                }
                if (has_threshold)
                    diags_.error("E205", "score " + quote(s.name) + " has more than one threshold", s.at.source,
                                 ast::span_of(th->value));
                has_threshold = true;
                expect_numeric(expr(th->value, e), th->value, e, "the threshold");
            }
        }
        if (s.is_score && !has_threshold && s.record >= 0)
            diags_.error("E311", "score " + quote(s.name) + " has no threshold", s.at.source, s.at.where)
                .notes.push_back("add a line such as: threshold param points.standard");
    }

    std::string dep_name(const dep_node& n) const {
        switch (n.kind) {
            case dep_kind::define: return prog_.defines[n.index].name;
            case dep_kind::table: return "table " + prog_.tables[n.index].name;
            case dep_kind::param: return "parameter " + prog_.params[n.index].name;
            default: return "score " + prog_.services[n.index].name;
        }
    }

    // A definition that uses itself, directly or through others: defines
    // (reported as they are checked), tables, parameter defaults, scores.
    void check_cycles() {
        std::map<dep_node, std::size_t> id;  // the nodes that use something, or are used
        for (const auto& edge : deps_) {
            id.emplace(edge.from, id.size());
            id.emplace(edge.to, id.size());
        }
        std::vector<std::vector<std::pair<std::size_t, const dep_edge*>>> out(id.size());
        for (const auto& edge : deps_) out[id.at(edge.from)].push_back({id.at(edge.to), &edge});
        find_cycles(out, [&](const std::vector<const dep_edge*>& cycle) { report_cycle(cycle); });
    }

    // A cycle, its edges in order, the last one closing it.
    void report_cycle(const std::vector<const dep_edge*>& cycle) {
        const dep_edge& closing = *cycle.back();
        bool defines_only = std::all_of(cycle.begin(), cycle.end(), [](const dep_edge* e) {
            return e->from.kind == dep_kind::define && e->to.kind == dep_kind::define;
        });
        if (defines_only) return;  // reported when the define was checked
        const dep_node& first = closing.to;
        if (cycle.size() == 1 && first.kind == dep_kind::score) {
            const std::string& name = prog_.services[first.index].name;
            diags_.error("E210", "score " + quote(name) + " depends on its own points through points_of(" + name + ")",
                         closing.source, closing.where)
                .notes.push_back("a score's items may read other scores' points, never in a cycle");
            return;
        }
        std::vector<std::string> steps{dep_name(first)};
        for (const dep_edge* e : cycle) steps.push_back(dep_name(e->to));
        std::string chain = cycle_text(steps);
        auto& d = diags_.error("E210", dep_name(first) + " depends on itself: " + chain, closing.source, closing.where);
        d.notes.push_back("defines, functions, tables, parameter defaults and scores may not use themselves; "
                          "the language has no loops but quantifiers");
    }

    // A labelled condition: must be bool; constant ones get a warning.
    void condition(const ast::condition& c, env& e) {
        type t = expr(c.expr, e);
        expect_bool(t, c.expr, e, "a condition");
        if (t.is_error()) return;
        auto value = folder{}(c.expr);
        if (value && std::holds_alternative<bool>(*value)) {
            bool b = std::get<bool>(*value);
            diags_.warning(b ? "W101" : "W102",
                           std::string("this condition is always ") + (b ? "true" : "false"), e.source,
                           ast::span_of(c.expr))
                .notes.push_back(b ? "it never decides anything; remove it or fix the comparison"
                                   : "no one can ever meet it; check the numbers");
        }
    }

    // ---- expressions ---------------------------------------------------------------

    void expect_bool(const type& t, const ast::operand& o, env& e, const std::string& what) {
        if (t.is_error() || (t.k == kind::boolean && !t.list)) return;
        diags_.error("E303", what + " must be true or false, but this is " + type_text(t), e.source, ast::span_of(o));
    }

    void expect_numeric(const type& t, const ast::operand& o, env& e, const std::string& what) {
        if (t.is_error() || t.is_numeric()) return;
        diags_.error("E304", what + " must be a number (int or decimal), but this is " + type_text(t), e.source,
                     ast::span_of(o));
    }

    void expect_type(const type& got, const type& want, const ast::operand& o, env& e, const std::string& what) {
        if (got.is_error() || want.is_error() || got == want) return;
        if (want.k == kind::decimal && got.is_numeric() && !want.list) return;
        auto& d = diags_.error("E304", what + " must be " + type_text(want) + ", but this is " + type_text(got),
                               e.source, ast::span_of(o));
        unit_hint(d, got, want);
    }

    // The notes that explain the common unit mistakes.
    void unit_hint(diagnostic& d, const type& a, const type& b) {
        auto is = [](const type& t, kind k) { return !t.list && t.k == k; };
        auto either = [&](kind x, kind y) {
            return (is(a, x) && (is(b, y))) || (is(a, y) && is(b, x));
        };
        if (either(kind::duration, kind::days))
            d.notes.push_back("months and days are different units: count both in days ('730 days', "
                              "counting: days) or both in months ('24 months')");
        else if (either(kind::days, kind::integer) || either(kind::days, kind::decimal))
            d.notes.push_back("write the unit on the number: '730 days'");
        else if (either(kind::duration, kind::integer) || either(kind::duration, kind::decimal))
            d.notes.push_back("write the unit on the number: '36 months' or '3 years'");
        else if (either(kind::money, kind::integer) || either(kind::money, kind::decimal))
            d.notes.push_back("write amounts of money with their unit: '3000 yuan'");
        else if (either(kind::date, kind::integer))
            d.notes.push_back("write dates as YYYY-MM-DD, or take a part with year(d)");
        else if (either(kind::date, kind::duration))
            d.notes.push_back("a date is a point in time and a duration a length of time; "
                              "use months_between(a, b) or total(spells)");
    }

    type expr(const ast::operand& o, env& e, const type* hint = nullptr);

    friend struct expr_visitor;

    type path_type(const ast::path& p, env& e, const type* hint);
    type member(const type& base, const ast::identifier& name, env& e);
    type use_define(int d, const ast::identifier& name, env& e);
    type function_call(int d, const ast::call& call, env& e, bool has_subject);
    type points_call(const ast::call& call, env& e);
    type call_type(const ast::call& c, env& e);
    type arith(const type& a, ast::op op, const type& b, const ast::operation& where, env& e);
    type test_type(const ast::test& t, env& e);
    type quantifier_type(const ast::quantifier& q, env& e);

    // ---- tables --------------------------------------------------------------------

    void check_table(table_info& t);

    // ---- citations -------------------------------------------------------------------

    int text_owner(int r) const {
        for (; r >= 0; r = prog_.rulesets[r].parent)
            if (!prog_.rulesets[r].source_path.empty()) return r;
        return -1;
    }

    const cited_text* load_text(int r);
    void check_seed_cite(const origin& s, const ast::seed_cite& c);
    void check_entitlements(int ruleset);
    bool check_paragraph(const cited_text& text, const ast::int_lit& n, const std::shared_ptr<const source_file>& in);
    void check_external_cite(const origin& s, const ast::external_cite& c);

    void warn_unused();
};

}  // namespace entitle::sema
