// The control plane as a test harness: the journal (what each request carried, filters, count),
// seeds checked like creates (GET, POST, DELETE), and the test clock.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "control_fixture.h"

namespace dtoken::mock {
namespace {

// An ActiveGate token and an old-format token, of dtoken generate (--marked; --seed 1).
const std::string active_gate =
    "dt0g02.FXTREPTW.YHSNBIL4GECFKQI2QTJ5HRE2YA3HBMUETATAJQA2O5JIWUI2AE5F5W3DN5OSRTEC";
const std::string old_format = "jHowYRijL2ewt0p-CPsmu";

json::array entries(const response& out) {
  return json::parse(out.body).as_object().at("entries").as_array();
}

TEST_F(control_test, a_journal_entry_holds_the_query_headers_body_and_answer_without_secrets) {
  request in;
  in.method = "POST";
  in.target = "/api/v2/apiTokens/lookup?pageSize=500&Api-Token=" + fixture;
  in.headers = {{"Authorization", "Api-Token " + admin},
                {"Content-Type", "application/json"},
                {"X-Trace", "secret " + fixture}};
  in.body = R"({"token":")" + fixture + R"("})";
  const response out = service.handle(in);
  const json::array all = entries(control("GET", "journal"));
  ASSERT_EQ(all.size(), 1U);
  const json::object& entry = all.at(0).as_object();
  EXPECT_EQ(entry.at("sequence").as_int64(), 1);
  EXPECT_EQ(entry.at("method").as_string(), "POST");
  EXPECT_EQ(entry.at("path").as_string(), "/api/v2/apiTokens/lookup");
  EXPECT_EQ(entry.at("query").as_string(),
            "pageSize=500&Api-Token=" + fixture.substr(0, 32) + std::string(64, '*'));
  EXPECT_EQ(entry.at("headers").at(0),
            (json::array{"Authorization", "Api-Token " + admin.substr(0, 31)}));
  EXPECT_EQ(entry.at("headers").at(1), (json::array{"Content-Type", "application/json"}));
  EXPECT_EQ(entry.at("body").as_string(),
            R"({"token":")" + fixture.substr(0, 32) + std::string(64, '*') + R"("})");
  EXPECT_EQ(entry.at("status").as_int64(), out.status);
  EXPECT_EQ(entry.at("response_size").as_int64(), static_cast<std::int64_t>(out.body.size()));
  EXPECT_GE(entry.at("duration_ms").as_double(), 0.0);
  EXPECT_TRUE(entry.at("fault").is_null());
  const std::string text = json::serialize(all);
  EXPECT_EQ(text.find(fixture.substr(32)), std::string::npos) << "the journal holds a secret";
  EXPECT_EQ(text.find(admin.substr(32)), std::string::npos) << "the journal holds a secret";
}

TEST_F(control_test, an_old_format_secret_in_a_body_is_masked) {
  call("POST", "/api/v1/tokens/lookup", R"({"token":")" + old_format + R"("})");
  const std::string body(entries(control("GET", "journal")).at(0).at("body").as_string());
  EXPECT_EQ(body, R"({"token":")" + std::string(21, '*') + R"("})");
}

TEST_F(control_test, journal_filters_select_and_count_in_order_of_arrival) {
  call("GET", "/api/v2/apiTokens?pageSize=500");
  call("GET", "/api/v2/apiTokens?pageSize=100&sort=name");
  call("POST", "/api/v2/apiTokens", R"({"name":"ci-token","scopes":["metrics.read"]})");
  const auto count = [&](const std::string& filters) {
    const response out = control("GET", "journal/count?" + filters);
    EXPECT_EQ(out.status, 200U) << out.body;
    return out.status == 200 ? body_of(out).at("count").as_int64() : -1;
  };
  EXPECT_EQ(count(""), 3);
  EXPECT_EQ(count("query=pageSize"), 2);
  EXPECT_EQ(count("query=pageSize%3D500"), 1);
  EXPECT_EQ(count("query=sort&method=get"), 1);
  EXPECT_EQ(count("body=ci-token"), 1);
  EXPECT_EQ(count("header=authorization"), 3);
  EXPECT_EQ(count("header=Authorization%3DApi-Token%20" + admin.substr(0, 31)), 3);
  EXPECT_EQ(count("status=201&token_id=" + admin.substr(0, 31)), 1);
  EXPECT_EQ(count("status=404"), 0);
  const json::array all = entries(control("GET", "journal?method=GET"));
  ASSERT_EQ(all.size(), 2U);
  EXPECT_LT(all.at(0).at("sequence").as_int64(), all.at(1).at("sequence").as_int64());
  EXPECT_EQ(all.at(0).at("query").as_string(), "pageSize=500");
  const response unknown = control("GET", "journal?colour=red");
  EXPECT_EQ(unknown.status, 400U);
  EXPECT_NE(unknown.body.find("token_id"), std::string::npos) << "names the filters";
  EXPECT_EQ(control("GET", "journal/count?status=x").status, 400U);
  EXPECT_EQ(control("POST", "journal/count").status, 405U);
}

TEST(journal_test, keeps_the_last_entries_within_its_count_and_byte_budget) {
  journal kept(5, 3 * 20'000);
  for (int i = 0; i < 8; ++i) {
    journal_entry entry;
    entry.body = std::string(i < 4 ? 10 : 20'000, 'x');
    kept.add(entry);
  }
  const boost::json::array entries = kept.select({});
  ASSERT_EQ(entries.size(), 2U);  // 3 bodies of 20,000 bytes are over the budget
  EXPECT_EQ(entries.at(0).at("sequence").to_number<int>(), 7);
  journal small(3, 1 << 20);
  for (int i = 0; i < 5; ++i) small.add({});
  EXPECT_EQ(small.count({}), 3U);
  EXPECT_EQ(small.select({}).at(0).at("sequence").to_number<int>(), 3);
}

TEST_F(control_test, seeds_are_checked_like_creates_and_refused_whole) {
  const auto refused = [&](const std::string& body, const std::string& says) {
    const response out = control("POST", "seeds", body);
    EXPECT_EQ(out.status, 400U) << body;
    EXPECT_NE(out.body.find(says), std::string::npos) << out.body;
  };
  refused(R"({"token":")" + fixture + R"(","scopes":["metrics.read","no.such.scope"]})",
          "unknown scope 'no.such.scope'");
  refused(R"({"token":"dt0s01.DTOKENFIXTUREIL4GECFKQI2.)"
          R"(QTJ5HRE2YA3HBMUETATAJQA2O5JIWUI2AE5F5W3DN5OSRTECGHXEJAMPAWE4LH6P"})",
          "belongs to no API");
  refused(R"({"token":")" + fixture + R"(","colour":"red"})", "'colour' is not a seed field");
  refused(R"({"token":")" + fixture + R"(","expirationDate":"tomorrow"})", "is not a date");
  refused(R"({"token":")" + active_gate + R"(","scopes":["metrics.read"]})", "no scopes");
  // A batch whose second seed is refused adds nothing.
  refused(R"([{"token":")" + fixture + R"("},{"token":"nope"}])", "seed 1");
  EXPECT_EQ(token_count(), 1);
  EXPECT_EQ(body_of(control("GET", "seeds")).at("seeds").as_array().size(), 1U);  // the admin
}

TEST_F(control_test, a_seed_says_how_its_token_looks_and_its_type_decides_its_family) {
  const std::string body =
      R"([{"token":")" + fixture +
      R"(","name":"old pat","owner":"bob","scopes":["metrics.read"],"personalAccessToken":true,)"
      R"("enabled":false,"creationDate":"now-30d","lastUsedDate":"2025-11-01T10:00:00Z",)"
      R"("expirationDate":"now+1d"},{"token":")" +
      active_gate + R"("},{"token":")" + old_format + R"(","scopes":["apiTokens.read"]}])";
  const response added = control("POST", "seeds", body);
  ASSERT_EQ(added.status, 201U) << added.body;
  const json::object token = body_of(call("GET", "/api/v2/apiTokens/" + fixture.substr(0, 31)));
  EXPECT_EQ(token.at("name").as_string(), "old pat");
  EXPECT_EQ(token.at("owner").as_string(), "bob");
  EXPECT_EQ(token.at("enabled").as_bool(), false);
  EXPECT_EQ(token.at("personalAccessToken").as_bool(), true);
  EXPECT_EQ(token.at("creationDate").as_string(), format_date(clock - 30 * 86'400'000LL));
  EXPECT_EQ(token.at("lastUsedDate").as_string(), "2025-11-01T10:00:00.000Z");
  EXPECT_EQ(token.at("expirationDate").as_string(), format_date(clock + 86'400'000LL));
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, fixture).status, 401U);  // disabled
  // The ActiveGate token is one, and no API token; the old-format token authenticates.
  EXPECT_EQ(call("GET", "/api/v2/activeGateTokens/" + active_gate.substr(0, 15)).status, 200U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens/" + active_gate.substr(0, 15)).status, 404U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, old_format).status, 200U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, active_gate).status, 401U);
  // Listed, without secrets; one removed (from the reset state too).
  const json::array seeds = body_of(control("GET", "seeds")).at("seeds").as_array();
  ASSERT_EQ(seeds.size(), 4U);
  EXPECT_EQ(seeds.at(2).at("family").as_string(), "activeGateToken");
  EXPECT_EQ(seeds.at(3).at("oldFormat").as_bool(), true);
  EXPECT_EQ(json::serialize(seeds).find(fixture.substr(32)), std::string::npos);
  EXPECT_EQ(control("DELETE", "seeds/" + fixture.substr(0, 31)).status, 200U);
  EXPECT_EQ(control("DELETE", "seeds/" + fixture.substr(0, 31)).status, 404U);
  EXPECT_EQ(control("POST", "reset").status, 200U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens/" + fixture.substr(0, 31)).status, 404U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, old_format).status, 200U);  // kept
  EXPECT_EQ(body_of(control("GET", "seeds")).at("seeds").as_array().size(), 3U);
}

TEST_F(control_test, the_test_clock_moves_expiry_relative_dates_last_use_and_the_journal) {
  ASSERT_EQ(control("POST", "seeds", R"({"token":")" + fixture + R"(","expirationDate":"now+1d"})")
                .status,
            201U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, fixture).status, 200U);
  const response moved = control("POST", "clock", R"({"advance":"25h"})");
  ASSERT_EQ(moved.status, 200U) << moved.body;
  EXPECT_EQ(body_of(moved).at("offset_ms").as_int64(), 25 * 3'600'000LL);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, fixture).status, 401U);  // expired
  const millis later = clock + 25 * 3'600'000LL;
  const json::object me = body_of(call("GET", "/api/v2/apiTokens/" + admin.substr(0, 31)));
  EXPECT_EQ(me.at("lastUsedDate").as_string(), format_date(later));
  EXPECT_EQ(entries(control("GET", "journal")).back().at("time").as_string(), format_date(later));
  // A relative date of a create follows the clock too.
  const response created =
      call("POST", "/api/v2/apiTokens",
           R"({"name":"t","scopes":["metrics.read"],"expirationDate":"now+1h"})");
  const std::string id(body_of(created).at("id").as_string());
  EXPECT_EQ(body_of(call("GET", "/api/v2/apiTokens/" + id)).at("expirationDate").as_string(),
            format_date(later + 3'600'000));
  // Set and frozen, then back to real (here: the fixture's) time.
  ASSERT_EQ(control("POST", "clock", R"({"time":"2030-01-01T00:00:00Z","freeze":true})").status,
            200U);
  EXPECT_EQ(body_of(control("GET", "clock")).at("now").as_string(), "2030-01-01T00:00:00.000Z");
  EXPECT_EQ(control("DELETE", "clock").status, 200U);
  EXPECT_EQ(api.now(), clock);
  control("POST", "clock", R"({"advance_ms":5000})");
  control("POST", "reset");
  EXPECT_EQ(api.now(), clock) << "reset returns to real time";
  for (const char* bad : {R"({"advance":"soon"})", R"({"time":"x"})", R"({})",
                          R"({"time":"now","advance":"1h"})", R"({"speed":2})", "[]"}) {
    EXPECT_EQ(control("POST", "clock", bad).status, 400U) << bad;
  }
  EXPECT_EQ(api.now(), clock) << "a refused clock request moved the clock";
}

TEST(rate_limit_clock_test, rate_limit_windows_follow_the_test_clock) {
  millis base = 1'764'331'200'000;
  api_options options;
  options.clock = [&base] { return base; };
  options.rate_limit = 1;
  token_api api(options);
  mock_service service(api, "k");
  const std::string admin = api.create_admin_token();
  request in;
  in.method = "GET";
  in.target = "/api/v2/apiTokens";
  in.headers = {{"Authorization", "Api-Token " + admin}, {"X-Dtoken-Control-Key", "k"}};
  EXPECT_EQ(service.handle(in).status, 200U);
  EXPECT_EQ(service.handle(in).status, 429U);
  request advance = in;
  advance.method = "POST";
  advance.target = "/_dtoken/clock";
  advance.body = R"({"advance":"1m"})";
  EXPECT_EQ(service.handle(advance).status, 200U);
  EXPECT_EQ(service.handle(in).status, 200U);
}

}  // namespace
}  // namespace dtoken::mock
