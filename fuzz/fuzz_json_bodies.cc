// Fuzzes the JSON bodies the mock reads: the first byte picks an endpoint (v2 create, update and
// lookup; v1 create and update; the control plane's seeds, faults and clock), the rest is the
// body. Oracles, checked against Boost.JSON's own reading of the body:
//   - a body that is not a JSON object gets 400 from the token API; nothing answers 5xx;
//   - every error is the JSON envelope, with no secret in it, and changes nothing (control
//     requests included: no token, no fault rule, no move of the clock);
//   - what an accepted body asked for is what the API then shows: the name, the scopes (in order,
//     without repeats), the flags; a created token is of the documented form; seeds are found in
//     their family and listed; an accepted fault rule is listed, and a request it hits changes
//     no state.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "control.h"
#include "dtoken/validate.h"

namespace {

namespace json = boost::json;
using dtoken::mock::request;
using dtoken::mock::response;

constexpr std::string_view admin =
    "dt0c01.DTOKENFIXTUREUBRCJ4DTPWL."
    "SPZU25JOW7F6K7GJXS3FXXIGL6XKF3ZMSBGFJNWNFKCSFIVLCEGHH5DUDHAXIQFB";
// The token that updates and lookups aim at (a second fixture of vectors/).
constexpr std::string_view target =
    "dt0c01.DTOKENFIXTURE2LMXEEL7R5F."
    "WFLSURSOL7CMLYVJTH4C642FZLPQAK7QQHTDLBD4BI22YDCMPOQDUACAAGIUYTGP";
constexpr std::string_view target_id = "dt0c01.DTOKENFIXTURE2LMXEEL7R5F";

[[noreturn]] void fail(const char* what, std::string_view body, const std::string& answer) {
  std::fprintf(stderr, "fuzz_json_bodies: %s\nanswer: %.600s\nbody: %.600s\n", what, answer.c_str(),
               std::string(body).c_str());
  std::abort();
}

// A fresh mock per input, on a clock that stands still: two seeded tokens, no other state.
dtoken::mock::api_options fixed_clock() {
  dtoken::mock::api_options options;
  options.clock = [] { return dtoken::mock::millis{1'764'331'200'000}; };
  return options;
}

struct world {
  dtoken::mock::token_api api{fixed_clock()};
  dtoken::mock::mock_service service{api, "fuzz"};
  world() {
    if (!api.seed(admin, "admin", "admin") ||
        !api.seed(target, "target", "bob", {"metrics.read", "apiTokens.read"})) {
      std::abort();
    }
    api.mark_seeded();
  }

  // A request as a client sends it: through the control plane and its fault rules.
  response call(std::string method, std::string target_path, std::string body = {}) {
    return service.handle(make(std::move(method), std::move(target_path), std::move(body)));
  }
  // A request straight to the token API, past the fault rules: what the API holds, even while a
  // rule changes the answers clients see.
  response call_api(std::string method, std::string target_path) {
    return api.handle(make(std::move(method), std::move(target_path), {}));
  }

  static request make(std::string method, std::string target_path, std::string body) {
    request in;
    in.method = std::move(method);
    in.target = std::move(target_path);
    in.body = std::move(body);
    in.headers = {{"Authorization", "Api-Token " + std::string(admin)},
                  {"X-Dtoken-Control-Key", "fuzz"},
                  {"Content-Type", "application/json"}};
    return in;
  }

  // Every token as the API lists it, every field, the ActiveGate tokens, the seeds, the fault
  // rules and the clock: the whole visible state.
  std::string state() {
    return tokens() + call_api("GET", "/api/v2/activeGateTokens").body +
           call("GET", "/_dtoken/seeds").body + call("GET", "/_dtoken/faults").body +
           call("GET", "/_dtoken/clock").body;
  }

  // Every API token with every field, as the API holds them.
  std::string tokens() {
    return call_api("GET", "/api/v2/apiTokens?pageSize=10000&fields=" +
                               std::string("%2BpersonalAccessToken,%2BexpirationDate,%2Bscopes,"
                                           "%2BmodifiedDate"))
        .body;
  }

