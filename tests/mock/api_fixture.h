// The fixture of the token API's handler tests: a token_api with a clock the test moves, an
// admin token, and helpers to call it without sockets.
#ifndef DTOKEN_TESTS_MOCK_API_FIXTURE_H
#define DTOKEN_TESTS_MOCK_API_FIXTURE_H

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "api.h"
#include "dtoken/validate.h"

namespace dtoken::mock {

namespace json = boost::json;

constexpr millis start_time = 1'764'331'200'000;  // 2025-11-28T12:00:00.000Z

class api_test : public ::testing::Test {
 protected:
  api_test() : api(make_options(now)) { admin = api.create_admin_token("alice"); }

  static api_options make_options(millis& clock) {
    api_options options;
    options.clock = [&clock] { return clock; };
    return options;
  }

  response call(const std::string& method, const std::string& target, const std::string& body = {},
                const std::string& token = {}) {
    request in;
    in.method = method;
    in.target = target;
    in.body = body;
    in.remote_address = "10.0.0.7";
    const std::string& used = token.empty() ? admin : token;
    if (used != "none") in.headers.emplace_back("Authorization", "Api-Token " + used);
    return api.handle(in);
  }

  static json::object body_of(const response& out) { return json::parse(out.body).as_object(); }

  // Creates a token with `scopes` (a JSON array text) and returns its secret.
  std::string create(const std::string& name, const std::string& scopes,
                     const std::string& extra = {}, const std::string& token = {}) {
    const response out =
        call("POST", "/api/v2/apiTokens",
             R"({"name":")" + name + R"(","scopes":)" + scopes + extra + "}", token);
    EXPECT_EQ(out.status, 201U) << out.body;
    return std::string(body_of(out)["token"].as_string());
  }

  static std::string id_of(const std::string& token) { return std::string(token_id_of(token)); }

  millis now = start_time;
  token_api api;
  std::string admin;
};

inline void expect_error(const response& out, unsigned status, const std::string& message_part) {
  EXPECT_EQ(out.status, status) << out.body;
  EXPECT_EQ(out.content_type, "application/json;charset=utf-8");
  const json::object body = json::parse(out.body).as_object();
  ASSERT_TRUE(body.contains("error")) << out.body;
  EXPECT_EQ(body.at("error").at("code").as_int64(), status);
  EXPECT_NE(std::string(body.at("error").at("message").as_string()).find(message_part),
            std::string::npos)
      << out.body;
}

}  // namespace dtoken::mock

#endif  // DTOKEN_TESTS_MOCK_API_FIXTURE_H
