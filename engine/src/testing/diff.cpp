// Population diff (diff.hpp): both programs decide every profile with their
// batch deciders; changed verdicts are counted, broken down by fields read
// from the JSON, and a few are explained with both programs' evaluations.
#include <entitle/diff.hpp>

#include "check/types.hpp"
#include "common/json.hpp"
#include "common/path.hpp"
#include "common/utf8.hpp"
#include "common/xml.hpp"
#include "eval/reasons.hpp"

#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <map>
#include <cstdio>
#include <set>
#include <sstream>

namespace entitle {

namespace {

const char* const kinds[] = {"gained", "lost", "became_undetermined", "stopped_undetermined"};

// A field path ("applicant.hukou_local") as a JSON pointer ("/applicant/hukou_local").
std::string json_pointer(const std::string& path) {
    std::string pointer;
    for (const auto& step : detail::split_path(path)) {
        pointer += '/';
        for (char c : step) pointer += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
    }
    return pointer;
}

// The value at a JSON pointer into a JSON profile's facts (an envelope's
// facts, or bare facts), as text; "(unknown)" when it is absent.
std::string field_text(simdjson::dom::element root, const std::string& pointer) {
    simdjson::dom::element facts;
    if (root.is_object() && !root["facts"].get(facts)) root = facts;
    simdjson::dom::element v;
    if (root.at_pointer(pointer).get(v)) return "(unknown)";
    if (v.is_string()) return std::string(std::string_view(v.get_string().value_unsafe()));
    if (v.is_null()) return "(none)";
    return simdjson::minify(v);
}

void count(change_counts& c, verdict before, verdict after, bool kinds_seen[4]) {
    ++c.profiles;
    c.before += before == verdict::eligible;
    c.after += after == verdict::eligible;
    kinds_seen[0] = after == verdict::eligible && before != verdict::eligible;
    kinds_seen[1] = before == verdict::eligible && after != verdict::eligible;
    kinds_seen[2] = after == verdict::undetermined && before != verdict::undetermined;
    kinds_seen[3] = before == verdict::undetermined && after != verdict::undetermined;
    c.gained += kinds_seen[0];
    c.lost += kinds_seen[1];
    c.became_undetermined += kinds_seen[2];
    c.stopped_undetermined += kinds_seen[3];
}

}  // namespace

population_diff::population_diff(std::shared_ptr<const program> old_rules, std::shared_ptr<const program> new_rules,
                                 diff_options options, std::string old_name, std::string new_name)
    : old_(std::move(old_rules)), new_(std::move(new_rules)), options_(std::move(options)) {
    report_.old_name = std::move(old_name);
    report_.new_name = std::move(new_name);
    report_.as_of = options_.as_of;
    for (const auto& field : options_.by) by_pointers_.push_back(json_pointer(field));
}

diagnostics population_diff::add_lines(const std::string& file_name, const std::string& text, std::size_t first_line) {
    diagnostics problems;
    auto source = std::make_shared<source_file>(file_name, text, static_cast<std::uint32_t>(first_line));
    auto before = old_->load_json_lines(source);
    auto after = new_->load_json_lines(source);
    // A line counts when both rule sets can read it; otherwise its problems are reported once.
    std::set<std::size_t> reported;
    for (const auto* loaded : {&before, &after})
        for (const auto& d : loaded->diags.items()) {
            auto line = source->position(d.where.begin).line;
            if (d.level == severity::error && reported.insert(line).second) problems.add(d);
        }
    std::map<std::size_t, std::size_t> old_index, new_index;  // line -> profile
    for (std::size_t i = 0; i < before.lines.size(); ++i) old_index[before.lines[i]] = i;
    for (std::size_t i = 0; i < after.lines.size(); ++i) new_index[after.lines[i]] = i;
    report_.rejected += reported.size();
    if (new_index.empty() || old_index.empty()) return problems;

    if (!new_decider_) {
        report_.entity = after.entity;
        old_decider_ = old_->make_decider(options_.as_of, before.entity);
        new_decider_ = new_->make_decider(options_.as_of, after.entity);
        if (!old_decider_ || !new_decider_) {
            problems.error("E713", "the two rule sets have no services for entity " + after.entity + " in common");
            return problems;
        }
        // A --by path that names no field would put every profile under
        // "(unknown)": refused before anything is counted.
        auto paths = new_->field_paths(after.entity);
        for (const auto& field : options_.by)
            if (std::find(paths.begin(), paths.end(), field) == paths.end()) {
                std::string best = sema::closest(field, paths);
                problems.error("E717", "--by " + field + ": no field path of " + after.entity + " is named so" +
                                           (best.empty() ? "" : "; did you mean '" + best + "'?"));
                fatal_ = true;
            }
        if (fatal_) return problems;
        // The services of the new rules in their order, then those only the old rules have.
        const auto& o = old_decider_->services();
        const auto& n = new_decider_->services();
        for (const auto* ids : {&n, &o})
            for (const auto& id : *ids) {
                if (std::any_of(report_.services.begin(), report_.services.end(), [&](auto& s) { return s.id == id; }))
                    continue;
                service_diff s;
                s.id = id;
                auto in_old = std::find(o.begin(), o.end(), id), in_new = std::find(n.begin(), n.end(), id);
                s.in_old = in_old != o.end();
                s.in_new = in_new != n.end();
                old_column_.push_back(s.in_old ? static_cast<std::size_t>(in_old - o.begin()) : SIZE_MAX);
                new_column_.push_back(s.in_new ? static_cast<std::size_t>(in_new - n.begin()) : SIZE_MAX);
                report_.services.push_back(std::move(s));
            }
    }
    // Titles, from one full evaluation under each set of rules.
    if (report_.profiles == 0 && !new_index.empty()) {
        auto first = std::make_shared<source_file>(file_name, std::string(source->line(static_cast<std::uint32_t>(new_index.begin()->first))),
                                                   static_cast<std::uint32_t>(new_index.begin()->first));
        for (const program* rules : {old_.get(), new_.get()})
            if (auto p = rules->load_profile(first); p.value)
                for (const auto& result : rules->evaluate(*p.value, {options_.as_of, {}}).services)
                    for (auto& s : report_.services)
                        if (s.id == result.id && s.title.empty()) s.title = result.title;
    }
    std::vector<decision> old_out(old_decider_->services().size()), new_out(new_decider_->services().size());
    simdjson::dom::parser parser;
    for (const auto& [line, i] : new_index) {
        auto o = old_index.find(line);
        if (o == old_index.end()) continue;
        old_decider_->decide(*before.value, o->second, old_out.data());
        new_decider_->decide(*after.value, i, new_out.data());
        ++report_.profiles;
        std::vector<std::string> by_values;
        std::string_view line_text = source->line(static_cast<std::uint32_t>(line));
        if (!options_.by.empty()) {
            simdjson::dom::element root;
            bool parsed = !parser.parse(line_text.data(), line_text.size()).get(root);
            for (const auto& pointer : by_pointers_) by_values.push_back(parsed ? field_text(root, pointer) : "(unknown)");
        }
        for (std::size_t k = 0; k < report_.services.size(); ++k) {
            service_diff& s = report_.services[k];
            verdict was = s.in_old ? old_out[old_column_[k]].outcome : verdict::not_eligible;
            verdict now = s.in_new ? new_out[new_column_[k]].outcome : verdict::not_eligible;
            bool seen[4];
            count(s.total, was, now, seen);
            for (std::size_t b = 0; b < options_.by.size(); ++b) {
                bool ignored[4];
                count(s.by[options_.by[b]][by_values[b]], was, now, ignored);
            }
            for (int kind = 0; kind < 4; ++kind) {
                auto& examples = s.examples[kinds[kind]];
                if (!seen[kind] || examples.size() >= options_.examples) continue;
                // Explain the change with both rule sets' full evaluations.
                change_example x;
                x.line = line;
                x.id = profile_id(*after.value, i).empty() ? "line " + std::to_string(line) : profile_id(*after.value, i);
                x.old_verdict = was;
                x.new_verdict = now;
                auto single = std::make_shared<source_file>(file_name, std::string(line_text), static_cast<std::uint32_t>(line));
                for (auto [rules, verdict_reason] : {std::pair{old_.get(), &x.old_reason}, std::pair{new_.get(), &x.new_reason}}) {
                    auto p = rules->load_profile(single);
                    if (!p.value) continue;
                    auto e = rules->evaluate(*p.value, {options_.as_of, {s.id}});
                    if (!e.services.empty()) *verdict_reason = eval::reason(e.services.front());
                    if (s.title.empty() && !e.services.empty()) s.title = e.services.front().title;
                }
                examples.push_back(std::move(x));
            }
        }
    }
    return problems;
}

namespace {

// The cells of one CSV row (RFC 4180 quoting, without line breaks in cells).
std::optional<std::vector<std::string>> csv_cells(const std::string& row, std::string& problem) {
    std::vector<std::string> cells(1);
    bool quoted = false;
    for (std::size_t i = 0; i < row.size(); ++i) {
        char c = row[i];
        if (quoted) {
            if (c == '"' && i + 1 < row.size() && row[i + 1] == '"') cells.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else cells.back() += c;
        } else if (c == '"' && cells.back().empty()) {
            quoted = true;
        } else if (c == ',') {
            cells.emplace_back();
        } else if (c != '\r') {
            cells.back() += c;
        }
    }
    if (quoted) {
        problem = "a quoted cell is not closed";
        return std::nullopt;
    }
    return cells;
}

// A cell written as a JSON number (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?):
// it goes into the profile as a number, so that a whole number or a decimal
// field reads it (a string field reads its text all the same).
bool json_number(const std::string& s) {
    std::size_t i = 0;
    auto digits = [&] {
        std::size_t from = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        return i > from;
    };
    if (i < s.size() && s[i] == '-') ++i;
    if (i < s.size() && s[i] == '0') ++i;
    else if (!digits()) return false;
    if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        if (!digits()) return false;
    }
    return i == s.size();
}

}  // namespace

