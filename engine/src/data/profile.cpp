// Profile loading for YAML files and JSON lines. One loader, written against
// a small node interface, checks both against the schema; the adapters below
// give it yaml-cpp nodes (with exact positions) or simdjson elements (fast,
// positioned by line). simdjson is used for JSON lines because batches of
// profiles are where reading speed matters: it parses at gigabytes per
// second, where yaml-cpp manages megabytes.
#include "data/profile.hpp"

#include "common/calendar.hpp"
#include "data/scalar.hpp"
#include "data/yaml.hpp"

#include <simdjson.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace entitle {

std::optional<civil_date> parse_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    civil_date d{std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
    if (!detail::valid_date(d.year, d.month, d.day)) return std::nullopt;
    return d;
}

namespace data {
namespace {
// One profile is a person or a household: a megabyte is far beyond any.
constexpr std::size_t max_profile_bytes = 1u << 20;
// Values one profile may load. YAML aliases share a node that the schema
// walks at every use, so a few kilobytes of aliases of aliases could
// expand into millions of values; a real household has a few hundred.
constexpr std::size_t max_profile_values = 200000;
}  // namespace
}  // namespace data

std::string profile_ruleset(const source_file& text) {
    if (text.text().size() > data::max_profile_bytes) return {};  // load_profile says why, before any parse
    try {
        YAML::Node root = YAML::Load(text.text());
        if (root.IsMap() && root["ruleset"] && root["ruleset"].IsScalar() && root["facts"]) return root["ruleset"].Scalar();
    } catch (const YAML::Exception&) {
        // Not readable: load_profile reports why.
    }
    return {};
}

std::string to_string(const civil_date& d) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
}

namespace data {
namespace {

using eval::value;
using eval::vk;

// ---- node adapters ------------------------------------------------------------

// Booleans, whole numbers and decimals are written bare (true, 3, 48.5):
// a string there ("true") is a mistake of the exporting program, not a value.
bool refuses_text(const sema::type& t, scalar_error& error) {
    const char* what = t.k == sema::kind::boolean   ? "true or false, not text in quotes"
                       : t.k == sema::kind::integer ? "a whole number, not text in quotes"
                       : t.k == sema::kind::decimal ? "a number, not text in quotes"
                                                    : nullptr;
    if (what) error = {"E703", std::string("expected ") + what};
    return what != nullptr;
}

struct yaml_node {
    YAML::Node n;
    bool is_map() const { return n.IsMap(); }
    bool is_list() const { return n.IsSequence(); }
    bool is_null() const { return n.IsNull(); }
    bool is_scalar() const { return n.IsScalar(); }
    std::string text() const { return n.IsScalar() ? n.Scalar() : std::string(); }
    std::string shown() const {
        if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
        return n.IsSequence() ? "a list" : n.IsMap() ? "a mapping" : "null";
    }
    span where(const source_file&) const { return node_span(n); }
    std::optional<yaml_node> member(const char* key) const {
        if (!n.IsMap() || !n[key]) return std::nullopt;
        return yaml_node{n[key]};
    }
    template <typename F>
    void members(F f) const {
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string key = it->first.as<std::string>("");
            f(std::string_view(key), yaml_node{it->second}, yaml_node{it->first});
        }
    }
    template <typename F>
    void items(F f) const {
        for (const auto& item : n) f(yaml_node{item});
    }
    // A quoted scalar ("true", "3") is text: never a boolean or a plain number.
    std::optional<value> typed(const sema::type& t, const sema::program_data& schema, std::deque<std::string>& strings,
                               scalar_error& error) const {
        auto v = scalar_value(n.Scalar(), t, schema, strings, error);
        if (v && n.Tag() == "!" && refuses_text(t, error)) return std::nullopt;
        return v;
    }
};

struct json_node {
    simdjson::dom::element e;
    span line;  // positions are by line in JSON lines
    bool is_map() const { return e.is_object(); }
    bool is_list() const { return e.is_array(); }
    bool is_null() const { return e.is_null(); }
    bool is_scalar() const { return !e.is_object() && !e.is_array() && !e.is_null(); }
    std::string text() const {
        if (e.is_string()) return std::string(std::string_view(e.get_string().value_unsafe()));
        return simdjson::minify(e);
    }
    std::string shown() const {
        if (e.is_string()) return "\"" + text() + "\"";
        return e.is_array() ? "a list" : e.is_object() ? "a mapping" : e.is_null() ? "null" : text();
    }
    span where(const source_file&) const { return line; }
    std::optional<json_node> member(const char* key) const {
        if (!e.is_object()) return std::nullopt;
        simdjson::dom::object object = e.get_object().value_unsafe();
        simdjson::dom::element v;
        if (object[key].get(v)) return std::nullopt;
        return json_node{v, line};
    }
    template <typename F>
    void members(F f) const {
        simdjson::dom::object object = e.get_object().value_unsafe();  // a copy: the result is a temporary
        for (auto field : object) f(field.key, json_node{field.value, line}, json_node{field.value, line});
    }
    template <typename F>
    void items(F f) const {
        simdjson::dom::array array = e.get_array().value_unsafe();
        for (auto item : array) f(json_node{item, line});
    }
    // Numbers and booleans come typed from simdjson: no detour through text.
    std::optional<value> typed(const sema::type& t, const sema::program_data& schema, std::deque<std::string>& strings,
                               scalar_error& error) const {
        switch (t.k) {
            case sema::kind::boolean:
                if (e.is_bool()) return value::boolean(e.get_bool().value_unsafe());
                break;
            case sema::kind::integer:
                if (e.is_int64()) return value::of(vk::integer, e.get_int64().value_unsafe());
                break;
            case sema::kind::decimal:
                if (e.is_number()) return value::decimal(e.get_double().value_unsafe());
                break;
            case sema::kind::money:
                if (e.is_number() && std::fabs(e.get_double().value_unsafe()) < 9e15)
                    return value::of(vk::money, std::llround(e.get_double().value_unsafe() * 100));
                break;
            default:
                if (e.is_string())
                    return scalar_value(std::string(std::string_view(e.get_string().value_unsafe())), t, schema,
                                        strings, error);
        }
        auto v = scalar_value(text(), t, schema, strings, error);
        if (v && e.is_string() && refuses_text(t, error)) return std::nullopt;
        return v;
    }
};

// ---- the loader -----------------------------------------------------------------

// A field path built only when it is needed (an error, a nested record):
// the parent's path and this step, a key or a 1-based list index.
struct lazy_path {
    const std::string& parent;
    std::string_view key;
    std::size_t index = 0;
    std::string str() const {
        if (index) return parent + "[" + std::to_string(index) + "]";
        return parent.empty() ? std::string(key) : parent + "." + std::string(key);
    }
};

template <typename Node>
class loader {
public:
    loader(const sema::program_data& schema, int ruleset, std::shared_ptr<const source_file> src, diagnostics& diags,
           eval::profile_store& store)
        : schema_(schema), ruleset_(ruleset), src_(std::move(src)), diags_(diags), store_(store) {}

