// The public entry points of the front end: reading rules files and
// running parse + check over them.
#include <entitle/ruleset.hpp>

#include "check/checker.hpp"
#include "common/files.hpp"
#include "data/params.hpp"
#include "parser/parse.hpp"

#include <algorithm>
#include <filesystem>
#include <set>

namespace entitle {

namespace {

class checked_rulebook final : public rulebook {
public:
    explicit checked_rulebook(std::shared_ptr<sema::program_data> program)
        : program_(std::move(program)), infos_(sema::describe(*program_)) {}
    const std::vector<ruleset_info>& rulesets() const override { return infos_; }

private:
    std::shared_ptr<sema::program_data> program_;
    std::vector<ruleset_info> infos_;
};

void read_one(const std::filesystem::path& path, const check_options& options, loaded_sources& out,
              std::set<std::filesystem::path>& seen) {
    std::error_code ec;
    // The same file named twice (rules/ and rules/national/x.rules) is read once.
    if (!seen.insert(std::filesystem::weakly_canonical(path, ec)).second) return;
    // A regular file, its size checked before it is read (a device or a FIFO is refused).
    auto read = detail::read_regular_file(path.string(), options.max_file_bytes);
    if (read.why == detail::file_read::problem::too_large) {
        auto src = std::make_shared<source_file>(path.string(), std::string());
        out.diags.error("E102", "file is " + std::to_string(read.size) + " bytes, over the limit of " +
                                    std::to_string(options.max_file_bytes) + " bytes", src, {0, 0});
        return;
    }
    if (!read.text) {
        out.diags.error("E001", read.message(path.string(), options.max_file_bytes));
        return;
    }
    out.files.push_back(std::make_shared<source_file>(path.string(), std::move(*read.text)));
}

}  // namespace

loaded_sources load_rule_files(const std::vector<std::string>& paths, const check_options& options) {
    namespace fs = std::filesystem;
    loaded_sources out;
    std::set<fs::path> seen;
    for (const auto& p : paths) {
        std::error_code ec;
        fs::path path(p);
        if (fs::is_directory(path, ec)) {
            std::vector<fs::path> found;
            for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
                 it.increment(ec))
                if (it->is_regular_file() &&
                    (it->path().extension() == ".rules" || data::is_parameter_file(it->path().filename().string())))
                    found.push_back(it->path());
            std::sort(found.begin(), found.end());
            if (found.empty()) out.diags.error("E001", "no .rules files in " + p);
            for (auto& f : found) read_one(f, options, out, seen);
        } else if (fs::exists(path, ec)) {
            read_one(path, options, out, seen);
        } else {
            out.diags.error("E001", "no such file or folder: " + p);
        }
    }
    return out;
}

std::vector<ruleset_info> sema::describe(const program_data& program) {
    std::vector<ruleset_info> out;
    for (std::size_t r = 0; r < program.rulesets.size(); ++r) {
        const auto& rs = program.rulesets[r];
        ruleset_info info;
        info.name = rs.name;
        info.title = rs.title;
        info.extends = rs.extends;
        info.source = rs.source_path;
        for (const auto& p : rs.entitlements) info.entitlements.push_back(static_cast<int>(p.value));
        for (const auto& s : program.services) {
            if (s.at.ruleset != static_cast<int>(r)) continue;
            info.services.push_back(s.name);
            auto& cited = info.cited[s.name];
            if (s.decl)
                for (const auto& member : s.decl->members)
                    if (auto* c = boost::get<ast::seed_cite>(&member)) cited.push_back(static_cast<int>(c->paragraph.value));
        }
        out.push_back(std::move(info));
    }
    return out;
}

std::shared_ptr<sema::program_data> sema::front_end(const std::vector<std::shared_ptr<const source_file>>& sources,
                                                    const check_options& options, diagnostics& diags,
                                                    data::parameter_store& parameters) {
    auto program = std::make_shared<sema::program_data>();
    std::vector<std::shared_ptr<const source_file>> parameter_files;
    program->files.reserve(sources.size());
    for (const auto& src : sources) {
        if (data::is_parameter_file(src->name())) parameter_files.push_back(src);
        else program->files.push_back(parser::parse_file(src, options, diags));
    }
    sema::check_program(*program, options, diags);
    // Parameter values are checked against declarations that checked clean.
    if (!diags.has_errors()) data::load_parameter_files(*program, parameter_files, parameters, diags);
    return program;
}

check_result check(const std::vector<std::shared_ptr<const source_file>>& sources, const check_options& options) {
    check_result result;
    data::parameter_store parameters;
    auto program = sema::front_end(sources, options, result.diags, parameters);
    result.diags.sort();
    if (!result.diags.has_errors()) result.rules = std::make_shared<checked_rulebook>(program);
    return result;
}

}  // namespace entitle
