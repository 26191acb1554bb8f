// libFuzzer target for profiles: any bytes, read as a YAML/JSON profile and
// as JSON lines against a small schema, must come back as diagnostics or as
// verdicts, never as a crash. Replayed under CTest like rules_fuzz.
#include <entitle/entitle.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

const entitle::program& schema() {
    static const auto compiled = entitle::compile({std::make_shared<entitle::source_file>(
        "schema.rules",
        "ruleset fuzz\nenum E { a, b }\nrecord C { birth_date: date  permits: spells }\n"
        "entity Person { birth_date: date  local: bool  n: int  x: decimal  m: money  e: E  w: duration\n"
        "  s: spells  kids: list of C  o: optional C  name: string }\n"
        "service s \"s\" for Person\n"
        "  requires age(birth_date) >= 18 and not local and total(s) >= 6 months\n"
        "  requires any k in kids: holds(k.permits) or k.birth_date > 2010-01-01\n"
        "  requires e in {a} and m >= 100 yuan and x < 2.5 and n between 1 and 9 and o is set\n")});
    return *compiled.program;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const entitle::program& p = schema();
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
    }
    auto many = p.load_json_lines(text, options);
    (void)entitle::render_text(many.diags);
    if (many.value && entitle::size(*many.value) > 0) {
        auto decider = p.make_decider({2025, 1, 1}, "Person");
        std::vector<entitle::decision> out(decider->services().size());
        for (std::size_t i = 0; i < entitle::size(*many.value); ++i) decider->decide(*many.value, i, out.data());
    }
    return 0;
}
