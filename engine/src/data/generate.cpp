// Synthetic populations (program::generate): plausible profiles of an
// entity, read off the schema the rules declare, with distributions from a
// small YAML spec. Deterministic: the same rules, spec, seed and count give
// the same lines on every machine (a SplitMix64 generator and integer
// arithmetic only; no std:: distributions, whose results vary by library).
//
//     # a spec
//     missing: 0.05                      # default share of facts left out
//     fields:
//       applicant.hukou_local: {p_true: 0.3}
//       applicant.birth_date:  {from: 1960-01-01, to: 2005-12-31}
//       members:               {min: 1, max: 6}
//       children:              {min: 0, max: 3}        # how many items
//       housing.kind:          {values: [owned, registered_rental, other], weights: [3, 4, 3]}
//       annual_income:         {min: 20000, max: 300000, missing: 0.2}
//
// A path names a field from the entity down through records and list items
// (no indexes: `children.birth_date` is every child's).
#include "data/generate.hpp"

#include "common/calendar.hpp"
#include "common/json.hpp"
#include "common/numbers.hpp"
#include "data/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <optional>

namespace entitle::data {

namespace {

struct splitmix {
    std::uint64_t s;
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    // Uniform in [lo, hi].
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        if (hi <= lo) return lo;
        return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
    }
    // True with probability p (in millionths, exactly).
    bool chance(double p) { return static_cast<double>(next() % 1000000) < p * 1000000.0; }
};

struct field_spec {
    std::optional<double> p_true, missing;
    std::optional<std::int64_t> min, max;  // ints, money (yuan), durations (months), list lengths
    std::optional<double> dmin, dmax;      // decimals
    std::optional<std::int64_t> from, to;  // dates (day numbers)
    std::vector<std::string> values;
    std::vector<std::int64_t> weights;
};

class generator {
public:
    generator(const sema::program_data& schema, int ruleset, civil_date as_of) : schema_(schema), ruleset_(ruleset) {
        today_ = detail::days_from_civil(as_of.year, as_of.month, as_of.day);
    }

    // The spec checked whole against the entity's fields, every mistake
    // located: what it allows must be profiles that load under the rules.
    bool read_spec(const std::shared_ptr<const source_file>& spec, int entity, diagnostics& diags) {
        if (!spec) return true;
        std::size_t errors_before = diags.error_count();
        spec_reader reader{spec, diags};
        auto parsed = parse_yaml(spec, "E714", "YAML", diags);
        if (!parsed) return false;
        const YAML::Node& root = *parsed;
        if (root.IsNull()) return true;
        if (!root.IsMap()) return reader.fail(root, "a spec is a mapping: missing, fields");
        for (auto it = root.begin(); it != root.end(); ++it) {
            const YAML::Node key_node = it->first, v = it->second;  // copies: the iterator gives a temporary
            std::string key = key_node.Scalar();
            if (key == "missing") {
                if (auto p = reader.share(v, "missing")) missing_ = *p;
            } else if (key == "fields") {
                if (!v.IsMap()) {
                    reader.fail(v, "fields is a mapping of field paths to distributions");
                    continue;
                }
                for (auto f = v.begin(); f != v.end(); ++f) {
                    const YAML::Node path = f->first, distribution = f->second;
                    read_field(entity, path, distribution, reader);
                }
            } else {
                reader.fail(key_node, "unknown key '" + key + "' in a spec (missing, fields)");
            }
        }
        return diags.error_count() == errors_before;
    }

    std::string profile(int entity, std::uint64_t seed, std::size_t index, const std::string& ruleset) {
        splitmix rng{seed * 0x100000001B3ULL + index};
        detail::json_writer w;
        w.begin_object();
        w.key("entity").value(schema_.records[entity].name);
        w.key("id").value("p" + std::to_string(index + 1));
        if (!ruleset.empty()) w.key("ruleset").value(ruleset);
        w.key("facts");
        record(w, entity, "", rng, 0);
        w.end_object();
        return w.str();
    }

private:
    const sema::program_data& schema_;
    int ruleset_;
    std::int64_t today_;
    double missing_ = 0.05;
    std::map<std::string, field_spec> specs_;

    // Reads the scalars of a spec, reporting each mistake at its node.
    struct spec_reader {
        const std::shared_ptr<const source_file>& spec;
        diagnostics& diags;

