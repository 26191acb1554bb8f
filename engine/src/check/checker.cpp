#include "check/checker.hpp"

#include "check/builtins.hpp"
#include "check/fold.hpp"
#include "common/calendar.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <variant>

namespace entitle::sema {

namespace {

using src_ptr = std::shared_ptr<const source_file>;

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string where_text(const origin& o) {
    if (!o.source) return "built in";
    auto p = o.source->position(o.where.begin);
    return o.source->name() + ":" + std::to_string(p.line) + ":" + std::to_string(p.column);
}

std::string label_of(const boost::optional<ast::string_lit>& l) { return l ? l->value : ""; }

// ---- the checker ----------------------------------------------------------------

struct local {
    std::string name;
    type t;
};

struct env {
    int ruleset = -1;
    int subject = -1;  // record whose fields bare names refer to; -1 for none
    src_ptr source;
    std::vector<local> locals;
    const char* context = nullptr;  // "a parameter default", "a table value": no fields
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
        warn_unused();
    }

private:
    program_data& prog_;
    const check_options& options_;
    diagnostics& diags_;
    std::vector<std::string> define_stack_;
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
        period.fields = {{"from", "起始日", of(kind::date), false}, {"to", "终止日", of(kind::date), true}};
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

    type resolve_type(int r, const ast::type_ref& t, const src_ptr& src) {
        type out;
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
                type t = resolve_type(r, f.type, src);
                prog_.records[index].fields.push_back({f.name.name, label_of(f.label), t, f.type.optional});
            }
        }
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
        int rec = subject_record(r, d.subject, src, false, "define");
        if (rec < 0) return;
        int existing = lookup(r, &scope::defines, std::make_pair(rec, d.name.name));
        if (duplicate(existing, first_origin(prog_.defines, existing), "define", d.name.name, src, d.name.where()))
            return;
        if (prog_.records[rec].field(d.name.name)) {
            diags_.error("E205", "define " + quote(d.name.name) + " has the name of a field of " +
                                     prog_.records[rec].name, src, d.name.where());
            return;
        }
        define_info info;
        info.name = d.name.name;
        info.label = label_of(d.label);
        info.record = rec;
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
    }

    void check_exception(exception_info& x) {
        if (x.service < 0) return;
        const service_info& s = prog_.services[x.service];
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
        env e{p.at.ruleset, -1, p.at.source, {}, "a parameter value"};
        type t = expr(*p.decl->default_value, e, &p.t);
        expect_type(t, p.t, *p.decl->default_value, e, "the default of parameter " + quote(p.name));
    }

    void check_define(int index) {
        define_info& d = prog_.defines[index];
        if (d.progress != define_info::state::unchecked) return;
        d.progress = define_info::state::checking;
        define_stack_.push_back(d.name);
        env e{d.at.ruleset, d.record, d.at.source, {}, nullptr};
        type t = expr(d.decl->value, e);
        define_stack_.pop_back();
        // A cycle found while checking may already have marked this define.
        if (prog_.defines[index].progress == define_info::state::checking) {
            prog_.defines[index].t = t;
            prog_.defines[index].progress = define_info::state::checked;
        }
    }

    void check_service(service_info& s) {
        const auto& decl = *s.decl;
        env e{s.at.ruleset, s.record, s.at.source, {}, nullptr};
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
        if (either(kind::duration, kind::integer) || either(kind::duration, kind::decimal))
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
    void check_external_cite(const origin& s, const ast::external_cite& c);

    void warn_unused();
};

// ---- expression typing ----------------------------------------------------------------

struct expr_visitor {
    using result_type = type;
    checker& c;
    env& e;
    const type* hint;

