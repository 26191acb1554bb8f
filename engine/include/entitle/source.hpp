// Source text and positions.
//
// A source_file owns the bytes of one rules file (or any text the engine
// reports on) and knows where its lines start, so that every later phase can
// point into it with plain byte offsets. Offsets, not iterators or pointers,
// are what the AST stores: they survive copies and are cheap to compare.
// Columns are counted in Unicode code points, as editors show them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <memory>
#include <vector>

namespace entitle {

// A half-open byte range [begin, end) in one source_file.
struct span {
    std::uint32_t begin = 0;
    std::uint32_t end = 0;
};

// Line and column, both 1-based; the column counts code points.
struct line_col {
    std::uint32_t line = 1;
    std::uint32_t column = 1;
};

class source_file {
public:
    // `name` is what diagnostics print (usually the path as the user gave it).
    // `first_line`: the number of the text's first line, when the text is a
    // part of a larger file (a chunk of JSON lines).
    source_file(std::string name, std::string text, std::uint32_t first_line = 1);

    const std::string& name() const { return name_; }
    const std::string& text() const { return text_; }

    // The line and column of a byte offset (clamped to the end of the text).
    line_col position(std::uint32_t offset) const;
    // The text of a 1-based line, without its line break.
    std::string_view line(std::uint32_t number) const;
    std::uint32_t line_count() const { return static_cast<std::uint32_t>(line_starts_.size()); }
    // The text a span covers.
    std::string_view slice(span s) const;

private:
    std::string name_;
    std::string text_;
    std::vector<std::uint32_t> line_starts_;
    std::uint32_t first_line_ = 1;
};

// A file read as a source: a regular file of at most `max_bytes`, its size
// checked before it is read (a device or a FIFO is refused, never waited
// for). `file` is null on failure, with `code` (E001 cannot read or not a
// regular file, E708 too large) and a one-line `message` naming the path
// (after `what`: "cannot read profile p.yaml").
struct source_read {
    std::shared_ptr<const source_file> file;
    std::string code, message;
};
source_read read_source_file(const std::string& path, std::size_t max_bytes = std::size_t{1} << 20,
                             const std::string& what = "");

}  // namespace entitle
