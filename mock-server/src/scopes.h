// Token scopes: which names the token API accepts, and their labels.
#ifndef DTOKEN_MOCK_SCOPES_H
#define DTOKEN_MOCK_SCOPES_H

#include <span>
#include <string_view>

namespace dtoken::mock {

struct scope_info {
  std::string_view name;   // "apiTokens.read"
  std::string_view label;  // "Read API tokens"; empty when unknown
  bool personal;           // may be given to a personal access token
};

// Every scope a token can be created with.
std::span<const scope_info> known_scopes() noexcept;
// The scope named `name`, or nullptr.
const scope_info* find_scope(std::string_view name) noexcept;

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_SCOPES_H
