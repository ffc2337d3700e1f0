#include <gtest/gtest.h>

#include <set>
#include <string>

#include "dtoken/error.h"

namespace dtoken {
namespace {

TEST(error_test, every_code_has_a_unique_name_and_a_description) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < error_code_count; ++i) {
    const auto code = static_cast<error_code>(i);
    EXPECT_FALSE(describe(code).empty());
    EXPECT_NE(to_string(code), "unknown_error");
    EXPECT_TRUE(names.insert(to_string(code)).second) << to_string(code);
    EXPECT_EQ(error_code_from_string(to_string(code)), code);
  }
}

// The numeric values are part of the interface (JSON output and vectors name the codes, callers
// may store the numbers): a code is only ever appended. This frozen list fails when one is
// inserted, removed or renamed.
TEST(error_test, the_numeric_values_are_stable) {
  constexpr std::string_view frozen[] = {"ok",
                                         "empty_input",
                                         "bad_prefix",
                                         "bad_type_letter",
                                         "bad_type_digits",
                                         "unknown_type",
                                         "truncated_prefix",
                                         "missing_separator",
                                         "public_part_too_short",
                                         "public_part_too_long",
                                         "bad_public_character",
                                         "secret_too_short",
                                         "bad_secret_character",
                                         "secret_too_long",
                                         "trailing_data",
                                         "non_base32_character",
                                         "legacy_bad_character",
                                         "legacy_too_short"};
  ASSERT_GE(error_code_count, std::size(frozen));
  for (std::size_t i = 0; i < std::size(frozen); ++i) {
    EXPECT_EQ(to_string(static_cast<error_code>(i)), frozen[i]);
  }
  static_assert(static_cast<std::size_t>(error_code::legacy_too_short) + 1 == error_code_count,
                "the last code of the list is the last enumerator");
}

TEST(error_test, out_of_range_values_have_a_safe_name) {
  const auto bogus = static_cast<error_code>(200);
  EXPECT_EQ(to_string(bogus), "unknown_error");
  EXPECT_EQ(describe(bogus), "unknown error");
  EXPECT_EQ(error_code_from_string("no_such_code"), std::nullopt);
}

TEST(error_test, result_ok_means_error_code_ok) {
  EXPECT_TRUE((result{error_code::ok, 96}).ok());
  EXPECT_FALSE((result{error_code::trailing_data, 96}).ok());
}

}  // namespace
}  // namespace dtoken
