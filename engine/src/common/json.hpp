// A small JSON writer for the renderers: commas and escaping handled in one
// place. The engine writes JSON by hand because its documents are small and
// their shape is fixed; reading JSON is simdjson's job (data/profile.cpp).
#pragma once

#include "common/utf8.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace entitle::detail {

// A JSON string of `s`: escaped, and valid UTF-8 whatever `s` holds (a
// byte that is not part of a well-formed sequence becomes U+FFFD).
inline void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            std::size_t n = utf8_sequence(s, i);
            if (n == 0) {
                out += "\\ufffd";  // as an escape: the output stays ASCII where the input was broken
            } else {
                out.append(s, i, n);
                i += n - 1;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
                    static const char hex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += hex[(c >> 4) & 0xF];
                    out += hex[c & 0xF];
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

class json_writer {
public:
    json_writer& begin_object() { return open('{'); }
    json_writer& end_object() { return close('}'); }
    json_writer& begin_array() { return open('['); }
    json_writer& end_array() { return close(']'); }

    json_writer& key(std::string_view k) {
        separate();
        append_json_string(out_, k);
        out_ += ':';
        after_key_ = true;
        return *this;
    }
    json_writer& value(std::string_view s) {
        separate();
        append_json_string(out_, s);
        return *this;
    }
    json_writer& value(const char* s) { return value(std::string_view(s)); }
    json_writer& value(const std::string& s) { return value(std::string_view(s)); }
    json_writer& value(long long n) {
        separate();
        out_ += std::to_string(n);
        return *this;
    }
    json_writer& value(bool b) {
        separate();
        out_ += b ? "true" : "false";
        return *this;
    }
    // Text that is already JSON (a number formatted by the caller).
    json_writer& raw(std::string_view text) {
        separate();
        out_ += text;
        return *this;
    }
    // String values into the array already open.
    json_writer& strings_inline(const std::vector<std::string>& list) {
        for (const auto& s : list) value(s);
        return *this;
    }
    json_writer& null() {
        separate();
        out_ += "null";
        return *this;
    }
    // A string, or null when it is empty.
    json_writer& value_or_null(const std::string& s) { return s.empty() ? null() : value(s); }

    // key: [f(w, x) for x in range]
    template <typename Range, typename F>
    json_writer& array(std::string_view k, const Range& range, F f) {
        key(k).begin_array();
        for (const auto& x : range) f(*this, x);
        return end_array();
    }
    json_writer& strings(std::string_view k, const std::vector<std::string>& list) {
        return array(k, list, [](json_writer& w, const std::string& s) { w.value(s); });
    }

    std::string& str() { return out_; }

private:
    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written in it yet
    bool after_key_ = false;

    void separate() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (!first_.empty()) {
            if (!first_.back()) out_ += ',';
            first_.back() = false;
        }
    }
    json_writer& open(char c) {
        separate();
        out_ += c;
        first_.push_back(true);
        return *this;
    }
    json_writer& close(char c) {
        out_ += c;
        first_.pop_back();
        return *this;
    }
};

}  // namespace entitle::detail
