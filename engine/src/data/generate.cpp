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
#include "data/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>

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

    bool read_spec(const std::shared_ptr<const source_file>& spec, diagnostics& diags) {
        if (!spec) return true;
        auto fail = [&](const YAML::Node& n, const std::string& message) {
            diags.error("E714", message, spec, node_span(n));
            return false;
        };
        auto parsed = parse_yaml(spec, "E714", "YAML", diags);
        if (!parsed) return false;
        YAML::Node root = *parsed;
        if (root.IsNull()) return true;
        if (!root.IsMap()) return fail(root, "a spec is a mapping: missing, fields");
        try {
            for (auto it = root.begin(); it != root.end(); ++it) {
                std::string key = it->first.as<std::string>();
                if (key == "missing") {
                    missing_ = it->second.as<double>();
                } else if (key == "fields") {
                    if (!it->second.IsMap()) return fail(it->second, "fields is a mapping of field paths to distributions");
                    for (auto f = it->second.begin(); f != it->second.end(); ++f)
                        if (!read_field(f->first.as<std::string>(), f->second, fail)) return false;
                } else {
                    return fail(it->first, "unknown key '" + key + "' in a spec (missing, fields)");
                }
            }
        } catch (const YAML::Exception& e) {
            return fail(YAML::Node(), std::string("a value of the wrong kind: ") + e.what());
        }
        return true;
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

    bool known_paths(int entity, diagnostics& diags) {
        for (const auto& [path, spec] : specs_) {
            (void)spec;
            if (!resolves(entity, path)) {
                diags.error("E714", "the spec names " + path + ", which is not a field path of " +
                                        schema_.records[entity].name);
                return false;
            }
        }
        return true;
    }

private:
    const sema::program_data& schema_;
    int ruleset_;
    std::int64_t today_;
    double missing_ = 0.05;
    std::map<std::string, field_spec> specs_;

    template <typename Fail>
    bool read_field(const std::string& path, const YAML::Node& n, Fail& fail) {
        if (!n.IsMap()) return fail(n, path + ": a distribution is a mapping (min/max, from/to, p_true, values)");
        field_spec s;
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string key = it->first.as<std::string>();
            const YAML::Node v = it->second;  // a copy: the iterator gives a temporary
            if (key == "p_true") s.p_true = v.as<double>();
            else if (key == "missing") s.missing = v.as<double>();
            else if (key == "min") s.dmin = v.as<double>(), s.min = std::llround(*s.dmin);
            else if (key == "max") s.dmax = v.as<double>(), s.max = std::llround(*s.dmax);
            else if (key == "from" || key == "to") {
                auto d = parse_date(v.Scalar());
                if (!d) return fail(v, path + "." + key + ": a date YYYY-MM-DD");
                (key == "from" ? s.from : s.to) = detail::days_from_civil(d->year, d->month, d->day);
            } else if (key == "values") {
                for (const auto& x : v) s.values.push_back(x.as<std::string>());
            } else if (key == "weights") {
                for (const auto& x : v) s.weights.push_back(x.as<std::int64_t>());
            } else {
                return fail(it->first, path + ": unknown key '" + key + "' (min, max, from, to, p_true, values, weights, missing)");
            }
        }
        if (!s.weights.empty() && s.weights.size() != s.values.size())
            return fail(n, path + ": weights and values differ in number");
        specs_[path] = std::move(s);
        return true;
    }

    bool resolves(int record, const std::string& path) const {
        auto dot = path.find('.');
        const auto* f = schema_.field(record, path.substr(0, dot), ruleset_);
        if (!f) return false;
        if (dot == std::string::npos) return true;
        return f->t.k == sema::kind::record && resolves(f->t.ref, path.substr(dot + 1));
    }

    const field_spec* spec(const std::string& path) const {
        auto it = specs_.find(path);
        return it == specs_.end() ? nullptr : &it->second;
    }

    void record(detail::json_writer& w, int type, const std::string& path, splitmix& rng, int depth) {
        w.begin_object();
        for (const auto& f : schema_.records[type].fields) {
            if (!schema_.visible(f, ruleset_)) continue;  // another ruleset's `extend`
            std::string p = path.empty() ? f.name : path + "." + f.name;
            const field_spec* s = spec(p);
            if (rng.chance(s && s->missing ? *s->missing : missing_)) continue;  // unknown
            if (f.optional && rng.chance(0.1)) {
                w.key(f.name).null();
                continue;
            }
            w.key(f.name);
            if (f.t.list) {
                bool spells = f.t.k == sema::kind::record && f.t.ref == 0;  // the built-in Period
                std::int64_t n = rng.between(s && s->min ? *s->min : 0, s && s->max ? *s->max : (spells ? 2 : 3));
                w.begin_array();
                std::int64_t start = today_ - rng.between(0, 15 * 365);
                for (std::int64_t i = 0; i < n; ++i) {
                    if (!spells) value(w, f.t.element(), p, s, rng, depth + 1);
                    else if (start < today_) start = spell(w, start, i + 1 == n, rng);
                }
                w.end_array();
                continue;
            }
            value(w, f.t, p, s, rng, depth);
        }
        w.end_object();
    }

    // One spell from `start`; the last may be ongoing. Returns where the next may start.
    std::int64_t spell(detail::json_writer& w, std::int64_t start, bool last, splitmix& rng) {
        w.begin_object();
        w.key("from").value(detail::day_text(start));
        // Spells follow one another; only the last may be ongoing.
        std::int64_t end = std::min(today_ - 1, start + rng.between(60, 6 * 365));
        bool ongoing = last && rng.chance(0.6);
        if (!ongoing && end >= start) w.key("to").value(detail::day_text(end));
        w.end_object();
        return ongoing || end < start ? today_ : std::min(today_, end + rng.between(1, 400));
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
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", x);
        return buf;
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
    if (!g.read_spec(options.spec, diags) || !g.known_paths(entity, diags)) return false;
    const std::string& name = schema.rulesets[ruleset].name;
    for (std::size_t i = 0; i < options.count; ++i) line(g.profile(entity, options.seed, i, name));
    return true;
}

}  // namespace entitle::data
