// What both benchmark binaries share: a reporter that keeps each benchmark's time (the median
// when repeated) and counters, and a main that runs the benchmarks and hands them over so the
// binary can print and write its markdown table (--table=FILE).
#pragma once

#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace h2::bench {

class TableReporter : public benchmark::ConsoleReporter {
public:
    struct Row {
        double ns = 0;  // real time per iteration
        std::map<std::string, double> counters;
    };

    void ReportRuns(const std::vector<Run>& runs) override {
        for (const Run& r : runs) {
            if (r.run_type != Run::RT_Iteration && r.aggregate_name != "median") continue;
            Row& row = rows_[r.benchmark_name()];
            row.ns = r.GetAdjustedRealTime();
            for (const auto& [name, counter] : r.counters) row.counters[name] = counter.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }

    // The first row whose name starts with `prefix` ("BM_X/16384" matches "BM_X/16384_median").
    Row find(const std::string& prefix) const {
        for (const auto& [name, row] : rows_) {
            if (name.rfind(prefix, 0) == 0) return row;
        }
        return {};
    }

private:
    std::map<std::string, Row> rows_;
};

// Runs the benchmarks named on the command line (Google Benchmark flags), then prints the
// table `make_table` builds and writes it to --table=FILE (default `default_path`).
template <class MakeTable>
int run_and_tabulate(int argc, char** argv, const std::string& default_path, MakeTable make_table) {
    std::string path = default_path;
    std::vector<char*> args;
    for (int i = 0; i < argc; ++i) {
        const std::string a = argv[i];
        if (a.rfind("--table=", 0) == 0) path = a.substr(8);
        else args.push_back(argv[i]);
    }
    int n = static_cast<int>(args.size());
    benchmark::Initialize(&n, args.data());
    TableReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    const std::string table = make_table(reporter);
    std::cout << table;
    std::ofstream(path) << table;
    std::cout << "table written to " << path << "\n";
    return 0;
}

}  // namespace h2::bench
