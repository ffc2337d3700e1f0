// Fuzzes the scanner with oracles: a whole-buffer scan and a chunked scan (chunk sizes from the
// input) report the same findings; so does a whole-buffer scan with each kernel this machine runs
// (scalar, AVX2, AVX-512) forced in turn; every finding validates under the profile and stands at
// its offset; and on small inputs the documented scan equals Boost.Regex iteration over the
// published regex. Tokens in base64 and percent-encoding (scan_encoded_part): a scan in two
// parts (cut where the input says) reports what the whole scan does; so does each kernel; each
// finding validates and its run lies in the input; mask_encoded keeps the length and leaves
// nothing that a second encoded scan finds. scan_part_with_encoded, whose kernel search marks
// where encoded tokens may begin, reports what scan_part and then scan_encoded_part report.
#include <algorithm>
#include <boost/regex.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/kernel.h"
#include "dtoken/redact.h"
#include "dtoken/scan.h"
#include "support/regex_oracle.h"

namespace {

struct hit {
  std::uint64_t offset;
  std::size_t length;
  std::uint64_t line;
  std::uint64_t column;
  bool bounded;
  bool operator==(const hit&) const = default;
};

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_scan: %s\nconst unsigned char input[] = {", what);
  for (const char c : input) std::fprintf(stderr, "0x%02x,", static_cast<unsigned char>(c));
  std::fprintf(stderr, "};\n");
  std::abort();
}

// Runs `work()` with each kernel this machine has but the widest forced in turn (the scanner
// reads the active kernel on each search; this target runs on one thread).
template <typename Work>
void with_each_other_kernel(Work&& work) {
  auto& active = dtoken::detail::active_kernel_pointer;
  const dtoken::detail::kernel& widest = dtoken::detail::chosen_kernel();
  for (const dtoken::detail::kernel* forced :
       {&dtoken::detail::scalar_kernel, dtoken::detail::avx2_kernel(),
        dtoken::detail::avx512_kernel()}) {
    if (forced == nullptr || forced == &widest) continue;
    active.store(forced, std::memory_order_relaxed);
    work();
    active.store(&widest, std::memory_order_relaxed);
  }
}

struct encoded_hit {
  std::uint64_t offset;
  std::size_t length;
  std::string token;
  dtoken::encoding kind;
  bool operator==(const encoded_hit&) const = default;
};

// The encoded findings of [begin, end) of `text`, checked one by one.
std::vector<encoded_hit> encoded_findings(std::string_view text, std::size_t begin, std::size_t end,
                                          dtoken::profile rules) {
  std::vector<encoded_hit> hits;
  dtoken::scan_encoded_part(text, begin, end, rules, [&](const dtoken::finding& found) {
    if (found.encoded == dtoken::encoding::none) fail("an encoded finding says none", text);
    if (found.offset + found.length > text.size()) fail("an encoded run ends past the input", text);
    if (!dtoken::validate(found.token, rules).ok()) fail("a decoded token does not validate", text);
    hits.push_back({found.offset, found.length, std::string(found.token), found.encoded});
  });
  return hits;
}

void check_encoded(std::string_view text, dtoken::profile rules, std::size_t cut) {
  using namespace dtoken;
  const std::vector<encoded_hit> whole = encoded_findings(text, 0, text.size(), rules);
  cut = std::min(cut, text.size());
  std::vector<encoded_hit> parts = encoded_findings(text, 0, cut, rules);
  for (encoded_hit& hit : encoded_findings(text, cut, text.size(), rules)) parts.push_back(hit);
  if (parts != whole) fail("encoded findings of two parts differ from the whole scan's", text);

  with_each_other_kernel([&] {
    if (encoded_findings(text, 0, text.size(), rules) != whole) {
      fail("kernels find different encoded tokens", text);
    }
  });

  // One call, in two parts (the second starts at the cut): what the two calls give.
  for (const auto& [begin, end] : {std::pair{std::size_t{0}, cut}, std::pair{cut, text.size()}}) {
    std::vector<hit> two_calls;
    std::vector<hit> one_call;
    const auto into = [](std::vector<hit>& hits) {
      return [&hits](const finding& found) {
        hits.push_back({found.offset, found.length, found.line, found.column, found.bounded});
      };
    };
    scan_part(text, begin, end, rules, into(two_calls));
    scan_encoded_part(text, begin, end, rules, into(two_calls));
    scan_part_with_encoded(text, begin, end, rules, into(one_call));
    if (one_call != two_calls) fail("one call of plain and encoded scans differs from two", text);
  }

  std::string masked(text);
  mask_encoded(masked, rules);
  if (masked.size() != text.size()) fail("mask_encoded changed the length", text);
  if (!encoded_findings(masked, 0, masked.size(), rules).empty()) {
    fail("an encoded token survived mask_encoded", text);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dtoken;
  if (size < 2 || size > 8192) return 0;
  const auto rules = static_cast<profile>(data[0] % profile_count);
  const std::size_t chunk = 1 + data[1] % 200;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

  std::vector<hit> whole;
  scan(text, rules, [&](const finding& found) {
    whole.push_back({found.offset, found.length, found.line, found.column, found.bounded});
    if (found.token != text.substr(found.offset, found.length))
      fail("token not at its offset", text);
    if (!validate(found.token, rules).ok()) fail("a finding does not validate", text);
  });
  std::vector<hit> chunked;
  scanner stream(rules);
  const auto collect = [&](const finding& found) {
    chunked.push_back({found.offset, found.length, found.line, found.column, found.bounded});
    if (found.token != text.substr(found.offset, found.length)) fail("chunked token differs", text);
  };
  for (std::size_t at = 0; at < text.size(); at += chunk)
    stream.feed(text.substr(at, chunk), collect);
  stream.finish(collect);
  if (whole != chunked) fail("whole and chunked scans differ", text);

  with_each_other_kernel([&] {
    std::vector<hit> with_kernel;
    scan(text, rules, [&](const finding& found) {
      with_kernel.push_back({found.offset, found.length, found.line, found.column, found.bounded});
    });
    if (with_kernel != whole) fail("kernels differ", text);
  });

  if (rules == profile::documented && text.size() <= 1024) {
    static const boost::regex published{std::string(test::published_regex)};
    std::vector<std::uint64_t> expected;
    for (boost::cregex_iterator it(text.data(), text.data() + text.size(), published), end;
         it != end; ++it) {
      expected.push_back(static_cast<std::uint64_t>(it->position()));
    }
    std::vector<std::uint64_t> got;
    for (const hit& h : whole) got.push_back(h.offset);
    if (got != expected) fail("the scan differs from Boost.Regex iteration", text);
  }
  check_encoded(text, rules, chunk * 17);
  return 0;
}
