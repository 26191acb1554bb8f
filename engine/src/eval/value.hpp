// Runtime values of the evaluator, and the storage of one profile.
//
// A value is a small tagged union (16 bytes): unknown (a fact the profile
// does not give), none (an optional fact known to be absent), or a bool, int,
// decimal, money (in fen), date (day number), duration (months), days (a
// count of days), enum (value index), string, record or list. Records and lists live in the profile's
// arena and are never copied during evaluation.
#pragma once

#include <cstdint>
#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace entitle::eval {

enum class vk : std::uint8_t {
    unknown, none, boolean, integer, decimal, money, date, duration, enumeration, string, record, list, days
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

// A run of values in a profile store (a record's fields, a list's items).
struct value_span {
    value* ptr = nullptr;
    std::size_t n = 0;
    value* data() const { return ptr; }
    std::size_t size() const { return n; }
    bool empty() const { return n == 0; }
    value& operator[](std::size_t i) const { return ptr[i]; }
    value& front() const { return ptr[0]; }
    value* begin() const { return ptr; }
    value* end() const { return ptr + n; }
};

// A record of a profile. `path` names it for messages ("applicant",
// "children[1]"); `record_type` indexes the checker's records.
struct record_v {
    int record_type = -1;
    std::string path;
    value_span fields;  // in the declared order of the record's fields
};

struct list_v {
    std::string path;
    value_span items;
    // A history known only as a count ("pension: 36 months"): no spells,
    // only their total up to the as-of date. -1 for an ordinary list.
    std::int64_t months = -1;
};

// Everything one loaded profile (or set of profiles) owns. The values of
// records and lists sit in large blocks, in the order they were loaded, so a
// pass over many profiles reads memory in order.
struct profile_store {
    std::deque<record_v> records;
    std::deque<list_v> lists;
    std::deque<std::string> strings;
    value root;

    // A copy of `s` that stays where it is.
    const std::string* keep(std::string s) {
        strings.push_back(std::move(s));
        return &strings.back();
    }

    // `n` unknown values that stay where they are.
    value_span allocate(std::size_t n) {
        if (used_ + n > capacity_) {
            capacity_ = std::max<std::size_t>(n, 16384);
            blocks_.push_back(std::make_unique<value[]>(capacity_));
            used_ = 0;
        }
        value_span span{blocks_.back().get() + used_, n};
        used_ += n;
        return span;
    }

private:
    std::vector<std::unique_ptr<value[]>> blocks_;
    std::size_t used_ = 0, capacity_ = 0;
};

}  // namespace entitle::eval