    type operator()(const ast::nil&) const { return {}; }
    type operator()(const ast::bool_lit&) const { return of(kind::boolean); }
    type operator()(const ast::int_lit&) const { return of(kind::integer); }
    type operator()(const ast::decimal_lit&) const { return of(kind::decimal); }
    type operator()(const ast::money_lit&) const { return of(kind::money); }
    type operator()(const ast::duration_lit& d) const {
        if (d.unit == ast::duration_unit::days) {
            c.diags_.error("E312", "durations are counted in months and years; days are not supported here",
                           e.source, d.where())
                .notes.push_back("write '1 month' or a date: date(year(as_of), 8, 31)");
            return {};
        }
        return of(kind::duration);
    }
    type operator()(const ast::date_lit& d) const {
        if (!detail::valid_date(d.year, d.month, d.day)) {
            c.diags_.error("E106", "not a calendar date", e.source, d.where());
            return {};
        }
        return of(kind::date);
    }
    type operator()(const ast::string_lit&) const { return of(kind::string); }
    type operator()(const ast::as_of_ref&) const { return of(kind::date); }
    type operator()(const ast::path& p) const { return c.path_type(p, e, hint); }
    type operator()(const ast::param_ref& p) const {
        int index = c.lookup(e.ruleset, &scope::params, p.name.name);
        if (index < 0) {
            auto& d = c.diags_.error("E202", "unknown parameter " + quote(p.name.name), e.source, p.name.where());
            c.suggest(d, p.name.name, c.visible_names(e.ruleset, &scope::params));
            return {};
        }
        c.prog_.params[index].used = true;
        return c.prog_.params[index].t;
    }
    template <typename T>
    type operator()(const ast::x3::forward_ast<T>& n) const { return (*this)(n.get()); }
    type operator()(const ast::call& n) const { return c.call_type(n, e); }
    type operator()(const ast::unary& n) const {
        type t = c.expr(n.rhs, e, hint);
        for (auto it = n.ops.rbegin(); it != n.ops.rend(); ++it) {
            if (t.is_error()) return t;
            if (*it == ast::op::not_) {
                c.expect_bool(t, n.rhs, e, "the operand of 'not'");
                t = of(kind::boolean);
            } else if (t.list || !(t.is_numeric() || t.k == kind::money || t.k == kind::duration)) {
                c.diags_.error("E306", "cannot negate " + c.type_text(t), e.source, n.where());
                return {};
            }
        }
        return t;
    }
    type operator()(const ast::binary& n) const {
        if (n.rest.empty()) return c.expr(n.first, e, hint);
        auto op = n.rest.front().oper;
        if (op == ast::op::and_ || op == ast::op::or_) {
            const char* word = op == ast::op::and_ ? "and" : "or";
            c.expect_bool(c.expr(n.first, e), n.first, e, std::string("the operand of '") + word + "'");
            for (auto& r : n.rest)
                c.expect_bool(c.expr(r.rhs, e), r.rhs, e, std::string("the operand of '") + word + "'");
            return of(kind::boolean);
        }
        type acc = c.expr(n.first, e);
        for (auto& r : n.rest) acc = c.arith(acc, r.oper, c.expr(r.rhs, e), r, e);
        return acc;
    }
    type operator()(const ast::test& n) const {
        if (!n.rest) return c.expr(n.subject, e, hint);
        return c.test_type(n, e);
    }
    type operator()(const ast::quantifier& n) const { return c.quantifier_type(n, e); }
    type operator()(const ast::group& n) const {
        for (auto& item : n.items) c.condition(item, e);
        if (n.items.empty()) {
            c.diags_.error("E309", std::string(n.kind == ast::group_kind::any ? "any" : "all") +
                                       " { } needs at least one condition", e.source, n.where());
            return {};
        }
        return of(kind::boolean);
    }
    type operator()(const ast::conditional& n) const {
        c.expect_bool(c.expr(n.cond, e), n.cond, e, "the condition of 'if'");
        type a = c.expr(n.then_, e, hint), b = c.expr(n.else_, e, hint);
        if (a.is_error()) return b;
        if (b.is_error()) return a;
        if (a.is_numeric() && b.is_numeric())
            return of(a.k == kind::decimal || b.k == kind::decimal ? kind::decimal : kind::integer);
        if (a != b) {
            auto& d = c.diags_.error("E304", "the branches of 'if' differ: " + c.type_text(a) + " and " +
                                                 c.type_text(b), e.source, ast::span_of(n.else_));
            c.unit_hint(d, a, b);
            return {};
        }
        return a;
    }
};

type checker::expr(const ast::operand& o, env& e, const type* hint) {
    return boost::apply_visitor(expr_visitor{*this, e, hint}, o);
}

