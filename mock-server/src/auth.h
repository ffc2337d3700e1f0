// Who is calling, and whether they may: the Api-Token of a request (the Authorization header, or
// the api-token query parameter), checked against the store, and the per-token rate limit.
// Dynatrace's rules (facts section 4): an unknown, malformed, expired or disabled token is 401;
// a valid token without the scope is 403; beyond the limit, 429 with X-RateLimit-* headers.
#ifndef DTOKEN_MOCK_AUTH_H
#define DTOKEN_MOCK_AUTH_H

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>

#include "message.h"
#include "token_store.h"
#include "url.h"

namespace dtoken::mock {

// The token a request authenticates with (not checked yet), or the 401 to answer when it
// names none or uses another scheme.
std::variant<std::string, response> presented_token(const request& in, const query_list& query);

// The 401 to answer when `caller` (the record of the presented token; nullptr when the store
// has none) may not be used at `now` under `settings`, or nullopt. A personal access token is
// unusable while the settings disable them (facts section 3.5).
std::optional<response> refusal(const token_record* caller, millis now,
                                const token_settings& settings);

// Whether `caller` holds one of `scopes` (names separated by spaces).
bool has_any_scope(const token_record& caller, std::string_view scopes);
// 403 "Token is missing required scope. Use one of: <scope> (<label>), ..." for `scopes` (names
// separated by spaces).
response missing_scope(std::string_view scopes);

// Fixed one-minute windows per token ID. Thread-safe.
class rate_limiter {
 public:
  explicit rate_limiter(unsigned per_minute = 0) : per_minute_(per_minute) {}
  // Counts a request of `token_id` at `now`: the 429 to answer when over the limit.
  std::optional<response> admit(const std::string& token_id, millis now);
  void clear() {
    const std::lock_guard lock(mutex_);
    usage_.clear();
  }
  [[nodiscard]] unsigned per_minute() const { return per_minute_; }

 private:
  struct usage {
    millis window_start = 0;
    unsigned count = 0;
  };
  unsigned per_minute_;
  std::mutex mutex_;
  std::map<std::string, usage, std::less<>> usage_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_AUTH_H
