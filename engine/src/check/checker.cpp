// The checker's driver and its last pass (unused declarations); the class
// is in checker_impl.hpp, its parts in the other files of check/.
#include "check/checker_impl.hpp"
#include "common/files.hpp"


namespace entitle::sema {

void checker::warn_unused() {
    for (auto& p : prog_.params)
        if (!p.used && p.at.ruleset >= 0 && !prog_.rulesets[p.at.ruleset].broken)
            diags_.warning("W001", "parameter " + quote(p.name) + " is never used", p.at.source, p.at.where);
    for (auto& d : prog_.defines)
        if (!d.used && !prog_.rulesets[d.at.ruleset].broken)
            diags_.warning("W002", "define " + quote(d.name) + " is never used", d.at.source, d.at.where);
    for (auto& t : prog_.tables)
        if (!t.used && !prog_.rulesets[t.at.ruleset].broken)
            diags_.warning("W003", "table " + quote(t.name) + " is never used", t.at.source, t.at.where);
}

void check_program(program_data& out, const check_options& options, diagnostics& diags) {
    check_options effective = options;
    if (!effective.read_file) effective.read_file = detail::read_whole_file;
    checker(out, effective, diags).run();
}

}  // namespace entitle::sema
