// Fault rules (POST /_dtoken/faults): which requests a fault hits, and what it does to them.
//
// A rule matches on the method, the path, query parameters, the token ID the request carries and
// a substring of its body; `after` lets N matching requests through first, `count` limits how many
// it hits, and `share` hits a fraction of them, drawn from a generator seeded with `seed`.
//
// Paths: the part after the API prefix ("v2/apiTokens"), matched as a prefix. A rule's path may
// be written with or without the leading slash and any of the API prefixes (/api/,
// /e/{environment}/api/, /platform/classic/environment-api/): all name the same path. Methods
// are matched without regard to case.
//
// What a fault does (its kind), each with latency_ms and jitter_ms before it, if given:
//   status          an error envelope with this status (400-599)
//   rate_limit      429 with Retry-After and X-RateLimit-Limit/Remaining/Reset
//   custom          this status (100-599), headers and body, as given (a 200 with broken JSON)
//   reset           the connection is reset (an RST): ECONNRESET
//   empty           the connection closes with no answer ("drop": true is the same)
//   malformed_chunk a chunked answer whose first chunk size is no hex number
//   random_bytes    `bytes` random bytes (seeded), then the connection closes
//   truncated       the real answer with a Content-Length larger than what is sent
//   slow_body       the real answer at `bytes_per_second`
//   latency         the real answer, late
//   mutate          the real answer changed by a structure-aware mutation (mutation.h)
// A fault never changes the state: the kinds that deliver the real answer make it on a copy of
// the state, which is then dropped.
#ifndef DTOKEN_MOCK_FAULT_RULES_H
#define DTOKEN_MOCK_FAULT_RULES_H

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "message.h"
#include "mutation.h"
#include "url.h"

namespace dtoken::mock {

enum class fault_kind : std::uint8_t {
  status,
  rate_limit,
  custom,
  reset,
  empty,
  malformed_chunk,
  random_bytes,
  truncated,
  slow_body,
  latency,
  mutate,
};
[[nodiscard]] std::string_view to_string(fault_kind kind) noexcept;
// Whether the fault delivers the real answer (made without changing the state).
[[nodiscard]] bool delivers_real_answer(fault_kind kind) noexcept;

struct fault_rule {
  std::uint64_t id = 0;
  fault_kind kind = fault_kind::status;
  // Which requests: "" is any.
  std::string method;  // upper case
  std::string path;    // after the API prefix, no leading slash; a prefix of the request's
  std::vector<std::pair<std::string, std::optional<std::string>>> query;  // present, or equal
  std::string token_id;
  std::string body_contains;
  // What it does.
  unsigned status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  unsigned retry_after = 1;
  unsigned limit = 0;  // X-RateLimit-Limit of rate_limit; 0: the mock's rate limit, or 50
  std::uint64_t bytes = 64;
  std::uint64_t bytes_per_second = 100;
  millis latency_ms = 0;
  millis jitter_ms = 0;
  std::optional<mutation_kind> mutation;       // mutate: only this kind
  std::optional<std::uint64_t> mutation_seed;  // mutate: this seed for every hit (a replay)
  // When.
  std::uint64_t after = 0;
  std::uint64_t count = 0;  // 0: no limit
  double share = 1.0;
  std::uint64_t seed = 0;
  // Progress.
  std::uint64_t matched = 0;
  std::uint64_t applied = 0;
  std::mt19937_64 random;
};

// A rule from its JSON, or what is wrong with it (an unknown field, method or kind, a value out
// of range, a field the kind does not take).
std::variant<fault_rule, std::string> read_fault_rule(const boost::json::object& body);
boost::json::object to_json(const fault_rule& rule);
// A rule's path as it is matched: without a leading slash or an API prefix.
std::string normalize_fault_path(std::string_view path);

// What a request offers to match on.
struct fault_subject {
  std::string_view method;
  std::string_view path;  // after the API prefix
  const query_list* query;
  std::string_view token_id;
  std::string_view body;
};

// One hit: the rule as it was then, the delay drawn for it, the hit's number and its seed (for
// random bytes and mutations).
struct fault_hit {
  fault_rule rule;
  millis delay = 0;
  std::uint64_t index = 0;
  std::uint64_t seed = 0;
};

// The rules, thread-safe.
class fault_table {
 public:
  std::uint64_t add(fault_rule rule);  // its ID
  [[nodiscard]] boost::json::array list() const;
  bool erase(std::uint64_t id);
  void clear();
  // No rules (read without the lock: a rule added meanwhile applies from the next request).
  [[nodiscard]] bool empty() const noexcept { return size_.load() == 0; }
  // The first rule that hits this request, if any (its counters move on).
  std::optional<fault_hit> pick(const fault_subject& subject);

 private:
  mutable std::mutex mutex_;
  std::vector<fault_rule> rules_;
  std::atomic<std::size_t> size_{0};  // rules_.size(), for empty()
  std::uint64_t next_id_ = 1;
};

// The answer a fault puts in place of the real one (kinds that do not deliver the real answer),
// or the changes it makes to the real answer. `rate_limit`: the mock's per-minute limit, `now`
// its clock.
response fault_answer(const fault_hit& hit, unsigned rate_limit, millis now);
// Applies a real-answer fault to `real`; returns the mutation's note for the journal, if any.
std::optional<mutation_note> alter_answer(const fault_hit& hit, response& real);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_FAULT_RULES_H
