// A mock_service on a test clock with an admin token, and calls to it without sockets: the
// fixture of the control-plane tests.
#ifndef DTOKEN_TESTS_MOCK_CONTROL_FIXTURE_H
#define DTOKEN_TESTS_MOCK_CONTROL_FIXTURE_H

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "control.h"

namespace dtoken::mock {

namespace json = boost::json;

inline const std::string fixture =
    "dt0c01.ST2EY72KQINMH574WMNVI7YN."
    "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";

class control_test : public ::testing::Test {
 protected:
  control_test() : api(options(clock)), service(api, "k3y") {
    admin = api.create_admin_token();
    api.mark_seeded();
  }

  static api_options options(millis& now) {
    api_options out;
    out.clock = [&now] { return now; };
    return out;
  }

  response call(const std::string& method, const std::string& target, const std::string& body = {},
                bool control_key = false, const std::string& token = {}) {
    request in;
    in.method = method;
    in.target = target;
    in.body = body;
    if (control_key) in.headers.emplace_back("X-Dtoken-Control-Key", "k3y");
    in.headers.emplace_back("Authorization", "Api-Token " + (token.empty() ? admin : token));
    return service.handle(in);
  }
  response control(const std::string& method, const std::string& what,
                   const std::string& body = {}) {
    return call(method, "/_dtoken/" + what, body, true);
  }
  static json::object body_of(const response& out) { return json::parse(out.body).as_object(); }
  std::int64_t token_count() {
    return body_of(call("GET", "/api/v2/apiTokens")).at("totalCount").as_int64();
  }

  millis clock = 1'764'331'200'000;
  token_api api;
  mock_service service;
  std::string admin;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_TESTS_MOCK_CONTROL_FIXTURE_H
