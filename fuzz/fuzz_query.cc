// Fuzzes the list's query parameters: the input, split at NUL bytes, gives the values of fields,
// sort, apiTokenSelector, from, to, nextPageKey and pageSize (an empty value leaves the parameter
// out), sent URL-encoded to GET /api/v2/apiTokens over a store of 260 tokens of three owners,
// personal or not, used or not. Oracles:
//   - the answer is 200 or a 400 envelope whose violations are all in the QUERY;
//   - a page holds at most pageSize tokens of the store, no field the API does not document,
//     never a secret; without a filter the total is the whole store;
//   - a page's nextPageKey, sent alone, gives the next page: 200, the same total, other tokens;
//   - a time that `from`/`to` accept prints with format_date and reads back to the same time.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "api.h"
#include "time_format.h"
#include "url.h"

namespace {

namespace json = boost::json;
using dtoken::mock::millis;

constexpr millis start = 1'764'331'200'000;  // 2025-11-28T12:00:00.000Z
constexpr std::size_t store_size = 260;
const std::set<std::string, std::less<>> documented_fields = {"id",
                                                              "name",
                                                              "enabled",
                                                              "personalAccessToken",
                                                              "owner",
                                                              "creationDate",
                                                              "expirationDate",
                                                              "lastUsedDate",
                                                              "lastUsedIpAddress",
                                                              "modifiedDate",
                                                              "scopes",
                                                              "additionalMetadata"};

[[noreturn]] void fail(const char* what, const std::string& target, const std::string& answer) {
  std::fprintf(stderr, "fuzz_query: %s\nrequest: %.600s\nanswer: %.600s\n", what, target.c_str(),
               answer.c_str());
  std::abort();
}

struct world {
  millis now = start;
  dtoken::mock::token_api api{options(now)};
  std::string admin;
  std::vector<std::string> secrets;  // of every token, to look for in answers

  static dtoken::mock::api_options options(millis& clock) {
    dtoken::mock::api_options out;
    out.clock = [&clock] { return clock; };
    return out;
  }

  dtoken::mock::response get(const std::string& target, const std::string& token) {
    dtoken::mock::request in;
    in.method = "GET";
    in.target = target;
    in.headers.emplace_back("Authorization", "Api-Token " + token);
    return api.handle(in);
  }

