// Checked AST -> flat program (program.hpp). Runs only on rules without
// errors, so every name resolves; an impossible case is a bug, not a user
// mistake, and throws std::logic_error.
#include "compile/compile.hpp"

#include "check/builtins.hpp"
#include "common/calendar.hpp"
#include "common/numbers.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <stdexcept>

namespace entitle::compiled {

namespace {

using eval::value;
using eval::vk;

class compiler {
public:
    compiler(program_data& out) : out_(out), prog_(*out.checked) {}

    void run(int ruleset) {
        out_.ruleset = ruleset;
        out_.defines.resize(prog_.defines.size());
        define_nodes_.assign(prog_.defines.size(), -1);
        // Parameters: their defaults, evaluated once here (constants only).
        std::vector<int> chain;
        for (int r = ruleset; r >= 0; r = prog_.rulesets[r].parent) chain.insert(chain.begin(), r);
        std::map<int, std::size_t> service_index;
        for (std::size_t i = 0; i < prog_.services.size(); ++i) {
            const auto& s = prog_.services[i];
            if (std::find(chain.begin(), chain.end(), s.at.ruleset) == chain.end()) continue;
            service_index[static_cast<int>(i)] = out_.services.size();
            compile_service(s, static_cast<std::uint32_t>(i));
        }
        // Every define of a record without parameters, used or not: batch columns may ask for it.
        for (std::size_t d = 0; d < prog_.defines.size(); ++d) {
            const auto& info = prog_.defines[d];
            if (info.record >= 0 && !info.function && std::find(chain.begin(), chain.end(), info.at.ruleset) != chain.end())
                compile_define(static_cast<int>(d));
        }
        std::map<int, std::size_t> exception_index;
        for (std::size_t i = 0; i < prog_.exceptions.size(); ++i) {
            const auto& x = prog_.exceptions[i];
            if (std::find(chain.begin(), chain.end(), x.at.ruleset) == chain.end()) continue;
            auto target = service_index.find(x.service);
            if (target == service_index.end()) bug("exception to a service outside the chain");
            exception_index[static_cast<int>(i)] = out_.exceptions.size();
            out_.services[target->second].exceptions.push_back(static_cast<std::uint32_t>(out_.exceptions.size()));
            compile_exception(x);
        }
        for (std::size_t i = 0; i < prog_.exceptions.size(); ++i) {
            auto own = exception_index.find(static_cast<int>(i));
            if (own == exception_index.end() || prog_.exceptions[i].over < 0) continue;
            out_.exceptions[own->second].over =
                static_cast<std::int64_t>(exception_index.at(prog_.exceptions[i].over));
        }
    }

    // Nodes of parameter defaults (evaluated by the caller).
    std::vector<std::int64_t> param_roots;

    void compile_params() {
        for (auto& p : prog_.params) {
            if (!p.decl->default_value) {
                param_roots.push_back(-1);
                continue;
            }
            ctx c{p.at.ruleset, -1, source_index(p.at.source), {}};
            param_roots.push_back(expr(*p.decl->default_value, c));
        }
    }

private:
    struct ctx {
        int ruleset;
        int subject;
        std::uint32_t source;
        std::vector<std::pair<std::string, std::uint32_t>> locals;
    };

    program_data& out_;
    sema::program_data& prog_;
    std::vector<std::int64_t> define_nodes_;
    std::map<int, std::uint32_t> table_index_;

    std::uint32_t source_index(const std::shared_ptr<const source_file>& src) {
        for (std::size_t i = 0; i < out_.sources.size(); ++i)
            if (out_.sources[i] == src) return static_cast<std::uint32_t>(i);
        out_.sources.push_back(src);
        return static_cast<std::uint32_t>(out_.sources.size() - 1);
    }

    std::uint32_t emit(node n) {
        out_.nodes.push_back(n);
        return static_cast<std::uint32_t>(out_.nodes.size() - 1);
    }
    std::uint32_t emit(op code, span where, const ctx& c, std::uint32_t a = 0, std::uint32_t b = 0,
                       std::uint32_t cc = 0) {
        node n;
        n.code = code;
        n.a = a;
        n.b = b;
        n.c = cc;
        n.where = where;
        n.source = c.source;
        return emit(n);
    }
    std::uint32_t emit_args(op code, span where, const ctx& c, const std::vector<std::uint32_t>& args) {
        node n;
        n.code = code;
        n.where = where;
        n.source = c.source;
        n.first_arg = static_cast<std::uint32_t>(out_.args.size());
        n.arg_count = static_cast<std::uint32_t>(args.size());
        out_.args.insert(out_.args.end(), args.begin(), args.end());
        return emit(n);
    }
    std::uint32_t constant(value v, span where, const ctx& c) {
        out_.constants.push_back(v);
        return emit(op::constant, where, c, static_cast<std::uint32_t>(out_.constants.size() - 1));
    }

