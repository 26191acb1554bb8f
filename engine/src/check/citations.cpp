#include "check/citations.hpp"

#include <opencc/opencc.h>

#include <cstring>

namespace entitle::sema {

namespace {

// Pinyin letters: a-z, ü and the tone-marked vowels (all two-byte UTF-8).
std::size_t pinyin_letter(std::string_view s, std::size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 'a' && c <= 'z') return 1;
    static const char* const marked[] = {"ā", "á", "ǎ", "à", "ē", "é", "ě", "è", "ī", "í", "ǐ", "ì",
                                         "ō", "ó", "ǒ", "ò", "ū", "ú", "ǔ", "ù", "ü", "ǖ", "ǘ", "ǚ",
                                         "ǜ", "ń", "ň", "ǹ"};
    for (const char* m : marked) {
        std::size_t n = std::strlen(m);
        if (s.substr(i, n) == m) return n;
    }
    return 0;
}

}  // namespace

std::string strip_pinyin(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        bool after_wide = !out.empty() && (static_cast<unsigned char>(out.back()) & 0x80);
        if (s[i] == '(' && after_wide) {
            std::size_t j = i + 1, letters = 0;
            while (j < s.size()) {
                std::size_t n = pinyin_letter(s, j);
                if (n == 0) break;
                j += n;
                ++letters;
            }
            if (letters > 0 && letters <= 8 && j < s.size() && s[j] == ')') {
                i = j + 1;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

text_normalizer::text_normalizer() {
    opencc_t od = opencc_open(OPENCC_DEFAULT_CONFIG_TRAD_TO_SIMP);
    converter_ = od == reinterpret_cast<opencc_t>(-1) ? nullptr : od;
}

text_normalizer::~text_normalizer() {
    if (converter_) opencc_close(converter_);
}

bool text_normalizer::valid() const { return converter_ != nullptr; }

std::string text_normalizer::normalize(std::string_view text) const {
    std::string stripped = strip_pinyin(text);
    std::string simplified = stripped;
    if (converter_) {
        char* converted = opencc_convert_utf8(converter_, stripped.data(), stripped.size());
        if (converted) {
            simplified = converted;
            opencc_convert_utf8_free(converted);
        }
    }
    std::string out;
    out.reserve(simplified.size());
    for (std::size_t i = 0; i < simplified.size();) {
        auto c = static_cast<unsigned char>(simplified[i]);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
            continue;
        }
        // U+3000 ideographic space; U+FF01..U+FF5E full-width ASCII.
        if (c == 0xE3 && i + 2 < simplified.size() &&
            static_cast<unsigned char>(simplified[i + 1]) == 0x80 &&
            static_cast<unsigned char>(simplified[i + 2]) == 0x80) {
            i += 3;
            continue;
        }
        if (c == 0xEF && i + 2 < simplified.size()) {
            unsigned cp = ((c & 0x0F) << 12) |
                          ((static_cast<unsigned char>(simplified[i + 1]) & 0x3F) << 6) |
                          (static_cast<unsigned char>(simplified[i + 2]) & 0x3F);
            if (cp >= 0xFF01 && cp <= 0xFF5E) {
                out += static_cast<char>(cp - 0xFF01 + 0x21);
                i += 3;
                continue;
            }
        }
        out += simplified[i++];
    }
    return out;
}

}  // namespace entitle::sema
