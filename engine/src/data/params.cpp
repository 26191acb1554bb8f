#include "data/params.hpp"

#include "common/calendar.hpp"
#include "data/scalar.hpp"
#include "data/yaml.hpp"

#include <entitle/engine.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace entitle::data {

bool is_parameter_file(const std::string& name) {
    const std::string suffix = ".params.yaml";
    return name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

namespace {

class param_loader {
public:
    param_loader(const sema::program_data& schema, std::shared_ptr<const source_file> src, parameter_store& out,
                 diagnostics& diags)
        : schema_(schema), src_(std::move(src)), out_(out), diags_(diags) {}

    void run() {
        auto parsed = parse_yaml(src_, "E901", "YAML", diags_);
        if (!parsed) return;
        YAML::Node root = *parsed;
        if (!root.IsMap() || !root["ruleset"] || !root["parameters"]) {
            error(root, "", "a parameter file is a mapping with 'ruleset' and 'parameters'", "E901");
            return;
        }
        for (auto it = root.begin(); it != root.end(); ++it) {
            std::string key = it->first.as<std::string>("");
            if (key != "ruleset" && key != "parameters")
                error(it->first, key, "unknown key (a parameter file has 'ruleset' and 'parameters')", "E901");
        }
        std::string name = root["ruleset"].IsScalar() ? root["ruleset"].Scalar() : "";
        for (std::size_t i = 0; i < schema_.rulesets.size(); ++i)
            if (schema_.rulesets[i].name == name) ruleset_ = static_cast<int>(i);
        if (ruleset_ < 0) {
            std::vector<std::string> names;
            for (auto& r : schema_.rulesets) names.push_back(r.name);
            std::string best = sema::closest(name, names);
            error(root["ruleset"], "ruleset", "unknown ruleset '" + name + "'" +
                                                  (best.empty() ? "" : "; did you mean '" + best + "'?"), "E902");
            return;
        }
        YAML::Node params = root["parameters"];
        if (!params.IsMap()) {
            error(params, "parameters", "expected a mapping of parameter names", "E901");
            return;
        }
        for (auto it = params.begin(); it != params.end(); ++it) parameter(it->first, it->second);
    }

private:
    const sema::program_data& schema_;
    std::shared_ptr<const source_file> src_;
    parameter_store& out_;
    diagnostics& diags_;
    int ruleset_ = -1;

    void error(const YAML::Node& n, const std::string& path, const std::string& message, const char* code) {
        diags_.error(code, path.empty() ? message : path + ": " + message, src_, node_span(n));
    }

    int visible_param(const std::string& name) const {
        for (int r = ruleset_; r >= 0; r = schema_.rulesets[r].parent) {
            auto it = schema_.rulesets[r].names.params.find(name);
            if (it != schema_.rulesets[r].names.params.end()) return it->second;
        }
        return -1;
    }

    void parameter(const YAML::Node& key, const YAML::Node& body) {
        std::string name = key.as<std::string>("");
        int index = visible_param(name);
        if (index < 0) {
            std::vector<std::string> names;
            for (int r = ruleset_; r >= 0; r = schema_.rulesets[r].parent)
                for (auto& [n, i] : schema_.rulesets[r].names.params) names.push_back(n);
            std::string best = sema::closest(name, names);
            error(key, name, "the rules of ruleset '" + schema_.rulesets[ruleset_].name + "' declare no such parameter" +
                                 (best.empty() ? "" : "; did you mean '" + best + "'?"), "E903");
            return;
        }
        const sema::param_info& info = schema_.params[index];
        if (!body.IsMap() || !body["values"]) {
            error(body, name, "expected a mapping with 'values' (and description, unit, reference)", "E901");
            return;
        }
        timeline t;
        t.ruleset = ruleset_;
        for (auto it = body.begin(); it != body.end(); ++it) {
            std::string k = it->first.as<std::string>("");
            if (k == "description") t.description = it->second.as<std::string>("");
            else if (k == "reference") t.reference = it->second.as<std::string>("");
            else if (k == "unit") {
                std::string unit = it->second.as<std::string>("");
                if (info.unit.empty() && !unit.empty())
                    error(it->second, name + ".unit", "the rules declare no unit for this parameter, not '" + unit + "'",
                          "E904");
                else if (unit != info.unit)
                    error(it->second, name + ".unit", "the rules declare unit '" + info.unit + "', not '" + unit + "'",
                          "E904");
            } else if (k != "values") {
                error(it->first, name + "." + k, "unknown key (description, unit, reference, values)", "E901");
            }
        }
        YAML::Node values = body["values"];
        if (!values.IsMap() || values.size() == 0) {
            error(values, name + ".values", "expected dated values: `YYYY-MM-DD: value` lines", "E901");
            return;
        }
        std::int64_t previous = INT64_MIN;
        for (auto it = values.begin(); it != values.end(); ++it) {
            std::string date_text = it->first.as<std::string>("");
            std::string path = name + ".values." + date_text;
            auto d = parse_date(date_text);
            if (!d) {
                error(it->first, path, "expected a date (YYYY-MM-DD) as the key", "E905");
                continue;
            }
            std::int64_t day = detail::days_from_civil(d->year, d->month, d->day);
            if (day <= previous) {
                error(it->first, path, day == previous ? "this date is given twice"
                                                       : "dates must increase: a value applies until the next date",
                      "E906");
                continue;
            }
            previous = day;
            dated_value v{day, {}};
            if (!it->second.IsNull()) {
                if (!it->second.IsScalar()) {
                    error(it->second, path, "expected " + sema::to_string(info.t, schema_.names), "E904");
                    continue;
                }
                scalar_error problem;
                auto parsed = scalar_value(it->second.Scalar(), info.t, schema_, out_.strings, problem);
                if (!parsed) {
                    error(it->second, path, problem.message + " for parameter " + name + " (" +
                                                sema::to_string(info.t, schema_.names) + "), got \"" +
                                                it->second.Scalar() + "\"", "E904");
                    continue;
                }
                v.value = *parsed;
            }
            t.values.push_back(v);
        }
        auto& timelines = out_.by_param[static_cast<std::size_t>(index)];
        for (const auto& other : timelines)
            if (other.ruleset == ruleset_) {
                error(key, name, "ruleset '" + schema_.rulesets[ruleset_].name +
                                     "' gives this parameter's values in two files", "E907");
                return;
            }
        timelines.push_back(std::move(t));
    }
};

}  // namespace

void load_parameter_files(const sema::program_data& schema,
                          const std::vector<std::shared_ptr<const source_file>>& files, parameter_store& out,
                          diagnostics& diags) {
    out.by_param.assign(schema.params.size(), {});
    for (const auto& f : files)
        if (is_parameter_file(f->name())) param_loader(schema, f, out, diags).run();
}

}  // namespace entitle::data
