// The urban-real benchmark: entitle on rules in the style of published city
// rules (bench/urban-real/README.md): 11 services and a points score over
// JSON-lines profiles with attribute-carrying histories; see workload.hpp.
#include "../workload.hpp"

int main(int argc, char** argv) {
    const bench::workload w{"urban_real", "bench/urban-real/urban_real.rules", "Resident", {2025, 6, 1},
                            {"permit_apply", "school_place", "local_exam", "public_rental", "settlement", "fund_loan",
                             "core_school", "childcare", "medical_local", "elderly_allowance", "talent_bonus"},
                            "points"};
    return bench::run(w, argc, argv);
}
