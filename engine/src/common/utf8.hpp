// Text from profiles and rules, made safe to show: every output of the engine
// is valid UTF-8, and text meant for a terminal carries no control
// characters (an escape sequence in a profile key could otherwise move the
// cursor, retitle the window or hide lines of a caseworker's report).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace entitle::detail {

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF), or 0.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
    unsigned c = byte(i);
    auto continuation = [&](std::size_t k) { return (byte(k) & 0xC0) == 0x80; };
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return continuation(i + 1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned c1 = byte(i + 1);
        if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) return 0;
        return continuation(i + 1) && continuation(i + 2) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned c1 = byte(i + 1);
        if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) return 0;
        return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0;
    }
    return 0;
}

inline void append_hex_escape(std::string& out, unsigned char c) {
    static const char hex[] = "0123456789abcdef";
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 0xF];
}

// `text` for a terminal: line breaks and tabs kept, other control characters
// and bytes that are not UTF-8 shown as \xNN.
inline std::string terminal_text(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        std::size_t n = utf8_sequence(text, i);
        if (n == 0 || (n == 1 && ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F))) {
            append_hex_escape(out, c);
            ++i;
            continue;
        }
        // C1 controls (U+0080..U+009F) act as escapes on some terminals too.
        if (n == 2 && c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            append_hex_escape(out, c);
            append_hex_escape(out, static_cast<unsigned char>(text[i + 1]));
            i += 2;
            continue;
        }
        out.append(text, i, n);
        i += n;
    }
    return out;
}

}  // namespace entitle::detail