type checker::member(const type& base, const ast::identifier& name, env& e) {
    if (base.is_error()) return base;
    if (base.list) {
        diags_.error("E307", quote(name.name) + " is taken from a list (" + type_text(base) + ")", e.source,
                     name.where())
            .notes.push_back("use a quantifier: any x in list: x." + name.name + " ...");
        return {};
    }
    if (base.k != kind::record) {
        diags_.error("E308", type_text(base) + " has no fields; cannot take " + quote(name.name), e.source,
                     name.where());
        return {};
    }
    const record_info& rec = prog_.records[base.ref];
    if (const field_info* f = rec.field(name.name)) return f->t;
    int d = lookup(e.ruleset, &scope::defines, std::make_pair(base.ref, name.name));
    if (d >= 0) {
        define_info& info = prog_.defines[d];
        info.used = true;
        if (info.progress == define_info::state::checking) {
            std::string chain;
            bool on = false;
            for (auto& n : define_stack_) {
                if (n == info.name) on = true;
                if (on) chain += n + " -> ";
            }
            diags_.error("E210", "define " + quote(info.name) + " depends on itself: " + chain + info.name,
                         e.source, name.where())
                .notes.push_back("defines may not be recursive; the language has no loops but quantifiers");
            info.t = {};
            info.progress = define_info::state::checked;
            return {};
        }
        if (info.progress == define_info::state::unchecked) check_define(d);
        return prog_.defines[d].t;
    }
    std::vector<std::string> candidates;
    for (auto& f : rec.fields) candidates.push_back(f.name);
    for (int r = e.ruleset; r >= 0; r = prog_.rulesets[r].parent)
        for (auto& [key, v] : prog_.rulesets[r].names.defines)
            if (key.first == base.ref) candidates.push_back(key.second);
    auto& diag = diags_.error("E201", "unknown field " + quote(name.name) + " on " + rec.name, e.source, name.where());
    suggest(diag, name.name, candidates);
    return {};
}

type checker::path_type(const ast::path& p, env& e, const type* hint) {
    const auto& first = p.parts.front();
    type t;
    std::size_t next = 1;
    auto local_it = std::find_if(e.locals.rbegin(), e.locals.rend(),
                                 [&](const local& l) { return l.name == first.name; });
    if (local_it != e.locals.rend()) {
        t = local_it->t;
    } else if (hint && !hint->list && hint->k == kind::enumeration && p.parts.size() == 1 &&
               prog_.enums[hint->ref].index_of(first.name) >= 0) {
        prog_.enum_values[&p] = {hint->ref, prog_.enums[hint->ref].index_of(first.name)};
        return *hint;  // a value of the enum the other side expects
    } else if (int en = lookup(e.ruleset, &scope::enums, first.name); en >= 0 && p.parts.size() == 2) {
        if (prog_.enums[en].index_of(p.parts[1].name) < 0) {
            auto& d = diags_.error("E204", "enum " + first.name + " has no value " + quote(p.parts[1].name),
                                   e.source, p.parts[1].where());
            suggest(d, p.parts[1].name, prog_.enums[en].values);
            return {};
        }
        prog_.enum_values[&p] = {en, prog_.enums[en].index_of(p.parts[1].name)};
        return {kind::enumeration, en, false};
    } else if (e.subject < 0) {
        if (hint && !hint->list && hint->k == kind::enumeration && !hint->is_error()) {
            auto& d = diags_.error("E204", "enum " + prog_.enums[hint->ref].name + " has no value " +
                                               quote(first.name), e.source, first.where());
            suggest(d, first.name, prog_.enums[hint->ref].values);
            return {};
        }
        diags_.error("E213", quote(first.name) + " cannot be used in " + std::string(e.context ? e.context : "here"),
                     e.source, first.where())
            .notes.push_back("only literals, parameters and enum values are allowed here");
        return {};
    } else {
        const record_info& rec = prog_.records[e.subject];
        bool known = rec.field(first.name) ||
                     lookup(e.ruleset, &scope::defines, std::make_pair(e.subject, first.name)) >= 0;
        if (!known && hint && !hint->list && hint->k == kind::enumeration && p.parts.size() == 1) {
            auto& d = diags_.error("E204", "enum " + prog_.enums[hint->ref].name + " has no value " +
                                               quote(first.name), e.source, first.where());
            std::vector<std::string> candidates = prog_.enums[hint->ref].values;
            suggest(d, first.name, candidates);
            return {};
        }
        t = member(type{kind::record, e.subject, false}, first, e);
    }
    for (; next < p.parts.size() && !t.is_error(); ++next) t = member(t, p.parts[next], e);
    return t;
}