  world() {
    const std::string owners[] = {api.create_admin_token("admin"), api.create_admin_token("bob"),
                                  api.create_admin_token("carol")};
    admin = owners[0];
    secrets.assign(std::begin(owners), std::end(owners));
    const char* scope_sets[] = {R"(["metrics.read"])", R"(["apiTokens.read","metrics.read"])",
                                R"(["entities.read","metrics.read"])"};
    while (secrets.size() < store_size) {
      const std::size_t i = secrets.size();
      now += 60'000 * static_cast<millis>(i % 7);
      json::object body{{"name", "token " + std::to_string(i % 37)},
                        {"scopes", json::parse(scope_sets[i % 3])}};
      if (i % 5 == 0) body["personalAccessToken"] = true;
      if (i % 4 == 0) body["expirationDate"] = "now+" + std::to_string(i) + "d";
      dtoken::mock::request in;
      in.method = "POST";
      in.target = "/api/v2/apiTokens";
      in.body = json::serialize(body);
      in.headers.emplace_back("Authorization", "Api-Token " + owners[i % 3]);
      const dtoken::mock::response made = api.handle(in);
      if (made.status != 201) fail("setup: create failed", in.body, made.body);
      secrets.emplace_back(json::parse(made.body).as_object().at("token").as_string());
      // A third of the tokens are used, at different times.
      if (i % 3 == 1) get("/api/v1/config/clusterversion", secrets.back());
    }
    now += 86'400'000;
  }
};

// A page: the IDs it holds; checks what every 200 must satisfy.
std::set<std::string> check_page(const world& the, const std::string& target,
                                 const dtoken::mock::response& got, std::uint64_t page_size) {
  const json::object page = json::parse(got.body).as_object();
  const json::array& tokens = page.at("apiTokens").as_array();
  if (page.at("pageSize").as_int64() != static_cast<std::int64_t>(page_size) ||
      tokens.size() > page_size ||
      page.at("totalCount").as_int64() < static_cast<std::int64_t>(tokens.size()) ||
      page.at("totalCount").as_int64() > static_cast<std::int64_t>(store_size)) {
    fail("a page whose sizes do not add up", target, got.body);
  }
  std::set<std::string> ids;
  for (const json::value& token : tokens) {
    for (const auto& field : token.as_object())
      if (!documented_fields.contains(field.key())) fail("an undocumented field", target, got.body);
    if (!ids.emplace(token.as_object().at("id").as_string()).second)
      fail("a token twice on a page", target, got.body);
  }
  for (const std::string& secret : the.secrets)
    if (got.body.find(secret.substr(32)) != std::string::npos)
      fail("a secret in a list", target, got.body);
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static world the;
  static constexpr const char* names[] = {"fields", "sort",        "apiTokenSelector", "from",
                                          "to",     "nextPageKey", "pageSize"};
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string target = "/api/v2/apiTokens";
  bool filtered = false;
  std::uint64_t page_size = 200;
  std::size_t at = 0;
  for (std::size_t n = 0; n < std::size(names) && at <= input.size(); ++n) {
    const std::size_t end = std::min(input.find('\0', at), input.size());
    const std::string_view value = input.substr(at, end - at);
    at = end + 1;
    if (value.empty()) continue;
    target += (target.find('?') == std::string::npos ? '?' : '&');
    target += names[n];
    target += '=';
    target += dtoken::mock::url_encode(value);
    const std::string_view name = names[n];
    if (name == "apiTokenSelector" || name == "from" || name == "to" || name == "nextPageKey") {
      filtered = true;
    }
    if (name == "pageSize") page_size = 0;  // known once the answer is in
    if (name == "from" || name == "to") {
      // The time parser: what it accepts prints and reads back the same.
      const auto when = dtoken::mock::parse_time(value, the.now);
      if (when && *when >= 0 && *when <= 253'402'300'799'999) {
        const std::string printed = dtoken::mock::format_date(*when);
        if (dtoken::mock::parse_time(printed, the.now) != when)
          fail("a time that does not read back", std::string(value), printed);
      }
    }
  }

  const dtoken::mock::response got = the.get(target, the.admin);
  if (got.status == 400) {
    const json::object answer = json::parse(got.body).as_object();
    const json::object& error = answer.at("error").as_object();
    if (error.at("code").as_int64() != 400) fail("an envelope without its code", target, got.body);
    if (const json::value* violations = error.if_contains("constraintViolations")) {
      for (const json::value& v : violations->as_array())
        if (v.as_object().at("parameterLocation").as_string() != "QUERY")
          fail("a query violation not in the QUERY", target, got.body);
    }
    return 0;
  }
  if (got.status != 200) fail("neither 200 nor 400", target, got.body);
  if (page_size == 0)
    page_size =
        static_cast<std::uint64_t>(json::parse(got.body).as_object().at("pageSize").as_int64());
  const std::set<std::string> first = check_page(the, target, got, page_size);
  const json::object page = json::parse(got.body).as_object();
  if (!filtered && page.at("totalCount").as_int64() != static_cast<std::int64_t>(store_size))
    fail("an unfiltered list without every token", target, got.body);

  // The cursor, alone: the next page of the same list.
  const json::value& key = page.at("nextPageKey");
  if (key.is_null()) return 0;
  const std::string next_target = "/api/v2/apiTokens?nextPageKey=" +
                                  dtoken::mock::url_encode(std::string_view(key.as_string()));
  const dtoken::mock::response next = the.get(next_target, the.admin);
  if (next.status != 200) fail("a nextPageKey the API refuses", next_target, next.body);
  const std::set<std::string> second = check_page(the, next_target, next, page_size);
  if (json::parse(next.body).as_object().at("totalCount") != page.at("totalCount"))
    fail("the next page counts another list", next_target, next.body);
  for (const std::string& id : second)
    if (first.contains(id)) fail("a token on two pages", next_target, next.body);
  return 0;
}
