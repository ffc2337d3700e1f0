// Generation speed: deterministic dt0c01 tokens per second on one core, against the cost of
// copying the same bytes (memcpy of a ready token: the floor) and of the CSPRNG mode, in one run.
//
//   build/gcc/bench/generate_bench
#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "dtoken/generate.h"

namespace {

const dtoken::token_type& classic() { return *dtoken::find_token_type("dt0c01"); }

void deterministic(benchmark::State& state) {
  std::array<char, dtoken::max_token_length> buffer{};
  const auto source = dtoken::token_source::deterministic(42, "bench");
  std::uint64_t index = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(dtoken::generate(classic(), source, index++, buffer));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void csprng(benchmark::State& state) {
  std::array<char, dtoken::max_token_length> buffer{};
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        dtoken::generate(classic(), dtoken::token_source::random(), 0, buffer));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

void copy_a_token(benchmark::State& state) {
  std::array<char, dtoken::max_token_length> ready{};
  std::array<char, dtoken::max_token_length> buffer{};
  (void)dtoken::generate(classic(), dtoken::token_source::deterministic(1, "copy"), 0, ready);
  for (auto _ : state) {
    benchmark::DoNotOptimize(ready.data());
    std::memcpy(buffer.data(), ready.data(), ready.size());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}

class rate_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (!run.error_occurred && run.run_type == Run::RT_Iteration) {
        ns_[run.run_name.function_name] = run.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void print() const {
    std::printf("\n%-16s %12s %18s %14s\n", "engine", "ns/token", "million tokens/s", "x memcpy");
    const double floor = ns_.count("copy_a_token") ? ns_.at("copy_a_token") : 0.0;
    for (const auto& [name, ns] : ns_) {
      std::printf("%-16s %12.2f %18.1f %14.1f\n", name.c_str(), ns, 1e3 / ns, ns / floor);
    }
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::RegisterBenchmark("deterministic", deterministic)->Unit(benchmark::kNanosecond);
  benchmark::RegisterBenchmark("csprng", csprng)->Unit(benchmark::kNanosecond);
  benchmark::RegisterBenchmark("copy_a_token", copy_a_token)->Unit(benchmark::kNanosecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  rate_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print();
  benchmark::Shutdown();
  return 0;
}
