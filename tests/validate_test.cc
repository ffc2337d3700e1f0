// Table-driven tests of validate(), is_valid(), parse() and validate_legacy(): every error code,
// with its position, under every profile.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dtoken/validate.h"
#include "support/print.h"

namespace dtoken {
namespace {

// The example token of Dynatrace's documentation (DOCS-AUTH in the facts file).
constexpr std::string_view docs_token =
    "dt0s01.ST2EY72KQINMH574WMNVI7YN."
    "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
constexpr std::string_view docs_public = "ST2EY72KQINMH574WMNVI7YN";
constexpr std::string_view docs_secret =
    "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
// The ActiveGate token of the ActiveGate security docs: an 8-character public part.
constexpr std::string_view activegate_token =
    "dt0g02.4KWZO5EF.XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E";
// An agent connection token's shape (third-party configurations): environment ID, hex secret.
constexpr std::string_view agent_token =
    "dt0a01.dmj55461.7a1a389f7928f4843435137641d442719613e6de807a151229cef0bbdc9b3e4a";

std::string with(std::string_view base, std::size_t at, char c) {
  std::string text(base);
  text[at] = c;
  return text;
}

struct error_case {
  std::string candidate;
  profile rules;
  error_code expected;
  std::size_t position;
  const char* why;
};

std::vector<error_case> error_cases() {
  const std::string docs(docs_token);
  const std::string classic = "dt0c01." + std::string(docs_public) + "." + std::string(docs_secret);
  return {
      {"", profile::documented, error_code::empty_input, 0, "nothing to validate"},
      {"xt0c01", profile::documented, error_code::bad_prefix, 0, "first byte"},
      {"dT0c01", profile::documented, error_code::bad_prefix, 1, "prefix is case-sensitive"},
      {"dt1c01", profile::family, error_code::bad_prefix, 2, "format digit must be 0"},
      {"dt0", profile::documented, error_code::truncated_prefix, 3, "ends before the letter"},
      {"dt0c0", profile::strict, error_code::truncated_prefix, 5, "ends in the digits"},
      {"dt01" + docs.substr(4), profile::documented, error_code::bad_type_letter, 3,
       "digit as letter"},
      {"dt0cx1", profile::documented, error_code::bad_type_digits, 4, "letter as digit"},
      {"dt0c0x", profile::family, error_code::bad_type_digits, 5, "second digit"},
      {with(docs, 3, 'x'), profile::strict, error_code::unknown_type, 3, "no dt0x.. type"},
      {with(docs, 5, '0'), profile::strict, error_code::unknown_type, 5, "no dt0s00 type"},
      {with(docs, 4, '9'), profile::strict, error_code::unknown_type, 4, "no dt0s9. type"},
      {with(docs, 4, 'x'), profile::strict, error_code::bad_type_digits, 4, "not a digit at all"},
      {"dt0c01", profile::documented, error_code::missing_separator, 6, "prefix alone"},
      {"dt0c01-" + docs.substr(7), profile::documented, error_code::missing_separator, 6,
       "wrong separator"},
      {"dt0c01.ABC", profile::documented, error_code::public_part_too_short, 10,
       "truncated public part"},
      {"dt0c01.ABC.DEF", profile::documented, error_code::public_part_too_short, 10,
       "short public part"},
      {"dt0c01.abc", profile::documented, error_code::bad_public_character, 7, "lower case"},
      {with(docs, 10, '-'), profile::documented, error_code::bad_public_character, 10, "dash"},
      {docs.substr(0, 31), profile::documented, error_code::missing_separator, 31,
       "ends after public part"},
      {with(docs, 31, '_'), profile::documented, error_code::missing_separator, 31,
       "wrong second separator"},
      {with(docs, 31, 'A'), profile::documented, error_code::public_part_too_long, 31,
       "25 public characters"},
      {docs.substr(0, 32), profile::documented, error_code::secret_too_short, 32, "empty secret"},
      {docs.substr(0, 95), profile::documented, error_code::secret_too_short, 95,
       "63 secret characters"},
      {with(docs, 40, 'a'), profile::documented, error_code::bad_secret_character, 40,
       "lower-case secret"},
      {with(docs, 95, '.'), profile::documented, error_code::bad_secret_character, 95, "last byte"},
      {docs + "A", profile::documented, error_code::secret_too_long, 96, "65 secret characters"},
      {docs + "\n", profile::documented, error_code::trailing_data, 96, "a newline after"},
      {docs + "\r", profile::strict, error_code::trailing_data, 96, "a CR after"},
      {with(classic, 7, '0'), profile::strict, error_code::non_base32_character, 7, "0 in public"},
      {with(classic, 50, '1'), profile::strict, error_code::non_base32_character, 50,
       "1 in secret"},
      {with(classic, 50, '1'), profile::documented, error_code::ok, 96, "but fine as documented"},
      // 8-character public parts: not documented, but family and strict (for dt0g02) take them.
      {std::string(activegate_token), profile::documented, error_code::public_part_too_short, 15,
       "8 < 24"},
      {std::string(activegate_token), profile::family, error_code::ok, 80, "8 is admissible"},
      {std::string(activegate_token), profile::strict, error_code::ok, 80, "dt0g02 is registered"},
      {"dt0g02.4KWZO5EF", profile::strict, error_code::missing_separator, 15,
       "a two-part token ID"},
      {"dt0g02.4KWZO5EF", profile::family, error_code::missing_separator, 15,
       "a two-part token ID"},
      {"dt0c01.ABCDEFGHIJ", profile::family, error_code::public_part_too_short, 17,
       "10 is not 8 or 24"},
      {"dt0c01.ABCDEFGHIJ.", profile::family, error_code::public_part_too_short, 17,
       "10 is not 8 or 24"},
      {"dt0c01.ABCDEFGH#", profile::family, error_code::missing_separator, 15, "8 then junk"},
      {"dt0c01.ABCDEFGHIJ#", profile::family, error_code::bad_public_character, 17, "10 then junk"},
      {"dt0g02.4KWZO5EFX", profile::strict, error_code::public_part_too_long, 15, "dt0g02 has 8"},
      {with(docs, 7, 's'), profile::strict, error_code::bad_public_character, 7, "lower case"},
      {with(docs, 7, 's'), profile::family, error_code::ok, 96, "family allows lower case"},
      // dt0a01: lower-case environment ID and hex secret.
      {std::string(agent_token), profile::documented, error_code::bad_public_character, 7,
       "lower case"},
      {std::string(agent_token), profile::strict, error_code::ok, 80, "registered shape"},
      {std::string(agent_token), profile::family, error_code::ok, 80, "lower-hex secret"},
      {with(agent_token, 20, 'g'), profile::family, error_code::bad_secret_character, 20,
       "g is not hex"},
      {with(agent_token, 20, 'A'), profile::family, error_code::bad_secret_character, 20,
       "mixed case"},
      {with(agent_token, 20, 'A'), profile::strict, error_code::bad_secret_character, 20,
       "upper case"},
      {with(agent_token, 7, 'D'), profile::strict, error_code::bad_public_character, 7,
       "upper-case env ID"},
      {std::string(agent_token) + "a", profile::family, error_code::secret_too_long, 80, "65 hex"},
      {std::string(agent_token) + "A", profile::family, error_code::trailing_data, 80,
       "'A' does not continue a hex secret"},
      {docs + "a", profile::family, error_code::trailing_data, 96,
       "'a' does not continue an upper-case secret"},
      {"dt0c01." + std::string(docs_public) + "." + std::string(64, '7') + "a", profile::family,
       error_code::secret_too_long, 96, "an all-digit secret fits both alphabets"},
      {std::string(agent_token) + "-", profile::family, error_code::trailing_data, 80,
       "dash after"},
  };
}

TEST(validate_test, every_case_gives_its_code_and_position) {
  for (const error_case& test : error_cases()) {
    SCOPED_TRACE(std::string(to_string(test.rules)) + " \"" + test.candidate + "\": " + test.why);
    const result got = validate(test.candidate, test.rules);
    EXPECT_EQ(to_string(got.error), to_string(test.expected));
    EXPECT_EQ(got.position, test.position);
    EXPECT_EQ(is_valid(test.candidate, test.rules), test.expected == error_code::ok);
  }
}

TEST(validate_test, every_error_code_is_covered_by_the_table) {
  std::vector<bool> seen(error_code_count, false);
  for (const error_case& test : error_cases()) seen[static_cast<std::size_t>(test.expected)] = true;
  // The legacy codes are tested below, with validate_legacy().
  seen[static_cast<std::size_t>(error_code::legacy_bad_character)] = true;
  seen[static_cast<std::size_t>(error_code::legacy_too_short)] = true;
  for (std::size_t i = 0; i < error_code_count; ++i) {
    EXPECT_TRUE(seen[i]) << to_string(static_cast<error_code>(i)) << " has no case";
  }
}

TEST(validate_test, the_documentation_example_is_valid_under_every_profile) {
  for (std::size_t i = 0; i < profile_count; ++i) {
    const auto rules = static_cast<profile>(i);
    EXPECT_EQ(validate(docs_token, rules), (result{error_code::ok, docs_token.size()}))
        << to_string(rules);
    EXPECT_TRUE(is_valid(docs_token, rules)) << to_string(rules);
  }
}

TEST(validate_test, input_is_never_read_past_its_end) {
  // A valid token followed by more bytes in the same buffer, validated as a shorter view.
  const std::string buffer = std::string(docs_token) + std::string(docs_secret);
  for (std::size_t size = 0; size <= buffer.size(); ++size) {
    const std::string_view view(buffer.data(), size);
    const result got = validate(view);
    EXPECT_LE(got.position, size);
    EXPECT_EQ(got.ok(), size == docs_token.size());
  }
}

TEST(parse_test, splits_a_token_into_its_parts) {
  const parse_result parsed = parse(docs_token);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value.text, docs_token);
  EXPECT_EQ(parsed.value.prefix, "dt0s01");
  EXPECT_EQ(parsed.value.type_letter(), 's');
  EXPECT_EQ(parsed.value.type_digits(), "01");
  EXPECT_EQ(parsed.value.public_part, docs_public);
  EXPECT_EQ(parsed.value.secret_part, docs_secret);
  EXPECT_EQ(parsed.value.token_id(), "dt0s01.ST2EY72KQINMH574WMNVI7YN");
  ASSERT_NE(parsed.value.type, nullptr);
  EXPECT_EQ(parsed.value.type->prefix, "dt0s01");
  // The views point into the caller's buffer.
  EXPECT_EQ(parsed.value.secret_part.data(), docs_token.data() + 32);
}

TEST(parse_test, splits_an_eight_character_public_part) {
  const parse_result parsed = parse(activegate_token, profile::strict);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value.public_part, "4KWZO5EF");
  EXPECT_EQ(parsed.value.token_id(), "dt0g02.4KWZO5EF");
  EXPECT_EQ(parsed.value.secret_part.size(), secret_length);
  ASSERT_NE(parsed.value.type, nullptr);
  EXPECT_EQ(parsed.value.type->name, "ActiveGate token");
}

