#include "data/yaml.hpp"

#include <algorithm>
#include <string>

namespace entitle::data {

std::optional<YAML::Node> parse_yaml(const std::shared_ptr<const source_file>& text, const char* code,
                                     const char* what, diagnostics& diags) {
    try {
        return YAML::Load(text->text());
    } catch (const YAML::ParserException& e) {
        auto at = static_cast<std::uint32_t>(std::max(0, e.mark.pos));
        diags.error(code, std::string("not valid ") + what + ": " + e.msg, text, {at, at + 1});
    } catch (const YAML::Exception& e) {
        diags.error(code, std::string("not valid ") + what + ": " + e.what(), text, {0, 0});
    }
    return std::nullopt;
}

span node_span(const YAML::Node& n) {
    auto at = static_cast<std::uint32_t>(std::max(0, n.Mark().pos));
    auto len = n.IsScalar() ? static_cast<std::uint32_t>(std::max<std::size_t>(1, n.Scalar().size())) : 1u;
    return {at, at + len};
}

}  // namespace entitle::data