    template <typename Map, typename Key>
    int lookup(int ruleset, Map sema::scope::*member, const Key& key) const {
        for (int r = ruleset; r >= 0; r = prog_.rulesets[r].parent) {
            auto& m = prog_.rulesets[r].names.*member;
            auto it = m.find(key);
            if (it != m.end()) return it->second;
        }
        return -1;
    }

    [[noreturn]] static void bug(const std::string& what) { throw std::logic_error("entitle compile: " + what); }

    // ---- services ---------------------------------------------------------------

    void compile_service(const sema::service_info& s, std::uint32_t index) {
        service_def def;
        def.checked_index = index;
        def.id = s.name;
        def.title = s.title;
        def.is_score = s.is_score;
        def.record = s.record;
        def.layer = prog_.rulesets[s.at.ruleset].name;
        ctx c{s.at.ruleset, s.record, source_index(s.at.source), {}};
        for (const auto& m : s.decl->members) {
            if (auto* q = boost::get<ast::requirement>(&m)) {
                def.clauses.push_back({condition(q->cond, c), q->unless});
            } else if (auto* item = boost::get<ast::score_item>(&m)) {
                item_def i{item->name.name, item->label ? item->label->value : "", expr(item->value, c), -1};
                if (item->cap) i.cap = expr(*item->cap, c);
                def.items.push_back(i);
            } else if (auto* t = boost::get<ast::threshold>(&m)) {
                def.threshold = expr(t->value, c);
            } else {
                def.citations.push_back(citation_text(m));
            }
        }
        out_.services.push_back(std::move(def));
    }

    void compile_exception(const sema::exception_info& x) {
        exception_def def;
        def.id = x.name;
        def.title = x.title;
        def.layer = prog_.rulesets[x.at.ruleset].name;
        def.grants = x.grants;
        ctx c{x.at.ruleset, prog_.services[x.service].record, source_index(x.at.source), {}};
        for (const auto& m : x.decl->members) {
            if (auto* q = boost::get<ast::requirement>(&m)) def.conditions.push_back(condition(q->cond, c));
            else def.citations.push_back(citation_text(m));
        }
        out_.exceptions.push_back(std::move(def));
    }

    static std::string citation_text(const ast::service_member& m) {
        if (auto* sc = boost::get<ast::seed_cite>(&m))
            return "¶" + std::to_string(sc->paragraph.value) + " “" + sc->quote.value + "”";
        if (auto* ec = boost::get<ast::external_cite>(&m))
            return ec->reference.value + (ec->url ? " <" + ec->url->value + ">" : "");
        return "";
    }

    std::uint32_t condition(const ast::condition& cond, ctx& c) {
        std::uint32_t n = expr(cond.expr, c);
        if (cond.label) {
            out_.labels.push_back(cond.label->value);
            // A labelled condition gets a node of its own only if the node is
            // shared; expression nodes are never shared, so label it in place.
            out_.nodes[n].label = static_cast<std::int32_t>(out_.labels.size() - 1);
        }
        return n;
    }

