// Field paths as profiles, verdicts and the CLI write them:
// "applicant.pension", "children[2].birth_date".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace entitle::detail {

// The steps of a dotted path, empty ones kept ("a..b" → "a", "", "b") so a
// caller can reject them; an index stays on its step ("children[2]").
inline std::vector<std::string> split_path(std::string_view path) {
    std::vector<std::string> steps;
    std::size_t start = 0;
    for (;;) {
        std::size_t dot = path.find('.', start);
        steps.emplace_back(path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) return steps;
        start = dot + 1;
    }
}

}  // namespace entitle::detail
