// The entitle command's shared helpers (cli.hpp).
#include "cli.hpp"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>
#include <cstdlib>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

namespace entitle::cli {

int usage_error(const std::string& message, const char* usage) {
    std::cerr << "entitle: " << message << "\n\n" << usage;
    return 2;
}

std::string count(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many ? many : std::string(one) + "s");
}

parsed_args parse_args(const std::vector<std::string>& args, const std::set<std::string>& known,
                       const std::set<std::string>& flags) {
    parsed_args out;
    for (std::size_t i = 0; i < args.size() && out.error.empty(); ++i) {
        const std::string& a = args[i];
        if (a == "-h" || a == "--help") {
            out.help = true;
        } else if (a.rfind("--", 0) == 0) {
            auto eq = a.find('=');
            std::string name = a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
            if (flags.count(name) && eq == std::string::npos) {
                out.flags.insert(name);
            } else if (!known.count(name)) {
                out.error = "unknown option '" + a + "'";
            } else if (eq != std::string::npos) {
                out.values[name].push_back(a.substr(eq + 1));
            } else if (i + 1 < args.size()) {
                out.values[name].push_back(args[++i]);
            } else {
                out.error = "--" + name + " needs a value";
            }
        } else if (a.size() > 1 && a[0] == '-') {
            out.error = "unknown option '" + a + "'";
        } else {
            out.positional.push_back(a);
        }
    }
    return out;
}

bool valid_format(const parsed_args& a, std::string& format, std::string& error) {
    format = a.one("format") ? *a.one("format") : "text";
    if (format == "text" || format == "json") return true;
    error = "unknown format '" + format + "' (use text or json)";
    return false;
}

entitle::civil_date today() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

bool as_of_arg(const parsed_args& a, const char* usage, std::optional<entitle::civil_date>& out) {
    const std::string* given = a.one("as-of");
    if (!given) return true;
    out = entitle::parse_date(*given);
    if (!out) usage_error("--as-of needs a date YYYY-MM-DD, got '" + *given + "'", usage);
    return out.has_value();
}

std::shared_ptr<const entitle::source_file> read_source(const std::string& path, const std::string& what) {
    const std::size_t limit = std::size_t{1} << 20;  // a profile, a test file, a spec (rules/README.md, "Limits")
    if (path == "-") {
        // Standard input: read no more than the limit allows.
        std::string text(limit + 1, '\0');
        std::cin.read(&text[0], static_cast<std::streamsize>(text.size()));
        text.resize(static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > limit) {
            std::cerr << "entitle: error[E708]: standard input is over the limit of " << limit << " bytes\n";
            return nullptr;
        }
        return std::make_shared<entitle::source_file>("<stdin>", std::move(text));
    }
    auto read = entitle::read_source_file(path, limit, what);
    if (!read.file) std::cerr << "entitle: error[" << read.code << "]: " << read.message << "\n";
    return read.file;
}

std::shared_ptr<const entitle::program> compile_rules(const parsed_args& a, const std::string& ruleset,
                                                      const entitle::check_options& options) {
    auto paths = a.values.find("rules");
    auto loaded = entitle::load_rule_files(paths == a.values.end() ? std::vector<std::string>{} : paths->second, options);
    if (loaded.diags.has_errors()) {
        std::cerr << entitle::render_text(loaded.diags);
        return nullptr;
    }
    auto compiled = entitle::compile(loaded.files, options, ruleset);
    if (!compiled.program) std::cerr << entitle::render_text(compiled.diags);
    return compiled.program;
}

namespace {
// The temporary file being written, removed if a signal ends the program.
std::atomic<const char*> pending_output{nullptr};
extern "C" void remove_pending_output(int signal) {
    if (const char* path = pending_output.load()) ::unlink(path);
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}
}  // namespace

atomic_output::atomic_output(const std::string& path) : path_(path) {
    namespace fs = std::filesystem;
    fs::path target(path);
    fs::path folder = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    std::string pattern = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
    int fd = ::mkstemp(&pattern[0]);
    if (fd < 0) return;
    // As a file created the usual way would be (mkstemp makes it private).
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, 0666 & ~mask);
    ::close(fd);
    temporary_ = pattern;
    pending_output = temporary_.c_str();
    std::signal(SIGINT, remove_pending_output);
    std::signal(SIGTERM, remove_pending_output);
    out_.open(temporary_, std::ios::binary | std::ios::trunc);
}

atomic_output::~atomic_output() {
    if (!done_ && !temporary_.empty()) ::unlink(temporary_.c_str());
    pending_output = nullptr;
}

bool atomic_output::commit() {
    if (temporary_.empty()) return false;
    out_.close();
    bool written = static_cast<bool>(out_) && std::rename(temporary_.c_str(), path_.c_str()) == 0;
    if (!written) ::unlink(temporary_.c_str());
    done_ = true;  // renamed, or removed
    pending_output = nullptr;
    return written;
}

bool write_whole(const std::string& path, const std::string& text) {
    atomic_output out(path);
    if (!out.ok() || !(out.stream() << text)) return false;
    return out.commit();
}

}  // namespace entitle::cli
