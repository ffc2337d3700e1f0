// Seed tokens: tokens whose secrets a test knows, put into the mock at start (--seed-file) or
// through POST /_dtoken/seeds. A seed is checked as a create would be: its scopes must be known,
// and the token's type decides the family it joins (API tokens: dt0c01 and old-format tokens;
// ActiveGate tokens: dt0g01, dt0g02). Any other type is refused with a message that says why.
#ifndef DTOKEN_MOCK_SEEDS_H
#define DTOKEN_MOCK_SEEDS_H

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "token_store.h"

namespace dtoken::mock {

struct seed_spec {
  std::string token;  // the whole token, secret included (never kept: the store hashes it)
  std::string name = "seeded token";
  std::string owner = "admin";
  std::optional<std::vector<std::string>> scopes;  // nullopt: every scope (API tokens)
  bool personal_access_token = false;
  bool enabled = true;
  std::optional<millis> expiration;
  std::optional<millis> creation;  // nullopt: now
  std::optional<millis> last_used;
};

// The names a seed object may hold (besides "tokenSettings", which the control plane reads).
// A seed from its JSON object; dates (ISO, milliseconds, or relative as "now-1d") are read
// against `now`. The message says what is wrong: an unknown field, a value of the wrong type.
std::variant<seed_spec, std::string> read_seed(const boost::json::object& seed, millis now);

// The token of a line of a seed file in text or CSV (as `dtoken generate` writes them): its first
// field that is a token; empty when none is.
std::string token_of_line(std::string_view line);

// The record a seed becomes (its ID, family, scopes, dates), or why the mock refuses it.
std::variant<token_record, std::string> seed_record(const seed_spec& seed, millis now);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_SEEDS_H