type checker::arith(const type& a, ast::op op, const type& b, const ast::operation& where, env& e) {
    if (a.is_error() || b.is_error()) return {};
    auto is = [](const type& t, kind k) { return !t.list && t.k == k; };
    const char* sym = op == ast::op::add ? "+" : op == ast::op::sub ? "-" : op == ast::op::mul ? "*" : "/";
    type result;
    bool ok = true;
    if (a.is_numeric() && b.is_numeric()) {
        result = of((op == ast::op::div || is(a, kind::decimal) || is(b, kind::decimal)) ? kind::decimal
                                                                                          : kind::integer);
    } else if (op == ast::op::add || op == ast::op::sub) {
        if (is(a, kind::money) && is(b, kind::money)) result = of(kind::money);
        else if (is(a, kind::duration) && is(b, kind::duration)) result = of(kind::duration);
        else if (is(a, kind::date) && is(b, kind::duration)) result = of(kind::date);
        else if (op == ast::op::add && is(a, kind::duration) && is(b, kind::date)) result = of(kind::date);
        else ok = false;
    } else if (op == ast::op::mul) {
        if ((is(a, kind::money) && b.is_numeric()) || (a.is_numeric() && is(b, kind::money))) result = of(kind::money);
        else if ((is(a, kind::duration) && is(b, kind::integer)) || (is(a, kind::integer) && is(b, kind::duration)))
            result = of(kind::duration);
        else ok = false;
    } else {
        if (is(a, kind::money) && b.is_numeric()) result = of(kind::money);
        else if (is(a, kind::money) && is(b, kind::money)) result = of(kind::decimal);
        else if (is(a, kind::duration) && is(b, kind::duration)) result = of(kind::decimal);
        else ok = false;
    }
    if (!ok) {
        auto& d = diags_.error("E302", std::string("cannot apply '") + sym + "' to " + type_text(a) + " and " +
                                           type_text(b), e.source, where.where());
        if (is(a, kind::date) && is(b, kind::date))
            d.notes.push_back("use months_between(a, b) for the time between two dates");
        else
            unit_hint(d, a, b);
        return {};
    }
    return result;
}

type checker::test_type(const ast::test& t, env& e) {
    const ast::operand& subject = t.subject;
    // A bare name on the left may be an enum value the right side explains.
    type s = expr(subject, e);
    struct tail_visitor {
        using result_type = type;
        checker& c;
        env& e;
        const ast::operand& subject;
        type s;
        void compare(const type& a, const type& b, span where, const char* op) const {
            if (a.is_error() || b.is_error()) return;
            bool equality = std::string(op) == "=" || std::string(op) == "!=";
            bool ok = comparable(a, b) && (equality || ordered(a));
            if (ok) return;
            auto& d = c.diags_.error("E301",
                                     comparable(a, b)
                                         ? std::string("'") + op + "' needs ordered values; " + c.type_text(a) +
                                               " has no order"
                                         : "cannot compare " + c.type_text(a) + " with " + c.type_text(b),
                                     e.source, where);
            c.unit_hint(d, a, b);
        }
        type operator()(const ast::compare_tail& ct) const {
            type r = c.expr(ct.rhs, e, &s);
            static const char* names[] = {"", "", "", "", "=", "!=", "<", "<=", ">", ">="};
            span where{ast::span_of(subject).begin, ct.end};
            compare(s, r, where, names[static_cast<int>(ct.oper)]);
            return of(kind::boolean);
        }
        type operator()(const ast::between_tail& bt) const {
            type lo = c.expr(bt.low, e, &s), hi = c.expr(bt.high, e, &s);
            span where{ast::span_of(subject).begin, bt.end};
            compare(s, lo, where, "between");
            if (!lo.is_error() && comparable(s, lo) && ordered(s)) compare(s, hi, where, "between");
            auto flo = folder::number(folder{}(bt.low)), fhi = folder::number(folder{}(bt.high));
            if (flo && fhi && *flo > *fhi)
                c.diags_.warning("W102", "this range is empty: its low end is above its high end", e.source,
                                 bt.where());
            return of(kind::boolean);
        }
        type operator()(const ast::in_tail& it) const {
            for (auto& item : it.items) {
                type t = c.expr(item, e, &s);
                if (!t.is_error() && !s.is_error() && !comparable(s, t)) {
                    auto& d = c.diags_.error("E301", "cannot compare " + c.type_text(s) + " with " + c.type_text(t),
                                             e.source, ast::span_of(item));
                    c.unit_hint(d, s, t);
                }
            }
            return of(kind::boolean);
        }
        type operator()(const ast::is_tail&) const { return of(kind::boolean); }
    };
    return boost::apply_visitor(tail_visitor{*this, e, subject, s}, *t.rest);
}

