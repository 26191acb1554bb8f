// Text in XML and HTML (JUnit reports, the diff's HTML page): the five
// characters that would be read as markup, escaped.
#pragma once

#include <string>
#include <string_view>

namespace entitle::detail {

inline std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

}  // namespace entitle::detail
