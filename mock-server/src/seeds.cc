#include "seeds.h"

#include <boost/json.hpp>

#include "dtoken/generate.h"
#include "dtoken/validate.h"
#include "text.h"

namespace dtoken::mock {

namespace json = boost::json;

namespace {

std::optional<std::string> read_date(const json::value& value, millis now,
                                     std::optional<millis>& out) {
  std::optional<millis> when;
  if (value.is_int64()) {
    when = value.as_int64();
  } else if (value.is_string()) {
    when = parse_time(std::string_view(value.as_string()), now);
  }
  if (!when) return std::string("is not a date (ISO 8601, milliseconds, or now-1d)");
  out = when;
  return std::nullopt;
}

std::optional<std::string> read_scopes(const json::value& value,
                                       std::optional<std::vector<std::string>>& out) {
  if (!value.is_array()) return std::string("is not an array of scope names");
  std::vector<std::string> scopes;
  for (const json::value& scope : value.as_array()) {
    if (!scope.is_string()) return std::string("is not an array of scope names");
    scopes.emplace_back(scope.as_string());  // (known? seed_record checks)
  }
  out = std::move(scopes);
  return std::nullopt;
}

// Reads one member of a seed object into `seed`: nullopt, or what is wrong with its value.
std::optional<std::string> read_member(std::string_view key, const json::value& value, millis now,
                                       seed_spec& seed) {
  const auto text = [&](std::string& field) -> std::optional<std::string> {
    if (!value.is_string()) return std::string("is not a string");
    field = std::string(value.as_string());
    return std::nullopt;
  };
  const auto flag = [&](bool& field) -> std::optional<std::string> {
    if (!value.is_bool()) return std::string("is not a boolean");
    field = value.as_bool();
    return std::nullopt;
  };
  if (key == "token") return text(seed.token);
  // (what `dtoken generate --format jsonl` writes beside the token: taken as it is)
  if (key == "index" || key == "type" || key == "token_id") return std::nullopt;
  if (key == "name") return text(seed.name);
  if (key == "owner") return text(seed.owner);
  if (key == "scopes") return read_scopes(value, seed.scopes);
  if (key == "personalAccessToken") return flag(seed.personal_access_token);
  if (key == "enabled") return flag(seed.enabled);
  if (key == "expirationDate") return read_date(value, now, seed.expiration);
  if (key == "creationDate") return read_date(value, now, seed.creation);
  if (key == "lastUsedDate") return read_date(value, now, seed.last_used);
  return std::string(
      "is not a seed field (token, name, owner, scopes, personalAccessToken, enabled, "
      "expirationDate, creationDate, lastUsedDate, tokenSettings; and index, type, token_id as "
      "dtoken generate writes them)");
}

// A UUID for an old-format seed, derived from its secret's hash: the same token always gets the
// same ID, and the ID tells nothing of the secret.
std::string old_format_id(std::string_view token) {
  const secret_hash hash = hash_secret(token);
  std::uint64_t seed = 0;
  for (std::size_t i = 0; i < 8; ++i) seed = seed << 8U | hash[i];
  std::array<char, legacy_token_id_length> id{};
  if (generate_legacy_id(token_source::deterministic(seed, "seed id"), 0, id) == 0) return {};
  return {id.data(), id.size()};
}

// The scopes of an API-token seed: those given, or every scope; a personal access token takes
// only the scopes allowed for one (every such scope when none are given), as a create does.
std::variant<scope_list, std::string> api_token_scopes(const seed_spec& seed) {
  std::vector<std::string> names;
  if (seed.scopes) {
    names = *seed.scopes;
  } else {
    for (const scope_info& scope : known_scopes()) {
      if (!seed.personal_access_token || scope.personal) names.emplace_back(scope.name);
    }
  }
  for (const std::string& name : names) {
    const scope_info* scope = find_scope(name);
    if (scope == nullptr) return "'scopes' names an unknown scope '" + printable(name) + "'";
    if (seed.personal_access_token && !scope->personal) {
      return "scope '" + name + "' is not allowed for a personal access token";
    }
  }
  return scope_list::of(names).value();  // known scopes: never fails
}

}  // namespace

std::variant<seed_spec, std::string> read_seed(const json::object& object, millis now) {
  seed_spec seed;
  for (const auto& [key, value] : object) {
    if (key == "tokenSettings") continue;
    if (auto problem = read_member(key, value, now, seed)) {
      return "'" + printable(key) + "' " + *problem;
    }
  }
  if (seed.token.empty()) return std::string("a seed needs a token (or tokenSettings)");
  return seed;
}

std::string token_of_line(std::string_view line) {
  std::size_t at = 0;
  while (at <= line.size()) {
    const std::size_t comma = std::min(line.find(',', at), line.size());
    const std::string_view field = line.substr(at, comma - at);
    if (is_valid(field, profile::family) || validate_legacy(field).ok()) return std::string(field);
    at = comma + 1;
  }
  return {};
}

std::variant<token_record, std::string> seed_record(const seed_spec& seed, millis now) {
  token_record record;
  const std::string_view id = token_id_of(seed.token, profile::family);
  if (!id.empty() && (id.starts_with("dt0g01") || id.starts_with("dt0g02"))) {
    record.kind = token_kind::active_gate;
    record.active_gate_type = "ENVIRONMENT";
    if (seed.scopes && !seed.scopes->empty())
      return std::string("ActiveGate tokens have no scopes");
    if (seed.personal_access_token) return std::string("an ActiveGate token is not personal");
  } else if ((!id.empty() && id.starts_with("dt0c01")) ||
             (id.empty() && validate_legacy(seed.token).ok())) {
    record.old_format = id.empty();
    auto scopes = api_token_scopes(seed);
    if (auto* problem = std::get_if<std::string>(&scopes)) return std::move(*problem);
    record.scopes = std::move(std::get<scope_list>(scopes));
  } else if (!id.empty()) {
    const token_type* type = find_token_type(id.substr(0, prefix_length));
    return "the type " + std::string(id.substr(0, prefix_length)) +
           (type != nullptr ? " (" + std::string(type->name) + ")" : std::string()) +
           " belongs to no API the mock serves: API tokens are dt0c01 or old-format, ActiveGate "
           "tokens dt0g01 or dt0g02";
  } else {
    return std::string(
        "the token is not a valid token (dtoken validate --profile family tells why)");
  }
  record.id = record.old_format ? old_format_id(seed.token) : std::string(id);
  if (record.id.empty()) return std::string("no ID could be made for the old-format token");
  record.name = seed.name;
  record.owner = seed.owner;
  record.enabled = seed.enabled;
  record.personal_access_token = seed.personal_access_token;
  record.creation = seed.creation.value_or(now);
  record.expiration = seed.expiration;
  record.last_used = seed.last_used;
  return record;
}

}  // namespace dtoken::mock
