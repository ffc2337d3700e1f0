// Differential tests: validate() against Boost.Regex, on millions of near-valid candidates.
//
// For each profile, `ok()` must equal regex_match on the profile's regex, and `position` must equal
// an independent computation: the longest prefix that Boost.Regex's partial matching still accepts.
// CTest runs this with RC_PARAMS=max_success=... so that the documented profile sees over a million
// candidates (CANDIDATES_PER_CASE per generated case).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "dtoken/validate.h"
#include "support/regex_oracle.h"
#include "support/token_gen.h"

namespace dtoken {
namespace {

constexpr int candidates_per_case = 64;

// Candidates checked per profile, reported at the end so that a run shows how much it covered.
std::size_t checked[profile_count] = {};

class report_counts : public ::testing::Environment {
 public:
  void TearDown() override {
    for (std::size_t p = 0; p < profile_count; ++p) {
      std::cout << "candidates checked against Boost.Regex, " << to_string(static_cast<profile>(p))
                << ": " << checked[p] << '\n';
    }
  }
};
const auto* const registered = ::testing::AddGlobalTestEnvironment(new report_counts);

void check_against_oracle(const test::regex_oracle& oracle, profile rules,
                          const std::string& candidate) {
  ++checked[static_cast<std::size_t>(rules)];
  const result got = validate(candidate, rules);
  const bool expected_ok = oracle.matches(candidate);
  const std::size_t expected_position =
      expected_ok ? candidate.size() : oracle.viable_prefix(candidate);
  RC_ASSERT(got.ok() == expected_ok);
  RC_ASSERT(got.position == expected_position);
  RC_ASSERT(is_valid(candidate, rules) == expected_ok);
}

RC_GTEST_PROP(validate_regex, documented_agrees_with_boost_regex, ()) {
  static const test::regex_oracle oracle(profile::documented);
  const std::string base = *test::documented_token();
  check_against_oracle(oracle, profile::documented, base);
  for (int i = 0; i < candidates_per_case; ++i) {
    check_against_oracle(oracle, profile::documented, test::near_miss(base));
  }
}

RC_GTEST_PROP(validate_regex, family_agrees_with_boost_regex, ()) {
  static const test::regex_oracle oracle(profile::family);
  const std::string base = *rc::gen::oneOf(test::family_token(), test::documented_token());
  for (int i = 0; i < candidates_per_case / 8; ++i) {
    check_against_oracle(oracle, profile::family, test::near_miss(base));
  }
}

RC_GTEST_PROP(validate_regex, strict_agrees_with_boost_regex, ()) {
  static const test::regex_oracle oracle(profile::strict);
  const std::string base = *test::token_of(**test::registered_type());
  check_against_oracle(oracle, profile::strict, base);
  for (int i = 0; i < candidates_per_case / 8; ++i) {
    check_against_oracle(oracle, profile::strict, test::near_miss(base));
  }
}

}  // namespace
}  // namespace dtoken
