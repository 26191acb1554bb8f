// libFuzzer target for the rules front end: any bytes must come back as
// diagnostics, never as a crash, a hang or a sanitizer report. Built with
// clang's -fsanitize=fuzzer by the `fuzz` preset, and with replay_main.cpp
// as a plain program that CTest runs over the corpus.
#include <entitle/entitle.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto src = std::make_shared<entitle::source_file>(
        "fuzz.rules", std::string(reinterpret_cast<const char*>(data), size));
    entitle::check_options options;
    // Citations would read the file system; keep the target pure.
    options.read_file = [](const std::string&) -> std::optional<std::string> {
        return std::string("第一段\n隨遷子女義務(wù)教育\n");
    };
    auto result = entitle::check({src}, options);
    (void)entitle::render_text(result.diags);
    (void)entitle::render_json(result.diags);
    return 0;
}