type checker::quantifier_type(const ast::quantifier& q, env& e) {
    type list = expr(q.list, e);
    type element;
    if (!list.is_error()) {
        if (!list.list) {
            diags_.error("E307", "a quantifier ranges over a list, but this is " + type_text(list), e.source,
                         ast::span_of(q.list));
        } else {
            element = list.element();
        }
    }
    e.locals.push_back({q.var.name, element});
    type body = expr(q.body, e);
    e.locals.pop_back();
    static const char* words[] = {"any", "all", "count", "sum"};
    std::string what = std::string("the body of '") + words[static_cast<int>(q.kind)] + "'";
    switch (q.kind) {
        case ast::quantifier_kind::any:
        case ast::quantifier_kind::all:
            expect_bool(body, q.body, e, what);
            return of(kind::boolean);
        case ast::quantifier_kind::count:
            expect_bool(body, q.body, e, what);
            return of(kind::integer);
        case ast::quantifier_kind::sum:
            if (body.is_error()) return body;
            if (body.list || !(body.is_numeric() || body.k == kind::money || body.k == kind::duration)) {
                diags_.error("E304", what + " must be a number, money or a duration, but this is " + type_text(body),
                             e.source, ast::span_of(q.body));
                return {};
            }
            return body;
    }
    return {};
}

