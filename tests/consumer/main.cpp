#include <entitle/entitle.hpp>

#include <iostream>

int main() {
    auto src = std::make_shared<entitle::source_file>(
        "inline.rules", "ruleset demo \"示例\"\nentity Person { adult: bool }\n"
                        "service s \"服务\" for Person\n  requires adult \"成年\"\n");
    auto result = entitle::check({src});
    std::cout << entitle::render_text(result.diags);
    if (!result.rules) return 1;
    std::cout << "consumer ok: " << result.rules->rulesets().front().services.size() << " service\n";
    return 0;
}
