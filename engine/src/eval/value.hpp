// Runtime values of the evaluator, and the storage of one profile.
//
// A value is a small tagged union (16 bytes): unknown (a fact the profile
// does not give), none (an optional fact known to be absent), or a bool, int,
// decimal, money (in fen), date (day number), duration (months), enum (value
// index), string, record or list. Records and lists live in the profile's
// arena and are never copied during evaluation.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace entitle::eval {

enum class vk : std::uint8_t {
    unknown, none, boolean, integer, decimal, money, date, duration, enumeration, string, record, list
};

struct record_v;
struct list_v;

struct value {
    vk kind = vk::unknown;
    std::int32_t type = -1;  // the enum of an enumeration value (fits the padding)
    union {
        bool b;
        std::int64_t i;  // integer, money (fen), date (days), duration (months), enum index
        double d;
        const record_v* rec;
        const list_v* list;
        const std::string* str;
    };
    value() : i(0) {}

    static value unknown() { return {}; }
    static value none() { value v; v.kind = vk::none; return v; }
    static value boolean(bool x) { value v; v.kind = vk::boolean; v.b = x; return v; }
    static value of(vk k, std::int64_t x) { value v; v.kind = k; v.i = x; return v; }
    static value decimal(double x) { value v; v.kind = vk::decimal; v.d = x; return v; }
    static value enumeration(int enum_type, std::int64_t index) {
        value v = of(vk::enumeration, index);
        v.type = enum_type;
        return v;
    }
    static value string(const std::string* s) { value v; v.kind = vk::string; v.str = s; return v; }
    static value record(const record_v* r) { value v; v.kind = vk::record; v.rec = r; return v; }
    static value of_list(const list_v* l) { value v; v.kind = vk::list; v.list = l; return v; }

    bool known() const { return kind != vk::unknown; }
    bool is_true() const { return kind == vk::boolean && b; }
    bool is_false() const { return kind == vk::boolean && !b; }
};

// A record of a profile. `path` names it for messages ("applicant",
// "children[1]"); `record_type` indexes the checker's records.
struct record_v {
    int record_type = -1;
    std::string path;
    std::vector<value> fields;  // in the declared order of the record's fields
};

struct list_v {
    std::string path;
    std::vector<value> items;
    // A history known only as a count ("pension: 36 months"): no spells,
    // only their total up to the as-of date. -1 for an ordinary list.
    std::int64_t months = -1;
};

// Everything one loaded profile owns.
struct profile_store {
    std::deque<record_v> records;
    std::deque<list_v> lists;
    std::deque<std::string> strings;
    value root;
};

}  // namespace entitle::eval
