// The token API's handlers, called directly (no sockets), with a clock the test moves.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "api_fixture.h"
#include "dtoken/validate.h"

namespace dtoken::mock {
namespace {

TEST_F(api_test, create_returns_the_secret_once_and_get_never) {
  const response out =
      call("POST", "/api/v2/apiTokens",
           R"({"name":"ci","scopes":["metrics.read"],"unknown":1,"personalAccessToken":null})");
  ASSERT_EQ(out.status, 201U) << out.body;
  const json::object created = body_of(out);
  const std::string token(created.at("token").as_string());
  EXPECT_TRUE(is_valid(token, profile::documented));
  EXPECT_EQ(created.at("id").as_string(), id_of(token));
  EXPECT_FALSE(created.contains("expirationDate"));
  const response got = call("GET", "/api/v2/apiTokens/" + id_of(token));
  ASSERT_EQ(got.status, 200U);
  EXPECT_EQ(got.body.find(token.substr(32)), std::string::npos) << "the secret leaked";
  const json::object metadata = body_of(got);
  EXPECT_EQ(metadata.at("owner").as_string(), "alice");  // the caller's owner
  EXPECT_EQ(metadata.at("creationDate").as_string(), "2025-11-28T12:00:00.000Z");
  EXPECT_EQ(metadata.at("scopes").as_array().size(), 1U);
  EXPECT_EQ(metadata.at("personalAccessToken").as_bool(), false);
}

TEST_F(api_test, create_validates_its_body) {
  expect_error(call("POST", "/api/v2/apiTokens", R"({"scopes":["metrics.read"]})"), 400,
               "Constraints violated");
  const response missing = call("POST", "/api/v2/apiTokens", R"({"name":"x"})");
  const json::object violation =
      body_of(missing)["error"].at("constraintViolations").at(0).as_object();
  EXPECT_EQ(violation.at("path").as_string(), "scopes");
  EXPECT_EQ(violation.at("parameterLocation").as_string(), "PAYLOAD_BODY");
  expect_error(call("POST", "/api/v2/apiTokens", R"({"name":"x","scopes":["nope"]})"), 400,
               "Constraints");
  expect_error(call("POST", "/api/v2/apiTokens", R"({"name":"x","scopes":[]})"), 400,
               "Constraints");
  expect_error(call("POST", "/api/v2/apiTokens", "[1,2]"), 400, "JSON object");
  expect_error(call("POST", "/api/v2/apiTokens", "{not json"), 400, "JSON object");
  expect_error(call("POST", "/api/v2/apiTokens",
                    R"({"name":"x","scopes":["metrics.read"],"expirationDate":"now-1d"})"),
               400, "Constraints");
  expect_error(call("POST", "/api/v2/apiTokens",
                    R"({"name":"x","scopes":["metrics.read"],"expirationDate":"tomorrow"})"),
               400, "Constraints");
  // A personal access token takes only the scopes personal tokens may have.
  expect_error(call("POST", "/api/v2/apiTokens",
                    R"({"name":"x","scopes":["InstallerDownload"],"personalAccessToken":true})"),
               400, "Constraints");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").body.find("\"x\""), std::string::npos)
      << "a refused create left a token behind";
}

TEST_F(api_test, expiration_dates_absolute_and_relative) {
  const response relative =
      call("POST", "/api/v2/apiTokens",
           R"({"name":"r","scopes":["metrics.read"],"expirationDate":"now+14d"})");
  EXPECT_EQ(body_of(relative).at("expirationDate").as_string(), "2025-12-12T12:00:00.000Z");
  const response absolute = call(
      "POST", "/api/v2/apiTokens",
      R"({"name":"a","scopes":["metrics.read"],"expirationDate":"2026-01-25T05:57:01.123+01:00"})");
  EXPECT_EQ(body_of(absolute).at("expirationDate").as_string(), "2026-01-25T04:57:01.123Z");
}

