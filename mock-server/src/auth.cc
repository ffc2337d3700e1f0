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

std::optional<response> refusal(const token_record* caller, millis now,
                                const token_settings& settings) {
  if (caller == nullptr) return error_response(401, "Token Authentication failed");
  if (caller->expired(now)) return error_response(401, "Token expired");
  if (!caller->enabled) return error_response(401, "Token is disabled");
  if (caller->personal_access_token && !settings.pat_enabled) {
    return error_response(401, "Personal access tokens are disabled in this environment");
  }
  return std::nullopt;
}

namespace {

// Calls `each` with every name of `scopes`, a list separated by spaces.
template <typename Each>
void for_each_scope(std::string_view scopes, Each each) {
  while (!scopes.empty()) {
    const std::size_t space = std::min(scopes.find(' '), scopes.size());
    if (space > 0) each(scopes.substr(0, space));
    scopes.remove_prefix(std::min(space + 1, scopes.size()));
  }
}

}  // namespace

bool has_any_scope(const token_record& caller, std::string_view scopes) {
  bool found = false;
  for_each_scope(scopes, [&](std::string_view scope) { found = found || caller.has_scope(scope); });
  return found;
}

response missing_scope(std::string_view scopes) {
  std::string message = "Token is missing required scope. Use one of: ";
  bool first = true;
  for_each_scope(scopes, [&](std::string_view scope) {
    message.append(first ? "" : ", ").append(scope);
    first = false;
    const scope_info* info = find_scope(scope);
    if (info != nullptr && !info->label.empty())
      message.append(" (").append(info->label).append(")");
  });
  return error_response(403, message);
}

std::optional<response> rate_limiter::admit(const std::string& token_id, millis now) {
  if (per_minute_ == 0) return std::nullopt;
  constexpr millis minute = 60'000;
  const std::lock_guard lock(mutex_);
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