    // ---- expressions --------------------------------------------------------------

struct visitor {
        compiler& self;
        ctx& c;
        using result_type = std::uint32_t;
        std::uint32_t operator()(const ast::nil& n) const { return self.constant(value(), n.where(), c); }
        std::uint32_t operator()(const ast::bool_lit& n) const {
            return self.constant(value::boolean(n.value), n.where(), c);
        }
        std::uint32_t operator()(const ast::int_lit& n) const {
            return self.constant(value::of(vk::integer, n.value), n.where(), c);
        }
        std::uint32_t operator()(const ast::decimal_lit& n) const {
            return self.constant(value::decimal(static_cast<double>(detail::literal_number(n.text))), n.where(), c);
        }
        std::uint32_t operator()(const ast::money_lit& n) const {
            return self.constant(value::of(vk::money, std::llround(detail::literal_number(n.text) * 100)),
                                 n.where(), c);
        }
        std::uint32_t operator()(const ast::duration_lit& n) const {
            if (n.unit == ast::duration_unit::days) return self.constant(value::of(vk::days, n.amount), n.where(), c);
            return self.constant(value::of(vk::duration, n.amount * (n.unit == ast::duration_unit::years ? 12 : 1)),
                                 n.where(), c);
        }
        std::uint32_t operator()(const ast::date_lit& n) const {
            return self.constant(value::of(vk::date, detail::days_from_civil(n.year, n.month, n.day)), n.where(), c);
        }
        std::uint32_t operator()(const ast::string_lit& n) const {
            self.out_.strings.push_back(n.value);
            return self.constant(value::string(&self.out_.strings.back()), n.where(), c);
        }
        std::uint32_t operator()(const ast::as_of_ref& n) const { return self.emit(op::as_of, n.where(), c); }
        std::uint32_t operator()(const ast::path& n) const { return self.path(n, c); }
        std::uint32_t operator()(const ast::param_ref& n) const {
            int index = self.lookup(c.ruleset, &sema::scope::params, n.name.name);
            if (index < 0) bug("unknown parameter " + n.name.name);
            return self.emit(op::param, n.where(), c, static_cast<std::uint32_t>(index));
        }
        template <typename T>
        std::uint32_t operator()(const ast::x3::forward_ast<T>& n) const { return (*this)(n.get()); }
        std::uint32_t operator()(const ast::call& n) const { return self.call(n, c); }
        std::uint32_t operator()(const ast::unary& n) const {
            std::uint32_t r = self.expr(n.rhs, c);
            for (auto it = n.ops.rbegin(); it != n.ops.rend(); ++it)
                r = self.emit(*it == ast::op::not_ ? op::not_ : op::neg, n.where(), c, r);
            return r;
        }
        std::uint32_t operator()(const ast::binary& n) const {
            if (n.rest.empty()) return self.expr(n.first, c);
            auto first_op = n.rest.front().oper;
            if (first_op == ast::op::and_ || first_op == ast::op::or_) {
                std::vector<std::uint32_t> parts{self.expr(n.first, c)};
                for (auto& r : n.rest) parts.push_back(self.expr(r.rhs, c));
                return self.emit_args(first_op == ast::op::and_ ? op::and_ : op::or_, n.where(), c, parts);
            }
            std::uint32_t acc = self.expr(n.first, c);
            for (auto& r : n.rest) {
                std::uint32_t rhs = self.expr(r.rhs, c);
                op code = r.oper == ast::op::add ? op::add : r.oper == ast::op::sub ? op::sub
                        : r.oper == ast::op::mul ? op::mul : op::div;
                span where{n.begin, r.end};
                acc = self.emit(code, where, c, acc, rhs);
            }
            return acc;
        }
        std::uint32_t operator()(const ast::test& n) const {
            if (!n.rest) return self.expr(n.subject, c);
            std::uint32_t s = self.expr(n.subject, c);
            struct tail_visitor {
                compiler& self;
                ctx& c;
                std::uint32_t s;
                span where;
                using result_type = std::uint32_t;
                std::uint32_t operator()(const ast::compare_tail& t) const {
                    static const op codes[] = {op::eq, op::eq, op::eq, op::eq, op::eq, op::ne, op::lt, op::le, op::gt, op::ge};
                    return self.emit(codes[static_cast<int>(t.oper)], where, c, s, self.expr(t.rhs, c));
                }
                std::uint32_t operator()(const ast::between_tail& t) const {
                    std::uint32_t lo = self.expr(t.low, c), hi = self.expr(t.high, c);
                    return self.emit(op::between, where, c, s, lo, hi);
                }
                std::uint32_t operator()(const ast::in_tail& t) const {
                    std::vector<std::uint32_t> items;
                    for (auto& i : t.items) items.push_back(self.expr(i, c));
                    std::uint32_t n = self.emit_args(op::in_set, where, c, items);
                    self.out_.nodes[n].a = s;
                    self.out_.nodes[n].flag = t.negated;
                    return n;
                }
                std::uint32_t operator()(const ast::is_tail& t) const {
                    std::uint32_t n = self.emit(op::is_set, where, c, s);
                    self.out_.nodes[n].flag = !t.set;
                    return n;
                }
            };
            return boost::apply_visitor(tail_visitor{self, c, s, n.where()}, *n.rest);
        }
        std::uint32_t operator()(const ast::quantifier& n) const {
            self.last_list_element_ = -1;
            std::uint32_t list = self.expr(n.list, c);
            int element = self.last_list_element_;
            std::uint32_t slot = self.bind_local(n.var.name, {element, -1}, c);
            std::vector<std::uint32_t> where;
            if (n.cond) where.push_back(self.expr(*n.cond, c));
            std::uint32_t body = self.expr(n.body, c);
            c.locals.pop_back();
            static const op codes[] = {op::any_q, op::all_q, op::count_q, op::sum_q, op::min_q,
                                       op::max_q, op::first_q, op::last_q, op::distinct_q};
            std::uint32_t q = self.emit_args(codes[static_cast<int>(n.kind)], n.where(), c, where);
            auto& nd = self.out_.nodes[q];
            nd.a = list;
            nd.b = body;
            nd.c = slot;
            nd.mode = self.position_read_.erase(slot) ? 1 : 0;  // 1: the body reads position(var)
            self.last_list_element_ = -1;
            return q;
        }
        std::uint32_t operator()(const ast::filter& n) const {
            auto outer = self.begin_shared();
            self.last_list_element_ = -1;
            std::uint32_t list = self.expr(n.list, c);
            int element = self.last_list_element_;
            std::uint32_t slot = self.bind_local(n.var.name, {element, -1}, c);
            std::uint32_t cond = self.expr(n.cond, c);
            c.locals.pop_back();
            self.last_list_element_ = element;  // the same items: spell measures read their fields
            std::uint32_t f = self.emit(op::filter, n.where(), c, list, cond, slot);
            self.field_tests_of(f);
            self.end_shared(f, outer, c);
            return f;
        }
        std::uint32_t operator()(const ast::group& n) const {
            std::vector<std::uint32_t> members;
            for (auto& item : n.items) members.push_back(self.condition(item, c));
            return self.emit_args(n.kind == ast::group_kind::all ? op::all_group : op::any_group, n.where(), c,
                                  members);
        }
        std::uint32_t operator()(const ast::conditional& n) const {
            std::uint32_t a = self.expr(n.cond, c), b = self.expr(n.then_, c), e = self.expr(n.else_, c);
            return self.emit(op::cond, n.where(), c, a, b, e);
        }
    };