TEST_F(api_test, authentication_and_scopes) {
  expect_error(call("GET", "/api/v2/apiTokens", {}, "none"), 401, "Missing");
  expect_error(call("GET", "/api/v2/apiTokens", {}, "not-a-token"), 401, "Authentication failed");
  const std::string unknown =
      "dt0c01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  expect_error(call("GET", "/api/v2/apiTokens", {}, unknown), 401, "Authentication failed");
  // The right ID with a wrong secret is unknown too.
  std::string forged = admin;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  expect_error(call("GET", "/api/v2/apiTokens", {}, forged), 401, "Authentication failed");

  const std::string reader = create("reader", R"(["apiTokens.read"])");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, reader).status, 200U);
  expect_error(
      call("POST", "/api/v2/apiTokens", R"({"name":"x","scopes":["metrics.read"]})", reader), 403,
      "Token is missing required scope. Use one of: apiTokens.write (Write API tokens)");

  const std::string short_lived =
      create("short", R"(["apiTokens.read"])", R"(,"expirationDate":"now+1h")");
  now += 2 * 3600 * 1000;
  expect_error(call("GET", "/api/v2/apiTokens", {}, short_lived), 401, "expired");

  ASSERT_EQ(call("PUT", "/api/v2/apiTokens/" + id_of(reader), R"({"enabled":false})").status, 204U);
  expect_error(call("GET", "/api/v2/apiTokens", {}, reader), 401, "disabled");

  // The api-token query parameter, in either case.
  request in;
  in.method = "GET";
  in.target = "/api/v2/apiTokens?Api-Token=" + admin;
  EXPECT_EQ(api.handle(in).status, 200U);
  in.target = "/api/v2/apiTokens?api-token=" + admin;
  EXPECT_EQ(api.handle(in).status, 200U);
  // Another scheme is refused.
  in.target = "/api/v2/apiTokens";
  in.headers.emplace_back("Authorization", "Bearer " + admin);
  expect_error(api.handle(in), 401, "scheme");
}

TEST_F(api_test, last_use_is_recorded) {
  const std::string token = create("used", R"(["apiTokens.read"])");
  now += 60'000;
  ASSERT_EQ(call("GET", "/api/v2/apiTokens", {}, token).status, 200U);
  const json::object metadata = body_of(call("GET", "/api/v2/apiTokens/" + id_of(token)));
  EXPECT_EQ(metadata.at("lastUsedDate").as_string(), "2025-11-28T12:01:00.000Z");
  EXPECT_EQ(metadata.at("lastUsedIpAddress").as_string(), "10.0.0.7");
}

TEST_F(api_test, routes_under_three_prefixes_and_errors_for_others) {
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").status, 200U);
  EXPECT_EQ(call("GET", "/e/mock00001/api/v2/apiTokens").status, 200U);
  // Another environment than the mock's: 404, as a cluster that does not host it answers.
  expect_error(call("GET", "/e/abc12345/api/v2/apiTokens"), 404,
               "Environment abc12345 not found on this cluster");
  EXPECT_EQ(call("GET", "/platform/classic/environment-api/v2/apiTokens").status, 200U);
  expect_error(call("GET", "/api/v2/nothing"), 404, "Not found");
  expect_error(call("GET", "/"), 404, "Not found");
  const response wrong = call("PATCH", "/api/v2/apiTokens");
  expect_error(wrong, 405, "PATCH");
  ASSERT_FALSE(wrong.headers.empty());
  EXPECT_EQ(wrong.headers[0].second, "GET, POST");
  expect_error(call("GET", "/api/v2/apiTokens?bad=%zz"), 400, "URL");
}

TEST_F(api_test, update_replaces_scopes_and_marks_modification) {
  const std::string token = create("before", R"(["metrics.read","logs.read"])");
  now += 1000;
  ASSERT_EQ(
      call("PUT", "/api/v2/apiTokens/" + id_of(token), R"({"name":"after","scopes":["slo.read"]})")
          .status,
      204U);
  json::object metadata = body_of(call("GET", "/api/v2/apiTokens/" + id_of(token)));
  EXPECT_EQ(metadata.at("name").as_string(), "after");
  EXPECT_EQ(json::serialize(metadata.at("scopes")), R"(["slo.read"])");
  EXPECT_EQ(metadata.at("modifiedDate").as_string(), "2025-11-28T12:00:01.000Z");
  // Enabling or disabling is not a modification.
  now += 1000;
  ASSERT_EQ(call("PUT", "/api/v2/apiTokens/" + id_of(token), R"({"enabled":false})").status, 204U);
  metadata = body_of(call("GET", "/api/v2/apiTokens/" + id_of(token)));
  EXPECT_EQ(metadata.at("modifiedDate").as_string(), "2025-11-28T12:00:01.000Z");
  EXPECT_FALSE(metadata.at("enabled").as_bool());
  expect_error(call("PUT", "/api/v2/apiTokens/" + id_of(admin), R"({"enabled":false})"), 400,
               "can't disable the token you're using");
  expect_error(call("PUT", "/api/v2/apiTokens/dt0c01.NOSUCHTOKEN0000000000000", R"({"name":"x"})"),
               404, "not found");
  expect_error(call("PUT", "/api/v2/apiTokens/" + id_of(token), R"({"enabled":"yes"})"), 400,
               "Constraints");
}

