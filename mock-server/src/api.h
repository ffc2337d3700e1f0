// The token API of a Dynatrace environment, as plain functions of a request: no sockets here
// (server.h carries requests over HTTP). Routes, bodies, status codes and error envelopes follow
// ../shared/reference/dynatrace-token-facts.md sections 2 to 4; README.md lists the choices made
// where that file marks a fact as open.
#ifndef DTOKEN_MOCK_API_H
#define DTOKEN_MOCK_API_H

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  std::string body;  // empty for 204
};

struct api_options {
  std::string environment_id = "mock00001";
  std::string cluster_version = "1.254.47.20221102-165301";
  std::function<millis()> clock;  // now, in ms; the system clock when empty
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

 private:
  struct context;
  response route(context& call);
  response v1_list(context& call);
  response v1_create(context& call);
  millis now() const;

  api_options options_;
  mutable std::mutex mutex_;
  token_store store_;
  tenant_tokens tenant_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_API_H
