// entitle ask: an interview for the missing facts of a profile.
#include "cli.hpp"

#include <entitle/entitle.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace entitle::cli {

namespace {

constexpr const char* ask_usage =
    "usage: entitle ask --rules PATH --profile FILE [--ruleset NAME] [--as-of DATE]\n"
    "                   [--script FILE] [--out FILE]\n"
    "\n"
    "Asks for the missing facts of a profile one at a time, the one that the\n"
    "most undetermined services need first, with the field's label and the form\n"
    "of an answer; after each answer shows the verdicts it decided. Stops when\n"
    "every service is decided, or at `quit` (or end of input). `skip` leaves a\n"
    "question unanswered. Answers are YAML: true, 2020-01-01, owned, 36 months,\n"
    "[{from: 2020-01-01}].\n"
    "\n"
    "options:\n"
    "  --rules PATH         rules files or folders (several allowed)\n"
    "  --profile FILE       what is known so far (may be nearly empty)\n"
    "  --ruleset NAME       the ruleset (default: the profile's `ruleset:`)\n"
    "  --as-of DATE         evaluation date (default: the profile's as_of, else today)\n"
    "  --script FILE        read the answers from FILE, one per line (for tests)\n"
    "  --out FILE           write the completed profile there (whole or not at all)\n"
    "  -h, --help           show this help\n"
    "\n"
    "exit status: 0 done, 1 errors in rules or profile, 2 usage error\n";

}  // namespace

int run_ask(const std::vector<std::string>& args) {
    auto a = parse_args(args, {"rules", "profile", "ruleset", "as-of", "script", "out"});
    if (a.help) return std::cout << ask_usage, 0;
    if (!a.error.empty()) return usage_error(a.error, ask_usage);
    if (!a.positional.empty()) return usage_error("unexpected argument '" + a.positional.front() + "'", ask_usage);
    for (const char* required : {"rules", "profile"})
        if (!a.one(required)) return usage_error(std::string("--") + required + " is required", ask_usage);
    std::optional<entitle::civil_date> as_of;
    if (!as_of_arg(a, ask_usage, as_of)) return 2;
    auto source = read_source(*a.one("profile"), "profile");
    if (!source) return 1;
    const std::string& name = source->name();
    std::string text = source->text();
    std::ifstream script;
    if (a.one("script")) {
        script.open(*a.one("script"));
        if (!script) return std::cerr << "entitle: cannot read script " << *a.one("script") << "\n", 1;
    }
    std::istream& answers = a.one("script") ? static_cast<std::istream&>(script) : std::cin;
    auto compiled = compile_rules(a, a.one("ruleset") ? *a.one("ruleset") : entitle::profile_ruleset(*source));
    if (!compiled) return 1;
    const auto& program = *compiled;
    auto profile = program.load_profile(source);
    if (!profile.value) return std::cerr << entitle::render_text(profile.diags), 1;
    if (!as_of) as_of = profile.as_of.value_or(today());
    auto result = program.evaluate(*profile.value, {*as_of, {}});
    auto tally = [](const entitle::evaluation& e) {
        std::size_t open = 0;
        for (const auto& s : e.services) open += s.outcome == entitle::verdict::undetermined;
        return open;
    };
    std::cout << result.ruleset << " · " << result.entity << " · as of " << entitle::to_string(*as_of) << ": "
              << count(result.services.size(), "service") << ", " << tally(result) << " undetermined\n";
    std::set<std::string> skipped;
    bool quit = false;
    while (!quit) {
        entitle::projection_options popts;
        popts.horizon_days = 0;  // questions only
        auto next = entitle::project(program, std::make_shared<entitle::source_file>(name, text), result, popts);
        std::string question;
        for (const auto& q : next.next_questions)
            if (!skipped.count(q) && q.rfind("parameter ", 0) != 0) {
                question = q;
                break;
            }
        if (question.empty()) {
            std::cout << (tally(result) ? "\nnothing more to ask: what is still open needs a fact the rules' parameters "
                                          "or the skipped questions hold\n"
                                        : "\nevery service is decided\n");
            break;
        }
        std::string describe = program.describe_fact(result.entity, question);
        std::size_t needed = 0;
        for (const auto& s : result.services)
            needed += std::count(s.missing.begin(), s.missing.end(), question);
        std::cout << "\n? " << (describe.empty() ? question : describe) << "\n  " << question << " (needed by "
                  << count(needed, "service") << ") > " << std::flush;
        for (;;) {
            std::string answer;
            if (!std::getline(answers, answer)) {
                quit = true;
                std::cout << "\n";
                break;
            }
            if (a.one("script")) std::cout << answer << "\n";
            if (answer == "quit" || answer == "q") {
                quit = true;
                break;
            }
            if (answer == "skip" || answer.empty()) {
                skipped.insert(question);
                break;
            }
            auto edited = entitle::with_answer(text, question, answer);
            auto attempt = edited ? program.load_profile(std::make_shared<entitle::source_file>(name + " (answer)", *edited))
                                  : entitle::profile_result{};
            if (!edited || !attempt.value) {
                std::cout << "  cannot use that answer";
                if (edited) {
                    for (const auto& d : attempt.diags.items()) std::cout << ": " << d.message;
                }
                std::cout << "\n  " << question << " > " << std::flush;
                continue;
            }
            text = *edited;
            auto before = result;
            result = program.evaluate(*attempt.value, {*as_of, {}});
            for (std::size_t k = 0; k < result.services.size(); ++k)
                if (before.services[k].outcome == entitle::verdict::undetermined &&
                    result.services[k].outcome != entitle::verdict::undetermined)
                    std::cout << "  " << (result.services[k].outcome == entitle::verdict::eligible ? "✓ " : "✗ ")
                              << result.services[k].title << " (" << result.services[k].id
                              << "): " << entitle::to_string(result.services[k].outcome) << "\n";
            std::cout << "  " << tally(result) << " undetermined\n";
            break;
        }
    }
    std::cout << "\n" << entitle::render_text(result);
    if (a.one("out") && !write_whole(*a.one("out"), text + "\n"))
        return std::cerr << "entitle: cannot write " << *a.one("out") << "\n", 1;
    return 0;
}

}  // namespace entitle::cli
