// Scanning speed: dtoken's scanner against Hyperscan, PCRE2 with JIT, RE2 and Boost.Regex on the
// published regex, and memchr for a byte that never occurs (the memory-bandwidth limit), over one
// deterministic corpus of source-code-like and log-like text with planted tokens and near misses,
// in one run. Every engine must report the same number of matches before any is timed.
//
//   build/gcc/bench/scan_bench                     (256 MiB corpus)
//   build/gcc/bench/scan_bench --corpus_mib=1024   (any size)
//   build/gcc/bench/scan_bench --corpus_kib=512    (in the core's L2 cache: the kernels' own
//                                                   speed, with memory out of the way)
//   build/gcc/bench/scan_bench --corpus=near_miss  (a near miss on every line: the worst case)
//   build/gcc/bench/scan_bench --corpus=dense      (a token every 3 KiB: the cost of findings)
#include <benchmark/benchmark.h>
#include <hs/hs.h>
#include <re2/re2.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <boost/regex.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>

#include "detail/kernel.h"
#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/scan.h"
#include "support/base64.h"

namespace {

constexpr const char* published_regex = R"(dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64})";
std::size_t corpus_kib = 256 << 10;

// Lines of code and logs, some with "dt0" near misses, base64 data, and after every
// `lines_per_token` of them a token (one in ten base64-encoded, as in a Kubernetes Secret). The
// tokens are unmarked, as leaked ones are (dtoken scan skips marked fixtures by default).
//   realistic: 800 lines (about 64 KiB) per token: a few thousand in 256 MiB, as issue 14 measures
//   dense: 40 lines (about 3 KiB) per token, 20 times as many: the cost of each finding
std::string make_corpus(std::size_t bytes, int lines_per_token) {
  std::mt19937_64 rng(2026);
  const char* filler[] = {
      ("2026-11-28T12:00:00.123Z INFO  [worker-7] GET "
       "/api/v2/metrics?metricSelector=builtin:host.cpu status=200 duration=12ms\n"),
      "    const std::string value = compute(index, offset) + std::to_string(count);\n",
      ("2026-11-28T12:00:00.456Z WARN  [http] retrying request to "
       "https://abc12345.live.dynatrace.com (attempt 2 of 5)\n"),
      "  if (token.starts_with(\"dt0c01.\") && token.size() == 96) { return check(token); }\n",
      "export PATH=/usr/local/bin:$PATH  # see README\n",
      ("{\"timestamp\":1764331200000,\"level\":\"debug\",\"message\":\"cache hit\","
       "\"key\":\"k-88812\"}\n"),
      "  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMwekNDQWJ1Z0F3SUJBZ0lVWDBNK2RE\n",
  };
  std::string corpus;
  corpus.reserve(bytes + 4096);
  std::array<char, dtoken::max_token_length> token{};
  const auto& types = dtoken::token_types();
  for (std::uint64_t index = 0; corpus.size() < bytes; ++index) {
    for (int line = 0; line < lines_per_token; ++line) corpus += filler[rng() % std::size(filler)];
    const auto& type = types[index % types.size()];
    const std::size_t length = dtoken::generate(
        type, dtoken::token_source::deterministic(7, "bench"), index, token, false);
    const std::string_view generated(token.data(), length);
    corpus +=
        dtoken::embed(generated, static_cast<dtoken::syntax>(index % dtoken::syntax_count)).text;
    if (index % 3 == 0) corpus += dtoken::near_misses(generated)[index % 4].candidate + "\n";
    if (index % 10 == 0) corpus += "  apiToken: " + dtoken::test::base64(generated) + "\n";
  }
  corpus.resize(bytes);
  return corpus;
}

// Text where "dt0" comes often and is almost never a token: every line holds two near misses (a
// token with a byte wrong, cut short, lower-case...) that no profile finds, and a real token comes
// once in 200 lines. The worst case for a scanner that stops at every candidate.
std::string make_near_miss_corpus(std::size_t bytes) {
  std::array<char, dtoken::max_token_length> token{};
  const dtoken::token_type& classic = *dtoken::find_token_type("dt0c01");
  std::vector<std::string> misses;
  for (std::uint64_t index = 0; index < 64; ++index) {
    const std::size_t length = dtoken::generate(
        classic, dtoken::token_source::deterministic(9, "near"), index, token, true);
    for (dtoken::near_miss& miss : dtoken::near_misses(std::string_view(token.data(), length))) {
      std::size_t found = 0;
      for (const auto rules : {dtoken::profile::documented, dtoken::profile::family}) {
        dtoken::scan(miss.candidate, rules, [&found](const dtoken::finding&) { ++found; });
      }
      if (found == 0) misses.push_back(std::move(miss.candidate));
    }
  }
  std::string corpus;
  corpus.reserve(bytes + 4096);
  const auto& types = dtoken::token_types();
  for (std::uint64_t index = 0; corpus.size() < bytes; ++index) {
    if (index % 200 == 0) {
      const std::size_t length =
          dtoken::generate(types[index / 200 % types.size()],
                           dtoken::token_source::deterministic(9, "planted"), index, token, false);
      corpus.append("key=").append(token.data(), length).append("\n");
      continue;
    }
    corpus.append("value=").append(misses[index % misses.size()]).append(" dt0 ");
    corpus.append(misses[(index * 7 + 1) % misses.size()]).append("\n");
  }
  corpus.resize(bytes);
  return corpus;
}

enum class corpus_kind { realistic, dense, near_miss };
corpus_kind chosen_corpus = corpus_kind::realistic;  // --corpus=

const std::string& corpus() {
  static const std::string text = [] {
    switch (chosen_corpus) {
      case corpus_kind::near_miss:
        return make_near_miss_corpus(corpus_kib << 10);
      case corpus_kind::dense:
        return make_corpus(corpus_kib << 10, 40);
      case corpus_kind::realistic:
        break;
    }
    return make_corpus(corpus_kib << 10, 800);
  }();
  return text;
}

std::size_t count_dtoken(const std::string& text) {
  std::size_t found = 0;
  dtoken::scan(text, dtoken::profile::documented, [&found](const dtoken::finding&) { ++found; });
  return found;
}

// dtoken's scanner with the encoded tokens too (family profile), in parts of 256 KiB as `dtoken
// scan` cuts a file: one call a part, whose plain search marks where encoded tokens may begin
// (scan_part_with_encoded), or the two passes over each part that it replaces.
template <bool OneCall>
std::size_t count_decoding(const std::string& text) {
  std::size_t found = 0;
  const auto count = [&found](const dtoken::finding&) { ++found; };
  constexpr std::size_t part = 256 << 10;
  for (std::size_t begin = 0; begin < text.size(); begin += part) {
    const std::size_t end = std::min(text.size(), begin + part);
    if constexpr (OneCall) {
      dtoken::scan_part_with_encoded(text, begin, end, dtoken::profile::family, count);
    } else {
      dtoken::scan_part(text, begin, end, dtoken::profile::family, count);
      dtoken::scan_encoded_part(text, begin, end, dtoken::profile::family, count);
    }
  }
  return found;
}

// dtoken's scanner with one kernel forced, for the rows of the narrower kernels (what machines
// without AVX-512 get): the kernel is swapped in for the call and put back.
std::size_t count_dtoken_with(const dtoken::detail::kernel& kernel, const std::string& text) {
  auto& active = dtoken::detail::active_kernel_pointer;
  const dtoken::detail::kernel& widest = dtoken::detail::chosen_kernel();
  active.store(&kernel, std::memory_order_relaxed);
  const std::size_t found = count_dtoken(text);
  active.store(&widest, std::memory_order_relaxed);
  return found;
}

struct hyperscan_engine {
  hs_database_t* database = nullptr;
  hs_scratch_t* scratch = nullptr;
  hyperscan_engine() {
    hs_compile_error_t* error = nullptr;
    if (hs_compile(published_regex, HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr, &database,
                   &error) != HS_SUCCESS ||
        hs_alloc_scratch(database, &scratch) != HS_SUCCESS) {
      std::fprintf(stderr, "hyperscan: %s\n", error != nullptr ? error->message : "scratch");
      std::exit(1);
    }
  }
  std::size_t count(const std::string& text) const {
    std::size_t found = 0;
    hs_scan(
        database, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
        [](unsigned, unsigned long long, unsigned long long, unsigned, void* context) {
          ++*static_cast<std::size_t*>(context);
          return 0;
        },
        &found);
    return found;
  }
};

struct pcre2_engine {
  pcre2_code* code = nullptr;
  pcre2_match_data* match = nullptr;
  pcre2_engine() {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(published_regex), PCRE2_ZERO_TERMINATED, 0,
                         &error, &offset, nullptr);
    if (code == nullptr || pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) != 0) {
      std::fprintf(stderr, "pcre2: cannot compile with JIT\n");
      std::exit(1);
    }
    match = pcre2_match_data_create_from_pattern(code, nullptr);
  }
  std::size_t count(const std::string& text) const {
    std::size_t found = 0;
    PCRE2_SIZE start = 0;
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    while (pcre2_jit_match(code, subject, text.size(), start, 0, match, nullptr) > 0) {
      ++found;
      start = pcre2_get_ovector_pointer(match)[1];
    }
    return found;
  }
};

