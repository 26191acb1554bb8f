// Reading a whole file: the rules' sources, parameter and seed files, and the
// profiles rule tests name.
#pragma once

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace entitle::detail {

// The file's bytes, or nothing when it cannot be opened.
inline std::optional<std::string> read_whole_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace entitle::detail