    std::uint32_t expr(const ast::operand& o, ctx& c) { return boost::apply_visitor(visitor{*this, c}, o); }


    std::uint32_t path(const ast::path& p, ctx& c) {
        last_record_ = -1;
        if (auto it = prog_.enum_values.find(&p); it != prog_.enum_values.end())
            return constant(value::enumeration(it->second.first, it->second.second), p.where(), c);
        std::uint32_t base;
        int record;
        std::size_t next = 1;
        const auto& first = p.parts.front();
        auto local = std::find_if(c.locals.rbegin(), c.locals.rend(), [&](auto& l) { return l.first == first.name; });
        last_list_element_ = -1;
        int free_define = -1;
        if (local == c.locals.rend() &&
            !(c.subject >= 0 && (prog_.records[c.subject].field(first.name) ||
                                 lookup(c.ruleset, &sema::scope::defines, std::make_pair(c.subject, first.name)) >= 0)))
            free_define = lookup(c.ruleset, &sema::scope::defines, std::make_pair(-1, first.name));
        if (local != c.locals.rend()) {
            base = emit(op::local, first.where(), c, local->second);
            lowest_local_read_ = std::min(lowest_local_read_, local->second);
            record = local_types_.at(local->second).record;
            last_list_element_ = local_types_.at(local->second).element;
        } else if (free_define >= 0) {
            // A define without `for` and without parameters: a named value.
            compile_define(free_define);
            base = emit(op::call_define, first.where(), c, no_node, static_cast<std::uint32_t>(free_define));
            // A named value of no record: one value per run, shared by every use.
            auto [it, fresh] = shared_ids_.emplace("define:" + std::to_string(free_define),
                                                   static_cast<std::uint32_t>(shared_ids_.size() + 1));
            out_.nodes[base].memo = it->second;
            out_.memos = std::max(out_.memos, it->second);
            const auto& t = prog_.defines[free_define].t;
            record = (t.k == sema::kind::record && !t.list) ? t.ref : -1;
            last_list_element_ = (t.k == sema::kind::record && t.list) ? t.ref : -1;
        } else {
            base = emit(op::subject, first.where(), c);
            record = c.subject;
            next = 0;
        }
        for (; next < p.parts.size(); ++next) {
            if (record < 0) bug("path through a non-record: " + p.parts[next].name);
            const auto& rec = prog_.records[record];
            const std::string& name = p.parts[next].name;
            span where{p.begin, p.parts[next].end};
            int slot = -1;
            for (std::size_t i = 0; i < rec.fields.size(); ++i)
                if (rec.fields[i].name == name) slot = static_cast<int>(i);
            if (slot >= 0) {
                if (out_.nodes[base].code == op::subject) {
                    // The subject's own field: one node instead of two.
                    out_.nodes[base].code = op::subject_field;
                    out_.nodes[base].a = static_cast<std::uint32_t>(slot);
                    out_.nodes[base].where = where;
                } else if (out_.nodes[base].code == op::local) {
                    out_.nodes[base].code = op::local_field;
                    out_.nodes[base].b = static_cast<std::uint32_t>(slot);
                    out_.nodes[base].where = where;
                } else {
                    base = emit(op::field, where, c, base, static_cast<std::uint32_t>(slot));
                }
                const auto& t = rec.fields[slot].t;
                record = (t.k == sema::kind::record && !t.list) ? t.ref : -1;
                last_list_element_ = (t.k == sema::kind::record && t.list) ? t.ref : -1;
                continue;
            }
            int d = lookup(c.ruleset, &sema::scope::defines, std::make_pair(record, name));
            if (d < 0) bug("unknown field " + name);
            compile_define(d);
            if (out_.nodes[base].code == op::subject) {
                // A define of the subject itself: compile its body in place,
                // so evaluation needs no call. Its variables get slots after
                // the caller's, and the caller's names are hidden from it.
                // Compiled once for each number of caller variables (where its
                // own start), then shared by every use: compiling it into
                // each use again would grow exponentially with defines that
                // use others more than once.
                auto key = std::make_pair(d, c.locals.size());
                if (auto done = inlined_.find(key); done != inlined_.end()) {
                    base = done->second;
                } else {
                    const auto& info = prog_.defines[d];
                    ctx inner{info.at.ruleset, info.record, source_index(info.at.source), {}};
                    for (std::size_t i = 0; i < c.locals.size(); ++i) inner.locals.push_back({"", c.locals[i].second});
                    base = expr(info.decl->value, inner);
                    out_.nodes[base].where = where;
                    out_.nodes[base].source = c.source;
                    // It reads only the subject: one value per subject wherever it is used.
                    if (out_.nodes[base].memo == 0) share(base, "define " + std::to_string(d), c);
                    inlined_.emplace(key, base);
                }
            } else {
                base = emit(op::define, where, c, base, static_cast<std::uint32_t>(d));
            }
            const auto& t = prog_.defines[d].t;
            record = (t.k == sema::kind::record && !t.list) ? t.ref : -1;
            last_list_element_ = (t.k == sema::kind::record && t.list) ? t.ref : -1;
        }
        last_record_ = record;
        return base;
    }

