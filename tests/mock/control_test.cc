// The control plane (/_dtoken/) and the fault rules, through mock_service, without sockets.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>

#include "control_fixture.h"

namespace dtoken::mock {
namespace {

namespace json = boost::json;

TEST_F(control_test, health_needs_no_key_and_the_rest_does) {
  request in;
  in.method = "GET";
  in.target = "/_dtoken/health";
  EXPECT_EQ(service.handle(in).status, 200U);
  EXPECT_EQ(call("POST", "/_dtoken/reset").status, 401U);
  EXPECT_EQ(control("GET", "nothing").status, 404U);
}

TEST_F(control_test, reset_returns_to_the_seeded_state) {
  ASSERT_EQ(call("POST", "/api/v2/apiTokens", R"({"name":"t","scopes":["metrics.read"]})").status,
            201U);
  EXPECT_EQ(token_count(), 2);
  EXPECT_EQ(control("POST", "reset").status, 200U);
  EXPECT_EQ(token_count(), 1);
  // Seeds added through the control API survive resets.
  const response seeded =
      control("POST", "seeds", R"([{"token":")" + fixture + R"(","owner":"bob"}])");
  EXPECT_EQ(seeded.status, 201U) << seeded.body;
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, fixture).status, 200U);
  EXPECT_EQ(control("POST", "reset").status, 200U);
  EXPECT_EQ(token_count(), 2);
  EXPECT_EQ(control("POST", "seeds", R"({"token":"nope"})").status, 400U);
}

TEST_F(control_test, the_journal_records_filters_and_clears) {
  call("GET", "/api/v2/apiTokens");
  call("GET", "/api/v2/nothing");
  call("DELETE", "/api/v2/apiTokens/" + fixture);
  json::array entries = body_of(control("GET", "journal")).at("entries").as_array();
  ASSERT_EQ(entries.size(), 3U);
  EXPECT_EQ(entries.at(0).at("token_id").as_string(), admin.substr(0, 31));
  EXPECT_EQ(json::serialize(entries).find(fixture.substr(32)), std::string::npos)
      << "the journal holds a secret";
  entries = body_of(control("GET", "journal?status=404")).at("entries").as_array();
  EXPECT_EQ(entries.size(), 2U);  // the unknown route and the unknown token
  entries = body_of(control("GET", "journal?method=DELETE")).at("entries").as_array();
  EXPECT_EQ(entries.size(), 1U);
  EXPECT_EQ(control("DELETE", "journal").status, 200U);
  EXPECT_TRUE(body_of(control("GET", "journal")).at("entries").as_array().empty());
}

TEST_F(control_test, journal_filters_are_percent_decoded) {
  call("GET", "/api/v2/apiTokens?pageSize=100");
  call("GET", "/api/v2/activeGateTokens");
  const json::array entries =
      body_of(control("GET", "journal?path=%2Fapi%2Fv2%2FactiveGate")).at("entries").as_array();
  ASSERT_EQ(entries.size(), 1U);
  EXPECT_EQ(entries.at(0).at("path").as_string(), "/api/v2/activeGateTokens");
  EXPECT_EQ(control("GET", "journal?path=%zz").status, 400U);
}

TEST_F(control_test, a_seed_sets_the_token_settings_and_reset_returns_to_them) {
  const auto effective = [&] {
    const json::object list = body_of(call("GET", "/api/v2/settings/effectiveValues"));
    return list.at("items").as_array().at(0).at("value");
  };
  EXPECT_EQ(control("POST", "seeds", R"({"tokenSettings":{"patEnabled":false}})").status, 201U);
  EXPECT_EQ(effective(),
            json::parse(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":false})"));
  // Changed through the API, then reset: back to what the seed set.
  const std::string id(
      body_of(call("GET", "/api/v2/settings/objects?schemaIds=builtin:tokens.token-settings"))
          .at("items")
          .as_array()
          .at(0)
          .at("objectId")
          .as_string());
  EXPECT_EQ(call("PUT", "/api/v2/settings/objects/" + id,
                 R"({"value":{"newDynatraceTokenFormatEnabled":false,"patEnabled":true}})")
                .status,
            200U);
  EXPECT_EQ(control("POST", "reset").status, 200U);
  EXPECT_EQ(effective(),
            json::parse(R"({"newDynatraceTokenFormatEnabled":true,"patEnabled":false})"));
  for (const char* bad : {R"({"tokenSettings":{"patEnabled":"no"}})",
                          R"({"tokenSettings":{"nosuch":true}})", R"({"tokenSettings":[]})"}) {
    EXPECT_EQ(control("POST", "seeds", bad).status, 400U) << bad;
  }
}

