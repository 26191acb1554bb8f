// The benchmark driver shared by the workloads (urban12, urban-real): load
// the rules, read JSON lines into profiles, decide every output in memory
// in batches, count the eligible ones, and print the one-line JSON summary
// the peer harness compares.
//
//   PROGRAM [--rules FILE] [--warmup N] [--dump FILE] PROFILES.jsonl
//
// load_ms: rules to a compiled program; parse_ms: reading and loading every
// line into typed profiles; eval_ms: deciding every output for every
// profile in memory (after a warm-up over the first N), plus the counting.
#pragma once

#include <entitle/entitle.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

struct workload {
    const char* program;                // for messages
    std::string rules;                  // default rules file
    std::string entity;
    entitle::civil_date as_of;
    std::vector<const char*> services;  // the outputs, in the summary's order
    std::string points;                 // the score whose points are summed
};

inline int run(const workload& w, int argc, char** argv) {
    using clock_type = std::chrono::steady_clock;
    auto ms_since = [](clock_type::time_point t) {
        return std::chrono::duration<double, std::milli>(clock_type::now() - t).count();
    };
    std::string rules = w.rules, dump, path;
    std::size_t warmup = 2000;
    auto usage = [&] {
        std::cerr << "usage: " << w.program << " [--rules FILE] [--warmup N] [--dump FILE] PROFILES.jsonl\n";
        return 2;
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--rules" && i + 1 < argc) rules = argv[++i];
        else if (a == "--warmup" && i + 1 < argc) warmup = std::stoul(argv[++i]);
        else if (a == "--dump" && i + 1 < argc) dump = argv[++i];
        else if (!a.empty() && a[0] != '-' && path.empty()) path = a;
        else return usage();
    }
    if (path.empty()) return usage();

    auto t0 = clock_type::now();
    auto loaded = entitle::load_rule_files({rules});
    auto compiled = entitle::compile(loaded.files);
    if (!compiled.program) {
        std::cerr << entitle::render_text(loaded.diags) << entitle::render_text(compiled.diags);
        return 1;
    }
    double load_ms = ms_since(t0);

    auto t1 = clock_type::now();
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << path << ": error: cannot read the file\n";
        return 1;
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    auto text = std::make_shared<entitle::source_file>(path, contents.str());
    auto set = compiled.program->load_json_lines(text, {w.entity});
    double parse_ms = ms_since(t1);
    if (set.diags.has_errors()) {
        std::cerr << entitle::render_text(set.diags);
        return 1;
    }
    const entitle::profile_set& profiles = *set.value;
    std::size_t n = entitle::size(profiles);

    auto decider = compiled.program->make_decider(w.as_of, w.entity);
    const auto& ids = decider->services();
    std::vector<std::size_t> order;  // output column of each workload service
    for (const char* s : w.services)
        for (std::size_t k = 0; k < ids.size(); ++k)
            if (ids[k] == s) order.push_back(k);
    std::size_t points_column = ids.size();
    for (std::size_t k = 0; k < ids.size(); ++k)
        if (ids[k] == w.points) points_column = k;
    if (order.size() != w.services.size() || points_column == ids.size()) {
        std::cerr << w.program << ": the rules lack some of the workload's services\n";
        return 1;
    }
    // Decided in batches of 256 profiles (the decider's fast path).
    const std::size_t batch = 256;
    std::vector<entitle::decision> out(ids.size() * batch);
    for (std::size_t i = 0; i < std::min(warmup, n); i += batch)
        decider->decide(profiles, i, std::min(batch, std::min(warmup, n) - i), out.data());

    std::vector<long> counts(ids.size(), 0);
    double points_sum = 0;
    auto t2 = clock_type::now();
    for (std::size_t i = 0; i < n; i += batch) {
        std::size_t m = std::min(batch, n - i);
        decider->decide(profiles, i, m, out.data());
        for (std::size_t r = 0; r < m; ++r) {
            const entitle::decision* row = &out[r * ids.size()];
            for (std::size_t k = 0; k < ids.size(); ++k) counts[k] += row[k].outcome == entitle::verdict::eligible;
            points_sum += row[points_column].points;
        }
    }
    double eval_ms = ms_since(t2);

    if (!dump.empty()) {
        std::ofstream d(dump);
        for (std::size_t i = 0; i < n; ++i) {
            decider->decide(profiles, i, out.data());
            d << i + 1 << ' ';
            for (auto k : order) d << (out[k].outcome == entitle::verdict::eligible ? '1' : '0');
            char buf[32];
            std::snprintf(buf, sizeof buf, " %.1f\n", out[points_column].points);
            d << buf;
        }
    }

    std::printf("{\"engine\": \"entitle\", \"version\": \"0.1.0\", \"n\": %zu, \"results\": {", n);
    for (std::size_t j = 0; j < order.size(); ++j) std::printf("\"%s\": %ld, ", w.services[j], counts[order[j]]);
    std::printf("\"points_sum\": %.2f, \"points_ge_120\": %ld}, ", std::round(points_sum * 100) / 100,
                counts[points_column]);
    std::printf("\"timing\": {\"load_ms\": %.1f, \"parse_ms\": %.1f, \"eval_ms\": %.1f, \"eval_pps\": %.0f, "
                "\"parse_eval_pps\": %.0f}}\n",
                load_ms, parse_ms, eval_ms, n / (eval_ms / 1000), n / ((parse_ms + eval_ms) / 1000));
    return 0;
}

}  // namespace bench