std::size_t count_re2(const std::string& text) {
  static const re2::RE2 pattern(published_regex);
  re2::StringPiece input(text);
  std::size_t found = 0;
  while (re2::RE2::FindAndConsume(&input, pattern)) ++found;
  return found;
}

std::size_t count_boost(const std::string& text) {
  static const boost::regex pattern(published_regex);
  return static_cast<std::size_t>(
      std::distance(boost::cregex_iterator(text.data(), text.data() + text.size(), pattern),
                    boost::cregex_iterator()));
}

template <typename Count>
void run(benchmark::State& state, Count count) {
  const std::string& text = corpus();
  for (auto _ : state) benchmark::DoNotOptimize(count(text));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(text.size()));
}

class ratio_reporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      if (!run.error_occurred && run.run_type == Run::RT_Iteration) {
        runs_[run.run_name.function_name].push_back(static_cast<double>(corpus().size()) /
                                                    (run.GetAdjustedRealTime() * 1e-9) / (1 << 30));
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  // The median of each engine's repetitions; with random interleaving (the default here), a
  // noisy moment of this shared machine hits every engine alike.
  void print() const {
    std::map<std::string, double> gib_per_second;
    for (auto [name, speeds] : runs_) {
      std::sort(speeds.begin(), speeds.end());
      gib_per_second[name] = speeds[speeds.size() / 2];
    }
    const auto rate = [&gib_per_second](const char* name) {
      const auto it = gib_per_second.find(name);
      return it == gib_per_second.end() ? 0.0 : it->second;
    };
    std::printf("\nmedians of %zu repetitions\n%-14s %10s %12s %14s\n",
                runs_.empty() ? 0 : runs_.begin()->second.size(), "engine", "GiB/s", "x memchr",
                "x Hyperscan");
    for (const auto& [name, speed] : gib_per_second) {
      std::printf("%-14s %10.2f %12.2f %14.2f\n", name.c_str(), speed, speed / rate("memchr"),
                  speed / rate("hyperscan"));
    }
  }

