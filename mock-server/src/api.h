// The token API of a Dynatrace environment, as plain functions of a request: no sockets here
// (server.h carries requests over HTTP). Routes, bodies, status codes and error envelopes follow
// ../shared/reference/dynatrace-token-facts.md sections 2 to 4; README.md lists the choices made
// where that file marks a fact as open.
#ifndef DTOKEN_MOCK_API_H
#define DTOKEN_MOCK_API_H

#include <boost/json/value.hpp>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "state_file.h"
#include "token_store.h"

namespace dtoken::mock {

struct request {
  std::string method;  // "GET"
  std::string target;  // "/api/v2/apiTokens?pageSize=100"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address = "127.0.0.1";

  // The first header named `name` (case-insensitive).
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

struct response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string content_type = "application/json;charset=utf-8";
  std::string body;   // empty for 204
  millis delay = 0;   // wait this long before answering (a latency fault)
  bool drop = false;  // close the connection without an answer (a dropped-connection fault)
};

// The path after one of the three prefixes the API answers under (/api/, /e/{environment}/api/,
// /platform/classic/environment-api/): "/e/abc/api/v2/apiTokens?x" -> "v2/apiTokens"; nullopt
// when the target has none of them.
std::optional<std::string> api_path(std::string_view target);

// The error envelope {"error":{"code":status,"message":...}} with the JSON content type.
response error_response(unsigned status, const std::string& message);
// `body` as JSON, with the JSON content type.
response json_response(unsigned status, const boost::json::value& body);

struct api_options {
  std::string environment_id = "mock00001";
  std::string cluster_version = "1.254.47.20221102-165301";
  std::function<millis()> clock;  // now, in ms; the system clock when empty
  unsigned rate_limit = 0;        // requests per minute per token (429 beyond); 0: no limit
};

// One log line's worth of a handled request: never a secret.
struct request_record {
  std::string method;
  std::string path;      // without the query string
  std::string token_id;  // of the calling token; empty when none was recognised
  unsigned status = 0;
  millis time = 0;
};

class token_api {
 public:
  explicit token_api(api_options options = {});

  // Handles one request; thread-safe. Never throws: an internal failure is a 500 envelope.
  // `record` (when given) receives what a log line may say about it.
  response handle(const request& incoming, request_record* record = nullptr);

  // A new token with every scope, owned by `owner`; returns its full text (shown once).
  std::string create_admin_token(const std::string& owner = "admin");
  // Adds a token whose secret is known (a fixture), with every scope unless `scopes` is given.
  // False when `token` is not a valid token or its ID exists.
  bool seed(std::string_view token, const std::string& name, const std::string& owner,
            const std::vector<std::string>& scopes = {});

  // The time now, by the clock of the options.
  [[nodiscard]] millis now() const;

  // The state now (tokens, tenant token) becomes the one reset() returns to.
  void mark_seeded();
  // Back to the state of the last mark_seeded() (the start state), rate-limit counts cleared.
  // Throws state_error when a state file cannot be written.
  void reset();
  // Keeps the state in `file` from now on: a file that holds a state replaces the state in
  // memory; a new one receives it. Every change is written before it is answered (a failed
  // write answers 503). Throws state_error.
  void attach_state(state_file& file);

 private:
  struct context;
  response route(context& call);
  response v1_list(context& call);
  response v1_create(context& call);
  std::variant<std::string, response> issue(context& call, std::string name,
                                            std::vector<std::string> scopes, bool personal,
                                            std::optional<millis> expires);
  std::variant<token_record*, response> find_by_body(std::string_view body,
                                                     const std::string& not_found);

  api_options options_;
  mutable std::mutex mutex_;
  token_store store_;
  tenant_tokens tenant_;
  token_store seeded_store_;
  tenant_tokens seeded_tenant_;
  struct usage {
    millis window_start = 0;
    unsigned count = 0;
  };
  std::map<std::string, usage, std::less<>> usage_;  // per token ID, for the rate limit
  state_file* state_ = nullptr;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_API_H
