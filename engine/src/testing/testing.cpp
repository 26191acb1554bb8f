// Rule tests (testing.hpp): reading test files with yaml-cpp, running cases,
// collecting coverage from the explanation trees of every evaluation, and
// JUnit XML.
#include <entitle/testing.hpp>

#include "common/files.hpp"
#include "common/numbers.hpp"
#include "common/xml.hpp"
#include "data/yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <tuple>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

namespace entitle {

namespace {

std::optional<verdict> verdict_named(const std::string& s) {
    for (verdict v : {verdict::eligible, verdict::not_eligible, verdict::undetermined})
        if (s == to_string(v)) return v;
    return std::nullopt;
}

// Reads one test file's cases; `error` reports a mistake at a node.
class test_reader {
public:
    test_reader(std::shared_ptr<const source_file> text, test_file& out) : text_(std::move(text)), out_(out) {}

    void run() {
        auto parsed = data::parse_yaml(text_, "E711", "YAML", out_.diags);
        if (!parsed) return;
        YAML::Node root = *parsed;
        if (!root.IsSequence()) {
            error(root, "a test file is a list of cases (- name: ..., profile: ..., expect: ...)");
            return;
        }
        for (std::size_t i = 0; i < root.size(); ++i) read_case(root[i], i);
    }

private:
    std::shared_ptr<const source_file> text_;
    test_file& out_;

    void error(const YAML::Node& at, const std::string& message) { out_.diags.error("E711", message, text_, data::node_span(at)); }

    std::optional<std::vector<std::string>> strings(const YAML::Node& n, const std::string& what) {
        if (!n.IsSequence()) {
            error(n, what + " is a list of strings");
            return std::nullopt;
        }
        std::vector<std::string> out;
        for (const auto& item : n) {
            if (!item.IsScalar()) {
                error(item, what + " is a list of strings");
                return std::nullopt;
            }
            out.push_back(item.Scalar());
        }
        return out;
    }

