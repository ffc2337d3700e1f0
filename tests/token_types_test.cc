// The registry against the facts file (../shared/reference/dynatrace-token-facts.md, section 1).
#include <gtest/gtest.h>

#include <string>

#include "dtoken/token.h"
#include "dtoken/validate.h"

namespace dtoken {
namespace {

TEST(token_types_test, has_every_prefix_the_facts_name) {
  for (std::string_view prefix :
       {"dt0c01", "dt0s01", "dt0s02", "dt0s03", "dt0s04", "dt0s05", "dt0s06", "dt0s07", "dt0s08",
        "dt0s09", "dt0s16", "dt0s17", "dt0g01", "dt0g02", "dt0a01"}) {
    const token_type* type = find_token_type(prefix);
    ASSERT_NE(type, nullptr) << prefix;
    EXPECT_EQ(type->prefix, prefix);
    EXPECT_FALSE(type->name.empty());
    EXPECT_FALSE(type->description.empty());
    EXPECT_FALSE(type->source.empty());
  }
  EXPECT_EQ(token_types().size(), 15U);
}

TEST(token_types_test, looks_up_only_exact_prefixes) {
  EXPECT_EQ(find_token_type("dt0c02"), nullptr);
  EXPECT_EQ(find_token_type("dt0c0"), nullptr);
  EXPECT_EQ(find_token_type("dt0c01."), nullptr);
  EXPECT_EQ(find_token_type(""), nullptr);
}

TEST(token_types_test, public_part_lengths_follow_the_facts) {
  EXPECT_TRUE(find_token_type("dt0c01")->admits_public_length(24));
  EXPECT_FALSE(find_token_type("dt0c01")->admits_public_length(8));
  EXPECT_TRUE(find_token_type("dt0g02")->admits_public_length(8));
  EXPECT_TRUE(find_token_type("dt0s17")->admits_public_length(8));
  EXPECT_EQ(find_token_type("dt0a01")->public_alphabet, alphabet::lower_alnum);
  EXPECT_EQ(find_token_type("dt0a01")->secret_alphabet, alphabet::lower_hex);
  EXPECT_EQ(find_token_type("dt0c01")->secret_alphabet, alphabet::base32);
}

TEST(token_types_test, oauth_clients_have_a_client_id_form) {
  for (std::string_view prefix : {"dt0s02", "dt0s03", "dt0s04", "dt0s08", "dt0s17"}) {
    EXPECT_TRUE(find_token_type(prefix)->has_client_id_form) << prefix;
  }
  EXPECT_FALSE(find_token_type("dt0c01")->has_client_id_form);
}

TEST(token_types_test, every_published_example_validates_strictly) {
  // Real examples from the facts file; placeholders such as dt0s04.AAAAAAAA.AAAA00... are not.
  for (std::string_view example :
       {"dt0s01.ST2EY72KQINMH574WMNVI7YN."
        "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
        "dt0g02.4KWZO5EF.XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E",
        "dt0c01.NDL63DNEONLLGXTYFDMZ4J47."
        "C5YSHCIF22EWGTVZ2V7PLTZTR4XI6GSWEF4AARMFXLMKOOJUJB6QTTDXLY3J4QS2",
        "dt0a01.dmj55461.7a1a389f7928f4843435137641d442719613e6de807a151229cef0bbdc9b3e4a"}) {
    EXPECT_TRUE(validate(example, profile::strict).ok()) << example;
    EXPECT_TRUE(validate(example, profile::family).ok()) << example;
  }
  const std::string_view placeholder =
      "dt0s04.AAAAAAAA.AAAA00AAAAAAAAAA0OBA6AVNCQVQAGSO25VM5KDFBIKEZ7HVG6THKTHGWAY5ACCL";
  EXPECT_EQ(validate(placeholder, profile::strict), (result{error_code::non_base32_character, 20}));
}

TEST(token_types_test, alphabets_are_named_as_character_classes) {
  EXPECT_EQ(to_string(alphabet::base32), "[A-Z2-7]");
  EXPECT_TRUE(in_alphabet(alphabet::base32, '7'));
  EXPECT_FALSE(in_alphabet(alphabet::base32, '8'));
  EXPECT_TRUE(in_alphabet(alphabet::lower_hex, 'f'));
  EXPECT_FALSE(in_alphabet(alphabet::lower_hex, 'F'));
}

}  // namespace
}  // namespace dtoken