TEST_F(api_test, delete_by_id_or_secret_not_the_caller_and_pats_only_their_own) {
  const std::string first = create("first", R"(["metrics.read"])");
  const std::string second = create("second", R"(["metrics.read"])");
  EXPECT_EQ(call("DELETE", "/api/v2/apiTokens/" + id_of(first)).status, 204U);
  EXPECT_EQ(call("DELETE", "/api/v2/apiTokens/" + second).status, 204U);  // by secret
  expect_error(call("GET", "/api/v2/apiTokens/" + id_of(second)), 404, "not found");
  expect_error(call("DELETE", "/api/v2/apiTokens/" + id_of(first)), 404, "not found");
  expect_error(call("DELETE", "/api/v2/apiTokens/" + id_of(admin)), 400, "can't delete the token");

  // A personal access token of bob deletes bob's tokens, not alice's.
  ASSERT_TRUE(
      api.seed("dt0c01.BOBBOBBOBBOBBOBBOBBOBBOB."
               "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
               "bob's admin", "bob"));
  const std::string bobs_admin =
      "dt0c01.BOBBOBBOBBOBBOBBOBBOBBOB."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  const std::string bob_pat = create("bob pat", R"(["apiTokens.read","apiTokens.write"])",
                                     R"(,"personalAccessToken":true)", bobs_admin);
  const std::string bobs = create("bob's", R"(["metrics.read"])", {}, bobs_admin);
  const std::string alices = create("alice's", R"(["metrics.read"])");
  expect_error(call("DELETE", "/api/v2/apiTokens/" + id_of(alices), {}, bob_pat), 403,
               "only the tokens of its owner");
  EXPECT_EQ(call("DELETE", "/api/v2/apiTokens/" + id_of(bobs), {}, bob_pat).status, 204U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens/" + id_of(alices)).status, 200U);
}

TEST_F(api_test, lookup_by_secret) {
  const std::string token = create("looked up", R"(["metrics.read"])");
  const response found =
      call("POST", "/api/v2/apiTokens/lookup", R"({"token":")" + token + "\"}", token);
  ASSERT_EQ(found.status, 200U) << found.body;  // any scope may look up
  EXPECT_EQ(body_of(found).at("id").as_string(), id_of(token));
  EXPECT_EQ(found.body.find(token.substr(32)), std::string::npos);
  std::string other = token;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  expect_error(call("POST", "/api/v2/apiTokens/lookup", R"({"token":")" + other + "\"}"), 404,
               "not found");
  expect_error(call("POST", "/api/v2/apiTokens/lookup", R"({"secret":"x"})"), 400, "Constraints");
}

TEST_F(api_test, list_pages_with_a_stable_cursor) {
  for (int i = 0; i < 250; ++i) {
    now += 1;
    create("t" + std::to_string(i), R"(["metrics.read"])");
  }
  json::object page = body_of(call("GET", "/api/v2/apiTokens?pageSize=100&fields=%2BlastUsedDate"));
  EXPECT_EQ(page.at("totalCount").as_int64(), 251);
  EXPECT_EQ(page.at("pageSize").as_int64(), 100);
  EXPECT_EQ(page.at("apiTokens").as_array().size(), 100U);
  EXPECT_EQ(page.at("apiTokens").at(0).at("name").as_string(), "t249");  // newest first
  std::set<std::string> seen;
  std::size_t pages = 1;
  for (;;) {
    for (const auto& entry : page.at("apiTokens").as_array()) {
      seen.emplace(entry.at("id").as_string());
    }
    if (page.at("nextPageKey").is_null()) break;
    const std::string key(page.at("nextPageKey").as_string());
    expect_error(call("GET", "/api/v2/apiTokens?pageSize=100&nextPageKey=" + key), 400, "only");
    page = body_of(call("GET", "/api/v2/apiTokens?nextPageKey=" + key));
    ++pages;
  }
  EXPECT_EQ(pages, 3U);
  EXPECT_EQ(seen.size(), 251U);
  // With no parameter, the key of the first page is base64 with padding ("...fQ=="): fuzz_query
  // found it refused.
  const json::object first = body_of(call("GET", "/api/v2/apiTokens"));
  const std::string padded(first.at("nextPageKey").as_string());
  EXPECT_TRUE(padded.ends_with("=")) << padded;
  const json::object second = body_of(call("GET", "/api/v2/apiTokens?nextPageKey=" + padded));
  EXPECT_EQ(second.at("apiTokens").as_array().size(), 51U);
  expect_error(call("GET", "/api/v2/apiTokens?nextPageKey=garbage"), 400, "nextPageKey");
  expect_error(call("GET", "/api/v2/apiTokens?pageSize=99"), 400, "Constraints");
  expect_error(call("GET", "/api/v2/apiTokens?pageSize=10001"), 400, "Constraints");
}

