// Fuzzes validation with oracles, not only for crashes. For every profile:
//  - validate() agrees with Boost.Regex regex_match on the profile's regex,
//  - `position` agrees with Boost.Regex partial matching (the longest viable prefix),
//  - is_valid() agrees with validate(), and every kernel agrees with the scalar one,
//  - parse() splits a valid token into parts that rebuild it, and its masked form hides the secret.
// On a mismatch it prints the input as a C++ byte array and aborts.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "detail/kernel.h"
#include "detail/shape.h"
#include "dtoken/validate.h"
#include "support/regex_oracle.h"

namespace {

// Inputs longer than this add nothing: no token is longer than 96 bytes.
constexpr std::size_t max_input = 512;

[[noreturn]] void fail(std::string_view what, std::string_view input) {
  std::fprintf(stderr, "fuzz_validate: %.*s\nconst unsigned char input[] = {",
               static_cast<int>(what.size()), what.data());
  for (const char c : input) std::fprintf(stderr, "0x%02x,", static_cast<unsigned char>(c));
  std::fprintf(stderr, "};\n");
  std::abort();
}

void check(std::string_view input, dtoken::profile rules,
           const dtoken::test::regex_oracle& oracle) {
  using namespace dtoken;
  const result got = validate(input, rules);
  const bool expected_ok = oracle.matches(input);
  if (got.ok() != expected_ok) fail("validate() disagrees with regex_match", input);
  const std::size_t expected_position = expected_ok ? input.size() : oracle.viable_prefix(input);
  if (got.position != expected_position) fail("position disagrees with partial matching", input);
  if (is_valid(input, rules) != got.ok()) fail("is_valid() disagrees with validate()", input);
  for (const detail::kernel* wide : {detail::avx2_kernel(), detail::avx512_kernel()}) {
    if (wide == nullptr) continue;
    if (detail::validate_with(input, rules, *wide) !=
        detail::validate_generic(input, rules, detail::scalar_kernel)) {
      fail("a SIMD kernel disagrees with the scalar one", input);
    }
  }
  const parse_result parsed = parse(input, rules);
  if (parsed.status != got) fail("parse() disagrees with validate()", input);
  if (parsed.ok()) {
    if (std::string(parsed.value.token_id()) + "." + std::string(parsed.value.secret_part) !=
        input) {
      fail("parts do not rebuild the token", input);
    }
    if (masked(parsed.value).find(parsed.value.secret_part) != std::string::npos) {
      fail("masked form holds the secret", input);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > max_input) return 0;
  static const dtoken::test::regex_oracle documented(dtoken::profile::documented);
  static const dtoken::test::regex_oracle strict(dtoken::profile::strict);
  static const dtoken::test::regex_oracle family(dtoken::profile::family);
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, dtoken::profile::documented, documented);
  check(input, dtoken::profile::strict, strict);
  check(input, dtoken::profile::family, family);
  const dtoken::result legacy = dtoken::validate_legacy(input);
  if (legacy.ok() != (size == dtoken::legacy_token_length && legacy.position == size)) {
    fail("validate_legacy() accepted a candidate of the wrong length", input);
  }
  return 0;
}
