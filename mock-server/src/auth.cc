#include "auth.h"

#include "scopes.h"

namespace dtoken::mock {

std::variant<std::string, response> presented_token(const request& in, const query_list& query) {
  if (const auto header = in.header("Authorization")) {
    const std::size_t space = header->find(' ');
    if (space == std::string_view::npos || !iequals(header->substr(0, space), "Api-Token")) {
      return error_response(401, "Unsupported authorization scheme: use 'Api-Token <token>'");
    }
    std::string_view value = header->substr(space + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    return std::string(value);
  }
  // The parameter is api-token in today's docs and Api-Token in older clients' URLs.
  const std::string* found = nullptr;
  for (const auto& [key, value] : query) {
    if (iequals(key, "api-token")) found = &value;
  }
  if (found == nullptr) return error_response(401, "Missing authorization parameter");
  return *found;
}

std::optional<response> refusal(const token_record* caller, millis now) {
  if (caller == nullptr) return error_response(401, "Token Authentication failed");
  if (caller->expired(now)) return error_response(401, "Token expired");
  if (!caller->enabled) return error_response(401, "Token is disabled");
  return std::nullopt;
}

response missing_scope(std::string_view scope) {
  const scope_info* info = find_scope(scope);
  std::string message = "Token is missing required scope. Use one of: ";
  message.append(scope);
  if (info != nullptr && !info->label.empty()) message.append(" (").append(info->label).append(")");
  return error_response(403, message);
}

std::optional<response> rate_limiter::admit(const std::string& token_id, millis now) {
  if (per_minute_ == 0) return std::nullopt;
  constexpr millis minute = 60'000;
  usage& used = usage_[token_id];
  if (now - used.window_start >= minute) used = {now - now % minute, 0};
  const millis reset_at = used.window_start + minute;
  if (used.count < per_minute_) {
    ++used.count;
    return std::nullopt;
  }
  response out = error_response(
      429, "Too many requests: the limit is " + std::to_string(per_minute_) + " per minute");
  // X-RateLimit-Reset is a time in microseconds (facts section 4).
  out.headers = {{"Retry-After", std::to_string((reset_at - now + 999) / 1000)},
                 {"X-RateLimit-Limit", std::to_string(per_minute_)},
                 {"X-RateLimit-Remaining", "0"},
                 {"X-RateLimit-Reset", std::to_string(reset_at * 1000)}};
  return out;
}

}  // namespace dtoken::mock
