// What the v1 and v2 API-token handlers share: request bodies (JSON objects, scope lists,
// updates), issuing a new token, finding a token by the secret in a body, and a token's JSON.
#ifndef DTOKEN_MOCK_TOKEN_BODIES_H
#define DTOKEN_MOCK_TOKEN_BODIES_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api_call.h"
#include "list_query.h"

namespace dtoken::mock {

// The body as a JSON object, or nullopt.
std::optional<boost::json::object> parse_object(std::string_view body);
// A member, with null treated as absent (as the real server does).
const boost::json::value* member(const boost::json::object& object, std::string_view name);

// A list of creatable scopes (a personal access token takes only the personal ones); appends
// a violation for each problem.
std::vector<std::string> read_scopes(const boost::json::value& value, bool personal,
                                     std::vector<violation>& problems);

// An update body: v2 has `enabled`, v1 `revoked` (the flag).
struct token_update {
  std::optional<std::string> name;
  std::optional<bool> flag;
  std::optional<std::vector<std::string>> scopes;
};
std::variant<token_update, response> parse_update(std::string_view body, const char* flag_name,
                                                  bool personal);
// Applies an update: scopes replace; a new name or scopes count as a modification, enabling or
// disabling does not.
void apply_update(token_record& record, const token_update& update, bool flag_is_revoked,
                  millis now);

// A new token of the registered type `prefix` ("dt0c01", "dt0g02") from the CSPRNG; empty if
// the CSPRNG fails.
std::string random_token(std::string_view prefix);

// What a new token is made of.
struct token_order {
  std::string name;
  std::vector<std::string> scopes;
  bool personal = false;
  std::optional<millis> expires;
};
// A new token from the CSPRNG, owned by the caller and stored: its full text (shown this once),
// or the error to answer. While the token settings turn the new format off, an old-format token
// (21 characters of [A-Za-z0-9_-]) whose ID is a UUID.
struct issued_token {
  std::string token;  // the secret, shown once
  std::string id;
};
std::variant<issued_token, response> issue_token(api_call& call, token_order order);

// The token whose secret is the body's "token" (lookup), or the error to answer.
std::variant<const token_record*, response> find_by_body(const token_store& store,
                                                         std::string_view body,
                                                         const std::string& not_found);

// 400 "You can't <verb> the token you're using for authentication of the request."
response own_token_error(const char* verb);

// The record named by a path parameter, which may be its ID or its whole secret (DELETE).
const token_record* find_by_id_or_secret(const token_store& store, const std::string& key);

// ApiToken fields, in the spec's order, and the default ones of a list.
const std::vector<std::string_view>& api_token_fields();
const field_set& default_api_token_fields();
const field_set& every_api_token_field();

// ApiToken fields as bits, bit i for api_token_fields()[i].
using field_mask = std::uint16_t;
field_mask mask_of(const field_set& fields);
// The bits of lastUsedDate and lastUsedIpAddress.
inline constexpr field_mask last_use_fields = (1U << 7) | (1U << 8);
// Every ApiToken field.
inline constexpr field_mask all_api_token_fields = 0xfff;
// Appends ApiToken (v2) with these fields, in the spec's order, to `out`: written straight, with
// no JSON tree (a page of a list is 200 of them).
void append_api_token(std::string& out, const token_record& record, field_mask fields);
// Appends `text` as a JSON string, quoted and escaped as Boost.JSON escapes it.
void append_json_string(std::string& out, std::string_view text);
// ApiToken with every field, serialized.
std::string api_token_text(const token_record& record);
// TokenMetadata of API v1: dates as Unix milliseconds, `revoked` instead of `enabled`.
boost::json::object token_metadata_v1(const token_record& record);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TOKEN_BODIES_H