    struct loaded {
        value root;
        int entity = -1;
        std::string id;
        std::optional<civil_date> as_of;
    };

    // An envelope {entity, id, as_of, facts} or bare facts.
    loaded run(const Node& root, const profile_options& options) {
        loaded out;
        values_ = 0;
        if (!root.is_map()) {
            error(root, "", "a profile is a mapping of fields (or an envelope with entity and facts)");
            return out;
        }
        Node facts = root;
        std::string entity = options.entity;
        if (auto f = root.member("facts")) {
            std::set<std::string> seen;
            root.members([&](std::string_view key, const Node& v, const Node& k) {
                if (!seen.emplace(key).second) {
                    error(k, std::string(key), "the key '" + std::string(key) + "' is given twice in this envelope", "E716");
                } else if (key == "entity") {
                    entity = v.text();
                } else if (key == "id") {
                    out.id = v.text();
                } else if (key == "as_of") {
                    out.as_of = parse_date(v.text());
                    if (!out.as_of) error(v, "as_of", "expected a date (YYYY-MM-DD), got " + v.shown());
                } else if (key == "ruleset") {
                    check_ruleset(v);
                } else if (key != "facts") {
                    error(k, std::string(key), "unknown key of a profile envelope (entity, id, ruleset, as_of, facts)");
                }
            });
            facts = *f;
        }
        out.entity = find_entity(entity, root);
        if (out.entity < 0) return out;
        // Flat records (the usual export: {"id": ..., "as_of": ..., facts...}):
        // `as_of`, and `id` unless the entity has such a field, are the envelope's.
        flat_ = root.member("facts") ? nullptr : &out;
        out.root = record(facts, out.entity, "");
        flat_ = nullptr;
        return out;
    }

private:
    // The jurisdiction a profile is written for must be the ruleset evaluated
    // or one it extends (a national persona may be evaluated in a city).
    void check_ruleset(const Node& v) {
        std::string names;
        for (int r = ruleset_; r >= 0; r = schema_.rulesets[r].parent) {
            if (schema_.rulesets[r].name == v.text()) return;
            names += (names.empty() ? "" : ", ") + schema_.rulesets[r].name;
        }
        error(v, "ruleset", "this profile is for ruleset " + v.shown() + ", but the rules evaluated are " + names,
              "E709");
    }

