// RapidCheck properties of the generator and the fixtures. Replay a failure with
// RC_PARAMS="seed=<seed>".
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>
#include <string>

#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/validate.h"
#include "support/token_gen.h"

namespace dtoken {
namespace {

std::string generated(const token_type& type, const token_source& source, std::uint64_t index,
                      bool marked) {
  std::array<char, max_token_length> buffer{};
  const std::size_t length = generate(type, source, index, buffer, marked);
  RC_ASSERT(length == generated_length(type));
  return std::string(buffer.data(), length);
}

RC_GTEST_PROP(generate_property, every_token_validates_under_its_profiles,
              (std::uint64_t seed, std::string label, std::uint64_t index, bool marked)) {
  const token_type& type = **test::registered_type();
  const std::string token =
      generated(type, token_source::deterministic(seed, label), index, marked);
  RC_ASSERT(validate(token, profile::strict).ok());
  RC_ASSERT(validate(token, profile::family).ok());
  RC_ASSERT(validate(token, profile::documented).ok() == (token.size() == 96));
  // (An unmarked token may, rarely, start with the marker by chance: only marked ones are checked.)
  if (marked) RC_ASSERT(is_marked_fixture(parse(token, profile::strict).value));
}

RC_GTEST_PROP(generate_property, same_seed_same_token_other_seed_other_token,
              (std::uint64_t seed, std::string label, std::uint64_t index)) {
  const token_type& type = **test::registered_type();
  const std::uint64_t other_seed = *rc::gen::distinctFrom(seed);
  const std::string token = generated(type, token_source::deterministic(seed, label), index, false);
  RC_ASSERT(token == generated(type, token_source::deterministic(seed, label), index, false));
  RC_ASSERT(token != generated(type, token_source::deterministic(other_seed, label), index, false));
}

RC_GTEST_PROP(generate_property, random_tokens_validate_and_differ, ()) {
  const token_type& type = **test::registered_type();
  const std::string first = generated(type, token_source::random(), 0, false);
  const std::string second = generated(type, token_source::random(), 0, false);
  RC_ASSERT(validate(first, profile::strict).ok());
  RC_ASSERT(first != second);
}

RC_GTEST_PROP(generate_property, every_invalid_variant_fails_with_its_code_and_position,
              (std::uint64_t seed, std::uint64_t index)) {
  const token_type& type = **test::registered_type();
  const std::string token = generated(type, token_source::deterministic(seed, "variants"), index,
                                      *rc::gen::arbitrary<bool>());
  const auto rules = *rc::gen::element(profile::documented, profile::strict, profile::family);
  RC_PRE(validate(token, rules).ok());
  const auto code = static_cast<error_code>(*rc::gen::inRange<std::size_t>(0, error_code_count));
  const auto variant = make_invalid(token, rules, code);
  if (variant) RC_ASSERT(validate(variant->candidate, rules) == variant->expected);
}

}  // namespace
}  // namespace dtoken
