// Request targets: the path, the query string and its parameters, percent-decoding, and the
// prefixes the API answers under. One place for both the token API and the control API.
#ifndef DTOKEN_MOCK_URL_H
#define DTOKEN_MOCK_URL_H

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dtoken::mock {

// The parameters of a query string, decoded, in their order (a name may repeat).
using query_list = std::vector<std::pair<std::string, std::string>>;

// %XX and '+' decoded; nullopt on a bad escape.
std::optional<std::string> url_decode(std::string_view text);
// Every byte but [A-Za-z0-9] and "-_.~" as %XX (upper-case hex).
std::string url_encode(std::string_view text);

// "a=1&b=x%20y" -> {{"a","1"},{"b","x y"}}; empty items are skipped; nullopt on a bad escape.
std::optional<query_list> parse_query(std::string_view query);
// The value of the first parameter named `name`, or nullptr.
const std::string* query_value(const query_list& query, std::string_view name);

// The target split at its first '?': {"/api/v2/x", "a=1"}.
struct target_parts {
  std::string_view path;
  std::string_view query;
};
target_parts split_target(std::string_view target) noexcept;

// Where an API path starts: "/e/abc/api/v2/apiTokens" -> {"v2/apiTokens", "abc"}. The three
// prefixes are /api/, /e/{environment}/api/ and /platform/classic/environment-api/; the
// environment is empty but under /e/.
struct api_location {
  std::string path;         // after the prefix, not decoded, without the query string
  std::string environment;  // decoded; empty unless the prefix named one
};
// nullopt when the path has none of the prefixes.
std::optional<api_location> locate_api(std::string_view path);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_URL_H