    const sema::program_data& schema_;
    int ruleset_;
    std::shared_ptr<const source_file> src_;
    diagnostics& diags_;
    eval::profile_store& store_;
    std::map<int, std::unordered_map<std::string_view, int>> slots_;  // field slots by name, per record type
    loaded* flat_ = nullptr;  // the envelope a flat record's `id` and `as_of` go to
    std::size_t values_ = 0;  // values loaded of this profile (max_profile_values)

    const std::unordered_map<std::string_view, int>& slots_of(int type) {
        auto [it, fresh] = slots_.try_emplace(type);
        if (fresh) {
            const auto& fields = schema_.records[type].fields;
            // Fields another ruleset's `extend` adds are not facts of this one.
            for (std::size_t i = 0; i < fields.size(); ++i)
                if (schema_.visible(fields[i], ruleset_)) it->second.emplace(fields[i].name, static_cast<int>(i));
        }
        return it->second;
    }

    void error(const Node& n, const std::string& path, const std::string& message, const char* code = "E703") {
        diags_.error(code, path.empty() ? message : path + ": " + message, src_, n.where(*src_));
    }

    bool visible(int ruleset_of_record) const {
        for (int r = ruleset_; r >= 0; r = schema_.rulesets[r].parent)
            if (r == ruleset_of_record) return true;
        return false;
    }

    int find_entity(const std::string& name, const Node& root) {
        std::vector<std::string> entities;
        for (std::size_t i = 0; i < schema_.records.size(); ++i) {
            const auto& r = schema_.records[i];
            if (!r.entity || !visible(r.ruleset)) continue;
            entities.push_back(r.name);
            if (r.name == name) return static_cast<int>(i);
        }
        if (name.empty()) {
            // The only entity any service is for.
            std::set<int> subjects;
            for (const auto& s : schema_.services)
                if (s.record >= 0 && visible(s.at.ruleset)) subjects.insert(s.record);
            if (subjects.size() == 1) return *subjects.begin();
            error(root, "", "say which entity the profile describes: entity: " +
                                (entities.empty() ? std::string("NAME") : entities.front()) + " (or --entity)",
                  "E707");
            return -1;
        }
        std::string list;
        for (auto& e : entities) list += (list.empty() ? "" : ", ") + e;
        auto at = root.member("entity");
        error(at ? *at : root, "entity", "unknown entity '" + name + "' (the rules declare " + list + ")", "E707");
        return -1;
    }

    // A spell must not end before it starts: counted as nothing, it would
    // hide a mistake of the data.
    void check_spell(const Node& node, int type, const eval::record_v& r, const std::string& path) {
        if (spell_slots_.empty()) spell_slots_.assign(schema_.records.size(), {-2, -2});
        auto& slots = spell_slots_[static_cast<std::size_t>(type)];
        if (slots.first == -2) {
            slots = {-1, -1};
            if (is_spell_record(sema::type{sema::kind::record, type, false})) {
                const auto& fields = schema_.records[type].fields;
                slots = {static_cast<int>(schema_.records[type].field("from") - fields.data()),
                         static_cast<int>(schema_.records[type].field("to") - fields.data())};
            }
        }
        if (slots.first < 0) return;
        const value& from = r.fields[static_cast<std::size_t>(slots.first)];
        const value& to = r.fields[static_cast<std::size_t>(slots.second)];
        if (from.kind == vk::date && to.kind == vk::date && to.i < from.i)
            error(node, path, "this spell ends (to) before it starts (from)", "E719");
    }
    std::vector<std::pair<int, int>> spell_slots_;  // per record type: its from and to slots, or -1 (-2: not yet seen)

    // Records with `from` and `to` dates are spells (Period and its kind).
    bool is_spell_record(const sema::type& t) const {
        if (t.k != sema::kind::record) return false;
        const auto& rec = schema_.records[t.ref];
        const auto* from = rec.field("from");
        const auto* to = rec.field("to");
        return from && to && from->t == sema::of(sema::kind::date) && to->t == sema::of(sema::kind::date);
    }

