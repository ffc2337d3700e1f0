// Invalid variants, near misses and embeddings against the validator: each fixture's expected
// verdict comes from its construction, and the validator must agree.
#include <gtest/gtest.h>

#include <array>
#include <set>
#include <string>

#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "support/print.h"

namespace dtoken {
namespace {

std::string token_of(const token_type& type, std::uint64_t index = 0) {
  std::array<char, max_token_length> buffer{};
  const std::size_t length =
      generate(type, token_source::deterministic(11, "fixtures"), index, buffer);
  return std::string(buffer.data(), length);
}

TEST(fixtures_test, every_invalid_variant_fails_as_stated) {
  std::set<std::pair<int, int>> covered;  // (profile, code)
  for (const token_type& type : token_types()) {
    const std::string token = token_of(type);
    for (std::size_t p = 0; p < profile_count; ++p) {
      const auto rules = static_cast<profile>(p);
      if (!validate(token, rules).ok()) continue;
      for (std::size_t c = 0; c < error_code_count; ++c) {
        const auto code = static_cast<error_code>(c);
        const auto variant = make_invalid(token, rules, code);
        if (!variant) continue;
        SCOPED_TRACE(std::string(to_string(rules)) + " " + std::string(to_string(code)) + " \"" +
                     variant->candidate + "\"");
        EXPECT_EQ(variant->expected.error, code);
        EXPECT_EQ(validate(variant->candidate, rules), variant->expected);
        EXPECT_FALSE(is_valid(variant->candidate, rules));
        covered.insert({static_cast<int>(p), static_cast<int>(c)});
      }
    }
  }
  // Every code that a profile can report has a variant under that profile.
  for (std::size_t p = 0; p < profile_count; ++p) {
    for (std::size_t c = 1; c < error_code_count; ++c) {
      const auto code = static_cast<error_code>(c);
      const bool strict_only =
          code == error_code::unknown_type || code == error_code::non_base32_character;
      const bool legacy_only =
          code == error_code::legacy_bad_character || code == error_code::legacy_too_short;
      if (legacy_only || (strict_only && p != static_cast<std::size_t>(profile::strict))) continue;
      EXPECT_TRUE(covered.contains({static_cast<int>(p), static_cast<int>(c)}))
          << to_string(static_cast<profile>(p)) << " has no variant for " << to_string(code);
    }
  }
}

TEST(fixtures_test, no_variant_of_a_code_that_cannot_occur) {
  const std::string token = token_of(*find_token_type("dt0c01"));
  EXPECT_FALSE(make_invalid(token, profile::documented, error_code::unknown_type));
  EXPECT_FALSE(make_invalid(token, profile::family, error_code::non_base32_character));
  EXPECT_FALSE(make_invalid(token, profile::documented, error_code::ok));
  EXPECT_FALSE(make_invalid("not a token", profile::documented, error_code::bad_prefix));
  // family admits 8 and 24: a 24-character public part one short is not "too short" at 23 only.
  const std::string activegate = token_of(*find_token_type("dt0g02"));
  EXPECT_FALSE(make_invalid(activegate, profile::family, error_code::public_part_too_long));
}

TEST(fixtures_test, legacy_variants_fail_as_stated) {
  std::array<char, legacy_token_length> buffer{};
  ASSERT_EQ(generate_legacy(token_source::deterministic(1, "legacy"), 0, buffer), 21U);
  const std::string_view legacy(buffer.data(), buffer.size());
  for (const error_code code : {error_code::empty_input, error_code::legacy_bad_character,
                                error_code::legacy_too_short, error_code::trailing_data}) {
    const auto variant = make_invalid_legacy(legacy, code);
    ASSERT_TRUE(variant) << to_string(code);
    EXPECT_EQ(validate_legacy(variant->candidate), variant->expected) << to_string(code);
  }
  EXPECT_FALSE(make_invalid_legacy(legacy, error_code::bad_prefix));
}

TEST(fixtures_test, near_misses_get_their_stated_verdicts) {
  for (std::uint64_t index = 0; index < 50; ++index) {
    for (const near_miss& miss : near_misses(token_of(*find_token_type("dt0c01"), index))) {
      SCOPED_TRACE(miss.description + ": \"" + miss.candidate + "\"");
      EXPECT_EQ(validate(miss.candidate, profile::documented), miss.documented);
      EXPECT_EQ(validate(miss.candidate, profile::strict), miss.strict);
      EXPECT_EQ(validate(miss.candidate, profile::family), miss.family);
    }
  }
}

TEST(fixtures_test, embedded_tokens_stand_at_their_offset) {
  const std::string token = token_of(*find_token_type("dt0c01"));
  std::set<std::string> texts;
  for (std::size_t k = 0; k < syntax_count; ++k) {
    const auto kind = static_cast<syntax>(k);
    const embedded_sample sample = embed(token, kind);
    EXPECT_EQ(sample.kind, kind);
    EXPECT_EQ(sample.text.substr(sample.offset, sample.length), token) << to_string(kind);
    EXPECT_EQ(sample.text.find(token), sample.offset) << to_string(kind);
    EXPECT_EQ(syntax_from_string(to_string(kind)), kind);
    texts.insert(sample.text);
  }
  EXPECT_EQ(texts.size(), syntax_count);
  EXPECT_EQ(syntax_from_string("xml"), std::nullopt);
}

}  // namespace
}  // namespace dtoken
