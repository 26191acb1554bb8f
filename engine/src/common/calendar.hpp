// Civil-calendar arithmetic on proleptic Gregorian dates, shared by the
// checker (literal dates, constant folding) and the evaluator. Dates are day
// numbers since 1970-01-01; no time zones, no times of day.
#pragma once

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

}  // namespace entitle::detail
