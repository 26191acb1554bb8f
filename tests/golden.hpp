// Golden-file helpers for the tests. Set ENTITLE_UPDATE_GOLDEN=1 to rewrite
// the golden files from the current output; `git diff` then shows what changed.
#pragma once

#include <entitle/entitle.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

namespace entitle::testing {

// The shipped rules (rules/), compiled once for each ruleset a test asks for.
// A ruleset that does not compile throws: the test fails with the diagnostics.
class shipped_rules {
public:
    const program& ruleset(const std::string& name) {
        auto it = programs_.find(name);
        if (it == programs_.end()) {
            auto compiled = compile(loaded_.files, {}, name);
            if (!compiled.program) throw std::runtime_error(render_text(compiled.diags));
            it = programs_.emplace(name, compiled.program).first;
        }
        return *it->second;
    }
    // The ruleset a profile file says it is for (`ruleset:`).
    const program& for_profile(const source_file& profile) { return ruleset(profile_ruleset(profile)); }
    std::size_t compiled() const { return programs_.size(); }

private:
    loaded_sources loaded_ = load_rule_files({"rules"});
    std::map<std::string, std::shared_ptr<const program>> programs_;
};

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
