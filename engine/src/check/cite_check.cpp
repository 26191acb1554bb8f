// Citations: paragraph numbers and quotes against the source text.
#include "check/checker_impl.hpp"
#include "common/files.hpp"

#include <filesystem>
#include <sstream>

namespace entitle::sema {

// ---- citations ---------------------------------------------------------------------------

const cited_text* checker::load_text(int owner) {
    ruleset_data& rs = prog_.rulesets[owner];
    if (rs.text) return rs.text.get();
    if (rs.text_failed) return nullptr;
    namespace fs = std::filesystem;
    // The path is looked up from the folder of the file that names it, then
    // from each folder above: rules in rules/national/ name "seeds/x.txt".
    // Only inside the tree that holds the rules (the repository, see
    // detail::tree_root): a relative path, looked up from the
    // folder of the file that names it, then from each folder above it up to
    // that root; a file that resolves outside the root is not read.
    std::optional<std::string> content;
    std::string found;
    fs::path named(rs.source_path);
    if (named.is_absolute() || named.has_root_name()) {
        diags_.error("E503", "the source text " + quote(rs.source_path) + " must be a path relative to the rules",
                     rs.header_source, rs.source_where)
            .notes.push_back("source texts are read only inside the repository (or folder) that holds the rules");
        rs.text_failed = true;
        return nullptr;
    }
    fs::path dir = fs::path(rs.header_source->name()).parent_path();
    const fs::path root = detail::tree_root(rs.header_source->name());
    std::error_code ec;
    for (fs::path d = fs::weakly_canonical(fs::absolute(dir.empty() ? fs::path(".") : dir, ec), ec);
         !ec && detail::inside(d, root); d = d.parent_path()) {
        fs::path candidate = d / named;
        if (detail::inside(candidate, root))
            if (auto text = options_.read_file(candidate.lexically_normal().string())) {
                content = std::move(text);
                found = fs::proximate(candidate, ec).lexically_normal().string();
                break;
            }
        if (d == root || d == d.root_path()) break;
    }
    if (!content) {
        diags_.error("E503", "cannot read the source text " + quote(rs.source_path), rs.header_source,
                     rs.source_where)
            .notes.push_back("the path is looked up from the folder of this file and each folder above it, up to the "
                             "repository (or folder) that holds the rules; a regular file of at most " +
                             std::to_string(detail::max_source_text_bytes >> 20) + " MiB");
        rs.text_failed = true;
        return nullptr;
    }
    if (!normalizer_) normalizer_ = std::make_unique<text_normalizer>();
    if (!normalizer_->valid()) {
        diags_.error("E504", "cannot load OpenCC's t2s.json to compare citations (install libopencc1.1 and opencc data)",
                     rs.header_source, rs.source_where);
        rs.text_failed = true;
        return nullptr;
    }
    auto text = std::make_shared<cited_text>();
    text->path = found;
    std::istringstream lines(*content);
    std::string line;
    while (std::getline(lines, line)) text->paragraphs.push_back(normalizer_->normalize(line));
    rs.text = text;
    return text.get();
}

void checker::check_seed_cite(const origin& at, const ast::seed_cite& c) {
    int owner = text_owner(at.ruleset);
    if (owner < 0) {
        diags_.error("E503", "ruleset " + quote(prog_.rulesets[at.ruleset].name) +
                                 " names no source text to cite", at.source, c.paragraph.where())
            .notes.push_back("add `source \"seeds/...\"` to the ruleset header (and check this file together "
                             "with the one that has the header), or cite an external reference: "
                             "cites \"title\" url \"https://...\"");
        return;
    }
    const cited_text* text = load_text(owner);
    if (!text || !check_paragraph(*text, c.paragraph, at.source)) return;
    auto n = c.paragraph.value;
    std::string quote_text = normalizer_->normalize(c.quote.value);
    if (quote_text.empty()) {
        diags_.error("E502", "the quote is empty", at.source, c.quote.where());
        return;
    }
    if (text->paragraphs[static_cast<std::size_t>(n - 1)].find(quote_text) != std::string::npos) return;
    auto& d = diags_.error("E502", "the quote is not in paragraph " + std::to_string(n), at.source,
                           c.quote.where());
    for (std::size_t i = 0; i < text->paragraphs.size(); ++i)
        if (text->paragraphs[i].find(quote_text) != std::string::npos) {
            d.notes.push_back("it is in paragraph " + std::to_string(i + 1));
            return;
        }
    d.notes.push_back("quotes are compared after dropping bracketed pinyin, converting to simplified "
                      "characters and removing spaces");
}

bool checker::check_paragraph(const cited_text& text, const ast::int_lit& p, const std::shared_ptr<const source_file>& in) {
    auto n = p.value;
    auto count = static_cast<std::int64_t>(text.paragraphs.size());
    if (n >= 1 && n <= count && !text.paragraphs[static_cast<std::size_t>(n - 1)].empty()) return true;
    diags_.error("E501", "paragraph " + std::to_string(n) + " does not exist in " + text.path, in, p.where())
        .notes.push_back("the text has paragraphs 1 to " + std::to_string(count) + " (one per line)");
    return false;
}

// The paragraphs a header lists as granting entitlements exist in its source.
void checker::check_entitlements(int ruleset) {
    ruleset_data& rs = prog_.rulesets[ruleset];
    if (rs.entitlements.empty()) return;
    if (rs.source_path.empty()) {
        diags_.error("E503", "ruleset " + quote(rs.name) + " lists entitlements but names no source text",
                     rs.entitlements_source, rs.entitlements.front().where())
            .notes.push_back("add `source \"seeds/...\"` to the header");
        return;
    }
    if (const cited_text* text = load_text(ruleset))
        for (const auto& p : rs.entitlements) check_paragraph(*text, p, rs.entitlements_source);
}

void checker::check_external_cite(const origin& at, const ast::external_cite& c) {
    if (c.reference.value.empty())
        diags_.error("E502", "the reference is empty", at.source, c.reference.where());
    if (c.url && c.url->value.rfind("http://", 0) != 0 && c.url->value.rfind("https://", 0) != 0)
        diags_.error("E505", "a reference URL starts with http:// or https://", at.source, c.url->where());
}

}  // namespace entitle::sema