TEST_F(control_test, an_error_fault_for_the_next_n_requests_leaves_state_alone) {
  const response added =
      control("POST", "faults",
              R"({"method":"POST","path":"v2/apiTokens","status":429,"count":2,"retry_after":7})");
  ASSERT_EQ(added.status, 201U) << added.body;
  for (int i = 0; i < 2; ++i) {
    const response out =
        call("POST", "/e/mock00001/api/v2/apiTokens", R"({"name":"t","scopes":["metrics.read"]})");
    EXPECT_EQ(out.status, 429U);
    EXPECT_EQ(body_of(out).at("error").at("code").as_int64(), 429);
    std::map<std::string, std::string> headers(out.headers.begin(), out.headers.end());
    EXPECT_EQ(headers["Retry-After"], "7");
    EXPECT_EQ(headers["X-RateLimit-Remaining"], "0");
    EXPECT_EQ(headers["X-RateLimit-Reset"], std::to_string((clock + 7'000) * 1000));  // in µs
  }
  // Each injected answer is in the journal like a handled request: whole path, time, status.
  const json::array entries =
      body_of(control("GET", "journal?status=429")).at("entries").as_array();
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries.at(0).at("path").as_string(), "/e/mock00001/api/v2/apiTokens");
  EXPECT_EQ(entries.at(0).at("time").as_string(), "2025-11-28T12:00:00.000Z");
  EXPECT_EQ(token_count(), 1) << "a fault changed the state";
  EXPECT_EQ(call("POST", "/api/v2/apiTokens", R"({"name":"t","scopes":["metrics.read"]})").status,
            201U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").status, 200U);  // other methods untouched
  const json::array rules = body_of(control("GET", "faults")).at("faults").as_array();
  EXPECT_EQ(rules.at(0).at("applied").as_int64(), 2);
}

TEST_F(control_test, shares_are_reproducible_from_the_seed) {
  const auto pattern = [&] {
    control("DELETE", "faults");
    control("POST", "faults", R"({"path":"v2","status":503,"share":0.5,"seed":42})");
    std::string hits;
    for (int i = 0; i < 64; ++i) hits += call("GET", "/api/v2/apiTokens").status == 503 ? '1' : '0';
    return hits;
  };
  const std::string first = pattern();
  EXPECT_EQ(pattern(), first);
  EXPECT_NE(first.find('1'), std::string::npos);
  EXPECT_NE(first.find('0'), std::string::npos);
}

TEST_F(control_test, latency_and_drop_faults) {
  control("POST", "faults", R"({"path":"v2/apiTokens","latency_ms":250,"count":1})");
  const response slow = call("GET", "/api/v2/apiTokens");
  EXPECT_EQ(slow.status, 200U);  // answered, later
  EXPECT_EQ(slow.delay, 250);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").delay, 0);
  control("POST", "faults", R"({"path":"v1","drop":true})");
  EXPECT_EQ(call("GET", "/api/v1/config/clusterversion").fault, wire_fault::empty);
  EXPECT_EQ(control("POST", "faults", R"({"path":"v2"})").status, 400U);   // does nothing
  EXPECT_EQ(control("POST", "faults", R"({"status":200})").status, 400U);  // not an error
  EXPECT_EQ(control("POST", "faults", R"({"colour":"red","drop":true})").status, 400U);
  const std::string id =
      std::to_string(body_of(control("GET", "faults")).at("faults").at(1).at("id").as_int64());
  EXPECT_EQ(control("DELETE", "faults/" + id).status, 200U);
  EXPECT_EQ(call("GET", "/api/v1/config/clusterversion").fault, wire_fault::none);
}

TEST(rate_limit_test, tokens_get_429_beyond_the_limit_with_the_documented_headers) {
  millis now = 1'764'331'200'000 + 30'000;  // half way through a minute
  api_options options;
  options.clock = [&now] { return now; };
  options.rate_limit = 3;
  token_api api(options);
  const std::string admin = api.create_admin_token();
  request in;
  in.method = "GET";
  in.target = "/api/v2/apiTokens";
  in.headers.emplace_back("Authorization", "Api-Token " + admin);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api.handle(in).status, 200U);
  const response limited = api.handle(in);
  EXPECT_EQ(limited.status, 429U);
  std::map<std::string, std::string> headers(limited.headers.begin(), limited.headers.end());
  EXPECT_EQ(headers["X-RateLimit-Limit"], "3");
  EXPECT_EQ(headers["X-RateLimit-Remaining"], "0");
  EXPECT_EQ(headers["X-RateLimit-Reset"], std::to_string((1'764'331'200'000 + 60'000) * 1000));
  EXPECT_EQ(headers["Retry-After"], "30");
  now += 30'000;  // the next minute
  EXPECT_EQ(api.handle(in).status, 200U);
}

}  // namespace
}  // namespace dtoken::mock