        bool fail(const YAML::Node& n, const std::string& message) {
            diags.error("E714", message, spec, node_span(n));
            return false;
        }
        std::optional<double> number(const YAML::Node& n, const std::string& what) {
            double x = 0;
            if (n.IsScalar() && detail::parse_number(n.Scalar(), x)) return x;
            fail(n, what + ": expected a number");
            return std::nullopt;
        }
        // A share of profiles: a number from 0 to 1.
        std::optional<double> share(const YAML::Node& n, const std::string& what) {
            auto x = number(n, what);
            if (x && (*x < 0 || *x > 1)) {
                fail(n, what + ": a share of profiles is between 0 and 1");
                return std::nullopt;
            }
            return x;
        }
        std::optional<std::int64_t> day(const YAML::Node& n, const std::string& what) {
            auto d = n.IsScalar() ? parse_date(n.Scalar()) : std::nullopt;
            if (!d || d->year < 1900 || d->year > 2199) {
                fail(n, what + ": expected a date YYYY-MM-DD between 1900-01-01 and 2199-12-31");
                return std::nullopt;
            }
            return detail::days_from_civil(d->year, d->month, d->day);
        }
    };

    // The field a spec path names (`children.birth_date`), or nothing.
    const sema::field_info* field_at(int record, const std::string& path) const {
        auto dot = path.find('.');
        const auto* f = schema_.field(record, path.substr(0, dot), ruleset_);
        if (!f || dot == std::string::npos) return f;
        return f->t.k == sema::kind::record ? field_at(f->t.ref, path.substr(dot + 1)) : nullptr;
    }

    void read_field(int entity, const YAML::Node& key, const YAML::Node& n, spec_reader& r) {
        const std::string path = key.Scalar();
        const sema::field_info* f = field_at(entity, path);
        if (!f) {
            r.fail(key, "the spec names " + path + ", which is not a field path of " + schema_.records[entity].name);
            return;
        }
        if (!n.IsMap()) {
            r.fail(n, path + ": a distribution is a mapping (min/max, from/to, p_true, values, weights, missing)");
            return;
        }
        using sema::kind;
        const kind k = f->t.k;
        const bool counted = f->t.list;  // min/max: how many items
        const bool numeric = k == kind::integer || k == kind::money || k == kind::duration || k == kind::days ||
                             k == kind::decimal;
        field_spec s;
        std::optional<YAML::Node> values_node, weights_node;
        for (auto it = n.begin(); it != n.end(); ++it) {
            const YAML::Node name_node = it->first, v = it->second;  // copies: the iterator gives a temporary
            const std::string name = name_node.Scalar(), what = path + "." + name;
            if (name == "p_true") {
                if (k != kind::boolean || counted) r.fail(name_node, what + ": p_true is for bool fields");
                else s.p_true = r.share(v, what);
            } else if (name == "missing") {
                s.missing = r.share(v, what);
            } else if (name == "min" || name == "max") {
                if (!counted && !numeric) {
                    r.fail(name_node, what + ": min and max are for numbers and lists (from and to for dates)");
                    continue;
                }
                auto x = r.number(v, what);
                if (!x) continue;
                bool whole = counted || k != kind::decimal;
                double limit = counted ? 1000 : k == kind::duration ? 100000 : k == kind::days ? 3650000 : 9e15;
                double floor = (f->is_signed && !counted) ? -limit : 0;
                if (whole && std::round(*x) != *x) r.fail(v, what + ": expected a whole number");
                else if (*x < floor || *x > limit)
                    r.fail(v, what + ": out of range: from " + detail::general_text(floor, 16) + " to " +
                                  detail::general_text(limit, 16) + (floor == 0 && !counted ? " (the field is not signed)" : ""));
                else (name == "min" ? s.dmin : s.dmax) = *x, (name == "min" ? s.min : s.max) = std::llround(*x);
            } else if (name == "from" || name == "to") {
                if (k != kind::date || counted) r.fail(name_node, what + ": from and to are for date fields");
                else (name == "from" ? s.from : s.to) = r.day(v, what);
            } else if (name == "values") {
                values_node = v;
            } else if (name == "weights") {
                weights_node = v;
            } else {
                r.fail(name_node, path + ": unknown key '" + name + "' (min, max, from, to, p_true, values, weights, missing)");
            }
        }
        if (s.dmin && s.dmax && *s.dmin > *s.dmax) r.fail(n, path + ": min is above max");
        if (s.from && s.to && *s.from > *s.to) r.fail(n, path + ": from is after to");
        if (values_node) read_values(*f, path, *values_node, s, r);
        if (weights_node) {
            if (!values_node) r.fail(*weights_node, path + ".weights: weights go with values");
            else read_weights(path, *weights_node, s, r);
        }
        specs_[path] = std::move(s);
    }

