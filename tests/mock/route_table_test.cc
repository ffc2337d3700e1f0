// The route table: each row names its method, pattern, scope and handler; the first pattern that
// matches a path decides which methods are allowed there.
#include <gtest/gtest.h>

#include <set>

#include "route_table.h"

namespace dtoken::mock {
namespace {

response answer_one(api_call&) { return {}; }
response answer_two(api_call&) { return {}; }

constexpr route table[] = {
    {"GET", "v2/things", "things.read", answer_one},
    {"POST", "v2/things", "things.write", answer_two},
    {"POST", "v2/things/lookup", "", answer_one},
    {"GET", "v2/things/{id}", "things.read", answer_two},
    {"DELETE", "v2/things/{id}/parts/{part}", "things.write", answer_one},
};

TEST(route_table_test, matches_method_and_pattern_and_decodes_parameters) {
  route_match got = match_route(table, "v2/things", "POST");
  ASSERT_NE(got.found, nullptr);
  EXPECT_EQ(got.found->handle, &answer_two);
  EXPECT_EQ(got.found->scope, "things.write");
  got = match_route(table, "v2/things/a%2Fb", "GET");
  ASSERT_NE(got.found, nullptr);
  EXPECT_EQ(got.params, (std::vector<std::string>{"a/b"}));
  got = match_route(table, "v2/things/x/parts/y%20z/", "DELETE");  // trailing slash ignored
  ASSERT_NE(got.found, nullptr);
  EXPECT_EQ(got.params, (std::vector<std::string>{"x", "y z"}));
  // A broken escape is kept as it came (the handler answers 404 for an unknown ID).
  EXPECT_EQ(match_route(table, "v2/things/%zz", "GET").params, (std::vector<std::string>{"%zz"}));
}

TEST(route_table_test, the_first_matching_pattern_names_the_allowed_methods) {
  route_match got = match_route(table, "v2/things", "DELETE");
  EXPECT_EQ(got.found, nullptr);
  EXPECT_EQ(got.allowed, "GET, POST");
  // "lookup" is its own pattern, listed before {id}: GET there is not a GET of a thing.
  got = match_route(table, "v2/things/lookup", "GET");
  EXPECT_EQ(got.found, nullptr);
  EXPECT_EQ(got.allowed, "POST");
}

TEST(route_table_test, an_unknown_path_matches_nothing) {
  for (const char* path : {"", "v2", "v2/thing", "v2/things/a/b", "v2//things", "v3/things"}) {
    const route_match got = match_route(table, path, "GET");
    EXPECT_EQ(got.found, nullptr) << path;
    EXPECT_EQ(got.allowed, "") << path;
  }
}

TEST(route_table_test, the_token_api_table_has_one_row_per_operation_each_with_a_handler) {
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const route& row : token_api_routes()) {
    EXPECT_NE(row.handle, nullptr) << row.pattern;
    EXPECT_TRUE(seen.emplace(row.method, row.pattern).second) << row.method << " " << row.pattern;
    EXPECT_FALSE(row.pattern.starts_with('/')) << row.pattern;
  }
  EXPECT_GE(seen.size(), 39U);  // (the README lists them; contract_test.py covers each)
}

}  // namespace
}  // namespace dtoken::mock
