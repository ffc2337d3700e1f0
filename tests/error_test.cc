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