TEST_F(api_test, list_fields_sort_and_selector) {
  now += 10;
  const std::string b =
      create("b", R"(["metrics.read","logs.read"])", R"(,"expirationDate":"now+2d")");
  now += 10;
  const std::string a = create("a", R"(["slo.read"])", R"(,"personalAccessToken":true)");
  now += 10;
  // a is used (lookup takes any scope)
  ASSERT_EQ(call("POST", "/api/v2/apiTokens/lookup", R"({"token":")" + a + "\"}", a).status, 200U);

  json::object page = body_of(call("GET", "/api/v2/apiTokens?fields=-owner,%2Bscopes&sort=name"));
  const json::array& sorted = page.at("apiTokens").as_array();
  ASSERT_EQ(sorted.size(), 3U);
  EXPECT_EQ(sorted.at(0).at("name").as_string(), "a");
  EXPECT_FALSE(sorted.at(0).as_object().contains("owner"));
  EXPECT_TRUE(sorted.at(0).as_object().contains("scopes"));
  EXPECT_TRUE(sorted.at(0).as_object().contains("creationDate"));

  page = body_of(call("GET", "/api/v2/apiTokens?fields=name,expirationDate"));
  const json::object first = page.at("apiTokens").at(0).as_object();
  EXPECT_EQ(first.size(), 2U) << json::serialize(first);  // id and name (a has no expiration)
  EXPECT_TRUE(first.contains("id"));

  page = body_of(call("GET", "/api/v2/apiTokens?sort=%2BexpirationDate"));
  EXPECT_EQ(page.at("apiTokens").at(0).at("id").as_string(), id_of(b));  // expiring first

  page = body_of(call("GET", "/api/v2/apiTokens?apiTokenSelector=personalAccessToken(true)"));
  EXPECT_EQ(page.at("totalCount").as_int64(), 1);
  page = body_of(call("GET", "/api/v2/apiTokens?apiTokenSelector=" +
                                 std::string("scope(%22metrics.read%22),owner(%22alice%22)")));
  EXPECT_EQ(page.at("totalCount").as_int64(), 2);  // b and the admin
  page = body_of(call("GET", "/api/v2/apiTokens?apiTokenSelector=owner(%22nobody%22)"));
  EXPECT_EQ(page.at("totalCount").as_int64(), 0);

  // from/to filter on last use: only a (and the admin, used by every call) were used.
  page = body_of(call("GET", "/api/v2/apiTokens?from=now-1m&fields=%2BlastUsedDate"));
  EXPECT_EQ(page.at("totalCount").as_int64(), 2);
  page = body_of(call("GET", "/api/v2/apiTokens?to=2020-01-01T00:00:00Z"));
  EXPECT_EQ(page.at("totalCount").as_int64(), 0);

  expect_error(call("GET", "/api/v2/apiTokens?sort=color"), 400, "Constraints");
  expect_error(call("GET", "/api/v2/apiTokens?fields=%2Bcolor"), 400, "Constraints");
  expect_error(call("GET", "/api/v2/apiTokens?fields=name,-owner"), 400, "Constraints");
  expect_error(call("GET", "/api/v2/apiTokens?apiTokenSelector=color(%22red%22)"), 400,
               "Constraints");
  expect_error(call("GET", "/api/v2/apiTokens?from=yesterday"), 400, "Constraints");
}