csv_profiles::csv_profiles(const std::string& header, std::string entity) : entity_(std::move(entity)) {
    auto cells = csv_cells(header, error_);
    if (!cells) return;
    std::map<std::string, std::size_t> columns;
    for (const auto& cell : *cells) {
        auto [first, fresh] = columns.emplace(cell, paths_.size() + 1);
        if (!fresh && error_.empty())
            error_ = "the header names '" + cell + "' twice (columns " + std::to_string(first->second) + " and " +
                     std::to_string(paths_.size() + 1) + ")";
        auto path = detail::split_path(cell);
        for (const auto& step : path)
            if (step.empty()) error_ = "the header names an empty field (" + cell + ")";
        paths_.push_back(std::move(path));
    }
}

std::optional<std::string> csv_profiles::json(const std::string& row, std::string& problem) const {
    auto cells = csv_cells(row, problem);
    if (!cells) return std::nullopt;
    if (cells->size() != paths_.size()) {
        problem = "the row has " + std::to_string(cells->size()) + " cells, the header " + std::to_string(paths_.size());
        return std::nullopt;
    }
    // Nested objects, built as a tree of keys, written in the header's order.
    struct tree {
        std::vector<std::pair<std::string, tree>> children;
        std::string value;  // JSON text, for a leaf
    };
    tree facts;
    for (std::size_t i = 0; i < cells->size(); ++i) {
        const std::string& cell = (*cells)[i];
        if (cell.empty()) continue;  // unknown
        tree* at = &facts;
        for (const auto& step : paths_[i]) {
            auto it = std::find_if(at->children.begin(), at->children.end(), [&](auto& c) { return c.first == step; });
            if (it == at->children.end()) {
                at->children.emplace_back(step, tree{});
                it = at->children.end() - 1;
            }
            at = &it->second;
        }
        if (cell == "null" || cell == "true" || cell == "false" || cell[0] == '[' || cell[0] == '{' || json_number(cell)) {
            at->value = cell;
        } else {
            std::string quoted;
            detail::append_json_string(quoted, cell);
            at->value = quoted;
        }
    }
    std::function<void(const tree&, std::string&)> write = [&](const tree& t, std::string& out) {
        if (t.children.empty()) {
            out += t.value.empty() ? "{}" : t.value;
            return;
        }
        out += '{';
        for (std::size_t i = 0; i < t.children.size(); ++i) {
            if (i) out += ',';
            detail::append_json_string(out, t.children[i].first);
            out += ':';
            write(t.children[i].second, out);
        }
        out += '}';
    };
    std::string out = "{\"entity\":";
    detail::append_json_string(out, entity_);
    out += ",\"facts\":";
    write(facts, out);
    return out + "}";
}