  json::object token(std::string_view id) {
    const response got = call("GET", "/api/v2/apiTokens/" + std::string(id));
    if (got.status != 200) fail("a token the API just accepted is gone", id, got.body);
    return json::parse(got.body).as_object();
  }
};

// The scopes of an accepted body as the API keeps them: in order, without repeats.
json::array kept_scopes(const json::value& given) {
  json::array out;
  for (const json::value& scope : given.as_array())
    if (std::find(out.begin(), out.end(), scope) == out.end()) out.push_back(scope);
  return out;
}

const json::value* member(const json::object* object, std::string_view name) {
  const json::value* value = object != nullptr ? object->if_contains(name) : nullptr;
  return value == nullptr || value->is_null() ? nullptr : value;
}

// Each accepted seed is found in its family (ActiveGate or API tokens) and listed.
void check_seeds(world& the, const json::value& parsed, std::string_view body) {
  const json::array seeds = parsed.is_array() ? parsed.as_array() : json::array{parsed};
  const std::string listed = the.call("GET", "/_dtoken/seeds").body;
  for (const json::value& seed : seeds) {
    const json::value* given = seed.as_object().if_contains("token");
    if (given == nullptr) continue;  // tokenSettings alone
    const std::string token(given->as_string());
    const std::string_view id = dtoken::token_id_of(token);
    const response found = token.starts_with("dt0g")
                               ? the.call("GET", "/api/v2/activeGateTokens/" + std::string(id))
                               : the.call("POST", "/api/v2/apiTokens/lookup",
                                          json::serialize(json::object{{"token", token}}));
    if (found.status != 200) fail("a seed not found in its family", body, found.body);
    if (!id.empty() && listed.find(std::string(id)) == std::string::npos)
      fail("a seed not listed", body, listed);
  }
}

// An accepted rule is listed; a create it may hit changes nothing when it is hit.
void check_fault(world& the, std::string_view body) {
  const response listed = the.call("GET", "/_dtoken/faults");
  if (json::parse(listed.body).as_object().at("faults").as_array().size() != 1)
    fail("a fault rule accepted and not listed", body, listed.body);
  // (The rule may hit the lists too, a `mutate` one with a new mutation each time: the state is
  // read past the rules.)
  const std::string before = the.tokens();
  the.call("POST", "/api/v2/apiTokens", R"({"name":"t","scopes":["metrics.read"]})");
  const json::array entries =
      json::parse(the.call("GET", "/_dtoken/journal?method=POST").body).at("entries").as_array();
  if (!entries.empty() && !entries.back().at("fault").is_null() && the.tokens() != before) {
    fail("a request hit by a fault changed the state", body, listed.body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  world the;
  const unsigned endpoint = data[0] % 8U;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  boost::system::error_code failure;
  const json::value parsed = json::parse(body, failure);
  const json::object* object = !failure ? parsed.if_object() : nullptr;

  static constexpr const char* routes[][2] = {
      {"POST", "/api/v2/apiTokens"},
      {"PUT", "/api/v2/apiTokens/dt0c01.DTOKENFIXTURE2LMXEEL7R5F"},
      {"POST", "/api/v2/apiTokens/lookup"},
      {"POST", "/api/v1/tokens"},
      {"PUT", "/api/v1/tokens/dt0c01.DTOKENFIXTURE2LMXEEL7R5F"},
      {"POST", "/_dtoken/seeds"},
      {"POST", "/_dtoken/faults"},
      {"POST", "/_dtoken/clock"}};
  const bool control = endpoint >= 5;
  const std::string before = the.state();
  const response got = the.call(routes[endpoint][0], routes[endpoint][1], std::string(body));

  if (got.status < 200 || got.status >= 500) fail("a status out of 2xx-4xx", body, got.body);
  if (got.status >= 400) {
    json::error_code envelope_failure;
    const json::value answer = json::parse(got.body, envelope_failure);
    const json::value* inner =
        !envelope_failure && answer.is_object() ? answer.as_object().if_contains("error") : nullptr;
    const json::object* error = inner != nullptr ? inner->if_object() : nullptr;
    if (error == nullptr || error->if_contains("code") == nullptr ||
        error->at("code") != json::value(got.status) ||
        got.content_type != "application/json;charset=utf-8") {
      fail("an error without the envelope", body, got.body);
    }
    if (got.body.find(admin.substr(32)) != std::string::npos ||
        got.body.find(target.substr(32)) != std::string::npos) {
      fail("a secret in an error", body, got.body);
    }
    if (the.state() != before) fail("an error that changed the state", body, got.body);
    return 0;
  }
  if (!control && object == nullptr)
    fail("a body that is no JSON object was accepted", body, got.body);

  switch (endpoint) {
    case 0:
    case 3: {  // create, v2 and v1: the new token shows what the body asked for
      if (got.status != 201) fail("create did not answer 201", body, got.body);
      const std::string token(json::parse(got.body).as_object().at("token").as_string());
      if (!dtoken::is_valid(token, dtoken::profile::documented))
        fail("a created token not of the documented form", body, got.body);
      const json::object shown = the.token(token.substr(0, token.size() - 65));
      const json::value* personal =
          endpoint == 0 ? member(object, "personalAccessToken") : nullptr;  // v1 has no PATs
      if (shown.at("name") != *member(object, "name") ||
          shown.at("scopes").as_array() != kept_scopes(*member(object, "scopes")) ||
          shown.at("personalAccessToken").as_bool() !=
              (personal != nullptr && personal->as_bool()) ||
          shown.at("owner").as_string() != "admin") {
        fail("a created token differs from its body", body, json::serialize(shown));
      }
      break;
    }
    case 1:
    case 4: {  // update, v2 and v1: what the body names changed, the rest did not
      if (got.status != 204) fail("update did not answer 204", body, got.body);
      const json::object shown = the.token(target_id);
      const json::value* name = member(object, "name");
      const json::value* scopes = member(object, "scopes");
      const json::value* flag = member(object, endpoint == 1 ? "enabled" : "revoked");
      const bool enabled = flag == nullptr || (endpoint == 1 ? flag->as_bool() : !flag->as_bool());
      const json::value expected_scopes =
          scopes != nullptr ? json::value(kept_scopes(*scopes))
                            : json::value(json::array{"metrics.read", "apiTokens.read"});
      if (shown.at("name") != (name != nullptr ? *name : json::value("target")) ||
          shown.at("scopes") != expected_scopes || shown.at("enabled").as_bool() != enabled) {
        fail("an update differs from its body", body, json::serialize(shown));
      }
      break;
    }
    case 2: {  // lookup: the token the body names
      const json::value& token = *member(object, "token");
      const std::string_view id = token.as_string() == admin ? admin.substr(0, 31) : target_id;
      if (json::parse(got.body).as_object().at("id").as_string() != id)
        fail("lookup found another token", body, got.body);
      break;
    }
    case 5:
      check_seeds(the, parsed, body);
      break;
    case 6:
      check_fault(the, body);
      break;
    default: {  // clock: it says what it was set to
      const json::object clock = json::parse(got.body).as_object();
      if (!clock.contains("now") || !clock.contains("offset_ms"))
        fail("a clock answer without the time", body, got.body);
      break;
    }
  }
  return 0;
}