// Every sort key, both ways, against an ordering computed here from the tokens' metadata.
TEST_F(api_test, the_default_order_holds_when_the_clock_went_back) {
  // Creation order and creation dates disagree: the list must sort, not trust creation order.
  now = start_time + 2000;
  create("later", R"(["metrics.read"])");
  now = start_time + 1000;
  create("earlier", R"(["metrics.read"])");
  const auto names = [&](const std::string& query) {
    std::vector<std::string> out;
    const json::object page = body_of(call("GET", "/api/v2/apiTokens" + query));
    for (const auto& token : page.at("apiTokens").as_array())
      out.emplace_back(token.at("name").as_string());
    return out;
  };
  EXPECT_EQ(names(""), (std::vector<std::string>{"later", "earlier", "dtoken-mock admin"}));
  EXPECT_EQ(names("?sort=%2BcreationDate"),
            (std::vector<std::string>{"dtoken-mock admin", "earlier", "later"}));
}

TEST_F(api_test, every_sort_key_in_both_directions) {
  const char* names[] = {"delta", "alpha", "charlie", "bravo", "echo"};
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) {
    now += 1000;
    const std::string expiry =
        i % 2 == 0 ? R"(,"expirationDate":"now+)" + std::to_string(9 - i) + "d\"" : "";
    tokens.push_back(create(names[i], R"(["apiTokens.read"])", expiry));
  }
  now += 1000;
  call("GET", "/api/v2/apiTokens", {}, tokens[3]);  // used
  now += 1000;
  call("GET", "/api/v2/apiTokens", {}, tokens[1]);                              // used later
  call("PUT", "/api/v2/apiTokens/" + id_of(tokens[4]), R"({"name":"echo2"})");  // modified
  const std::string all_fields = "fields=%2BexpirationDate,%2BlastUsedDate,%2BmodifiedDate";
  const json::array listed =
      body_of(call("GET", "/api/v2/apiTokens?" + all_fields)).at("apiTokens").as_array();
  for (const std::string key :
       {"name", "lastUsedDate", "creationDate", "expirationDate", "modifiedDate"}) {
    for (const bool ascending : {true, false}) {
      // The expected order: by the key; missing dates first for lastUsedDate and modifiedDate,
      // last for expirationDate (never expires); ties by creation order in the sort's direction.
      std::vector<json::object> expected;
      for (const auto& entry : listed) expected.push_back(entry.as_object());
      const auto value = [&](const json::object& entry) -> std::optional<std::string> {
        if (!entry.contains(key)) return std::nullopt;
        return std::string(entry.at(key).as_string());
      };
      std::stable_sort(
          expected.begin(), expected.end(), [&](const json::object& a, const json::object& b) {
            const auto x = value(a);
            const auto y = value(b);
            const bool missing_first = key != "expirationDate";
            int order = 0;
            if (x != y) {
              if (!x)
                order = missing_first ? -1 : 1;
              else if (!y)
                order = missing_first ? 1 : -1;
              else
                order = *x < *y ? -1 : 1;
            }
            if (order == 0) {  // creation order
              order = a.at("creationDate").as_string() < b.at("creationDate").as_string() ? -1 : 1;
              if (a.at("creationDate") == b.at("creationDate")) return false;
            }
            return ascending ? order < 0 : order > 0;
          });
      const std::string sort = std::string(ascending ? "%2B" : "-") + key;
      const json::array sorted =
          body_of(call("GET", "/api/v2/apiTokens?sort=" + sort + "&" + all_fields))
              .at("apiTokens")
              .as_array();
      ASSERT_EQ(sorted.size(), expected.size());
      for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(sorted.at(i).at("id"), expected[i].at("id"))
            << "sort=" << sort << " position " << i;
      }
    }
  }
}