namespace {

std::string thousands(std::size_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

std::string pad(const std::string& s, std::size_t width) {
    // Display width: CJK characters count twice.
    std::size_t w = 0;
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        w += len >= 3 ? 2 : 1;
        i += len;
    }
    return s + std::string(width > w ? width - w : 0, ' ');
}

std::string row(const std::string& name, const change_counts& c) {
    std::ostringstream out;
    char buf[160];
    std::snprintf(buf, sizeof buf, "%10s %10s %+9lld %9s %9s %9s %11s", thousands(c.before).c_str(),
                  thousands(c.after).c_str(), static_cast<long long>(c.after) - static_cast<long long>(c.before),
                  thousands(c.gained).c_str(), thousands(c.lost).c_str(), thousands(c.became_undetermined).c_str(),
                  thousands(c.stopped_undetermined).c_str());
    out << pad(name, 40) << buf << "\n";
    return out.str();
}

const char* verdict_word(verdict v) { return to_string(v); }

}  // namespace

std::string render_text(const diff_report& r) {
    std::ostringstream out;
    out << "entitle diff: " << r.old_name << " → " << r.new_name << ", " << thousands(r.profiles) << " "
        << (r.entity.empty() ? "profiles" : r.entity + " profiles") << " as of " << to_string(r.as_of);
    if (r.rejected) out << " (" << thousands(r.rejected) << " lines rejected)";
    out << "\n\n";
    char head[200];
    std::snprintf(head, sizeof head, "%10s %10s %9s %9s %9s %9s %11s", "before", "after", "change", "gained", "lost",
                  "→unknown", "unknown→");
    out << pad("service", 40) << head << "\n";
    for (const auto& s : r.services) {
        std::string name = s.id + (s.in_old ? "" : " (new)") + (s.in_new ? "" : " (removed)");
        out << row(name, s.total);
    }
    for (const auto& s : r.services)
        for (const auto& [field, values] : s.by) {
            if (s.total.gained + s.total.lost + s.total.became_undetermined + s.total.stopped_undetermined == 0) break;
            out << "\n" << s.id << " by " << field << ":\n";
            for (const auto& [value, c] : values) out << row("  " + value, c);
        }
    bool any = false;
    for (const auto& s : r.services)
        for (const char* kind : kinds) {
            auto it = s.examples.find(kind);
            if (it == s.examples.end() || it->second.empty()) continue;
            if (!any) out << "\nexamples (old → new, and why):\n";
            any = true;
            for (const auto& x : it->second)
                out << "  " << s.id << " " << kind << ": " << x.id
                    << (x.id.rfind("line ", 0) == 0 ? "" : " (line " + std::to_string(x.line) + ")") << ": "
                    << verdict_word(x.old_verdict) << (x.old_reason.empty() ? "" : " [" + x.old_reason + "]") << " → "
                    << verdict_word(x.new_verdict) << (x.new_reason.empty() ? "" : " [" + x.new_reason + "]") << "\n";
        }
    if (!any) out << "\nno verdict changed\n";
    return detail::terminal_text(out.str());
}

