// libFuzzer target for profiles: any bytes, read as a YAML/JSON profile and
// as JSON lines against one of two schemas (the input's length picks: a flat
// person with every kind of field, or a household of records holding lists
// of records holding spells, where aliases multiply), must come back as
// diagnostics or as verdicts, never as a crash; and the batch decider must
// agree with explained evaluation on every profile that loads. Replayed
// under CTest like rules_fuzz.
#include <entitle/entitle.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const entitle::program& nested_schema() {
    static const auto compiled = entitle::compile({std::make_shared<entitle::source_file>(
        "nested.rules",
        "ruleset nested\nrecord Permit { from: date  to: optional date  city: string }\n"
        "record Child { birth_date: date  permits: list of Permit  grades: list of int }\n"
        "record Adult { birth_date: date  children: list of Child  balance: signed money }\n"
        "entity Person { adults: list of Adult  head: optional Adult  n: int }\n"
        "service s \"s\" for Person\n"
        "  requires any a in adults: any c in a.children: total(c.permits) >= 6 months \"有子女持证\"\n"
        "  requires (count c in head.children: size(c.grades) > n) >= 1 and head.balance > 0 yuan\n")});
    return *compiled.program;
}

const entitle::program& schema() {
    static const auto compiled = entitle::compile({std::make_shared<entitle::source_file>(
        "schema.rules",
        "ruleset fuzz\nenum E { a, b }\nrecord C { birth_date: date  permits: spells }\n"
        "entity Person { birth_date: date  local: bool  n: int  x: decimal  m: money  e: E  w: duration\n"
        "  s: spells  kids: list of C  o: optional C  name: string }\n"
        "service s \"s\" for Person\n"
        "  requires age(birth_date) >= 18 and not local and total(s) >= 6 months\n"
        "  requires any k in kids: holds(k.permits) or k.birth_date > 2010-01-01\n"
        "  requires e in {a} and m >= 100 yuan and x < 2.5 and n between 1 and 9 and o is set\n"
        "service t \"t\" for Person\n"
        "  requires (local or not (n > 3 and e != b)) and all k in kids: k.birth_date < 2020-01-01\n"
        "  unless m / n > 1000 yuan\n"
        "exception x \"x\" to t\n"
        "  when w >= 2 years\n"
        "  then eligible\n"
        "score p \"p\" for Person\n"
        "  item a \"a\" = min(n, 10) * 1.5\n"
        "  item b \"b\" = if local then 5 else if x > 1 then 2 else 0\n"
        "  threshold 10\n")});
    return *compiled.program;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const entitle::program& p = size % 2 ? nested_schema() : schema();
    auto text = std::make_shared<entitle::source_file>("fuzz.yaml",
                                                       std::string(reinterpret_cast<const char*>(data), size));
    entitle::profile_options options;
    options.entity = "Person";
    auto one = p.load_profile(text, options);
    (void)entitle::render_text(one.diags);
    if (one.value) {
        auto e = p.evaluate(*one.value, {{2025, 1, 1}, {}});
        (void)entitle::render_json(e);
        (void)entitle::render_text(e, true);
        auto decider = p.make_decider({2025, 1, 1}, "Person");
        std::vector<entitle::decision> out(decider->services().size());
        decider->decide(*one.value, out.data());
        for (std::size_t k = 0; k < out.size(); ++k)
            if (out[k].outcome != e.services[k].outcome) __builtin_trap();
    }
    auto many = p.load_json_lines(text, options);
    (void)entitle::render_text(many.diags);
    if (many.value && entitle::size(*many.value) > 0) {
        auto decider = p.make_decider({2025, 1, 1}, "Person");
        std::vector<entitle::decision> out(decider->services().size() * entitle::size(*many.value));
        decider->decide(*many.value, 0, entitle::size(*many.value), out.data());
    }
    return 0;
}