    value record(const Node& node, int type, const std::string& path) {
        const sema::record_info& rec = schema_.records[type];
        if (!node.is_map()) {
            error(node, path, "expected a mapping of " + rec.name + " fields, got " + node.shown());
            return value();
        }
        store_.records.push_back({});
        eval::record_v& r = store_.records.back();
        r.record_type = type;
        r.path = path;
        r.fields = store_.allocate(rec.fields.size());
        const auto& slots = slots_of(type);
        loaded* flat = path.empty() ? flat_ : nullptr;
        // A JSON object may name a key twice (YAML is checked when parsed):
        // the slots given so far, in a word for the first 64.
        std::uint64_t given = 0;
        std::vector<bool> given_beyond(rec.fields.size() > 64 ? rec.fields.size() - 64 : 0);
        node.members([&](std::string_view key, const Node& v, const Node& k) {
            lazy_path field_path{path, key};
            auto found = slots.find(key);
            int slot = found == slots.end() ? -1 : found->second;
            if (flat && key == "as_of") {
                flat->as_of = parse_date(v.text());
                if (!flat->as_of) error(v, "as_of", "expected a date (YYYY-MM-DD), got " + v.shown());
                return;
            }
            if (flat && key == "id" && slot < 0) {
                flat->id = v.text();
                return;
            }
            if (flat && key == "id") flat->id = v.text();
            if (slot < 0) {
                std::vector<std::string> names;
                for (auto& f : rec.fields)
                    if (schema_.visible(f, ruleset_)) names.push_back(f.name);
                std::string best = sema::closest(std::string(key), names);
                error(k, field_path.str(),
                      "unknown field of " + rec.name + (best.empty() ? "" : "; did you mean '" + best + "'?"), "E702");
                return;
            }
            auto at = static_cast<std::size_t>(slot);
            bool twice = at < 64 ? (given >> at & 1) != 0 : given_beyond[at - 64];
            if (twice) {
                error(k, field_path.str(), "the key '" + std::string(key) + "' is given twice in this object", "E716");
                return;
            }
            if (at < 64) given |= std::uint64_t{1} << at;
            else given_beyond[at - 64] = true;
            r.fields[at] = field(v, rec.fields[at], field_path);
        });
        check_spell(node, type, r, path);
        return value::record(&r);
    }

    value field(const Node& node, const sema::field_info& f, const lazy_path& where) {
        if (++values_ > max_profile_values) {
            if (values_ == max_profile_values + 1)
                error(node, where.str(), "the profile holds more than " + std::to_string(max_profile_values) +
                                             " values (YAML aliases used again and again?); nothing further is read",
                      "E708");
            return value();
        }
        if (node.is_null()) {
            if (f.optional) return value::none();
            error(node, where.str(), "null is only allowed for optional fields; leave the field out when it is not known",
                  "E705");
            return value();
        }
        if (f.t.list && node.is_scalar() && is_spell_record(f.t)) {
            // A plain count where that is all the profile knows.
            scalar_error problem;
            auto months = node.typed(sema::of(sema::kind::duration), schema_, store_.strings, problem);
            if (!months) {
                error(node, where.str(), "expected a list of spells, or a plain count such as \"36 months\", got " +
                                             node.shown());
                return value();
            }
            store_.lists.push_back({});
            store_.lists.back().path = where.str();
            store_.lists.back().months = months->i;
            return value::of_list(&store_.lists.back());
        }
        if (f.t.list) {
            if (!node.is_list()) {
                error(node, where.str(), "expected a list, got " + node.shown());
                return value();
            }
            store_.lists.push_back({});
            eval::list_v& l = store_.lists.back();
            l.path = where.str();
            std::size_t index = 0;
            sema::field_info element{f.name, f.label, f.t.element(), false, {}, f.source, f.where, f.is_signed};
            std::vector<value> items;
            node.items([&](const Node& item) {
                ++index;
                items.push_back(field(item, element, lazy_path{l.path, {}, index}));
            });
            l.items = store_.allocate(items.size());
            std::copy(items.begin(), items.end(), l.items.begin());
            return value::of_list(&l);
        }
        if (f.t.k == sema::kind::record) return record(node, f.t.ref, where.str());
        if (!node.is_scalar()) {
            error(node, where.str(), "expected " + sema::to_string(f.t, schema_.names) + ", got " + node.shown());
            return value();
        }
        scalar_error problem;
        if (auto v = node.typed(f.t, schema_, store_.strings, problem)) {
            bool negative = v->kind == vk::decimal ? v->d < 0 : (v->kind == vk::integer || v->kind == vk::money) && v->i < 0;
            if (!negative || f.is_signed) return *v;
            error(node, where.str(), "expected zero or more, got " + node.shown() +
                                         " (a field that may be below zero is declared signed)", "E719");
            return value();
        }
        error(node, where.str(), problem.message + (problem.code == "E703" ? ", got " + node.shown() : ""),
              problem.code.c_str());
        return value();
    }
};

}  // namespace

