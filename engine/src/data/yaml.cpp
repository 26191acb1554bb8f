#include "data/yaml.hpp"

#include "common/utf8.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace entitle::data {
namespace {

std::uint32_t offset(const YAML::Mark& mark) { return static_cast<std::uint32_t>(std::max(0, mark.pos)); }

// What yaml-cpp's tree does not tell: a key given twice in one mapping (the
// tree keeps both and a lookup finds the first) and a second document in the
// file (YAML::Load reads the first and ignores the rest). Read off the
// parser's events, which name every key once where it is written: an alias
// is one event, never expanded, so this is linear in the text.
class structure_check : public YAML::EventHandler {
public:
    structure_check(const std::shared_ptr<const source_file>& text, const char* code, diagnostics& diags)
        : text_(text), code_(code), diags_(diags) {}

    void OnDocumentStart(const YAML::Mark& mark) override {
        if (++documents_ != 2) return;
        auto at = offset(mark);
        bool json_line = at < text_->text().size() && text_->text()[at] == '{' && mark.column == 0;
        bool dashes = text_->text().compare(at, 3, "---") == 0;
        auto& d = diags_.error(code_, json_line ? "a second JSON document on this line: the file must hold one"
                                      : dashes  ? "a second YAML document (after ---): the file must hold one document"
                                                : "more after the end of the document: the file must hold one document",
                               text_, {at, at + 1});
        if (json_line)
            d.notes.push_back("a file of JSON lines (one profile per line) is a population: entitle diff --population "
                              "reads it; eval reads one profile");
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { node(nullptr, {}); }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { node(nullptr, {}); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string& value) override {
        node(&value, mark);
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        node(nullptr, {});
        open_.push_back({false, {}, true});
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
        node(nullptr, {});
        open_.push_back({true, {}, true});
    }
    void OnMapEnd() override { close(); }
    int documents() const { return documents_; }

private:
    struct level {
        bool mapping;
        std::map<std::string, YAML::Mark> keys;
        bool next_is_key;  // in a mapping: keys and values alternate
    };

    // Every node, as it starts: in a mapping, every other one is a key.
    void node(const std::string* scalar, const YAML::Mark& mark) {
        if (open_.empty() || !open_.back().mapping) return;
        level& here = open_.back();
        bool is_key = here.next_is_key;
        here.next_is_key = !is_key;
        if (!is_key || !scalar) return;  // a complex key is compared by nobody
        auto [it, fresh] = here.keys.emplace(*scalar, mark);
        if (fresh) return;
        auto first = text_->position(offset(it->second));
        diags_.error("E716", "the key '" + *scalar + "' is given twice in this mapping; the first is at line " +
                                std::to_string(first.line) + ", column " + std::to_string(first.column),
                     text_, {offset(mark), offset(mark) + static_cast<std::uint32_t>(std::max<std::size_t>(1, scalar->size()))});
    }
    void close() {
        if (!open_.empty()) open_.pop_back();
    }

    const std::shared_ptr<const source_file>& text_;
    const char* code_;
    diagnostics& diags_;
    std::vector<level> open_;
    int documents_ = 0;
};

}  // namespace

std::optional<YAML::Node> parse_yaml(const std::shared_ptr<const source_file>& text, const char* code,
                                     const char* what, diagnostics& diags) {
    const std::string& all = text->text();
    for (std::size_t i = 0; i < all.size();) {
        std::size_t n = detail::utf8_sequence(all, i);
        if (n == 0) {
            auto at = static_cast<std::uint32_t>(i);
            diags.error(code, std::string("not valid ") + what + ": the text is not valid UTF-8 here", text, {at, at + 1});
            return std::nullopt;
        }
        i += n;
    }
    try {
        std::size_t errors_before = diags.error_count();
        std::istringstream in(text->text());
        YAML::Parser parser(in);
        structure_check check(text, code, diags);
        // Up to the second document, which is an error already: past a
        // malformed first one, yaml-cpp can report empty documents forever.
        while (check.documents() < 2 && parser.HandleNextDocument(check)) {
        }
        if (diags.error_count() > errors_before) return std::nullopt;
        return YAML::Load(text->text());
    } catch (const YAML::ParserException& e) {
        auto at = offset(e.mark);
        diags.error(code, std::string("not valid ") + what + ": " + e.msg, text, {at, at + 1});
    } catch (const YAML::Exception& e) {
        diags.error(code, std::string("not valid ") + what + ": " + e.what(), text, {0, 0});
    }
    return std::nullopt;
}

span node_span(const YAML::Node& n) {
    auto at = offset(n.Mark());
    auto len = n.IsScalar() ? static_cast<std::uint32_t>(std::max<std::size_t>(1, n.Scalar().size())) : 1u;
    return {at, at + len};
}

}  // namespace entitle::data