TEST(parse_test, token_id_of_gives_the_id_of_valid_tokens_only) {
  EXPECT_EQ(token_id_of(docs_token), "dt0s01.ST2EY72KQINMH574WMNVI7YN");
  EXPECT_EQ(token_id_of(activegate_token), "dt0g02.4KWZO5EF");
  EXPECT_EQ(token_id_of(activegate_token).data(), activegate_token.data());
  // The documented profile has no 8-character public part; a broken secret is no token.
  EXPECT_EQ(token_id_of(activegate_token, profile::documented), "");
  EXPECT_EQ(token_id_of(with(docs_token, 40, '/')), "");
  EXPECT_EQ(token_id_of("dt0c01.ABC"), "");
  EXPECT_EQ(token_id_of(""), "");
}

TEST(parse_test, an_unregistered_prefix_parses_without_a_type) {
  const std::string candidate = with(docs_token, 3, 'x');
  const parse_result parsed = parse(candidate);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.value.type, nullptr);
  EXPECT_EQ(parsed.value.type_letter(), 'x');
}

TEST(parse_test, an_invalid_candidate_gives_an_empty_token) {
  const parse_result parsed = parse("dt0c01.ABC");
  EXPECT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status, (result{error_code::public_part_too_short, 10}));
  EXPECT_TRUE(parsed.value.text.empty());
  EXPECT_TRUE(parsed.value.token_id().empty());
  EXPECT_EQ(parsed.value.type, nullptr);
}