TEST_F(api_test, tenant_token_rotation_state_machine) {
  const std::string before =
      std::string(body_of(call("GET", "/api/v1/deployment/installer/agent/connectioninfo"))
                      .at("tenantToken")
                      .as_string());
  expect_error(call("POST", "/api/v2/tenantTokenRotation/finish"), 400, "No ongoing rotation");
  expect_error(call("POST", "/api/v2/tenantTokenRotation/cancel"), 400, "no ongoing rotation");
  json::object started = body_of(call("POST", "/api/v2/tenantTokenRotation/start"));
  EXPECT_EQ(started.at("old").at("value").as_string(), before);
  const std::string fresh(started.at("active").at("value").as_string());
  EXPECT_NE(fresh, before);
  expect_error(call("POST", "/api/v2/tenantTokenRotation/start"), 400, "already in progress");
  json::object info = body_of(call("GET", "/api/v1/deployment/installer/agent/connectioninfo"));
  EXPECT_EQ(info.at("tenantToken").as_string(), fresh);
  const json::object cancelled = body_of(call("POST", "/api/v2/tenantTokenRotation/cancel"));
  EXPECT_EQ(cancelled.at("active").at("value").as_string(), before);
  EXPECT_TRUE(cancelled.at("old").at("value").is_null());
  started = body_of(call("POST", "/api/v2/tenantTokenRotation/start"));
  const json::object finished = body_of(call("POST", "/api/v2/tenantTokenRotation/finish"));
  EXPECT_EQ(finished.at("active").at("value").as_string(),
            started.at("active").at("value").as_string());
  info = body_of(call("GET", "/api/v1/deployment/installer/agent/connectioninfo"));
  EXPECT_EQ(info.at("tenantToken").as_string(), started.at("active").at("value").as_string());
  EXPECT_TRUE(info.at("formattedCommunicationEndpoints").is_string());
  EXPECT_EQ(info.at("communicationEndpoints").as_array().size(), 1U);
}

TEST_F(api_test, v1_tokens_create_in_every_format_and_manage) {
  const response created = call(
      "POST", "/api/v1/tokens",
      R"({"name":"v1","scopes":["DataExport","ReadConfig"],"expiresIn":{"value":2,"unit":"DAYS"}})");
  ASSERT_EQ(created.status, 201U) << created.body;
  const std::string token(body_of(created).at("token").as_string());
  EXPECT_TRUE(is_valid(token, profile::documented));
  // The Location header the spec declares ("Token Id"): the new token's path.
  const std::map<std::string, std::string> headers(created.headers.begin(), created.headers.end());
  EXPECT_EQ(headers.at("Location"), "/api/v1/tokens/" + id_of(token));

  request in;
  in.method = "POST";
  in.target = "/api/v1/tokens";
  in.body = R"({"name":"plain","scopes":["DataExport"]})";
  in.headers = {{"Authorization", "Api-Token " + admin}, {"Accept", "text/plain"}};
  const response plain = api.handle(in);
  EXPECT_EQ(plain.status, 201U);
  EXPECT_TRUE(is_valid(plain.body, profile::documented)) << plain.body;
  in.headers[1].second = "text/csv; header=present; charset=utf-8";
  const response csv = api.handle(in);
  EXPECT_EQ(csv.content_type, "text/csv; header=present; charset=utf-8");
  EXPECT_TRUE(csv.body.starts_with("token\r\ndt0c01.")) << csv.body;
  in.headers[1].second = "text/csv; header=absent; charset=utf-8";
  EXPECT_TRUE(api.handle(in).body.starts_with("dt0c01."));

  const json::object metadata = body_of(call("GET", "/api/v1/tokens/" + id_of(token)));
  EXPECT_EQ(metadata.at("created").as_int64(), start_time);
  EXPECT_EQ(metadata.at("expires").as_int64(), start_time + 2 * 86'400'000);
  EXPECT_EQ(metadata.at("userId").as_string(), "alice");
  EXPECT_FALSE(metadata.at("revoked").as_bool());

  const json::object list =
      body_of(call("GET", "/api/v1/tokens?permissions=DataExport&permissions=ReadConfig"));
  EXPECT_EQ(list.at("values").as_array().size(), 2U);  // v1 and the admin
  EXPECT_EQ(body_of(call("GET", "/api/v1/tokens?limit=1")).at("values").as_array().size(), 1U);
  expect_error(call("GET", "/api/v1/tokens?limit=0"), 400, "Constraints");

  EXPECT_EQ(call("PUT", "/api/v1/tokens/" + id_of(token), R"({"revoked":true})").status, 204U);
  expect_error(call("GET", "/api/v1/tokens", {}, token), 401, "disabled");
  expect_error(call("PUT", "/api/v1/tokens/" + id_of(admin), R"({"name":"me"})"), 400,
               "can't update the token you're using");
  const response looked = call("POST", "/api/v1/tokens/lookup", R"({"token":")" + token + "\"}");
  EXPECT_TRUE(body_of(looked).at("revoked").as_bool());
  EXPECT_EQ(call("DELETE", "/api/v1/tokens/" + token).status, 204U);  // by secret
  expect_error(call("GET", "/api/v1/tokens/" + id_of(token)), 404, "has not been found");
  expect_error(call("POST", "/api/v1/tokens", R"({"name":"x","scopes":[]})"), 400, "Constraints");
  expect_error(
      call("POST", "/api/v1/tokens",
           R"({"name":"x","scopes":["DataExport"],"expiresIn":{"value":1,"unit":"YEARS"}})"),
      400, "Constraints");
  const std::string no_scope = create("no v1", R"(["metrics.read"])");
  expect_error(call("GET", "/api/v1/tokens", {}, no_scope), 403,
               "Use one of: TenantTokenManagement (Token management)");
}

