// The token API of a Dynatrace environment, as plain functions of a request: no sockets here
// (server.h carries requests over HTTP). token_api finds the route (route_table.h),
// authenticates the caller and checks its scope and rate limit (auth.h), runs the handler of the
// operation (handlers.h: one file per API family) and writes what it changed to the state file.
// Routes, bodies, status codes and error envelopes follow
// ../shared/reference/dynatrace-token-facts.md sections 2 to 4; README.md lists the choices made
// where that file marks a fact as open.
#ifndef DTOKEN_MOCK_API_H
#define DTOKEN_MOCK_API_H

#include <atomic>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth.h"
#include "message.h"
#include "seeds.h"
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

// Whether a request's changes stay (a normal request) or are dropped (a fault that delivers the
// real answer: a fault never changes the state).
enum class effect : std::uint8_t { apply, discard };

// The test clock (POST /_dtoken/clock): the base clock moved by an offset, or stopped.
struct clock_setting {
  millis offset = 0;
  std::optional<millis> frozen_at;
};

class token_api {
 public:
  explicit token_api(api_options options = {});

  // Handles one request; thread-safe. Never throws: an internal failure is a 500 envelope.
  // `record` (when given) receives what a log line may say about it. With effect::discard the
  // answer is the real one, made on a copy of the state that is then dropped: no change, no use
  // noted, no rate-limit count.
  response handle(const request& incoming, request_record* record = nullptr,
                  effect changes = effect::apply);

  // A new token with every scope, owned by `owner`; returns its full text (shown once).
  std::string create_admin_token(const std::string& owner = "admin");
  // Adds a token whose secret is known (a fixture), with every scope unless `scopes` is given.
  // An ActiveGate token (dt0g..) becomes one of /v2/activeGateTokens, with no scopes. False when
  // `token` is not a valid token or its ID exists.
  bool seed(std::string_view token, const std::string& name, const std::string& owner,
            const std::vector<std::string>& scopes = {});
  // Adds a seed (seeds.h): nullopt, or why it is refused (its ID exists, its type or a scope is
  // unknown). A seed added after mark_seeded() is also part of the state reset() returns to.
  std::optional<std::string> seed(const seed_spec& seed);
  // Adds every seed of `batch`, or none of them: nullopt, or why a seed is refused (in a batch
  // of more than one, "seed n: ...").
  std::optional<std::string> seed(std::span<const seed_spec> batch);
  // When the state (restored from a state file) holds exactly this token: it is a seed from now
  // on, kept as it is, and true.
  bool adopt_seed(std::string_view token);
  // The seeds still in the start state, in the order they came (admin token included).
  [[nodiscard]] std::vector<token_record> seeds() const;
  // Removes a seed from the state and from the start state; false when no seed has this ID.
  bool remove_seed(std::string_view id);

  // The time now: the clock of the options (the system clock when none), moved by the test
  // clock.
  [[nodiscard]] millis now() const;
  // The test clock: `time` from now on (it keeps running unless `freeze`), moved by `by`, or back
  // to the base clock.
  void set_clock(millis time, bool freeze);
  void advance_clock(millis by);
  void real_clock();
  [[nodiscard]] clock_setting clock() const;
  // The rate limit of the options (requests per minute per token; 0: none).
  [[nodiscard]] unsigned rate_limit() const { return options_.rate_limit; }

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
  std::variant<prepared_call, response> prepare(const request& incoming, request_record& record,
                                                effect changes);
  // Runs a prepared call's handler (the lock held: shared for an operation that only reads).
  response run(const request& incoming, prepared_call& call, millis now);
  // Writes what the request changed to the state file: the 503 to answer if that fails.
  std::optional<response> persist(const std::string& caller_id);
  // The answer of effect::discard (the lock held exclusively).
  response answer_on_copy(const request& incoming, request_record& record);
  [[nodiscard]] millis base_now() const;

  api_options options_;
  // Shared while a request is authenticated and while a handler that only reads runs, so that
  // lists render in parallel; exclusive for a handler that changes the state.
  mutable std::shared_mutex mutex_;
  token_store store_;
  token_store seeded_store_;
  rate_limiter limiter_;
  state_file* state_ = nullptr;
  std::vector<std::string> seed_ids_;  // in the order they came
  bool started_ = false;               // mark_seeded() was called
  // The test clock: an offset, and the frozen time when frozen_ is set (read on every request).
  std::atomic<millis> clock_offset_{0};
  std::atomic<millis> frozen_at_{0};
  std::atomic<bool> frozen_{false};
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_API_H
