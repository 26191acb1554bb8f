#include "data/profile.hpp"

#include "data/scalar.hpp"

#include "common/calendar.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <set>

namespace entitle {

std::optional<civil_date> parse_date(const std::string& s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    civil_date d{std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
    if (!detail::valid_date(d.year, d.month, d.day)) return std::nullopt;
    return d;
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

class loader {
public:
    loader(const sema::program_data& schema, int ruleset, std::shared_ptr<const source_file> src,
           diagnostics& diags, profile& out)
        : schema_(schema), ruleset_(ruleset), src_(std::move(src)), diags_(diags), out_(out) {}

    void run(const profile_options& options) {
        YAML::Node root;
        try {
            root = YAML::Load(src_->text());
        } catch (const YAML::ParserException& e) {
            auto at = static_cast<std::uint32_t>(std::max(0, e.mark.pos));
            diags_.error("E701", "not valid YAML or JSON: " + e.msg, src_, {at, at + 1});
            return;
        } catch (const YAML::Exception& e) {
            diags_.error("E701", std::string("not valid YAML or JSON: ") + e.what(), src_, {0, 0});
            return;
        }
        if (!root.IsMap()) {
            error(root, "", "a profile is a mapping of fields (or an envelope with entity and facts)");
            return;
        }
        YAML::Node facts = root;
        std::string entity = options.entity;
        if (root["facts"]) {
            for (auto it = root.begin(); it != root.end(); ++it) {
                std::string key = it->first.as<std::string>("");
                if (key == "entity") {
                    entity = scalar(it->second);
                } else if (key == "id") {
                    out_.id = scalar(it->second);
                } else if (key == "as_of") {
                    auto d = parse_date(scalar(it->second));
                    if (!d) error(it->second, "as_of", "expected a date (YYYY-MM-DD), got " + shown(it->second));
                    out_.as_of = d;
                } else if (key != "facts") {
                    error(it->first, key, "unknown key of a profile envelope (entity, id, as_of, facts)");
                }
            }
            facts = root["facts"];
        }
        out_.entity = find_entity(entity, root);
        if (out_.entity < 0) return;
        out_.store.root = record(facts, out_.entity, "");
    }

private:
    const sema::program_data& schema_;
    int ruleset_;
    std::shared_ptr<const source_file> src_;
    diagnostics& diags_;
    profile& out_;

    static std::string scalar(const YAML::Node& n) { return n.IsScalar() ? n.Scalar() : std::string(); }

    static std::string shown(const YAML::Node& n) {
        if (n.IsScalar()) return "\"" + n.Scalar() + "\"";
        if (n.IsSequence()) return "a list";
        if (n.IsMap()) return "a mapping";
        return "null";
    }

    span where(const YAML::Node& n) const {
        auto mark = n.Mark();
        auto begin = static_cast<std::uint32_t>(std::max(0, mark.pos));
        std::uint32_t len = n.IsScalar() ? static_cast<std::uint32_t>(std::max<std::size_t>(1, n.Scalar().size())) : 1;
        return {begin, begin + len};
    }

    void error(const YAML::Node& n, const std::string& path, const std::string& message,
               const char* code = "E703") {
        diags_.error(code, path.empty() ? message : path + ": " + message, src_, where(n));
    }

    bool visible(int ruleset_of_record) const {
        for (int r = ruleset_; r >= 0; r = schema_.rulesets[r].parent)
            if (r == ruleset_of_record) return true;
        return false;
    }

    int find_entity(const std::string& name, const YAML::Node& root) {
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
        error(root["entity"] ? root["entity"] : root, "entity",
              "unknown entity '" + name + "' (the rules declare " + list + ")", "E707");
        return -1;
    }

    value record(const YAML::Node& node, int type, const std::string& path) {
        const sema::record_info& rec = schema_.records[type];
        if (!node.IsMap()) {
            error(node, path, "expected a mapping of " + rec.name + " fields, got " + shown(node));
            return value();
        }
        out_.store.records.push_back({});
        eval::record_v& r = out_.store.records.back();
        r.record_type = type;
        r.path = path;
        r.fields.assign(rec.fields.size(), value());
        for (auto it = node.begin(); it != node.end(); ++it) {
            std::string key = it->first.as<std::string>("");
            std::string field_path = path.empty() ? key : path + "." + key;
            int slot = -1;
            for (std::size_t i = 0; i < rec.fields.size(); ++i)
                if (rec.fields[i].name == key) slot = static_cast<int>(i);
            if (slot < 0) {
                std::vector<std::string> names;
                for (auto& f : rec.fields) names.push_back(f.name);
                std::string best = sema::closest(key, names);
                error(it->first, field_path,
                      "unknown field of " + rec.name + (best.empty() ? "" : "; did you mean '" + best + "'?"), "E702");
                continue;
            }
            r.fields[slot] = field(it->second, rec.fields[slot], field_path);
        }
        return value::record(&r);
    }

    value field(const YAML::Node& node, const sema::field_info& f, const std::string& path) {
        if (node.IsNull()) {
            if (f.optional) return value::none();
            error(node, path, "null is only allowed for optional fields; leave the field out when it is not known",
                  "E705");
            return value();
        }
        if (f.t.list) {
            if (!node.IsSequence()) {
                error(node, path, "expected a list, got " + shown(node));
                return value();
            }
            out_.store.lists.push_back({});
            eval::list_v& l = out_.store.lists.back();
            l.path = path;
            std::size_t index = 0;
            for (const auto& item : node) {
                ++index;
                std::string item_path = path + "[" + std::to_string(index) + "]";
                sema::field_info element{f.name, f.label, f.t.element(), false};
                l.items.push_back(field(item, element, item_path));
            }
            return value::of_list(&l);
        }
        if (f.t.k == sema::kind::record) return record(node, f.t.ref, path);
        if (!node.IsScalar()) {
            error(node, path, "expected " + sema::to_string(f.t, schema_.names) + ", got " + shown(node));
            return value();
        }
        scalar_error problem;
        if (auto v = scalar_value(node.Scalar(), f.t, schema_, out_.store.strings, problem)) return *v;
        error(node, path, problem.message + (problem.code == "E703" ? ", got " + shown(node) : ""),
              problem.code.c_str());
        return value();
    }
};

}  // namespace

profile_result load_profile(const sema::program_data& schema, int ruleset, std::shared_ptr<const source_file> text,
                            const profile_options& options) {
    profile_result result;
    auto p = std::make_shared<profile>();
    loader(schema, ruleset, std::move(text), result.diags, *p).run(options);
    result.diags.sort();
    if (!result.diags.has_errors()) result.value = p;
    result.id = p->id;
    result.as_of = p->as_of;
    return result;
}

}  // namespace data
}  // namespace entitle