    // A filter whose condition is an `and` of tests of its item's fields
    // against constants gets them as field_tests.
    void field_tests_of(std::uint32_t f) {
        node& nd = out_.nodes[f];
        std::vector<std::uint32_t> parts;
        const node& cond = out_.nodes[nd.b];
        if (cond.code == op::and_) {
            for (std::uint32_t i = 0; i < cond.arg_count; ++i) parts.push_back(out_.args[cond.first_arg + i]);
        } else {
            parts.push_back(nd.b);
        }
        std::vector<field_test> tests;
        for (std::uint32_t p : parts) {
            const node& t = out_.nodes[p];
            auto own_field = [&](const node& x) { return x.code == op::local_field && x.a == nd.c; };
            field_test ft;
            if (own_field(t)) {
                ft.code = op::field;
                ft.slot = t.b;
            } else if (t.code == op::not_ && own_field(out_.nodes[t.a])) {
                ft.code = op::field;
                ft.negated = true;
                ft.slot = out_.nodes[t.a].b;
            } else if (t.code >= op::eq && t.code <= op::ge && own_field(out_.nodes[t.a]) &&
                       (out_.nodes[t.b].code == op::constant || out_.nodes[t.b].code == op::param ||
                        (out_.nodes[t.b].code == op::local && out_.nodes[t.b].a != nd.c))) {
                const node& rhs = out_.nodes[t.b];
                ft.code = t.code;
                ft.slot = out_.nodes[t.a].b;
                if (rhs.code == op::constant) ft.constant = out_.constants[rhs.a];
                else if (rhs.code == op::param) ft.param = static_cast<std::int32_t>(rhs.a);
                else ft.local = static_cast<std::int32_t>(rhs.a);
            } else {
                return;  // something else: the general evaluator
            }
            tests.push_back(ft);
        }
        nd.flag = true;
        nd.first_arg = static_cast<std::uint32_t>(out_.field_tests.size());
        nd.arg_count = static_cast<std::uint32_t>(tests.size());
        out_.field_tests.insert(out_.field_tests.end(), tests.begin(), tests.end());
    }

