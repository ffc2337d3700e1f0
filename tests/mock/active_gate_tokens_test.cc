// /api/v2/activeGateTokens and /api/v2/activeGates/tokenEnforcement, called directly.
#include <gtest/gtest.h>

#include "api_fixture.h"
#include "dtoken/validate.h"

namespace dtoken::mock {
namespace {

class active_gate_test : public api_test {
 protected:
  // Creates an ActiveGate token with this body; returns the answer's JSON.
  json::object create_gate(const std::string& body, const std::string& token = {}) {
    const response out = call("POST", "/api/v2/activeGateTokens", body, token);
    EXPECT_EQ(out.status, 201U) << out.body;
    return body_of(out);
  }
};

TEST_F(active_gate_test, create_shows_a_dt0g02_secret_once_and_get_shows_its_metadata) {
  const json::object created =
      create_gate(R"({"name":"ag","activeGateType":"ENVIRONMENT","seedToken":false,)"
                  R"("expirationDate":"now+30d"})");
  const std::string token(created.at("token").as_string());
  const parse_result parsed = parse(token, profile::strict);
  ASSERT_TRUE(parsed.ok()) << token;
  EXPECT_EQ(parsed.value.prefix, "dt0g02");
  EXPECT_EQ(parsed.value.public_part.size(), 8U);
  EXPECT_EQ(created.at("id").as_string(), parsed.value.token_id());
  EXPECT_EQ(created.at("expirationDate").as_string(), "2025-12-28T12:00:00.000Z");

  const response got = call("GET", "/api/v2/activeGateTokens/" + id_of(token));
  ASSERT_EQ(got.status, 200U) << got.body;
  EXPECT_EQ(got.body.find(token.substr(16)), std::string::npos);  // never the secret again
  const json::object metadata = body_of(got);
  EXPECT_EQ(metadata.at("name").as_string(), "ag");
  EXPECT_EQ(metadata.at("owner").as_string(), "alice");  // the caller's owner
  EXPECT_EQ(metadata.at("activeGateType").as_string(), "ENVIRONMENT");
  EXPECT_EQ(metadata.at("seedToken").as_bool(), false);
  EXPECT_EQ(metadata.at("creationDate").as_string(), "2025-11-28T12:00:00.000Z");
  EXPECT_EQ(metadata.at("expirationDate").as_string(), "2025-12-28T12:00:00.000Z");
  // By its whole secret too.
  EXPECT_EQ(call("GET", "/api/v2/activeGateTokens/" + token).status, 200U);
}

TEST_F(active_gate_test, create_validates_its_body) {
  const auto violations_of = [&](const std::string& body) {
    const response out = call("POST", "/api/v2/activeGateTokens", body);
    EXPECT_EQ(out.status, 400U) << body;
    std::string paths;
    const json::object answer = body_of(out);
    for (const json::value& v : answer.at("error").at("constraintViolations").as_array()) {
      paths += std::string(v.at("path").as_string()) + " ";
    }
    return paths;
  };
  EXPECT_EQ(violations_of(R"({})"), "name activeGateType ");
  EXPECT_EQ(violations_of(R"({"name":"x","activeGateType":"MANAGED"})"), "activeGateType ");
  EXPECT_EQ(violations_of(R"({"name":"x","activeGateType":"CLUSTER","seedToken":"yes"})"),
            "seedToken ");
  EXPECT_EQ(violations_of(R"({"name":"x","activeGateType":"CLUSTER","expirationDate":"now-1d"})"),
            "expirationDate ");
  // At most two years ahead.
  EXPECT_EQ(violations_of(R"({"name":"x","activeGateType":"CLUSTER","expirationDate":"now+3y"})"),
            "expirationDate ");
  EXPECT_EQ(call("POST", "/api/v2/activeGateTokens",
                 R"({"name":"x","activeGateType":"CLUSTER","expirationDate":"now+1y"})")
                .status,
            201U);
  expect_error(call("POST", "/api/v2/activeGateTokens", "[1]"), 400, "not a JSON object");
}

TEST_F(active_gate_test, an_active_gate_token_authenticates_no_api_call_and_is_no_api_token) {
  const std::string token(
      create_gate(R"({"name":"ag","activeGateType":"CLUSTER"})").at("token").as_string());
  expect_error(call("GET", "/api/v2/apiTokens", "", token), 401, "Authentication failed");
  expect_error(call("GET", "/api/v2/activeGateTokens", "", token), 401, "Authentication failed");
  // Not listed, looked up or found as an API token, in v2 or v1.
  const response list = call("GET", "/api/v2/apiTokens");
  EXPECT_EQ(list.body.find(id_of(token)), std::string::npos);
  EXPECT_EQ(call("GET", "/api/v1/tokens").body.find(id_of(token)), std::string::npos);
  EXPECT_EQ(call("POST", "/api/v2/apiTokens/lookup", R"({"token":")" + token + R"("})").status,
            404U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens/" + id_of(token)).status, 404U);
  EXPECT_EQ(call("DELETE", "/api/v2/apiTokens/" + id_of(token)).status, 404U);
  // And an API token is no ActiveGate token.
  EXPECT_EQ(call("GET", "/api/v2/activeGateTokens/" + id_of(admin)).status, 400U);
}

TEST_F(active_gate_test, scopes_read_create_or_write) {
  const std::string reader = create("reader", R"(["activeGateTokenManagement.read"])");
  const std::string creator = create("creator", R"(["activeGateTokenManagement.create"])");
  const std::string writer = create("writer", R"(["activeGateTokenManagement.write"])");
  const std::string body = R"({"name":"ag","activeGateType":"ENVIRONMENT"})";
  expect_error(call("POST", "/api/v2/activeGateTokens", body, reader), 403,
               "Use one of: activeGateTokenManagement.create (Create ActiveGate tokens), "
               "activeGateTokenManagement.write (Write ActiveGate tokens)");
  const std::string made(create_gate(body, creator).at("id").as_string());
  create_gate(body, writer);
  EXPECT_EQ(call("GET", "/api/v2/activeGateTokens", "", reader).status, 200U);
  expect_error(call("GET", "/api/v2/activeGateTokens", "", creator), 403,
               "activeGateTokenManagement.read");
  expect_error(call("DELETE", "/api/v2/activeGateTokens/" + made, "", creator), 403,
               "activeGateTokenManagement.write");
  EXPECT_EQ(call("DELETE", "/api/v2/activeGateTokens/" + made, "", writer).status, 204U);
  expect_error(call("GET", "/api/v2/activeGates/tokenEnforcement", "", reader), 403,
               "activeGates.read");
}

TEST_F(active_gate_test, list_pages_in_creation_order_and_delete_removes) {
  std::vector<std::string> ids;
  for (int i = 0; i < 150; ++i) {
    ids.emplace_back(
        create_gate(R"({"name":"ag)" + std::to_string(i) + R"(","activeGateType":"ENVIRONMENT"})")
            .at("id")
            .as_string());
  }
  json::object page = body_of(call("GET", "/api/v2/activeGateTokens"));
  EXPECT_EQ(page.at("totalCount").as_int64(), 150);
  // The API-token list, in either creation order, counts and shows only the admin token.
  for (const char* order : {"", "?sort=%2BcreationDate", "?sort=name"}) {
    const json::object tokens = body_of(call("GET", std::string("/api/v2/apiTokens") + order));
    EXPECT_EQ(tokens.at("totalCount").as_int64(), 1) << order;
    EXPECT_EQ(tokens.at("apiTokens").as_array().size(), 1U) << order;
  }
  EXPECT_EQ(page.at("pageSize").as_int64(), 100);  // the default
  ASSERT_EQ(page.at("activeGateTokens").as_array().size(), 100U);
  EXPECT_EQ(page.at("activeGateTokens").as_array()[0].at("id").as_string(), ids[0]);
  const std::string key(page.at("nextPageKey").as_string());
  page = body_of(call("GET", "/api/v2/activeGateTokens?nextPageKey=" + key));
  ASSERT_EQ(page.at("activeGateTokens").as_array().size(), 50U);
  EXPECT_EQ(page.at("activeGateTokens").as_array()[49].at("id").as_string(), ids[149]);
  EXPECT_TRUE(page.at("nextPageKey").is_null());
  for (const char* bad : {"99", "3001", "x"}) {
    expect_error(call("GET", std::string("/api/v2/activeGateTokens?pageSize=") + bad), 400,
                 "Constraints violated.");
  }
  EXPECT_EQ(body_of(call("GET", "/api/v2/activeGateTokens?pageSize=3000"))
                .at("activeGateTokens")
                .as_array()
                .size(),
            150U);
  expect_error(call("GET", "/api/v2/activeGateTokens?nextPageKey=broken"), 400, "nextPageKey");
  expect_error(call("GET", "/api/v2/activeGateTokens?pageSize=100&nextPageKey=" + key), 400,
               "nextPageKey must be the only query parameter");

  EXPECT_EQ(call("DELETE", "/api/v2/activeGateTokens/" + ids[3]).status, 204U);
  expect_error(call("GET", "/api/v2/activeGateTokens/" + ids[3]), 404, "not found");
  expect_error(call("DELETE", "/api/v2/activeGateTokens/" + ids[3]), 404, "not found");
  expect_error(call("GET", "/api/v2/activeGateTokens/not-an-id"), 400, "not an ActiveGate");
  EXPECT_EQ(body_of(call("GET", "/api/v2/activeGateTokens")).at("totalCount").as_int64(), 149);
}

TEST_F(active_gate_test, token_enforcement_and_a_seeded_active_gate_token) {
  const json::object enforcement = body_of(call("GET", "/api/v2/activeGates/tokenEnforcement"));
  EXPECT_EQ(enforcement.at("manualEnforced").as_bool(), false);
  EXPECT_EQ(enforcement.at("autoEnforced").as_bool(), false);

  const std::string seeded =
      "dt0g02.4KWZO5EF.XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E";
  ASSERT_TRUE(api.seed(seeded, "seeded gate", "ops"));
  const json::object got = body_of(call("GET", "/api/v2/activeGateTokens/dt0g02.4KWZO5EF"));
  EXPECT_EQ(got.at("name").as_string(), "seeded gate");
  EXPECT_EQ(got.at("activeGateType").as_string(), "ENVIRONMENT");
  expect_error(call("GET", "/api/v2/apiTokens", "", seeded), 401, "Authentication failed");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").body.find("dt0g02"), std::string::npos);
}

}  // namespace
}  // namespace dtoken::mock