TEST_F(api_test, cluster_version_is_current_by_default_and_can_be_set) {
  const std::string version(
      body_of(call("GET", "/api/v1/config/clusterversion")).at("version").as_string());
  EXPECT_EQ(version, default_cluster_version);
  // Clients such as Dynatrace's MCP server refuse versions under 1.328.0.
  unsigned major = 0;
  unsigned minor = 0;
  ASSERT_EQ(std::sscanf(version.c_str(), "%u.%u.", &major, &minor), 2);
  EXPECT_TRUE(major > 1 || minor >= 328) << version;

  api_options options;
  options.cluster_version = "1.300.1.20240101-000000";
  token_api other(options);
  const std::string token = other.create_admin_token();
  request in;
  in.method = "GET";
  in.target = "/api/v1/config/clusterversion?api-token=" + token;
  EXPECT_EQ(body_of(other.handle(in)).at("version").as_string(), options.cluster_version);
}

TEST_F(api_test, every_scope_means_the_scopes_of_todays_docs) {
  const json::object admin_token =
      body_of(call("POST", "/api/v2/apiTokens/lookup", R"({"token":")" + admin + R"("})"));
  bool has_retired = false;
  for (const json::value& scope : admin_token.at("scopes").as_array()) {
    has_retired = has_retired || scope.as_string() == "AppMonIntegration";
  }
  EXPECT_FALSE(has_retired);
  expect_error(call("POST", "/api/v2/apiTokens", R"({"name":"x","scopes":["AppMonIntegration"]})"),
               400, "Constraints violated.");
}

TEST_F(api_test, the_log_record_never_holds_a_secret) {
  const std::string token = create("to delete", R"(["metrics.read"])");
  request in;
  in.method = "DELETE";
  in.target = "/api/v2/apiTokens/" + token + "?api-token=" + admin;
  request_record record;
  EXPECT_EQ(api.handle(in, &record).status, 204U);
  EXPECT_EQ(record.path.find(token.substr(32)), std::string::npos) << record.path;
  EXPECT_EQ(record.path.find(admin.substr(32)), std::string::npos) << record.path;
  EXPECT_EQ(record.token_id, id_of(admin));
  EXPECT_EQ(record.status, 204U);
}

TEST_F(api_test, client_text_is_echoed_without_secrets) {
  // fuzz_http sent a secret as the method; the 405 message echoed it. Every echo of client text
  // (method, path, ID, query name) masks runs longer than a public part, and the journal too.
  const std::string secret = admin.substr(32);
  request in;
  in.method = "G" + secret;
  in.target = "/api/v2/apiTokens";
  in.headers.emplace_back("Authorization", "Api-Token " + admin);
  request_record record;
  const response wrong = api.handle(in, &record);
  expect_error(wrong, 405, "Method " + std::string(65, '*') + " is not");
  EXPECT_EQ(wrong.body.find(secret), std::string::npos) << wrong.body;
  EXPECT_EQ(record.method.find(secret), std::string::npos) << record.method;

  const response unknown = call("GET", "/api/v2/apiTokens/" + secret);
  expect_error(unknown, 404, "not found");
  EXPECT_EQ(unknown.body.find(secret), std::string::npos) << unknown.body;

  // A token ID (prefix and 24-character public part) is still echoed as it came.
  const std::string id = "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA";
  expect_error(call("GET", "/api/v2/apiTokens/" + id), 404, "'" + id + "'");
}

}  // namespace
}  // namespace dtoken::mock
