// The urban12 benchmark: entitle on the shared workload (12 outputs over
// JSON-lines profiles); see workload.hpp and the README, "Benchmark".
#include "workload.hpp"

int main(int argc, char** argv) {
    const bench::workload w{"urban12", "bench/urban12.rules", "Applicant", {2025, 1, 1},
                            {"residence_permit", "settlement", "child_school", "local_exam", "public_rental",
                             "affordable_rental", "fund_loan", "medical_local", "employment_service",
                             "elderly_allowance", "childcare_subsidy"},
                            "points"};
    return bench::run(w, argc, argv);
}