TEST(mask_test, keeps_the_token_id_and_hides_every_secret_byte) {
  const parse_result parsed = parse(docs_token);
  ASSERT_TRUE(parsed.ok());
  const std::string hidden = masked(parsed.value);
  EXPECT_EQ(hidden, "dt0s01.ST2EY72KQINMH574WMNVI7YN." + std::string(64, '*'));
  EXPECT_EQ(hidden.size(), docs_token.size());
}

TEST(mask_test, refuses_a_buffer_that_is_too_small) {
  const parse_result parsed = parse(docs_token);
  std::string out(95, '?');
  EXPECT_EQ(write_masked(parsed.value, out), 0U);
  EXPECT_EQ(out, std::string(95, '?'));
  out.resize(96);
  EXPECT_EQ(write_masked(parsed.value, out), 96U);
}

TEST(legacy_test, accepts_21_characters_of_the_url_safe_alphabet) {
  EXPECT_EQ(validate_legacy("abcDEF0123456789_-xyz"), (result{error_code::ok, 21}));
  EXPECT_EQ(validate_legacy(""), (result{error_code::empty_input, 0}));
  EXPECT_EQ(validate_legacy("abcdefjhij1234567890"), (result{error_code::legacy_too_short, 20}));
  EXPECT_EQ(validate_legacy("abcdefjhij12345.7890x"),
            (result{error_code::legacy_bad_character, 15}));
  EXPECT_EQ(validate_legacy("abcdefjhij1234567890xy"), (result{error_code::trailing_data, 21}));
  // A current-format token is not a legacy token.
  EXPECT_EQ(validate_legacy(docs_token), (result{error_code::legacy_bad_character, 6}));
}

TEST(profile_test, names_round_trip) {
  for (std::size_t i = 0; i < profile_count; ++i) {
    const auto value = static_cast<profile>(i);
    EXPECT_EQ(profile_from_string(to_string(value)), value);
  }
  EXPECT_EQ(profile_from_string("Strict"), std::nullopt);
}

}  // namespace
}  // namespace dtoken