namespace {

void counts_json(detail::json_writer& w, const change_counts& c) {
    w.key("profiles").value(static_cast<long long>(c.profiles));
    w.key("before").value(static_cast<long long>(c.before));
    w.key("after").value(static_cast<long long>(c.after));
    w.key("gained").value(static_cast<long long>(c.gained));
    w.key("lost").value(static_cast<long long>(c.lost));
    w.key("became_undetermined").value(static_cast<long long>(c.became_undetermined));
    w.key("stopped_undetermined").value(static_cast<long long>(c.stopped_undetermined));
}

}  // namespace

std::string render_json(const diff_report& r) {
    detail::json_writer w;
    w.begin_object();
    w.key("old").value(r.old_name);
    w.key("new").value(r.new_name);
    w.key("entity").value(r.entity);
    w.key("as_of").value(to_string(r.as_of));
    w.key("profiles").value(static_cast<long long>(r.profiles));
    w.key("rejected").value(static_cast<long long>(r.rejected));
    w.key("services").begin_array();
    for (const auto& s : r.services) {
        w.begin_object();
        w.key("id").value(s.id);
        w.key("title").value(s.title);
        w.key("in_old").value(s.in_old);
        w.key("in_new").value(s.in_new);
        counts_json(w, s.total);
        w.key("by").begin_object();
        for (const auto& [field, values] : s.by) {
            w.key(field).begin_object();
            for (const auto& [value, c] : values) {
                w.key(value).begin_object();
                counts_json(w, c);
                w.end_object();
            }
            w.end_object();
        }
        w.end_object();
        w.key("examples").begin_object();
        for (const auto& [kind, examples] : s.examples) {
            w.key(kind).begin_array();
            for (const auto& x : examples) {
                w.begin_object();
                w.key("id").value(x.id);
                w.key("line").value(static_cast<long long>(x.line));
                w.key("old").value(to_string(x.old_verdict));
                w.key("new").value(to_string(x.new_verdict));
                w.key("old_reason").value(x.old_reason);
                w.key("new_reason").value(x.new_reason);
                w.end_object();
            }
            w.end_array();
        }
        w.end_object();
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str() + "\n";
}

namespace {

std::string html_escape(const std::string& s) { return detail::xml_escape(s); }

// Gains (green, right) and losses (red, left) of each row, as one inline SVG.
std::string bars_svg(const std::vector<std::pair<std::string, change_counts>>& rows) {
    std::size_t most = 1;
    for (const auto& [name, c] : rows) most = std::max({most, c.gained, c.lost});
    const int row_height = 22, label = 260, half = 220, width = label + 2 * half + 80;
    std::ostringstream svg;
    svg << "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" << width << "\" height=\""
        << rows.size() * row_height + 30 << "\" font-family=\"sans-serif\" font-size=\"12\">";
    svg << "<text x=\"" << label + half / 2 << "\" y=\"14\" text-anchor=\"middle\" fill=\"#b91c1c\">lost</text>";
    svg << "<text x=\"" << label + half + half / 2 << "\" y=\"14\" text-anchor=\"middle\" fill=\"#15803d\">gained</text>";
    int y = 24;
    for (const auto& [name, c] : rows) {
        double lost = static_cast<double>(c.lost) / static_cast<double>(most) * half;
        double gained = static_cast<double>(c.gained) / static_cast<double>(most) * half;
        svg << "<g class=\"bar\"><text x=\"" << label - 6 << "\" y=\"" << y + 14 << "\" text-anchor=\"end\">"
            << html_escape(name) << "</text>";
        svg << "<rect x=\"" << label + half - lost << "\" y=\"" << y + 3 << "\" width=\"" << lost
            << "\" height=\"14\" fill=\"#ef4444\"><title>lost " << c.lost << "</title></rect>";
        svg << "<rect x=\"" << label + half << "\" y=\"" << y + 3 << "\" width=\"" << gained
            << "\" height=\"14\" fill=\"#22c55e\"><title>gained " << c.gained << "</title></rect>";
        svg << "<text x=\"" << label + 2 * half + 6 << "\" y=\"" << y + 14 << "\">+" << c.gained << " / −" << c.lost
            << "</text></g>";
        y += row_height;
    }
    svg << "<line x1=\"" << label + half << "\" y1=\"20\" x2=\"" << label + half << "\" y2=\"" << y
        << "\" stroke=\"#555\"/></svg>";
    return svg.str();
}

std::string counts_table(const std::vector<std::pair<std::string, change_counts>>& rows, const char* first) {
    std::ostringstream t;
    t << "<table><thead><tr><th>" << first
      << "</th><th>profiles</th><th>eligible before</th><th>eligible after</th><th>gained</th><th>lost</th>"
         "<th>became undetermined</th><th>stopped being undetermined</th></tr></thead><tbody>";
    for (const auto& [name, c] : rows)
        t << "<tr><td>" << html_escape(name) << "</td><td>" << c.profiles << "</td><td>" << c.before << "</td><td>"
          << c.after << "</td><td class=\"gain\">" << c.gained << "</td><td class=\"loss\">" << c.lost << "</td><td>"
          << c.became_undetermined << "</td><td>" << c.stopped_undetermined << "</td></tr>";
    t << "</tbody></table>";
    return t.str();
}

}  // namespace

std::string render_html(const diff_report& r) {
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>entitle diff: "
      << html_escape(r.old_name) << " → " << html_escape(r.new_name) << "</title><style>"
      << "body{font-family:sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:1em 0}"
         "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
         ".gain{color:#15803d}.loss{color:#b91c1c}h2{margin-top:2em}li{margin:.3em 0}"
      << "</style></head><body>\n";
    h << "<h1>Who gains, who loses</h1>\n<p id=\"summary\">" << html_escape(r.old_name) << " → "
      << html_escape(r.new_name) << ": " << r.profiles << " " << html_escape(r.entity) << " profiles, as of "
      << to_string(r.as_of) << (r.rejected ? ", " + std::to_string(r.rejected) + " lines rejected" : "") << ".</p>\n";
    std::vector<std::pair<std::string, change_counts>> rows;
    for (const auto& s : r.services) rows.emplace_back(s.id + (s.title.empty() ? "" : " " + s.title), s.total);
    h << "<h2>By service</h2>\n" << bars_svg(rows) << "\n" << counts_table(rows, "service") << "\n";
    for (const auto& s : r.services) {
        bool changed = s.total.gained + s.total.lost + s.total.became_undetermined + s.total.stopped_undetermined > 0;
        if (!changed) continue;
        for (const auto& [field, values] : s.by) {
            std::vector<std::pair<std::string, change_counts>> by;
            for (const auto& [value, c] : values) by.emplace_back(value, c);
            h << "<h2>" << html_escape(s.id) << " by " << html_escape(field) << "</h2>\n"
              << bars_svg(by) << "\n" << counts_table(by, html_escape(field).c_str()) << "\n";
        }
        bool heading = false;
        for (const auto& [kind, examples] : s.examples)
            for (const auto& x : examples) {
                if (!heading) h << "<h2>" << html_escape(s.id) << ": examples</h2>\n<ul>";
                heading = true;
                h << "<li>" << html_escape(kind) << ": <b>" << html_escape(x.id) << "</b> (line " << x.line << "): "
                  << to_string(x.old_verdict) << (x.old_reason.empty() ? "" : " [" + html_escape(x.old_reason) + "]")
                  << " → " << to_string(x.new_verdict)
                  << (x.new_reason.empty() ? "" : " [" + html_escape(x.new_reason) + "]") << "</li>";
            }
        if (heading) h << "</ul>\n";
    }
    h << "</body></html>\n";
    return h.str();
}

}  // namespace entitle
