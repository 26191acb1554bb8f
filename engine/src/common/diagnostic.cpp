#include <entitle/diagnostic.hpp>

#include "common/json.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <tuple>

namespace entitle {

diagnostic& diagnostics::error(std::string code, std::string message,
                               std::shared_ptr<const source_file> source, span where) {
    items_.push_back({severity::error, std::move(code), std::move(message), std::move(source),
                      where, {}});
    return items_.back();
}

diagnostic& diagnostics::warning(std::string code, std::string message,
                                 std::shared_ptr<const source_file> source, span where) {
    items_.push_back({severity::warning, std::move(code), std::move(message), std::move(source),
                      where, {}});
    return items_.back();
}

void diagnostics::append(const diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

void diagnostics::sort() {
    std::stable_sort(items_.begin(), items_.end(), [](const diagnostic& a, const diagnostic& b) {
        auto key = [](const diagnostic& d) {
            return std::make_tuple(d.source ? 1 : 0, d.source ? d.source->name() : std::string(),
                                   d.where.begin, static_cast<int>(d.level));
        };
        return key(a) < key(b);
    });
}

std::size_t diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(
        items_.begin(), items_.end(), [](const diagnostic& d) { return d.level == severity::error; }));
}

std::size_t diagnostics::warning_count() const {
    return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(), [](const diagnostic& d) {
        return d.level == severity::warning;
    }));
}

namespace {

const char* level_name(severity s) {
    switch (s) {
        case severity::error: return "error";
        case severity::warning: return "warning";
        case severity::note: return "note";
    }
    return "error";
}

// Display width: CJK and other wide characters take two terminal columns.
std::size_t display_width(std::string_view s) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        width += (n >= 3) ? 2 : 1;  // three- and four-byte sequences are CJK or wider symbols
        i += n;
    }
    return width;
}

std::string plural(std::size_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::string render_text(const diagnostics& list_in, bool with_summary) {
    diagnostics list = list_in;
    list.sort();
    std::string out;
    std::size_t shown = 0;
    for (const auto& d : list.items()) {
        if (shown++ == max_shown_diagnostics) {
            out += "... and " + plural(list.items().size() - max_shown_diagnostics, "more diagnostic") + " not shown\n";
            break;
        }
        std::string head = level_name(d.level);
        if (!d.code.empty()) head += "[" + d.code + "]";
        if (d.source) {
            auto pos = d.source->position(d.where.begin);
            out += d.source->name() + ":" + std::to_string(pos.line) + ":" +
                   std::to_string(pos.column) + ": " + head + ": " + d.message + "\n";
            std::string_view line = d.source->line(pos.line);
            auto line_begin = static_cast<std::uint32_t>(line.data() - d.source->text().data());
            std::size_t col = std::min<std::size_t>(d.where.begin - line_begin, line.size());
            std::size_t span_end = std::min<std::size_t>(std::max(d.where.end, d.where.begin) - line_begin, line.size());
            // A long line is shown as a window around the caret, as clang does.
            const std::size_t window = 120;
            std::string prefix, suffix;
            if (line.size() > window) {
                std::size_t from = col > window / 2 ? col - window / 2 : 0;
                while (from > 0 && (static_cast<unsigned char>(line[from]) & 0xC0) == 0x80) --from;
                std::size_t to = std::min(line.size(), from + window);
                while (to < line.size() && (static_cast<unsigned char>(line[to]) & 0xC0) == 0x80) ++to;
                if (from > 0) prefix = "...";
                if (to < line.size()) suffix = "...";
                line = line.substr(from, to - from);
                col -= from;
                span_end = std::min(span_end - std::min(span_end, from), line.size());
            }
            std::string number = std::to_string(pos.line);
            std::string gutter(number.size(), ' ');
            out += " " + number + " | " + prefix + std::string(line) + suffix + "\n";
            // Caret under the first character, tildes to the end of the span
            // (or of the line, when the span runs past it). Tabs are copied
            // into the padding so the caret lines up in any tab width.
            std::string marker_pad(prefix.size(), ' ');
            for (std::size_t i = 0; i < col;) {
                auto c = static_cast<unsigned char>(line[i]);
                std::size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
                marker_pad += c == '\t' ? "\t" : n >= 3 ? "  " : " ";
                i += n;
            }
            std::size_t width = span_end > col ? display_width(line.substr(col, span_end - col)) : 1;
            out += " " + gutter + " | " + marker_pad + "^" + std::string(width > 1 ? width - 1 : 0, '~') + "\n";
        } else {
            out += head + ": " + d.message + "\n";
        }
        for (const auto& n : d.notes) out += "note: " + n + "\n";
    }
    if (with_summary) {
        auto e = list.error_count(), w = list.warning_count();
        if (e || w) {
            std::string summary;
            if (e) summary = plural(e, "error");
            if (w) summary += (summary.empty() ? "" : " and ") + plural(w, "warning");
            out += summary + " generated.\n";
        }
    }
    return detail::terminal_text(out);
}

std::string render_json(const diagnostics& list_in) {
    diagnostics list = list_in;
    list.sort();
    detail::json_writer w;
    std::vector<diagnostic> first(list.items().begin(),
                                  list.items().begin() + static_cast<std::ptrdiff_t>(
                                                             std::min(list.items().size(), max_shown_diagnostics)));
    w.begin_object().array("diagnostics", first, [](detail::json_writer& j, const diagnostic& d) {
        j.begin_object().key("severity").value(level_name(d.level)).key("code").value(d.code);
        j.key("message").value(d.message);
        if (d.source) {
            auto b = d.source->position(d.where.begin), e = d.source->position(d.where.end);
            j.key("file").value(d.source->name()).key("line").value(static_cast<long long>(b.line));
            j.key("column").value(static_cast<long long>(b.column)).key("end_line").value(static_cast<long long>(e.line));
            j.key("end_column").value(static_cast<long long>(e.column));
        }
        j.strings("notes", d.notes).end_object();
    });
    w.key("omitted").value(static_cast<long long>(list.items().size() - first.size()));
    w.key("errors").value(static_cast<long long>(list.error_count()));
    w.key("warnings").value(static_cast<long long>(list.warning_count())).end_object();
    return w.str() + "\n";
}

}  // namespace entitle