    // A quantifier or filter variable (or a function parameter) gets the next slot.
    struct local_type {
        int record;   // the record it holds, or -1
        int element;  // the record of the list it holds, or -1
    };
    std::uint32_t bind_local(const std::string& name, local_type t, ctx& c) {
        std::uint32_t slot = static_cast<std::uint32_t>(c.locals.size());
        c.locals.push_back({name, slot});
        if (local_types_.size() <= slot) local_types_.resize(slot + 1, {-1, -1});
        local_types_[slot] = t;
        out_.locals = std::max(out_.locals, slot + 1);
        return slot;
    }

    // Record types of quantifier variables and parameters by slot.
    std::vector<local_type> local_types_;
    int last_list_element_ = -1;  // element record type of the last list compiled
    int last_record_ = -1;        // record type the last path compiled ends on (-1: not a record)

    void compile_define(int d) {
        if (define_nodes_[d] >= 0) return;
        const auto& info = prog_.defines[d];
        define_nodes_[d] = 0;  // checked: no cycles
        ctx c{info.at.ruleset, info.record, source_index(info.at.source), {}};
        auto saved = local_types_;
        auto saved_element = last_list_element_;
        local_types_.clear();
        for (const auto& [name, t] : info.params)
            bind_local(name, {t.k == sema::kind::record && !t.list ? t.ref : -1,
                              t.k == sema::kind::record && t.list ? t.ref : -1}, c);
        std::uint32_t root = expr(info.decl->value, c);
        local_types_ = saved;
        last_list_element_ = saved_element;
        define_nodes_[d] = root;
        out_.defines[d] = {info.name, info.label, root, info.record >= 0};
    }

    // A call of a define with parameters; `base` is the record it is of (or no_node).
    std::uint32_t function_call(int d, std::uint32_t base, const ast::call& n, ctx& c) {
        compile_define(d);
        std::vector<std::uint32_t> args;
        for (auto& a : n.args) args.push_back(expr(a.value, c));
        std::uint32_t call_node = emit_args(op::call_define, n.where(), c, args);
        out_.nodes[call_node].a = base;
        out_.nodes[call_node].b = static_cast<std::uint32_t>(d);
        const auto& t = prog_.defines[d].t;
        last_list_element_ = (t.k == sema::kind::record && t.list) ? t.ref : -1;
        return call_node;
    }

    // points_of(score): the score's items and caps, summed as the verdict sums them.
    std::uint32_t points(const ast::call& n, ctx& c) {
        const ast::path* p = ast::as_bare_path(n.args.at(0).value);
        int s = lookup(c.ruleset, &sema::scope::services, p->parts.back().name);
        if (s < 0) bug("points of an unknown score");
        const auto& info = prog_.services[s];
        // Of another record (`applicant.score`): its items run with that record as their subject, in a frame of their own.
        bool other = p->parts.size() > 1;
        // Compiled once for each number of caller variables (another record's: none), then shared.
        auto key = std::make_pair(s, other ? std::numeric_limits<std::size_t>::max() : c.locals.size());
        std::uint32_t node;
        if (auto done = points_nodes_.find(key); done != points_nodes_.end()) {
            node = done->second;
        } else {
            ctx inner{info.at.ruleset, info.record, source_index(info.at.source), {}};
            if (!other)
                for (std::size_t i = 0; i < c.locals.size(); ++i) inner.locals.push_back({"", c.locals[i].second});
            auto saved_types = local_types_;
            if (other) local_types_.clear();
            std::vector<std::uint32_t> args;
            for (const auto& m : info.decl->members)
                if (auto* item = boost::get<ast::score_item>(&m)) {
                    args.push_back(expr(item->value, inner));
                    args.push_back(item->cap ? expr(*item->cap, inner) : no_node);
                }
            if (other) local_types_ = saved_types;
            node = emit_args(op::points, n.where(), c, args);
            out_.nodes[node].c = static_cast<std::uint32_t>(s);  // the score: its total is computed once per subject
            points_nodes_.emplace(key, node);
        }
        if (!other) return node;
        std::uint32_t record =
            path(ast::make_path(std::vector<ast::identifier>(p->parts.begin(), p->parts.end() - 1)), c);
        return emit(op::with_subject, n.where(), c, record, node);
    }

