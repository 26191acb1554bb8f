// Civil-calendar arithmetic on proleptic Gregorian dates, shared by the
// checker (literal dates, constant folding) and the evaluator. Dates are day
// numbers since 1970-01-01; no time zones, no times of day.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>

namespace entitle::detail {

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
inline long long days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

inline bool valid_date(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1) return false;
    static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (day > days[month - 1]) return false;
    if (month == 2 && day == 29) {
        bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        return leap;
    }
    return true;
}

struct civil {
    int year, month, day;
};

// The civil date of a day number (inverse of days_from_civil). Days from
// 0001-01-01 to 9999-12-31 and well beyond take Neri and Schneider's
// algorithm ("Euclidean affine functions and their application to calendar
// algorithms", 2022): multiplications and shifts only, three times faster
// than the one below it (Hinnant's), which takes any other day.
inline civil civil_from_days(long long z) {
    if (z >= -12699422 && z < 1061042000) {
        constexpr std::uint32_t shift = 82;  // 400-year cycles added, so every day counted is positive
        const auto n = static_cast<std::uint32_t>(z + 719468 + 146097 * shift);
        const std::uint32_t n1 = 4 * n + 3;
        const std::uint32_t century = n1 / 146097;
        const std::uint32_t day_of_century = n1 % 146097 / 4;
        const std::uint32_t n2 = 4 * day_of_century + 3;
        const std::uint64_t p2 = std::uint64_t{2939745} * n2;
        const auto year_of_century = static_cast<std::uint32_t>(p2 >> 32);
        const std::uint32_t day_of_year = static_cast<std::uint32_t>(p2) / 2939745 / 4;  // from 1 March
        const std::uint32_t n3 = 2141 * day_of_year + 197913;
        const std::uint32_t month = n3 >> 16;  // 3 .. 14: March of this year to February of the next
        const std::uint32_t day = (n3 & 0xffff) / 2141;
        const bool next_year = day_of_year >= 306;
        const auto year = static_cast<int>(100 * century + year_of_century) - static_cast<int>(400 * shift) + next_year;
        return {year, static_cast<int>(next_year ? month - 12 : month), static_cast<int>(day + 1)};
    }
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long y = static_cast<long long>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}

// A day number as YYYY-MM-DD.
inline std::string day_text(long long day) {
    civil c = civil_from_days(day);
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", c.year, c.month, c.day);
    return buf;
}

inline int days_in_month(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

// The day `months` calendar months after `day`; a day past the end of the
// target month becomes its last day (2024-01-31 + 1 month = 2024-02-29).
inline long long add_months(long long day, long long months) {
    civil c = civil_from_days(day);
    long long total = static_cast<long long>(c.year) * 12 + (c.month - 1) + months;
    int year = static_cast<int>(total >= 0 ? total / 12 : (total - 11) / 12);
    int month = static_cast<int>(total - static_cast<long long>(year) * 12) + 1;
    int d = c.day < days_in_month(year, month) ? c.day : days_in_month(year, month);
    return days_from_civil(year, month, d);
}

// Whole calendar months from `from` to `to` (negative when `to` is before):
// 2024-01-15 to 2024-07-15 is 6, to 2024-07-14 is 5. A month counts once the
// same day of the month is reached; on a shorter month, its last day.
inline long long months_between(long long from, long long to) {
    if (to < from) return -months_between(to, from);
    civil a = civil_from_days(from), b = civil_from_days(to);
    long long months = (static_cast<long long>(b.year) - a.year) * 12 + (b.month - a.month);
    // add_months(from, months) falls in b's month, on a's day or that month's last: past `to`?
    int landing = a.day <= 28 ? a.day : std::min(a.day, days_in_month(b.year, b.month));
    if (months > 0 && landing > b.day) --months;
    return months;
}

// Age in whole years on `at` of someone born on `birth` (born on 29 February:
// a year older on 28 February of common years).
inline long long age_on(long long birth, long long at) { return months_between(birth, at) / 12; }

}  // namespace entitle::detail