    void read_values(const sema::field_info& f, const std::string& path, const YAML::Node& v, field_spec& s,
                     spec_reader& r) {
        const std::string what = path + ".values";
        bool is_enum = f.t.k == sema::kind::enumeration && !f.t.list;
        if (!is_enum && !(f.t.k == sema::kind::string && !f.t.list)) {
            r.fail(v, what + ": values are for enum and string fields");
            return;
        }
        if (!v.IsSequence() || v.size() == 0) {
            r.fail(v, what + ": expected a list of values ([a, b])");
            return;
        }
        for (const auto& x : v) {
            if (!x.IsScalar()) {
                r.fail(x, what + ": expected a value, got a " + std::string(x.IsMap() ? "mapping" : "list"));
                continue;
            }
            if (is_enum) {
                const auto& en = schema_.enums[f.t.ref];
                if (en.index_of(x.Scalar()) < 0) {
                    std::string best = sema::closest(x.Scalar(), en.values);
                    r.fail(x, what + ": '" + x.Scalar() + "' is not a value of " + en.name +
                                  (best.empty() ? "" : "; did you mean '" + best + "'?"));
                    continue;
                }
            }
            s.values.push_back(x.Scalar());
        }
    }

    void read_weights(const std::string& path, const YAML::Node& v, field_spec& s, spec_reader& r) {
        const std::string what = path + ".weights";
        if (!v.IsSequence()) {
            r.fail(v, what + ": expected a list of whole numbers, one per value");
            return;
        }
        std::int64_t total = 0;
        for (const auto& x : v) {
            auto w = r.number(x, what);
            if (!w) continue;
            if (*w < 0 || *w > 1e9 || std::round(*w) != *w) {
                r.fail(x, what + ": a weight is a whole number from 0 to 1000000000");
                continue;
            }
            s.weights.push_back(std::llround(*w));
            total += s.weights.back();
        }
        if (v.size() != s.values.size()) r.fail(v, what + ": " + std::to_string(v.size()) + " weights for " +
                                                       std::to_string(s.values.size()) + " values");
        else if (total == 0) r.fail(v, what + ": the weights add up to nothing");
    }

    const field_spec* spec(const std::string& path) const {
        auto it = specs_.find(path);
        return it == specs_.end() ? nullptr : &it->second;
    }

    // The days a spell covers: `to` is absent while it is ongoing.
    struct period {
        std::int64_t from, to;
        bool ongoing;
    };

    // A record with `from` and `to` dates is a spell (Period, or a history of
    // an attribute): its dates are written from `when`, the rest as any field.
    static bool is_spell(const sema::record_info& rec) {
        const auto* from = rec.field("from");
        const auto* to = rec.field("to");
        return from && to && from->t == sema::of(sema::kind::date) && to->t == sema::of(sema::kind::date);
    }

    void record(detail::json_writer& w, int type, const std::string& path, splitmix& rng, int depth,
                std::optional<period> when = std::nullopt) {
        w.begin_object();
        const auto& rec = schema_.records[type];
        if (is_spell(rec)) {
            if (!when) {
                std::int64_t from = today_ - rng.between(0, 15 * 365);
                when = period{from, std::min(today_ - 1, from + rng.between(60, 6 * 365)), false};
                if (when->to < from) when->ongoing = true;
            }
            w.key("from").value(detail::day_text(when->from));
            if (!when->ongoing) w.key("to").value(detail::day_text(when->to));
        }
        for (const auto& f : rec.fields) {
            if (!schema_.visible(f, ruleset_)) continue;  // another ruleset's `extend`
            if (is_spell(rec) && (f.name == "from" || f.name == "to")) continue;
            std::string p = path.empty() ? f.name : path + "." + f.name;
            const field_spec* s = spec(p);
            if (rng.chance(s && s->missing ? *s->missing : missing_)) continue;  // unknown
            if (f.optional && rng.chance(0.1)) {
                w.key(f.name).null();
                continue;
            }
            w.key(f.name);
            if (f.t.list) {
                bool spells = f.t.k == sema::kind::record && is_spell(schema_.records[f.t.ref]);
                std::int64_t n = rng.between(s && s->min ? *s->min : 0, s && s->max ? *s->max : (spells ? 2 : 3));
                w.begin_array();
                std::int64_t start = today_ - rng.between(0, 15 * 365);
                for (std::int64_t i = 0; i < n; ++i) {
                    if (!spells) value(w, f.t.element(), p, s, rng, depth + 1);
                    else if (start < today_) start = spell(w, f.t.ref, p, start, i + 1 == n, rng, depth + 1);
                }
                w.end_array();
                continue;
            }
            value(w, f.t, p, s, rng, depth);
        }
        w.end_object();
    }