type checker::call_type(const ast::call& call, env& e) {
    const std::string& name = call.name.name;
    std::vector<type> args;
    if (int t = lookup(e.ruleset, &scope::tables, name); t >= 0) {
        table_info& table = prog_.tables[t];
        table.used = true;
        for (auto& a : call.args) args.push_back(expr(a, e, &table.key));
        if (args.size() != 1) {
            diags_.error("E305", "table " + quote(name) + " takes one key, got " + std::to_string(args.size()),
                         e.source, call.where());
            return table.value;
        }
        expect_type(args[0], table.key, call.args[0], e, "the key of table " + quote(name));
        return table.value;
    }
    const builtin* b = find_builtin(name);
    if (!b) {
        std::vector<std::string> candidates;
        for (auto& f : builtins()) candidates.push_back(f.name);
        for (auto& n : visible_names(e.ruleset, &scope::tables)) candidates.push_back(n);
        auto& d = diags_.error("E208", "unknown function " + quote(name), e.source, call.name.where());
        suggest(d, name, candidates);
        for (auto& a : call.args) expr(a, e);
        return {};
    }
    for (auto& a : call.args) args.push_back(expr(a, e));
    std::size_t lo = b->required.size(), hi = lo + b->optional.size();
    bool any_error = std::any_of(args.begin(), args.end(), [](const type& t) { return t.is_error(); });
    if (name == "size") {
        if (args.size() != 1) {
            diags_.error("E305", "size takes one list, got " + std::to_string(args.size()) + " arguments", e.source,
                         call.where());
        } else if (!args[0].is_error() && !args[0].list) {
            diags_.error("E306", "size takes a list, but this is " + type_text(args[0]), e.source,
                         ast::span_of(call.args[0]));
        }
        return of(kind::integer);
    }
    if (args.size() < lo || args.size() > hi) {
        diags_.error("E305", quote(name) + " takes " +
                                 (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
                                 " arguments, got " + std::to_string(args.size()), e.source, call.where())
            .notes.push_back(b->summary);
        return {};
    }
    type same;  // for ordered_same
    for (std::size_t i = 0; i < args.size(); ++i) {
        arg want = i < lo ? b->required[i] : b->optional[i - lo];
        const type& t = args[i];
        if (t.is_error()) continue;
        bool ok = true;
        const char* expected = "";
        switch (want) {
            case arg::date: ok = !t.list && t.k == kind::date; expected = "a date"; break;
            case arg::integer: ok = !t.list && t.k == kind::integer; expected = "an int"; break;
            case arg::numeric: ok = t.is_numeric(); expected = "a number"; break;
            case arg::duration: ok = !t.list && t.k == kind::duration; expected = "a duration"; break;
            case arg::spells: {
                expected = "a list of spells (records with 'from' and 'to' dates)";
                ok = t.list && t.k == kind::record;
                if (ok) {
                    const record_info& rec = prog_.records[t.ref];
                    const field_info* from = rec.field("from");
                    const field_info* to = rec.field("to");
                    ok = from && to && from->t == of(kind::date) && to->t == of(kind::date);
                }
                break;
            }
            case arg::ordered_same:
                expected = "a number, money, a date or a duration";
                ok = ordered(t);
                if (ok && !same.is_error() && !comparable(same, t)) {
                    diags_.error("E306", quote(name) + " mixes " + type_text(same) + " and " + type_text(t), e.source,
                                 ast::span_of(call.args[i]));
                    return {};
                }
                if (ok && (same.is_error() || t.k == kind::decimal)) same = t;
                break;
        }
        if (!ok) {
            auto& d = diags_.error("E306", "argument " + std::to_string(i + 1) + " of " + quote(name) + " must be " +
                                               expected + ", but this is " + type_text(t), e.source,
                                   ast::span_of(call.args[i]));
            d.notes.push_back(b->summary);
            any_error = true;
        }
    }
    if (any_error) return {};
    if (name == "age" || name == "years" || name == "months" || name == "year" || name == "month" ||
        name == "day" || name == "floor" || name == "round")
        return of(kind::integer);
    if (name == "months_between" || name == "total" || name == "longest_run" || name == "within")
        return of(kind::duration);
    if (name == "date" || name == "run_start") return of(kind::date);
    if (name == "holds") return of(kind::boolean);
    return same;  // min, max
}

// ---- tables ------------------------------------------------------------------------------

void checker::check_table(table_info& t) {
    const ast::table_decl& decl = *t.decl;
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

// ---- citations ---------------------------------------------------------------------------

const cited_text* checker::load_text(int owner) {
    ruleset_data& rs = prog_.rulesets[owner];
    if (rs.text) return rs.text.get();
    if (rs.text_failed) return nullptr;
    namespace fs = std::filesystem;
    // The path is looked up from the folder of the file that names it, then
    // from each folder above: rules in rules/national/ name "seeds/x.txt".
    std::optional<std::string> content;
    std::string found;
    fs::path dir = fs::path(rs.header_source->name()).parent_path();
    for (fs::path d = dir.empty() ? fs::path(".") : dir;; d = d / "..") {
        fs::path candidate = d / rs.source_path;
        if (auto text = options_.read_file(candidate.lexically_normal().string())) {
            content = std::move(text);
            found = candidate.lexically_normal().string();
            break;
        }
        std::error_code ec;
        fs::path canonical = fs::weakly_canonical(d, ec);
        if (ec || canonical == canonical.root_path() || std::distance(dir.begin(), dir.end()) + 16 <
                                                           std::distance(d.begin(), d.end()))
            break;
    }
    if (!content) {
        diags_.error("E503", "cannot read the source text " + quote(rs.source_path), rs.header_source,
                     rs.source_where)
            .notes.push_back("the path is looked up from the folder of this file and each folder above it");
        rs.text_failed = true;
        return nullptr;
    }
    if (!normalizer_) normalizer_ = std::make_unique<text_normalizer>();
    if (!normalizer_->valid()) {
        diags_.error("E504", "cannot load OpenCC's t2s.json to compare citations (install libopencc1.1 and opencc data)",
                     rs.header_source, rs.source_where);
        rs.text_failed = true;
        return nullptr;
    }
    auto text = std::make_shared<cited_text>();
    text->path = found;
    std::istringstream lines(*content);
    std::string line;
    while (std::getline(lines, line)) text->paragraphs.push_back(normalizer_->normalize(line));
    rs.text = text;
    return text.get();
}

void checker::check_seed_cite(const origin& at, const ast::seed_cite& c) {
    int owner = text_owner(at.ruleset);
    if (owner < 0) {
        diags_.error("E503", "ruleset " + quote(prog_.rulesets[at.ruleset].name) +
                                 " names no source text to cite", at.source, c.paragraph.where())
            .notes.push_back("add `source \"seeds/...\"` to the ruleset header (and check this file together "
                             "with the one that has the header), or cite an external reference: "
                             "cites \"title\" url \"https://...\"");
        return;
    }
    const cited_text* text = load_text(owner);
    if (!text) return;
    auto n = c.paragraph.value;
    auto count = static_cast<std::int64_t>(text->paragraphs.size());
    if (n < 1 || n > count || text->paragraphs[static_cast<std::size_t>(n - 1)].empty()) {
        diags_.error("E501", "paragraph " + std::to_string(n) + " does not exist in " + text->path, at.source,
                     c.paragraph.where())
            .notes.push_back("the text has paragraphs 1 to " + std::to_string(count) + " (one per line)");
        return;
    }
    std::string quote_text = normalizer_->normalize(c.quote.value);
    if (quote_text.empty()) {
        diags_.error("E502", "the quote is empty", at.source, c.quote.where());
        return;
    }
    if (text->paragraphs[static_cast<std::size_t>(n - 1)].find(quote_text) != std::string::npos) return;
    auto& d = diags_.error("E502", "the quote is not in paragraph " + std::to_string(n), at.source,
                           c.quote.where());
    for (std::size_t i = 0; i < text->paragraphs.size(); ++i)
        if (text->paragraphs[i].find(quote_text) != std::string::npos) {
            d.notes.push_back("it is in paragraph " + std::to_string(i + 1));
            return;
        }
    d.notes.push_back("quotes are compared after dropping bracketed pinyin, converting to simplified "
                      "characters and removing spaces");
}

void checker::check_external_cite(const origin& at, const ast::external_cite& c) {
    if (c.reference.value.empty())
        diags_.error("E502", "the reference is empty", at.source, c.reference.where());
    if (c.url && c.url->value.rfind("http://", 0) != 0 && c.url->value.rfind("https://", 0) != 0)
        diags_.error("E505", "a reference URL starts with http:// or https://", at.source, c.url->where());
}

void checker::warn_unused() {
    for (auto& p : prog_.params)
        if (!p.used && p.at.ruleset >= 0 && !prog_.rulesets[p.at.ruleset].broken)
            diags_.warning("W001", "parameter " + quote(p.name) + " is never used", p.at.source, p.at.where);
    for (auto& d : prog_.defines)
        if (!d.used && !prog_.rulesets[d.at.ruleset].broken)
            diags_.warning("W002", "define " + quote(d.name) + " is never used", d.at.source, d.at.where);
    for (auto& t : prog_.tables)
        if (!t.used && !prog_.rulesets[t.at.ruleset].broken)
            diags_.warning("W003", "table " + quote(t.name) + " is never used", t.at.source, t.at.where);
}

}  // namespace

void check_program(program_data& out, const check_options& options, diagnostics& diags) {
    check_options effective = options;
    if (!effective.read_file) {
        effective.read_file = [](const std::string& path) -> std::optional<std::string> {
            std::ifstream in(path, std::ios::binary);
            if (!in) return std::nullopt;
            std::ostringstream ss;
            ss << in.rdbuf();
            return ss.str();
        };
    }
    checker(out, effective, diags).run();
}

}  // namespace entitle::sema
