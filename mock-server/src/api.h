// The token API of a Dynatrace environment, as plain functions of a request: no sockets here
// (server.h carries requests over HTTP). token_api finds the route (route_table.h),
// authenticates the caller and checks its scope and rate limit (auth.h), runs the handler of the
// operation (handlers.h: one file per API family) and writes what it changed to the state file.
// Routes, bodies, status codes and error envelopes follow
// ../shared/reference/dynatrace-token-facts.md sections 2 to 4; README.md lists the choices made
// where that file marks a fact as open.
#ifndef DTOKEN_MOCK_API_H
#define DTOKEN_MOCK_API_H

#include <functional>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth.h"
#include "message.h"
#include "state_file.h"
#include "token_store.h"
#include "url.h"

namespace dtoken::mock {

struct route;

// The version /api/v1/config/clusterversion reports by default: a current one (clients such as
// Dynatrace's MCP server refuse versions under 1.328.0).
inline constexpr const char* default_cluster_version = "1.330.26.20261118-101552";

struct api_options {
  std::string environment_id = "mock00001";
  std::string cluster_version = default_cluster_version;
  std::function<millis()> clock;  // now, in ms; the system clock when empty
  unsigned rate_limit = 0;        // requests per minute per token (429 beyond); 0: no limit
  // The OneAgent and ActiveGate installer versions the deployment API offers (the greatest is
  // the latest), and the network zones it knows (--installer-versions, --network-zones).
  std::vector<std::string> installer_versions = {
      "1.329.42.20261113-094512", "1.327.38.20261020-131608", "1.325.61.20260925-085110"};
  std::vector<std::string> network_zones = {"default"};
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
  // An ActiveGate token (dt0g..) becomes one of /v2/activeGateTokens, with no scopes. False when
  // `token` is not a valid token or its ID exists.
  bool seed(std::string_view token, const std::string& name, const std::string& owner,
            const std::vector<std::string>& scopes = {});

  // The time now, by the clock of the options.
  [[nodiscard]] millis now() const;

  // Sets the token settings (newDynatraceTokenFormatEnabled, patEnabled) as at start: no
  // revision of the settings object, written to the state file when one is attached.
  // (A property not given keeps its value.)
  void configure_settings(std::optional<bool> new_format, std::optional<bool> pat_enabled);

  // The state now (tokens, tenant token, settings) becomes the one reset() returns to.
  void mark_seeded();
  // Back to the state of the last mark_seeded() (the start state), rate-limit counts cleared.
  // Throws state_error when a state file cannot be written.
  void reset();
  // Keeps the state in `file` from now on: a file that holds a state replaces the state in
  // memory; a new one receives it. Every change is written before it is answered (a failed
  // write answers 503). Throws state_error.
  void attach_state(state_file& file);

 private:
  // An authenticated request on its way to its handler.
  struct prepared_call {
    const route* operation = nullptr;
    std::vector<std::string> params;
    query_list query;
    std::string caller_id;
  };
  // Routes, authenticates and admits a request (the shared lock held; the use of the token is
  // noted under the store's lock of uses): the call to run, or the answer already.
  std::variant<prepared_call, response> prepare(const request& incoming, request_record& record);
  // Runs a prepared call's handler (the lock held: shared for an operation that only reads).
  response run(const request& incoming, prepared_call& call, millis now);
  // Writes what the request changed to the state file: the 503 to answer if that fails.
  std::optional<response> persist(const std::string& caller_id);

  api_options options_;
  // Shared while a request is authenticated and while a handler that only reads runs, so that
  // lists render in parallel; exclusive for a handler that changes the state.
  mutable std::shared_mutex mutex_;
  token_store store_;
  token_store seeded_store_;
  rate_limiter limiter_;
  state_file* state_ = nullptr;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_API_H
