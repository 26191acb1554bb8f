// The smallest useful embedding of entitle: compile the shipped rules,
// evaluate one profile, print the verdicts. Usage: embed_minimal RULES PROFILE
#include <entitle/entitle.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: embed_minimal RULES_DIR PROFILE\n";
        return 2;
    }
    // 1. Compile the rules of the jurisdiction the profile names (`ruleset:`);
    //    a program exists only if they are clean.
    std::ifstream in(argv[2]);
    std::stringstream text;
    text << in.rdbuf();
    auto source = std::make_shared<entitle::source_file>(argv[2], text.str());
    auto loaded = entitle::load_rule_files({argv[1]});
    auto compiled = entitle::compile(loaded.files, {}, entitle::profile_ruleset(*source));
    if (!compiled.program) {
        std::cerr << entitle::render_text(loaded.diags) << entitle::render_text(compiled.diags);
        return 1;
    }
    // 2. Load the profile; mistakes come back as located diagnostics.
    auto profile = compiled.program->load_profile(source);
    if (!profile.value) {
        std::cerr << entitle::render_text(profile.diags);
        return 1;
    }
    // 3. Evaluate at the profile's date (or a fixed one) and print.
    entitle::eval_options options;
    options.as_of = profile.as_of ? *profile.as_of : entitle::civil_date{2025, 9, 1};
    auto result = compiled.program->evaluate(*profile.value, options);
    for (const auto& s : result.services)
        std::cout << s.id << " " << s.title << ": " << entitle::to_string(s.outcome) << "\n";
    return 0;
}
