#include <entitle/entitle.hpp>

#include <iostream>
#include <vector>

int main() {
    auto src = std::make_shared<entitle::source_file>(
        "inline.rules", "ruleset demo \"示例\"\nentity Person { adult: bool  months: int }\n"
                        "define double_months \"双倍\" for Person = months * 2\n"
                        "service s \"服务\" for Person\n  requires adult \"成年\"\n");
    auto result = entitle::check({src});
    std::cout << entitle::render_text(result.diags);
    if (!result.rules) return 1;
    std::cout << "consumer ok: " << result.rules->rulesets().front().services.size() << " service\n";
    // The batch path with a column, as the README shows it.
    auto compiled = entitle::compile({src});
    if (!compiled.program) return 1;
    auto set = compiled.program->load_json_lines(
        std::make_shared<entitle::source_file>("p.jsonl", "{\"adult\": true, \"months\": 21}\n"), {"Person"});
    if (!set.value) return 1;
    auto made = compiled.program->make_decider({2025, 6, 1}, "Person", {"double_months"});
    if (!made.value) return 1;
    std::vector<entitle::decision> verdicts(made.value->services().size());
    std::vector<entitle::cell> cells(made.value->columns().size());
    made.value->decide(*set.value, 0, 1, verdicts.data(), cells.data());
    std::cout << "batch ok: " << (verdicts[0].outcome == entitle::verdict::eligible) << " " << cells[0].number << "\n";
    return 0;
}
