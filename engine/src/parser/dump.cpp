// S-expression dump of the AST for golden tests. Precedence wrappers with
// nothing in them (a `binary` without `rest`, a `test` without a tail) are
// printed as what they wrap, so the dump shows the tree a reader expects.
#include "parser/parse.hpp"

#include <sstream>

namespace entitle::ast {

namespace {

struct span_visitor {
    using result_type = entitle::span;
    template <typename T>
    entitle::span operator()(const x3::forward_ast<T>& n) const { return n.get().where(); }
    template <typename T>
    entitle::span operator()(const T& n) const { return n.where(); }
};

const char* op_name(op o) {
    switch (o) {
        case op::or_: return "or";
        case op::and_: return "and";
        case op::not_: return "not";
        case op::neg: return "-";
        case op::eq: return "=";
        case op::ne: return "!=";
        case op::lt: return "<";
        case op::le: return "<=";
        case op::gt: return ">";
        case op::ge: return ">=";
        case op::add: return "+";
        case op::sub: return "-";
        case op::mul: return "*";
        case op::div: return "/";
    }
    return "?";
}

std::string quoted(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

class dumper {
public:
    std::ostringstream out;

    void operator()(const operand& o) { boost::apply_visitor(*this, o); }
    template <typename T>
    void operator()(const x3::forward_ast<T>& n) { (*this)(n.get()); }

    void operator()(const nil&) { out << "nil"; }
    void operator()(const bool_lit& n) { out << (n.value ? "true" : "false"); }
    void operator()(const int_lit& n) { out << n.value; }
    void operator()(const decimal_lit& n) { out << n.text; }
    void operator()(const money_lit& n) { out << "(money " << n.text << ")"; }
    void operator()(const duration_lit& n) {
        static const char* units[] = {"days", "months", "years"};
        out << "(duration " << n.amount << " " << units[static_cast<int>(n.unit)] << ")";
    }
    void operator()(const date_lit& n) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", n.year, n.month, n.day);
        out << buf;
    }
    void operator()(const string_lit& n) { out << quoted(n.value); }
    void operator()(const as_of_ref&) { out << "as_of"; }
    void operator()(const path& n) {
        for (std::size_t i = 0; i < n.parts.size(); ++i) out << (i ? "." : "") << n.parts[i].name;
    }
    void operator()(const param_ref& n) { out << "(param " << n.name.name << ")"; }
    void operator()(const call& n) {
        out << "(call ";
        for (auto& t : n.target) out << t.name << ".";
        out << n.name.name;
        for (auto& a : n.args) {
            out << " ";
            if (a.name) out << "(" << a.name->name << ": ", (*this)(a.value), out << ")";
            else (*this)(a.value);
        }
        out << ")";
    }
    void operator()(const filter& n) {
        out << "(where " << n.var.name << " ";
        (*this)(n.list);
        out << " ";
        (*this)(n.cond);
        out << ")";
    }
    void operator()(const unary& n) {
        for (auto o : n.ops) out << "(" << op_name(o) << " ";
        (*this)(n.rhs);
        for (std::size_t i = 0; i < n.ops.size(); ++i) out << ")";
    }
    void operator()(const binary& n) {
        if (n.rest.empty()) return (*this)(n.first);
        for (auto it = n.rest.rbegin(); it != n.rest.rend(); ++it) out << "(" << op_name(it->oper) << " ";
        (*this)(n.first);
        for (auto& r : n.rest) out << " ", (*this)(r.rhs), out << ")";
    }
    void operator()(const test& n) {
        if (!n.rest) return (*this)(n.subject);
        struct tail_dumper {
            dumper& d;
            const operand& subject;
            void operator()(const compare_tail& t) const {
                d.out << "(" << op_name(t.oper) << " ", d(subject), d.out << " ", d(t.rhs), d.out << ")";
            }
            void operator()(const between_tail& t) const {
                d.out << "(between ", d(subject), d.out << " ", d(t.low), d.out << " ", d(t.high),
                    d.out << ")";
            }
            void operator()(const in_tail& t) const {
                d.out << (t.negated ? "(not-in " : "(in "), d(subject);
                for (auto& i : t.items) d.out << " ", d(i);
                d.out << ")";
            }
            void operator()(const is_tail& t) const {
                d.out << (t.set ? "(is-set " : "(is-missing "), d(subject), d.out << ")";
            }
        };
        boost::apply_visitor(tail_dumper{*this, n.subject}, *n.rest);
    }
    void operator()(const quantifier& n) {
        static const char* kinds[] = {"any", "all", "count", "sum", "min", "max", "first", "last", "distinct"};
        out << "(" << kinds[static_cast<int>(n.kind)] << " " << n.var.name << " ";
        (*this)(n.list);
        out << " ";
        if (n.cond) out << "(where ", (*this)(*n.cond), out << ") ";
        (*this)(n.body);
        out << ")";
    }
    void condition(const ast::condition& c) {
        if (c.label) out << "(label " << quoted(c.label->value) << " ";
        (*this)(c.expr);
        if (c.label) out << ")";
    }
    void operator()(const group& n) {
        out << (n.kind == group_kind::any ? "(any-of" : "(all-of");
        for (auto& c : n.items) out << " ", condition(c);
        out << ")";
    }
    void operator()(const conditional& n) {
        out << "(if ", (*this)(n.cond), out << " ", (*this)(n.then_), out << " ",
            (*this)(n.else_), out << ")";
    }

    void type(const type_ref& t) {
        out << (t.optional ? "optional " : "") << (t.is_signed ? "signed " : "") << (t.list ? "list of " : "") << t.name.name;
    }
    void label(const boost::optional<string_lit>& l) {
        if (l) out << " " << quoted(l->value);
    }

    void operator()(const enum_decl& d) {
        out << "(enum " << d.name.name;
        label(d.label);
        for (auto& v : d.values) {
            out << "\n  (" << v.name.name;
            label(v.label);
            out << ")";
        }
        out << ")\n";
    }
    void fields(const std::vector<field_decl>& list) {
        for (auto& f : list) {
            out << "\n  (field " << f.name.name << " ";
            type(f.type);
            label(f.label);
            out << ")";
        }
        out << ")\n";
    }
    void operator()(const record_decl& d) {
        out << (d.is_entity ? "(entity " : "(record ") << d.name.name;
        label(d.label);
        fields(d.fields);
    }
    void operator()(const extend_decl& d) {
        out << "(extend " << d.name.name;
        fields(d.fields);
    }
    void operator()(const param_decl& d) {
        out << "(param " << d.name.name;
        label(d.label);
        out << " ";
        type(d.type);
        if (d.unit) out << " (unit " << quoted(d.unit->value) << ")";
        if (d.default_value) out << " (default ", (*this)(*d.default_value), out << ")";
        out << ")\n";
    }
    void operator()(const define_decl& d) {
        out << "(define " << d.name.name;
        if (d.params) {
            out << " (params";
            for (auto& p : *d.params) out << " (" << p.name.name << " ", type(p.type), out << ")";
            out << ")";
        }
        label(d.label);
        if (d.subject) out << " (for " << d.subject->name << ")";
        out << "\n  ";
        (*this)(d.value);
        out << ")\n";
    }
    void operator()(const table_decl& d) {
        out << "(table " << d.name.name;
        label(d.label);
        out << " ";
        type(d.key_type);
        out << " -> ";
        type(d.value_type);
        for (auto& r : d.rows) {
            out << "\n  (";
            switch (r.key.kind) {
                case key_kind::otherwise: out << "else"; break;
                case key_kind::value: (*this)(r.key.low); break;
                case key_kind::range:
                    (*this)(r.key.low);
                    out << (r.key.half_open ? " ..< " : " .. ");
                    (*this)(r.key.high);
                    break;
            }
            out << " : ";
            (*this)(r.value);
            out << ")";
        }
        out << ")\n";
    }
    void operator()(const seed_cite& c) {
        out << "\n  (cites " << c.paragraph.value << " " << quoted(c.quote.value) << ")";
    }
    void operator()(const external_cite& c) {
        out << "\n  (cites " << quoted(c.reference.value);
        if (c.url) out << " (url " << quoted(c.url->value) << ")";
        out << ")";
    }
    void operator()(const requirement& r) {
        out << (r.unless ? "\n  (unless " : "\n  (requires ");
        condition(r.cond);
        out << ")";
    }
    void operator()(const score_item& i) {
        out << "\n  (item " << i.name.name;
        label(i.label);
        out << " ";
        (*this)(i.value);
        if (i.cap) out << " (cap ", (*this)(*i.cap), out << ")";
        out << ")";
    }
    void operator()(const threshold& t) { out << "\n  (threshold ", (*this)(t.value), out << ")"; }
    void operator()(const exception_decl& d) {
        out << "(exception " << d.name.name;
        label(d.title);
        out << " (to " << d.service.name << ")";
        if (d.over) out << " (over " << d.over->name << ")";
        for (auto& m : d.members) {
            if (auto* r = boost::get<requirement>(&m)) {
                out << "\n  (when ";
                condition(r->cond);
                out << ")";
            } else {
                boost::apply_visitor(*this, m);
            }
        }
        out << "\n  (then " << (d.grants ? "eligible" : "not_eligible") << "))\n";
    }
    void operator()(const service_decl& d) {
        out << (d.is_score ? "(score " : "(service ") << d.name.name;
        label(d.title);
        out << " (for " << d.subject.name << ")";
        for (auto& m : d.members) boost::apply_visitor(*this, m);
        out << ")\n";
    }
};

}  // namespace

entitle::span span_of(const operand& o) { return boost::apply_visitor(span_visitor{}, o); }

path make_path(std::vector<identifier> parts) {
    path p;
    p.parts = std::move(parts);
    p.begin = p.parts.front().begin;
    p.end = p.parts.back().end;
    return p;
}

const path* as_bare_path(const operand& o) {
    if (auto* p = boost::get<path>(&o)) return p;
    if (auto* b = boost::get<x3::forward_ast<binary>>(&o))
        return b->get().rest.empty() ? as_bare_path(b->get().first) : nullptr;
    if (auto* t = boost::get<x3::forward_ast<test>>(&o))
        return t->get().rest ? nullptr : as_bare_path(t->get().subject);
    return nullptr;
}

}  // namespace entitle::ast

namespace entitle::parser {

std::string dump(const ast::file& tree) {
    ast::dumper d;
    const auto& h = tree.head;
    d.out << "(ruleset " << h.name.name;
    d.label(h.title);
    if (h.extends) d.out << " (extends " << h.extends->name << ")";
    if (h.source) d.out << " (source " << ast::quoted(h.source->value) << ")";
    if (h.effective_from) d.out << " (effective ", d(*h.effective_from), d.out << ")";
    if (h.effective_to) d.out << " (to ", d(*h.effective_to), d.out << ")";
    if (!h.entitlements.empty()) {
        d.out << " (entitlements";
        for (const auto& p : h.entitlements) d.out << " " << p.value;
        d.out << ")";
    }
    d.out << ")\n";
    for (auto& decl : tree.decls) boost::apply_visitor(d, decl);
    return d.out.str();
}

}  // namespace entitle::parser
