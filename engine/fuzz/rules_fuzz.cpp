// libFuzzer target for the rules, through the whole pipeline: any bytes must
// come back as diagnostics, never as a crash, a hang or a sanitizer report;
// rules that check are compiled, and profiles generated from their schema
// are loaded, evaluated (explained) and decided (the batch decider), which
// must agree. Built with clang's -fsanitize=fuzzer by the `fuzz` preset, and
// with replay_main.cpp as a plain program that CTest runs over the corpus.
#include <entitle/entitle.hpp>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

namespace {

// Names written after `entity` in the text: the entities to generate for
// (a name that is not one just gets a diagnostic).
std::set<std::string> entity_names(const std::string& text) {
    std::set<std::string> out;
    for (std::size_t at = text.find("entity "); at != std::string::npos && out.size() < 4;
         at = text.find("entity ", at + 1)) {
        std::size_t begin = at + 7, end = begin;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
        if (end > begin) out.insert(text.substr(begin, end - begin));
    }
    return out;
}

void evaluate_generated(const entitle::program& p, const std::string& entity) {
    entitle::generate_options g;
    g.entity = entity;
    g.count = 4;
    g.as_of = {2025, 6, 1};
    std::string lines;
    auto diags = p.generate(g, [&](const std::string& line) { lines += line + "\n"; });
    if (diags.has_errors() || lines.empty()) return;
    auto set = p.load_json_lines(std::make_shared<entitle::source_file>("gen.jsonl", lines));
    if (!set.value) return;
    // Every generated profile loads under its rules (data/generate.cpp promises it).
    if (set.diags.has_errors()) __builtin_trap();
    auto decider = p.make_decider(g.as_of, entity);
    if (!decider) return;
    std::vector<entitle::decision> fast(decider->services().size());
    std::size_t line_start = 0;
    for (std::size_t i = 0; i < entitle::size(*set.value); ++i) {
        std::size_t line_end = lines.find('\n', line_start);
        auto one = p.load_profile(
            std::make_shared<entitle::source_file>("one.json", lines.substr(line_start, line_end - line_start)));
        line_start = line_end + 1;
        if (!one.value) __builtin_trap();
        auto e = p.evaluate(*one.value, {g.as_of, {}});
        (void)entitle::render_text(e, true);
        (void)entitle::render_json(e);
        decider->decide(*set.value, i, fast.data());
        for (std::size_t k = 0; k < fast.size() && k < e.services.size(); ++k)
            if (fast[k].outcome != e.services[k].outcome) __builtin_trap();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto src = std::make_shared<entitle::source_file>("fuzz.rules", text);
    entitle::check_options options;
    // Citations would read the file system; keep the target pure.
    options.read_file = [](const std::string&) -> std::optional<std::string> {
        return std::string("第一段\n隨遷子女義務(wù)教育\n");
    };
    auto result = entitle::check({src}, options);
    (void)entitle::render_text(result.diags);
    (void)entitle::render_json(result.diags);
    if (result.diags.has_errors()) return 0;
    auto compiled = entitle::compile({src}, options);
    if (!compiled.program) return 0;
    for (const auto& entity : entity_names(text)) evaluate_generated(*compiled.program, entity);
    return 0;
}
