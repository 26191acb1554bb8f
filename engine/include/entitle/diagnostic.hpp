// Diagnostics: user mistakes as values.
//
// Every phase (parser, checker, later the profile loader) reports problems as
// `diagnostic` values into a `diagnostics` list; nothing is printed and
// nothing is thrown for a mistake in the user's input. One renderer turns the
// list into clang-style text or into JSON for tools. Codes are stable
// (E1xx syntax and limits, E2xx names, E3xx types, E4xx tables, E5xx
// citations, E6xx headers, Wxxx warnings) and listed in rules/README.md.
#pragma once

#include <entitle/source.hpp>

#include <memory>
#include <string>
#include <vector>

namespace entitle {

enum class severity { error, warning, note };

struct diagnostic {
    severity level = severity::error;
    std::string code;     // e.g. "E201"; empty for a plain note
    std::string message;  // one line, no trailing period
    // Where: a source and a span in it, or no source for whole-run problems.
    std::shared_ptr<const source_file> source;
    span where{};
    // Extra lines printed after the excerpt ("did you mean 'x'?").
    std::vector<std::string> notes;
};

class diagnostics {
public:
    void add(diagnostic d) { items_.push_back(std::move(d)); }
    diagnostic& error(std::string code, std::string message,
                      std::shared_ptr<const source_file> source = nullptr, span where = {});
    diagnostic& warning(std::string code, std::string message,
                        std::shared_ptr<const source_file> source = nullptr, span where = {});
    void append(const diagnostics& other);

    // Sorts by file name, then position, then severity; keeps the order of
    // equal entries. Renderers call it; callers may too.
    void sort();

    const std::vector<diagnostic>& items() const { return items_; }
    std::size_t error_count() const;
    std::size_t warning_count() const;
    bool has_errors() const { return error_count() > 0; }
    bool empty() const { return items_.empty(); }

private:
    std::vector<diagnostic> items_;
};

// The renderers show the first 100 diagnostics (in sorted order) and say how
// many more there are; the counts are of all of them.
inline constexpr std::size_t max_shown_diagnostics = 100;

// clang-style text: `file:line:col: error[E201]: message`, the source line, a
// caret and tildes under the span, then notes; a closing count line when
// `with_summary` is set ("2 errors, 1 warning generated.").
std::string render_text(const diagnostics& list, bool with_summary = true);

// A JSON document: {"diagnostics":[{"severity","code","message","file",
// "line","column","end_line","end_column","notes"}...],"omitted":N,
// "errors":N,"warnings":N} (`omitted`: past the first 100, not listed).
std::string render_json(const diagnostics& list);

}  // namespace entitle