    std::uint32_t call(const ast::call& n, ctx& c) {
        const std::string& name = n.name.name;
        if (!n.target.empty()) {
            std::uint32_t base = path(ast::make_path(n.target), c);
            int d = lookup(c.ruleset, &sema::scope::defines, std::make_pair(last_record_, name));
            if (d < 0) bug("unknown function " + name);
            return function_call(d, base, n, c);
        }
        if (int t = lookup(c.ruleset, &sema::scope::tables, name); t >= 0) {
            std::uint32_t key = expr(n.args.at(0).value, c);
            return emit(op::table, n.where(), c, key, compile_table(t));
        }
        if (c.subject >= 0)
            if (int d = lookup(c.ruleset, &sema::scope::defines, std::make_pair(c.subject, name));
                d >= 0 && prog_.defines[d].function)
                return function_call(d, emit(op::subject, n.name.where(), c), n, c);
        if (int d = lookup(c.ruleset, &sema::scope::defines, std::make_pair(-1, name)); d >= 0 && prog_.defines[d].function)
            return function_call(d, no_node, n, c);
        if (name == "points_of") return points(n, c);
        if (name == "position") {
            const ast::path* p = ast::as_bare_path(n.args.at(0).value);
            auto local = std::find_if(c.locals.rbegin(), c.locals.rend(),
                                      [&](auto& l) { return l.first == p->parts.at(0).name; });
            if (local == c.locals.rend()) bug("position of an unknown variable");
            lowest_local_read_ = std::min(lowest_local_read_, local->second);
            position_read_.insert(local->second);
            return emit(op::position, n.where(), c, local->second);
        }
        auto outer = begin_shared();
        std::vector<std::uint32_t> args;
        int spell_record = -1;
        const ast::operand* at = nullptr;
        std::uint8_t mode = 0, future = 0;
        last_list_element_ = -1;
        for (auto& a : n.args) {
            if (a.name) {
                const std::string& option = a.name->name;
                if (option == "at") {
                    at = &a.value;
                    continue;
                }
                const ast::path* word = ast::as_bare_path(a.value);
                for (const auto& spec : sema::options_of(name))
                    if (option == spec.name) {
                        auto index = static_cast<std::uint8_t>(sema::option_word(spec, word->parts.at(0).name));
                        (option == "future" ? future : mode) = index;
                    }
                continue;
            }
            args.push_back(expr(a.value, c));
            if (args.size() == 1) spell_record = last_list_element_;
        }
        if (at) args.push_back(expr(*at, c));  // the reference date is the last argument, as by position
        static const std::map<std::string, op> builtins = {
            {"age", op::age}, {"months_between", op::months_between}, {"days_between", op::days_between},
            {"years", op::years_of}, {"months", op::months_of}, {"days", op::days_of}, {"date", op::make_date},
            {"year", op::year_of}, {"month", op::month_of}, {"day", op::day_of}, {"min", op::min_of},
            {"max", op::max_of}, {"floor", op::floor_of}, {"round", op::round_of}, {"size", op::size_of},
            {"total", op::total}, {"longest_run", op::longest_run}, {"within", op::within},
            {"run_start", op::run_start}, {"holds", op::holds}};
        auto it = builtins.find(name);
        if (it == builtins.end()) bug("unknown function " + name);
        std::uint32_t call_node = emit_args(it->second, n.where(), c, args);
        out_.nodes[call_node].mode = mode;
        out_.nodes[call_node].future = future;
        if (it->second >= op::total) {
            // Spell built-ins read `from` and `to` by slot.
            if (spell_record < 0) bug("spells of unknown record type");
            const auto& rec = prog_.records[spell_record];
            for (std::size_t i = 0; i < rec.fields.size(); ++i) {
                if (rec.fields[i].name == "from") out_.nodes[call_node].b = static_cast<std::uint32_t>(i);
                if (rec.fields[i].name == "to") out_.nodes[call_node].c = static_cast<std::uint32_t>(i);
            }
        }
        last_list_element_ = -1;
        // Measures and the calendar's dearer functions are shared; the rest cost less than a lookup.
        if (it->second >= op::total || it->second == op::age || it->second == op::months_between)
            end_shared(call_node, outer, c);
        else lowest_local_read_ = std::min(lowest_local_read_, outer);
        return call_node;
    }