    // One spell from `start`; the last may be ongoing. Returns where the next may start.
    std::int64_t spell(detail::json_writer& w, int type, const std::string& path, std::int64_t start, bool last,
                       splitmix& rng, int depth) {
        // Spells follow one another; only the last may be ongoing.
        std::int64_t end = std::min(today_ - 1, start + rng.between(60, 6 * 365));
        bool ongoing = (last && rng.chance(0.6)) || end < start;
        record(w, type, path, rng, depth, period{start, end, ongoing});
        return ongoing ? today_ : std::min(today_, end + rng.between(1, 400));
    }

    void value(detail::json_writer& w, const sema::type& t, const std::string& path, const field_spec* s, splitmix& rng,
               int depth) {
        switch (t.k) {
            case sema::kind::boolean: w.value(rng.chance(s && s->p_true ? *s->p_true : 0.5)); return;
            case sema::kind::integer:
                w.value(static_cast<long long>(rng.between(s && s->min ? *s->min : 0, s && s->max ? *s->max : 10)));
                return;
            case sema::kind::money:
                w.value(static_cast<long long>(rng.between(s && s->min ? *s->min : 0, s && s->max ? *s->max : 200000)));
                return;
            case sema::kind::decimal: {
                double lo = s && s->dmin ? *s->dmin : 0, hi = s && s->dmax ? *s->dmax : 10;
                double x = lo + (hi - lo) * static_cast<double>(rng.next() % 1000001) / 1000000.0;
                w.raw(number_text(std::round(x * 100) / 100));
                return;
            }
            case sema::kind::duration:
                w.value(std::to_string(rng.between(s && s->min ? *s->min : 0, s && s->max ? *s->max : 120)) + " months");
                return;
            case sema::kind::days:
                w.value(std::to_string(rng.between(s && s->min ? *s->min : 0, s && s->max ? *s->max : 3650)) + " days");
                return;
            case sema::kind::date:
                w.value(detail::day_text(rng.between(s && s->from ? *s->from : detail::days_from_civil(1950, 1, 1),
                                              s && s->to ? *s->to : today_)));
                return;
            case sema::kind::string:
                w.value(pick(s, {"A", "B", "C"}, rng));
                return;
            case sema::kind::enumeration: {
                w.value(pick(s, schema_.enums[t.ref].values, rng));
                return;
            }
            case sema::kind::record:
                if (depth > 4) {
                    w.null();
                    return;
                }
                record(w, t.ref, path, rng, depth + 1);
                return;
            default: w.null();
        }
    }

    std::string pick(const field_spec* s, const std::vector<std::string>& fallback, splitmix& rng) {
        const auto& values = s && !s->values.empty() ? s->values : fallback;
        if (values.empty()) return "";
        if (!s || s->weights.empty()) return values[static_cast<std::size_t>(rng.between(0, static_cast<std::int64_t>(values.size()) - 1))];
        std::int64_t total = 0;
        for (auto x : s->weights) total += std::max<std::int64_t>(0, x);
        std::int64_t r = rng.between(0, std::max<std::int64_t>(total, 1) - 1);
        for (std::size_t i = 0; i < values.size(); ++i) {
            r -= std::max<std::int64_t>(0, s->weights[i]);
            if (r < 0) return values[i];
        }
        return values.back();
    }

    static std::string number_text(double x) {
        return detail::fixed_text(x, 2);
    }
};

}  // namespace

bool generate_profiles(const sema::program_data& schema, int ruleset, const generate_options& options,
                       diagnostics& diags, const std::function<void(const std::string&)>& line) {
    int entity = -1;
    std::string names;
    for (std::size_t i = 0; i < schema.records.size(); ++i) {
        if (!schema.records[i].entity) continue;
        names += (names.empty() ? "" : ", ") + schema.records[i].name;
        if (schema.records[i].name == options.entity) entity = static_cast<int>(i);
    }
    if (entity < 0) {
        diags.error("E714", "no entity named '" + options.entity + "' (entities: " + names + ")");
        return false;
    }
    generator g(schema, ruleset, options.as_of);
    if (!g.read_spec(options.spec, entity, diags)) return false;
    const std::string& name = schema.rulesets[ruleset].name;
    for (std::size_t i = 0; i < options.count; ++i) line(g.profile(entity, options.seed, i, name));
    return true;
}

}  // namespace entitle::data