profile_result load_profile(const sema::program_data& schema, int ruleset, std::shared_ptr<const source_file> text,
                            const profile_options& options) {
    profile_result result;
    auto p = std::make_shared<profile>();
    if (text->text().size() > max_profile_bytes) {
        result.diags.error("E708", "the profile is " + std::to_string(text->text().size()) +
                                       " bytes, over the limit of " + std::to_string(max_profile_bytes) + " bytes",
                           text, {0, 0});
        return result;
    }
    auto parsed = parse_yaml(text, "E701", "YAML or JSON", result.diags);
    if (!parsed) return result;
    YAML::Node root = *parsed;
    for (const std::string& step : options.within) {
        // reset(), not =: assigning a YAML::Node writes through to the node it refers to.
        const YAML::Node& here = root;
        YAML::Node next;
        if (here.IsMap()) next.reset(here[step]);
        else if (here.IsSequence() && !step.empty() && step.size() < 9 &&
                 step.find_first_not_of("0123456789") == std::string::npos)
            next.reset(here[std::stoul(step)]);
        if (!next.IsDefined() || next.IsNull()) {
            result.diags.error("E701", "no profile at " + step + " in this document", text, {0, 0});
            return result;
        }
        root.reset(next);
    }
    auto out = loader<yaml_node>(schema, ruleset, text, result.diags, p->store).run(yaml_node{root}, options);
    p->store.root = out.root;
    p->entity = out.entity;
    p->id = out.id;
    p->as_of = out.as_of;
    result.diags.sort();
    if (!result.diags.has_errors()) result.value = p;
    result.id = p->id;
    result.as_of = p->as_of;
    return result;
}

profile_set_result load_json_lines(const sema::program_data& schema, int ruleset,
                                   std::shared_ptr<const source_file> text, const profile_options& options) {
    profile_set_result result;
    auto set = std::make_shared<profile_set>();
    simdjson::dom::parser parser;
    loader<json_node> reader(schema, ruleset, text, result.diags, set->store);  // one for all lines: it caches
    const std::string& all = text->text();
    std::size_t begin = 0, line_number = text->position(0).line - 1;  // a chunk of a file may start further on
    while (begin < all.size()) {
        ++line_number;
        std::size_t end = all.find('\n', begin);
        if (end == std::string::npos) end = all.size();
        std::string_view line(all.data() + begin, end - begin);
        span where{static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
        begin = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        if (line.size() > max_profile_bytes) {
            result.diags.error("E708", "the profile on this line is over the limit of " +
                                           std::to_string(max_profile_bytes) + " bytes", text, {where.begin, where.begin + 1});
            ++result.rejected;
            continue;
        }
        std::size_t errors_before = result.diags.error_count();
        simdjson::dom::element root;
        if (auto error = parser.parse(line.data(), line.size()).get(root)) {
            result.diags.error("E701", std::string("not valid JSON: ") + simdjson::error_message(error), text, where);
        } else {
            auto out = reader.run(json_node{root, where}, options);
            if (result.diags.error_count() == errors_before) {
                if (set->entity < 0) set->entity = out.entity;
                if (out.entity == set->entity) {
                    set->roots.push_back(out.root);
                    set->ids.push_back(out.id);
                    set->as_ofs.push_back(out.as_of);
                    result.lines.push_back(line_number);
                    continue;
                }
                result.diags.error("E707", "all profiles of a file describe one entity", text, where);
            }
        }
        ++result.rejected;
    }
    result.diags.sort();
    if (set->entity >= 0) result.entity = schema.records[set->entity].name;
    result.value = set;
    return result;
}

}  // namespace data
}  // namespace entitle
