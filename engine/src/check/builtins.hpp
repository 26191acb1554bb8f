// The built-in functions of the rules language and their signatures: the
// checker types calls with them, the documentation lists them
// (rules/README.md), and the evaluator implements each by name.
#pragma once

#include <string>
#include <vector>

namespace entitle::sema {

// What an argument must be; `ordered_same`: numbers, money, dates or
// durations, all of one kind (min, max).
// Built-in functions. Arguments: the required ones, then optional ones.
enum class arg { date, integer, numeric, duration, days, span, spells, ordered_same };
struct builtin {
    const char* name;
    std::vector<arg> required;
    std::vector<arg> optional;
    const char* summary;
};

inline const std::vector<builtin>& builtins() {
    static const std::vector<builtin> list = {
        {"age", {arg::date}, {arg::date}, "age(birth_date[, at]): whole years at `at` (default as_of)"},
        {"months_between", {arg::date, arg::date}, {}, "months_between(from, to): whole months as a duration"},
        {"days_between", {arg::date, arg::date}, {}, "days_between(from, to): days from `from` to `to`"},
        {"days", {arg::days}, {}, "days(d): the number of days in d, as an int"},
        {"years", {arg::duration}, {}, "years(d): whole years in a duration, as an int"},
        {"months", {arg::duration}, {}, "months(d): whole months in a duration, as an int"},
        {"date", {arg::integer, arg::integer, arg::integer}, {}, "date(year, month, day)"},
        {"year", {arg::date}, {}, "year(d)"},
        {"month", {arg::date}, {}, "month(d)"},
        {"day", {arg::date}, {}, "day(d)"},
        {"min", {arg::ordered_same, arg::ordered_same}, {arg::ordered_same, arg::ordered_same}, "min(a, b, ...)"},
        {"max", {arg::ordered_same, arg::ordered_same}, {arg::ordered_same, arg::ordered_same}, "max(a, b, ...)"},
        {"floor", {arg::numeric}, {}, "floor(x): the largest int not above x"},
        {"round", {arg::numeric}, {}, "round(x): the nearest int, halves away from zero"},
        {"size", {}, {}, "size(list): the number of elements"},
        {"total", {arg::spells}, {arg::date}, "total(spells[, at]): months covered up to `at`"},
        {"longest_run", {arg::spells, arg::span}, {arg::date},
         "longest_run(spells, gap[, at]): longest continuous run, gaps up to `gap` bridged"},
        {"within", {arg::spells, arg::span}, {arg::date},
         "within(spells, window[, at]): months covered in the `window` before `at`"},
        {"run_start", {arg::spells, arg::span}, {arg::date},
         "run_start(spells, gap[, at]): start date of the run that covers `at`"},
        {"holds", {arg::spells}, {arg::date}, "holds(spells[, at]): a spell covers `at`"},
        {"points_of", {}, {}, "points_of(score): the points total of a score of the same subject"},
        {"position", {}, {}, "position(c): the place (1, 2, ...) of a quantifier's item in its list"},
    };
    return list;
}

// Named arguments (`name: value`): which functions take them and the words
// each keyword option accepts. `at` is an expression (a date); the others
// are fixed words, read at check time.
struct option_spec {
    const char* name;
    std::vector<const char*> words;  // empty: any expression (`at`)
};

inline bool is_spell_measure(const std::string& name) {
    return name == "total" || name == "longest_run" || name == "within" || name == "run_start" || name == "holds";
}

inline const std::vector<option_spec>& options_of(const std::string& function) {
    static const std::vector<option_spec> spells = {
        {"at", {}},
        {"counting", {"months", "calendar_months", "calendar_months_before", "days"}},
        {"future", {"recorded", "continued", "planned"}},
    };
    static const std::vector<option_spec> age = {{"at", {}}, {"leap_birthday", {"feb_28", "mar_1"}}};
    static const std::vector<option_spec> none;
    if (is_spell_measure(function)) return spells;
    if (function == "age") return age;
    return none;
}

// The index of `word` among an option's words, or -1.
inline int option_word(const option_spec& spec, const std::string& word) {
    for (std::size_t i = 0; i < spec.words.size(); ++i)
        if (word == spec.words[i]) return static_cast<int>(i);
    return -1;
}

inline const builtin* find_builtin(const std::string& name) {
    for (auto& b : builtins())
        if (name == b.name) return &b;
    return nullptr;
}

}  // namespace entitle::sema
