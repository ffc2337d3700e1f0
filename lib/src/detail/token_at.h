// The token a profile accepts at the start of a run of bytes: what the scanners report there.
#ifndef DTOKEN_DETAIL_TOKEN_AT_H
#define DTOKEN_DETAIL_TOKEN_AT_H

#include <cstddef>
#include <string_view>

#include "dtoken/token.h"
#include "dtoken/validate.h"

namespace dtoken::detail {

// The length of the token `rules` accepts at the start of `rest` (80 or 96 bytes), or 0.
inline std::size_t token_at(std::string_view rest, profile rules) noexcept {
  if (rules == profile::documented) {
    return is_valid(rest.substr(0, longest_token_length), rules) ? longest_token_length : 0;
  }
  if (is_valid(rest.substr(0, shortest_token_length), rules)) return shortest_token_length;
  return is_valid(rest.substr(0, longest_token_length), rules) ? longest_token_length : 0;
}

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_TOKEN_AT_H
