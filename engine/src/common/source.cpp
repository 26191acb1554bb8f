#include <entitle/source.hpp>

#include "common/files.hpp"

#include <algorithm>
#include <cstring>

namespace entitle {

source_file::source_file(std::string name, std::string text, std::uint32_t first_line)
    : name_(std::move(name)), text_(std::move(text)), first_line_(std::max<std::uint32_t>(first_line, 1)) {
    line_starts_.push_back(0);
    const char* begin = text_.data();
    const char* end = begin + text_.size();
    for (const char* p = begin; (p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p))));)
        line_starts_.push_back(static_cast<std::uint32_t>(++p - begin));
}

line_col source_file::position(std::uint32_t offset) const {
    offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    auto line = static_cast<std::uint32_t>(it - line_starts_.begin());
    std::uint32_t column = 1;
    for (std::uint32_t i = line_starts_[line - 1]; i < offset; ++i)
        if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) ++column;
    return {line + first_line_ - 1, column};
}

std::string_view source_file::line(std::uint32_t number) const {
    if (number < first_line_) return {};
    number -= first_line_ - 1;
    if (number == 0 || number > line_starts_.size()) return {};
    std::uint32_t begin = line_starts_[number - 1];
    std::uint32_t end = number < line_starts_.size() ? line_starts_[number] - 1
                                                     : static_cast<std::uint32_t>(text_.size());
    if (end > begin && text_[end - 1] == '\r') --end;
    return std::string_view(text_).substr(begin, end - begin);
}

std::string_view source_file::slice(span s) const {
    auto size = static_cast<std::uint32_t>(text_.size());
    std::uint32_t b = std::min(s.begin, size), e = std::min(std::max(s.end, b), size);
    return std::string_view(text_).substr(b, e - b);
}

source_read read_source_file(const std::string& path, std::size_t max_bytes, const std::string& what) {
    source_read out;
    auto read = detail::read_regular_file(path, max_bytes);
    if (read.text) {
        out.file = std::make_shared<source_file>(path, std::move(*read.text));
        return out;
    }
    out.code = read.why == detail::file_read::problem::too_large ? "E708" : "E001";
    out.message = read.message(what.empty() ? path : what + " " + path, max_bytes);
    return out;
}

}  // namespace entitle
