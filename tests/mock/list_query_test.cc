// The list-query grammar (list_query.h) and URL decoding (url.h), as pure functions.
#include <gtest/gtest.h>

#include "list_query.h"
#include "url.h"

namespace dtoken::mock {
namespace {

constexpr std::string_view known_fields[] = {"id", "name", "owner", "scopes", "creationDate"};
constexpr std::string_view sort_keys[] = {"name", "creationDate"};
const field_set defaults = {"id", "name", "owner", "creationDate"};

TEST(url_test, decodes_escapes_and_plus_and_refuses_broken_escapes) {
  EXPECT_EQ(url_decode("a%20b+c%2Bd"), "a b c+d");
  EXPECT_EQ(url_decode("%41%6a"), "Aj");
  EXPECT_EQ(url_decode("50%"), std::nullopt);
  EXPECT_EQ(url_decode("%4"), std::nullopt);
  EXPECT_EQ(url_decode("%zz"), std::nullopt);
  EXPECT_EQ(url_encode("a b=c&d~"), "a%20b%3Dc%26d~");
  EXPECT_EQ(url_decode(url_encode("\x01\xff%+ /")), "\x01\xff%+ /");
}

TEST(url_test, parses_a_query_in_order_with_repeats) {
  const auto query = parse_query("a=1&&b=x%20y&a=2&flag");
  ASSERT_TRUE(query);
  EXPECT_EQ(*query, (query_list{{"a", "1"}, {"b", "x y"}, {"a", "2"}, {"flag", ""}}));
  EXPECT_EQ(*query_value(*query, "a"), "1");
  EXPECT_EQ(query_value(*query, "c"), nullptr);
  EXPECT_EQ(parse_query("a=%"), std::nullopt);
  EXPECT_TRUE(parse_query("")->empty());
}

TEST(url_test, finds_the_api_under_its_three_prefixes) {
  EXPECT_EQ(locate_api("/api/v2/apiTokens")->path, "v2/apiTokens");
  EXPECT_EQ(locate_api("/api/v2/apiTokens")->environment, "");
  const auto managed = locate_api("/e/abc%2012/api/v1/tokens");
  ASSERT_TRUE(managed);
  EXPECT_EQ(managed->path, "v1/tokens");
  EXPECT_EQ(managed->environment, "abc 12");
  EXPECT_EQ(locate_api("/platform/classic/environment-api/v2/x")->path, "v2/x");
  EXPECT_FALSE(locate_api("/apis/v2/x"));
  EXPECT_FALSE(locate_api("/e/abc/v2/x"));
  EXPECT_EQ(split_target("/a?b=1?c").path, "/a");
  EXPECT_EQ(split_target("/a?b=1?c").query, "b=1?c");
}

TEST(list_query_test, selector_takes_owner_personal_and_scopes) {
  const auto chosen =
      parse_selector(R"(owner("john.smith"), personalAccessToken(false),scope("a.read","b"))");
  ASSERT_TRUE(chosen);
  EXPECT_EQ(chosen->owner, "john.smith");
  EXPECT_EQ(chosen->personal, false);
  EXPECT_EQ(chosen->scopes, (std::vector<std::string>{"a.read", "b"}));
  // Commas inside quotes and parentheses do not split criteria.
  EXPECT_EQ(parse_selector(R"(owner("a,b"))")->owner, "a,b");
  EXPECT_EQ(parse_selector("owner(bare)")->owner, "bare");
  for (const char* bad : {"owner()", "owner(\"a\",\"b\")", "personalAccessToken(yes)",
                          "color(\"red\")", "owner(\"a)", "owner(a\"b)", ""}) {
    EXPECT_FALSE(parse_selector(bad)) << bad;
  }
}

TEST(list_query_test, fields_are_exact_or_relative_to_the_defaults_and_keep_the_id) {
  EXPECT_EQ(parse_fields("name", defaults, known_fields), (field_set{"id", "name"}));
  EXPECT_EQ(parse_fields("+scopes,-owner", defaults, known_fields),
            (field_set{"id", "name", "creationDate", "scopes"}));
  EXPECT_EQ(parse_fields("-id", defaults, known_fields),
            (field_set{"id", "name", "owner", "creationDate"}));
  for (const char* bad : {"name,+scopes", "+scopes,name", "nosuch", "+nosuch", "", "name,"}) {
    EXPECT_FALSE(parse_fields(bad, defaults, known_fields)) << bad;
  }
}

TEST(list_query_test, sort_takes_a_known_key_with_an_optional_sign) {
  EXPECT_EQ(parse_sort("name", sort_keys)->ascending, true);
  EXPECT_EQ(parse_sort("-creationDate", sort_keys)->ascending, false);
  EXPECT_EQ(parse_sort("+creationDate", sort_keys)->key, "creationDate");
  EXPECT_FALSE(parse_sort("owner", sort_keys));
  EXPECT_FALSE(parse_sort("--name", sort_keys));
  EXPECT_FALSE(parse_sort("", sort_keys));
}

TEST(list_query_test, page_size_is_a_whole_number_in_range) {
  EXPECT_EQ(parse_page_size("100", 100, 10000), 100U);
  EXPECT_EQ(parse_page_size("10000", 100, 10000), 10000U);
  for (const char* bad : {"99", "10001", "", "1e3", "200 ", "-100", "0x100"}) {
    EXPECT_FALSE(parse_page_size(bad, 100, 10000)) << bad;
  }
}

TEST(list_query_test, a_page_key_gives_back_its_query_and_offset_without_the_token) {
  const query_list query = {{"pageSize", "100"},
                            {"api-token", "secret"},
                            {"apiTokenSelector", R"(owner("a=b&c"))"},
                            {"fields", "+scopes"}};
  const std::string key = encode_page_key(query, 300);
  EXPECT_EQ(key.find("secret"), std::string::npos);
  const auto position = decode_page_key(key);
  ASSERT_TRUE(position);
  EXPECT_EQ(position->offset, 300U);
  EXPECT_EQ(position->query, (query_list{{"pageSize", "100"},
                                         {"apiTokenSelector", R"(owner("a=b&c"))"},
                                         {"fields", "+scopes"}}));
  // Padding is optional; anything that is not a key is refused.
  std::string unpadded = key;
  while (unpadded.ends_with('=')) unpadded.pop_back();
  EXPECT_TRUE(decode_page_key(unpadded));
  for (const char* bad : {"", "!!!!", "e30=", "eyJxIjoxLCJvIjoxfQ==", "eyJxIjoiIiwibyI6LTF9"}) {
    EXPECT_FALSE(decode_page_key(bad)) << bad;
  }
}

TEST(list_query_test, a_page_key_comes_alone_but_for_the_token) {
  const std::string key = encode_page_key({{"pageSize", "100"}}, 100);
  const auto first = continued_query({{"pageSize", "300"}});
  ASSERT_TRUE(std::holds_alternative<page_position>(first));
  EXPECT_EQ(std::get<page_position>(first).offset, 0U);
  const auto next = continued_query({{"nextPageKey", key}, {"Api-Token", "x"}});
  ASSERT_TRUE(std::holds_alternative<page_position>(next));
  EXPECT_EQ(std::get<page_position>(next).offset, 100U);
  EXPECT_EQ(std::get<page_position>(next).query, (query_list{{"pageSize", "100"}}));
  EXPECT_EQ(std::get<response>(continued_query({{"nextPageKey", key}, {"pageSize", "100"}})).status,
            400U);
  EXPECT_EQ(std::get<response>(continued_query({{"nextPageKey", "!"}})).status, 400U);
}

}  // namespace
}  // namespace dtoken::mock