    // Sharing (node.memo): an expression that reads no variable bound
    // outside it is the same value wherever its text appears in the same
    // ruleset and subject. begin_shared starts watching the variables read;
    // end_shared gives the node its id if it read none from outside.
    std::uint32_t lowest_local_read_ = 0xffffffffu;
    std::set<std::uint32_t> position_read_;  // variable slots whose position() the body reads
    std::map<std::string, std::uint32_t> shared_ids_;
    std::map<std::pair<int, std::size_t>, std::uint32_t> inlined_;  // (define, caller's variables): its root
    std::map<std::pair<int, std::size_t>, std::uint32_t> points_nodes_;  // (score, caller's variables): points_of
    std::uint32_t begin_shared() {
        std::uint32_t outer = lowest_local_read_;
        lowest_local_read_ = 0xffffffffu;
        return outer;
    }
    void end_shared(std::uint32_t n, std::uint32_t outer, const ctx& c) {
        bool free = lowest_local_read_ >= c.locals.size();  // only its own variables
        const node& nd = out_.nodes[n];
        if (free) share(n, std::string(out_.sources[nd.source]->slice(nd.where)), c);
        lowest_local_read_ = std::min(lowest_local_read_, outer);
    }
    // Node n gets the shared id of `what` (its text, or a define) in this ruleset and subject.
    void share(std::uint32_t n, const std::string& what, const ctx& c) {
        std::string key = std::to_string(c.ruleset) + "/" + std::to_string(c.subject) + "/" + what;
        auto [it, fresh] = shared_ids_.emplace(key, static_cast<std::uint32_t>(shared_ids_.size() + 1));
        out_.nodes[n].memo = it->second;
        out_.memos = std::max(out_.memos, it->second);
    }

    std::uint32_t compile_table(int t) {
        if (auto it = table_index_.find(t); it != table_index_.end()) return it->second;
        const auto& info = prog_.tables[t];
        table_def def;
        def.name = info.name;
        ctx c{info.at.ruleset, -1, source_index(info.at.source), {}};
        auto key_value = [&](const ast::operand& o) -> value {
            if (boost::get<ast::nil>(&o)) return value();
            std::uint32_t n = expr(o, c);
            const node& k = out_.nodes[n];
            if (k.code != op::constant) bug("table key is not a constant");
            value v = out_.constants[k.a];
            if (v.kind == vk::integer && info.key.k == sema::kind::decimal) return value::decimal(static_cast<double>(v.i));
            return v;
        };
        for (const auto& row : info.decl->rows) {
            table_row r;
            r.result = expr(row.value, c);
            if (row.key.kind == ast::key_kind::otherwise) {
                r.is_else = true;
            } else if (row.key.kind == ast::key_kind::range) {
                r.low = key_value(row.key.low);
                r.high = key_value(row.key.high);
                r.high_inclusive = !row.key.half_open;
            } else {
                r.low = r.high = key_value(row.key.low);
            }
            def.rows.push_back(r);
        }
        if (info.key.k == sema::kind::enumeration) {
            // Constant results by enum value: lookups become an index.
            // As the evaluator searches: the first matching row wins; `else` matches the rest.
            std::size_t values = prog_.enums[info.key.ref].values.size();
            std::vector<value> direct(values, value::none());
            std::vector<bool> decided(values, false);
            bool constant_rows = true;
            for (const auto& r : def.rows) {
                const node& result = out_.nodes[r.result];
                if (result.code != op::constant) {
                    constant_rows = false;
                    break;
                }
                for (std::size_t v = 0; v < values; ++v) {
                    bool match = r.is_else || (r.low.kind == vk::enumeration && r.low.i == static_cast<std::int64_t>(v));
                    if (match && !decided[v]) {
                        direct[v] = out_.constants[result.a];
                        decided[v] = true;
                    }
                }
            }
            if (constant_rows) def.by_enum = std::move(direct);
        }
        out_.tables.push_back(std::move(def));
        auto index = static_cast<std::uint32_t>(out_.tables.size() - 1);
        table_index_[t] = index;
        return index;
    }
};

}  // namespace

std::vector<std::int64_t> compile_program(program_data& out, int ruleset) {
    compiler c(out);
    c.compile_params();
    c.run(ruleset);
    return c.param_roots;
}

}  // namespace entitle::compiled