    void read_case(const YAML::Node& n, std::size_t index) {
        if (!n.IsMap()) return error(n, "a case is a mapping with name, profile and expect");
        test_case c;
        c.file = text_;
        c.where = data::node_span(n);
        static const std::set<std::string> keys = {"name", "rules", "as_of", "profile", "expect"};
        for (auto it = n.begin(); it != n.end(); ++it) {
            std::string key = it->first.as<std::string>("");
            if (!keys.count(key))
                error(it->first, "unknown key '" + key + "' in a case (name, rules, as_of, profile, expect)");
        }
        const YAML::Node name = n["name"], rules = n["rules"], as_of = n["as_of"], profile = n["profile"],
                         expect = n["expect"];
        if (!name || !name.IsScalar()) return error(n, "a case needs a name");
        c.name = name.Scalar();
        if (rules) {
            if (!rules.IsScalar()) return error(rules, "rules names a ruleset");
            c.ruleset = rules.Scalar();
        }
        if (as_of) {
            c.as_of = as_of.IsScalar() ? parse_date(as_of.Scalar()) : std::nullopt;
            if (!c.as_of) return error(as_of, "as_of is a date YYYY-MM-DD");
        }
        if (!profile) return error(n, "case '" + c.name + "' needs a profile (a file, or the profile inline)");
        if (profile.IsScalar()) c.profile_path = profile.Scalar();
        else if (profile.IsMap()) c.profile_within = {std::to_string(index), "profile"};
        else return error(profile, "profile is a file name or a mapping (the profile inline)");
        if (!expect || !expect.IsMap() || expect.size() == 0)
            return error(expect ? expect : n, "case '" + c.name + "' needs expect: a verdict for each service tested");
        for (auto it = expect.begin(); it != expect.end(); ++it) {
            expectation e;
            e.service = it->first.as<std::string>("");
            e.where = data::node_span(it->first);
            const YAML::Node v = it->second;
            if (v.IsScalar()) {
                e.outcome = verdict_named(v.Scalar());
                if (!e.outcome) return error(v, "a verdict is eligible, not_eligible or undetermined");
            } else if (v.IsMap()) {
                for (auto f = v.begin(); f != v.end(); ++f) {
                    std::string key = f->first.as<std::string>("");
                    const YAML::Node x = f->second;
                    if (key == "verdict") {
                        e.outcome = x.IsScalar() ? verdict_named(x.Scalar()) : std::nullopt;
                        if (!e.outcome) return error(x, "a verdict is eligible, not_eligible or undetermined");
                    } else if (key == "failed") {
                        if (!(e.failed = strings(x, "failed"))) return;
                    } else if (key == "missing") {
                        if (!(e.missing = strings(x, "missing"))) return;
                    } else if (key == "value") {
                        try {
                            e.value = x.as<double>();
                        } catch (const YAML::Exception&) {
                            return error(x, "value is a number (a score's total)");
                        }
                    } else {
                        return error(f->first, "unknown key '" + key + "' (verdict, failed, missing, value)");
                    }
                }
            } else {
                return error(v, "expect a verdict, or a mapping of verdict, failed, missing, value");
            }
            c.expect.push_back(std::move(e));
        }
        out_.cases.push_back(std::move(c));
    }
};

std::string joined(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    std::string out = "[";
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
    return out + "]";
}

std::string number_text(double x) {
    return detail::general_text(x, 10);
}

}  // namespace

test_file load_tests(std::shared_ptr<const source_file> text) {
    test_file out;
    test_reader(std::move(text), out).run();
    out.diags.sort();
    return out;
}

bool coverage_report::complete() const {
    for (const auto& c : conditions)
        if (!c.seen_true || !c.seen_false) return false;
    return untested.empty() && uncited.empty();
}

test_runner::test_runner(std::vector<std::shared_ptr<const source_file>> sources, check_options options)
    : sources_(std::move(sources)), options_(std::move(options)) {}

const test_runner::compiled_ruleset& test_runner::compiled(const std::string& ruleset) {
    auto it = compiled_.find(ruleset);
    if (it != compiled_.end()) return it->second;
    compiled_ruleset c;
    c.compiled = compile(sources_, options_, ruleset);
    if (c.compiled.program) {
        std::map<std::string, const ruleset_info*> by_name;
        for (const auto& info : c.compiled.program->rulesets()) {
            by_name[info.name] = &info;
            rulesets_.emplace(info.name, info);
        }
        for (auto* info = by_name[c.compiled.program->ruleset()]; info; info = by_name[info->extends])
            c.chain.push_back(info->name);
    }
    return compiled_.emplace(ruleset, std::move(c)).first->second;
}

case_result test_runner::run(const test_case& c) {
    case_result r;
    r.test = &c;
    std::shared_ptr<const source_file> file;  // the profile's file, when it has its own
    if (!c.profile_path.empty()) {
        namespace fs = std::filesystem;
        std::string path = (fs::path(c.file->name()).parent_path() / c.profile_path).lexically_normal().string();
        // Only inside the tree that holds the tests (see detail::tree_root); nothing of the file is echoed.
        detail::file_read read;
        read.why = detail::file_read::problem::cannot_open;
        bool allowed = detail::inside(path, detail::tree_root(c.file->name()));
        if (allowed) read = detail::read_regular_file(path, detail::max_profile_bytes);
        if (!read.text) {
            auto& d = r.diags.error("E712", allowed ? read.message("the profile " + path, detail::max_profile_bytes)
                                                    : "the profile " + c.profile_path + " is outside the repository (or folder) that holds the tests",
                                    c.file, c.where);
            if (!allowed) d.notes.push_back("a test names its profile by a path from the test file's folder that stays inside it");
            r.failures.push_back("the profile does not load");
            return r;
        }
        file = std::make_shared<source_file>(path, std::move(*read.text));
    }
    // The ruleset: the case's `rules`, else the one the profile says it is for.
    const compiled_ruleset& rules = compiled(!c.ruleset.empty() || !file ? c.ruleset : profile_ruleset(*file));
    if (!rules.compiled.program) {
        r.diags = rules.compiled.diags;
        r.failures.push_back("the rules do not compile");
        return r;
    }
    const program& p = *rules.compiled.program;
    profile_result prof;
    if (!file) {
        profile_options options;
        options.within = c.profile_within;
        prof = p.load_profile(c.file, options);
    } else {
        prof = p.load_profile(file);
    }
    if (!prof.value) {
        r.diags = prof.diags;
        r.failures.push_back("the profile does not load");
        return r;
    }
    eval_options options;
    options.as_of = c.as_of ? *c.as_of : prof.as_of ? *prof.as_of : civil_date{};
    if (!c.as_of && !prof.as_of) {
        r.diags.error("E712", "case '" + c.name + "' needs as_of (the profile gives none)", c.file, c.where);
        r.failures.push_back("no evaluation date");
        return r;
    }
    evaluation e = p.evaluate(*prof.value, options);
    for (const auto& x : c.expect) {
        auto found = std::find_if(e.services.begin(), e.services.end(), [&](const auto& s) { return s.id == x.service; });
        if (found == e.services.end()) {
            r.failures.push_back(x.service + ": no such service for " + e.entity + " in ruleset " + e.ruleset);
            continue;
        }
        const service_result& s = *found;
        if (x.outcome && *x.outcome != s.outcome)
            r.failures.push_back(x.service + ": expected " + to_string(*x.outcome) + ", got " + to_string(s.outcome));
        if (x.failed && joined(*x.failed) != joined(s.failed))
            r.failures.push_back(x.service + ": expected failed " + joined(*x.failed) + ", got " + joined(s.failed));
        if (x.missing && joined(*x.missing) != joined(s.missing))
            r.failures.push_back(x.service + ": expected missing " + joined(*x.missing) + ", got " + joined(s.missing));
        if (x.value) {
            bool same = !s.total.empty() && std::fabs(detail::literal_number(s.total) - *x.value) < 1e-9;
            if (!same)
                r.failures.push_back(x.service + ": expected the value " + number_text(*x.value) + ", got " +
                                     (s.total.empty() ? "unknown" : s.total));
        }
    }
    observe(rules, c, e);
    r.passed = r.failures.empty();
    r.result = std::move(e);
    return r;
}

// Coverage: the truths each labelled condition took, and which services the cases expect things of.
void test_runner::observe(const compiled_ruleset& rules, const test_case& c, const evaluation& e) {
    auto defined_in = [&](const std::string& service) -> std::string {
        for (const auto& name : rules.chain) {
            const auto& services = rulesets_.at(name).services;
            if (std::find(services.begin(), services.end(), service) != services.end()) return name;
        }
        return e.ruleset;
    };
    for (const auto& x : c.expect) expected_[defined_in(x.service)][x.service] = true;
    std::function<void(const std::string&, const std::string&, const explanation&)> walk =
        [&](const std::string& ruleset, const std::string& service, const explanation& node) {
            if (!node.label.empty()) {
                auto& seen = conditions_[{ruleset, service, node.label, node.text}];
                seen.ruleset = ruleset;
                seen.service = service;
                seen.label = node.label;
                seen.text = node.text;
                // An `unless` clause is covered when it held and when it did not, like any other.
                seen.seen_true = seen.seen_true || node.outcome == truth::yes;
                seen.seen_false = seen.seen_false || node.outcome == truth::no;
            }
            for (const auto& child : node.children) walk(ruleset, service, child);
        };
    for (const auto& s : e.services) {
        std::string ruleset = defined_in(s.id);
        for (const auto& condition : s.conditions) walk(ruleset, s.id, condition);
        for (const auto& x : s.exceptions)
            for (const auto& condition : x.conditions) walk(x.layer, "exception " + x.id, condition);
        expected_[ruleset];  // the service's ruleset takes part in the coverage
    }
}

coverage_report test_runner::coverage() const {
    coverage_report out;
    for (const auto& [key, c] : conditions_) out.conditions.push_back(c);
    for (const auto& [name, info] : rulesets_) {
        if (!expected_.count(name)) continue;  // no case evaluated this ruleset or one that extends it
        const auto& expected = expected_.at(name);
        for (const auto& service : info.services) {
            ++out.services;
            if (!expected.count(service)) out.untested.emplace_back(name, service);
        }
        // Paragraphs granting something that no service of this ruleset or one under it cites.
        std::set<int> cited;
        for (const auto& [other, o] : rulesets_)
            for (std::string r = other; !r.empty(); r = rulesets_.count(r) ? rulesets_.at(r).extends : "")
                if (r == name)
                    for (const auto& [service, paragraphs] : o.cited) cited.insert(paragraphs.begin(), paragraphs.end());
        for (int p : info.entitlements) {
            ++out.paragraphs;
            if (!cited.count(p)) out.uncited.emplace_back(name, p);
        }
    }
    return out;
}

std::string render_junit(const std::vector<case_result>& results) {
    auto escape = [](const std::string& s) { return detail::xml_escape(s); };
    std::map<std::string, std::vector<const case_result*>> by_file;
    for (const auto& r : results) by_file[r.test->file->name()].push_back(&r);
    std::size_t failures = 0;
    for (const auto& r : results) failures += r.passed ? 0 : 1;
    std::ostringstream out;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuites name=\"entitle\" tests=\"" << results.size() << "\" failures=\"" << failures << "\">\n";
    for (const auto& [file, cases] : by_file) {
        std::size_t failed = 0;
        for (auto* r : cases) failed += r->passed ? 0 : 1;
        out << "  <testsuite name=\"" << escape(file) << "\" tests=\"" << cases.size() << "\" failures=\"" << failed
            << "\">\n";
        for (auto* r : cases) {
            out << "    <testcase classname=\"" << escape(file) << "\" name=\"" << escape(r->test->name) << "\"";
            if (r->passed) {
                out << "/>\n";
                continue;
            }
            out << ">\n      <failure message=\"" << escape(r->failures.front()) << "\">";
            for (const auto& f : r->failures) out << escape(f) << "\n";
            out << escape(render_text(r->diags, false)) << "</failure>\n    </testcase>\n";
        }
        out << "  </testsuite>\n";
    }
    out << "</testsuites>\n";
    return out.str();
}

}  // namespace entitle
