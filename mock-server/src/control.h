// The control plane for test harnesses, under /_dtoken/ with its own key: reset to the seeded
// state, add seed tokens, the request journal, and fault rules. mock_service puts it in front of
// the token API: every request goes through handle().
#ifndef DTOKEN_MOCK_CONTROL_H
#define DTOKEN_MOCK_CONTROL_H

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "api.h"
#include "url.h"

namespace dtoken::mock {

// A fault for the requests that match: method ("" any) and path (a prefix of the path after the
// API prefix, as "v2/apiTokens"; "" any). It answers `status` (an error envelope; 429 with
// Retry-After and X-RateLimit-* headers), waits `latency_ms` (plus up to `jitter_ms`), or drops
// the connection; for the next `count` matching requests (0: all of them) and, of those, a
// `share` drawn from a generator seeded with `seed`, so that a run can be repeated.
struct fault_rule {
  std::uint64_t id = 0;
  std::string method;
  std::string path;
  unsigned status = 0;
  millis latency_ms = 0;
  millis jitter_ms = 0;
  bool drop = false;
  unsigned retry_after = 1;
  std::uint64_t count = 0;
  double share = 1.0;
  std::uint64_t seed = 0;
  std::uint64_t applied = 0;  // how many requests it has hit
  std::mt19937_64 random;
};

// Applies a seed's "tokenSettings" object ({"newDynatraceTokenFormatEnabled": bool,
// "patEnabled": bool}, either may be left out) to `api`: nullopt, or what is wrong with it.
std::optional<std::string> seed_token_settings(token_api& api, const boost::json::value& value);

class mock_service {
 public:
  // `control_key`: the value of the X-Dtoken-Control-Key header that the control plane wants.
  mock_service(token_api& api, std::string control_key);

  // One request, to the control plane or the token API (through the fault rules).
  response handle(const request& incoming, request_record* record = nullptr);

 private:
  response control(const request& incoming, std::string_view path);
  response control_reset(const request& incoming);
  response control_seeds(const request& incoming);
  response control_journal(const request& incoming, const query_list& filters);
  response control_faults(const request& incoming, std::string_view path);
  // The fault for this request, if a rule hits it.
  std::optional<response> fault(const request& incoming);

  token_api& api_;
  std::string control_key_;
  std::mutex mutex_;
  std::deque<request_record> journal_;  // the last journal_limit requests
  std::vector<fault_rule> faults_;
  std::uint64_t next_fault_id_ = 1;
  static constexpr std::size_t journal_limit = 10'000;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_CONTROL_H