 private:
  std::map<std::string, std::vector<double>> runs_;
};

}  // namespace

int main(int argc, char** argv) {
  // Our own flags, removed before Google Benchmark sees the arguments. --write_corpus=PATH
  // writes the corpus to PATH and exits (bench/scan_cli.sh times the command line on it).
  const char* corpus_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    const bool mib_flag = std::strncmp(argv[i], "--corpus_mib=", 13) == 0;
    const bool kib_flag = std::strncmp(argv[i], "--corpus_kib=", 13) == 0;
    const bool write_flag = std::strncmp(argv[i], "--write_corpus=", 15) == 0;
    const bool kind_flag = std::strncmp(argv[i], "--corpus=", 9) == 0;
    if (!mib_flag && !kib_flag && !write_flag && !kind_flag) continue;
    if (kind_flag) {
      const std::string_view kind = argv[i] + 9;
      if (kind == "realistic") {
        chosen_corpus = corpus_kind::realistic;
      } else if (kind == "dense") {
        chosen_corpus = corpus_kind::dense;
      } else if (kind == "near_miss") {
        chosen_corpus = corpus_kind::near_miss;
      } else {
        std::fprintf(stderr, "scan_bench: --corpus takes realistic, dense or near_miss\n");
        return 2;
      }
    }
    if (mib_flag) corpus_kib = std::strtoull(argv[i] + 13, nullptr, 10) << 10;
    if (kib_flag) corpus_kib = std::strtoull(argv[i] + 13, nullptr, 10);
    if (write_flag) corpus_path = argv[i] + 15;
    for (int j = i; j + 1 < argc; ++j) argv[j] = argv[j + 1];
    --argc;
    --i;
  }
  if (corpus_path != nullptr) {
    std::FILE* out = std::fopen(corpus_path, "wb");
    const bool written =
        out != nullptr && std::fwrite(corpus().data(), 1, corpus().size(), out) == corpus().size();
    if (out != nullptr) std::fclose(out);
    return written ? 0 : 1;
  }
  static const hyperscan_engine hyperscan;
  static const pcre2_engine pcre2;
  const std::size_t expected = count_dtoken(corpus());
  const std::size_t counts[] = {hyperscan.count(corpus()), pcre2.count(corpus()),
                                count_re2(corpus()), count_boost(corpus())};
  for (const std::size_t count : counts) {
    if (count != expected) {
      std::fprintf(stderr, "engines disagree: dtoken %zu, another %zu\n", expected, count);
      return 1;
    }
  }
  // The narrower kernels, where this machine runs them, each in a row of its own.
  std::vector<const dtoken::detail::kernel*> narrower;
  for (const dtoken::detail::kernel* kernel :
       {dtoken::detail::avx2_kernel(), &dtoken::detail::scalar_kernel}) {
    if (kernel == nullptr || kernel == &dtoken::detail::chosen_kernel()) continue;
    if (count_dtoken_with(*kernel, corpus()) != expected) {
      std::fprintf(stderr, "engines disagree: dtoken with kernel %.*s\n",
                   static_cast<int>(kernel->name.size()), kernel->name.data());
      return 1;
    }
    narrower.push_back(kernel);
  }
  if (count_decoding<true>(corpus()) != count_decoding<false>(corpus())) {
    std::fprintf(stderr, "engines disagree: dtoken's one call and two passes over parts\n");
    return 1;
  }
  const std::string_view widest = dtoken::detail::chosen_kernel().name;
  std::printf("corpus: %zu KiB, %zu tokens found by every engine; dtoken's kernel: %.*s\n",
              corpus_kib, expected, static_cast<int>(widest.size()), widest.data());
  benchmark::RegisterBenchmark("dtoken", [](benchmark::State& s) { run(s, count_dtoken); });
  benchmark::RegisterBenchmark("dtoken_decoding",
                               [](benchmark::State& s) { run(s, count_decoding<true>); });
  benchmark::RegisterBenchmark("dtoken_two_passes",
                               [](benchmark::State& s) { run(s, count_decoding<false>); });
  for (const dtoken::detail::kernel* kernel : narrower) {
    benchmark::RegisterBenchmark(
        ("dtoken_" + std::string(kernel->name)).c_str(), [kernel](benchmark::State& s) {
          run(s, [kernel](const std::string& t) { return count_dtoken_with(*kernel, t); });
        });
  }
  benchmark::RegisterBenchmark("hyperscan", [](benchmark::State& s) {
    run(s, [](const std::string& t) { return hyperscan.count(t); });
  });
  benchmark::RegisterBenchmark("pcre2_jit", [](benchmark::State& s) {
    run(s, [](const std::string& t) { return pcre2.count(t); });
  });
  benchmark::RegisterBenchmark("re2", [](benchmark::State& s) { run(s, count_re2); });
  benchmark::RegisterBenchmark("boost_regex", [](benchmark::State& s) { run(s, count_boost); });
  benchmark::RegisterBenchmark("memchr", [](benchmark::State& s) {
    run(s, [](const std::string& t) { return std::memchr(t.data(), '\x01', t.size()) != nullptr; });
  });
  // Defaults: 5 repetitions, randomly interleaved (flags given on the command line win).
  std::vector<char*> arguments(argv, argv + argc);
  std::string repetitions = "--benchmark_repetitions=5";
  std::string interleaving = "--benchmark_enable_random_interleaving=true";
  arguments.insert(arguments.begin() + 1, {repetitions.data(), interleaving.data()});
  argc = static_cast<int>(arguments.size());
  argv = arguments.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ratio_reporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print();
  benchmark::Shutdown();
  return 0;
}
