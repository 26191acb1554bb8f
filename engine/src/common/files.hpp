// Reading a whole file: the rules' sources, parameter and seed files, the
// profiles rule tests name, and the CLI's inputs. Regular files only, their
// size checked before a byte is read (a device or a FIFO would never end),
// and names inside rules confined to the tree that holds them.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace entitle::detail {

// What reading a file gave: its text, or why not.
struct file_read {
    enum class problem { none, cannot_open, not_regular, too_large };
    std::optional<std::string> text;
    problem why = problem::none;
    unsigned long long size = 0;  // too_large: the file's size

    // "cannot read PATH", "PATH is not a regular file", "PATH is N bytes, over the limit of M bytes".
    std::string message(const std::string& path, std::size_t limit) const {
        switch (why) {
            case problem::not_regular: return path + " is not a regular file";
            case problem::too_large:
                return path + " is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limit) + " bytes";
            default: return "cannot read " + path;
        }
    }
};

// The bytes of a regular file of at most `limit` bytes.
inline file_read read_regular_file(const std::string& path, std::size_t limit) {
    file_read out;
    // O_NONBLOCK: opening a FIFO does not wait for a writer; it is refused below.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        out.why = file_read::problem::cannot_open;
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        out.why = file_read::problem::cannot_open;
        return out;
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        out.why = file_read::problem::not_regular;
        return out;
    }
    if (static_cast<unsigned long long>(st.st_size) > limit) {
        ::close(fd);
        out.why = file_read::problem::too_large;
        out.size = static_cast<unsigned long long>(st.st_size);
        return out;
    }
    std::string text;
    char buffer[65536];
    for (;;) {
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0) {
            ::close(fd);
            out.why = file_read::problem::cannot_open;
            return out;
        }
        if (n == 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        if (text.size() > limit) {  // it grew while being read
            ::close(fd);
            out.why = file_read::problem::too_large;
            out.size = text.size();
            return out;
        }
    }
    ::close(fd);
    out.text = std::move(text);
    return out;
}

// The caps (documented in rules/README.md, "Limits").
constexpr std::size_t max_rules_bytes = std::size_t{1} << 20;        // a rules or parameter file
constexpr std::size_t max_profile_bytes = std::size_t{1} << 20;      // one profile, a rule-test file
constexpr std::size_t max_source_text_bytes = std::size_t{8} << 20;  // a ruleset's cited source text

// The file's bytes, or nothing: a regular file of at most a source text's cap.
inline std::optional<std::string> read_whole_file(const std::string& path) {
    return read_regular_file(path, max_source_text_bytes).text;
}

// The folder a path named inside rules or tests may not leave: the
// repository that holds `anchor` (the nearest folder above it with a
// `.git`), else the working folder when `anchor` is inside it, else
// `anchor`'s own folder.
inline std::filesystem::path tree_root(const std::filesystem::path& anchor) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path folder = fs::weakly_canonical(fs::absolute(anchor, ec).parent_path(), ec);
    for (fs::path d = folder; !d.empty(); d = d.parent_path()) {
        if (fs::exists(d / ".git", ec)) return d;
        if (d == d.root_path()) break;
    }
    fs::path cwd = fs::weakly_canonical(fs::current_path(ec), ec);
    auto [c, f] = std::mismatch(cwd.begin(), cwd.end(), folder.begin(), folder.end());
    if (c == cwd.end()) return cwd;
    return folder;
}

// Whether `path` (after following links) lies inside `root`.
inline bool inside(const std::filesystem::path& path, const std::filesystem::path& root) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec) return false;
    auto [r, p] = std::mismatch(root.begin(), root.end(), real.begin(), real.end());
    return r == root.end();
}

}  // namespace entitle::detail
