// Numbers read and written the same way whatever locale the embedding
// program sets: std::from_chars and std::to_chars never consult it, where
// strtod, printf("%f") and iostreams do (under de_DE "48.5" reads as 48 and
// 48.5 prints as "48,5").
#pragma once

#include <charconv>
#include <cmath>
#include <string>
#include <string_view>
#include <system_error>

namespace entitle::detail {

// The whole of `text` as a finite number (an optional leading '+').
template <typename Float>
bool parse_number(std::string_view text, Float& out) {
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return false;
    auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), out);
    return problem == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

// A number literal of the rules (digits, a point, digits); its value, or
// infinity when it is too large to hold.
inline long double literal_number(std::string_view text) {
    long double out = 0;
    if (!parse_number(text, out)) return HUGE_VALL;
    return out;
}

// `x` with up to `precision` significant digits, as printf's %g.
inline std::string general_text(double x, int precision) {
    char buf[64];
    auto [end, problem] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::general, precision);
    return problem == std::errc() ? std::string(buf, end) : std::string("nan");
}

// `x` with `decimals` digits after the point, as printf's %.Nf.
inline std::string fixed_text(double x, int decimals) {
    char buf[400];
    auto [end, problem] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, decimals);
    return problem == std::errc() ? std::string(buf, end) : std::string("nan");
}

}  // namespace entitle::detail
