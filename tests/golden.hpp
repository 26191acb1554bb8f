// Golden-file helpers for the tests. Set ENTITLE_UPDATE_GOLDEN=1 to rewrite
// the golden files from the current output; `git diff` then shows what changed.
#pragma once

#include <entitle/entitle.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace entitle::testing {

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline bool update_golden() {
    const char* v = std::getenv("ENTITLE_UPDATE_GOLDEN");
    return v && *v && std::string(v) != "0";
}

// Returns nothing when `actual` matches the golden file (or was written
// because updating is on), else the expected text.
inline std::optional<std::string> golden_mismatch(const std::filesystem::path& golden,
                                                  const std::string& actual) {
    if (update_golden()) {
        std::ofstream(golden, std::ios::binary) << actual;
        return std::nullopt;
    }
    if (!std::filesystem::exists(golden)) return std::string("<missing golden file " + golden.string() + ">");
    std::string expected = read_text(golden);
    if (expected == actual) return std::nullopt;
    return expected;
}

// Sources for a test input: a .rules file, or every .rules file of a folder;
// names are relative to the repository root (the tests' working directory).
inline std::vector<std::shared_ptr<const source_file>> sources_of(const std::filesystem::path& input) {
    auto loaded = load_rule_files({input.generic_string()}, check_options{1u << 30, 48, {}, {}});
    return loaded.files;
}

}  // namespace entitle::testing
