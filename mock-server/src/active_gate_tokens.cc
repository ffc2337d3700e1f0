// /api/v2/activeGateTokens and /api/v2/activeGates/tokenEnforcement (facts section 2.5).
// ActiveGate tokens (dt0g02, an 8-character public part) are stored hashed beside API tokens,
// but they authenticate no API call: the store finds them only when asked for their kind.
#include <boost/json.hpp>

#include "dtoken/validate.h"
#include "handlers.h"
#include "list_query.h"
#include "text.h"
#include "token_bodies.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

constexpr millis two_years = 2LL * 366 * 86'400'000;

// ActiveGateToken, fields in the spec's order.
json::object active_gate_token_json(const token_record& record) {
  json::object out{{"id", record.id},
                   {"name", record.name},
                   {"owner", record.owner},
                   {"creationDate", format_date(record.creation)}};
  if (record.expiration) out["expirationDate"] = format_date(*record.expiration);
  if (record.last_used) out["lastUsedDate"] = format_date(*record.last_used);
  out["seedToken"] = record.seed_token;
  out["activeGateType"] = record.active_gate_type;
  return out;
}

// ActiveGateTokenCreate: name and activeGateType required; expirationDate (in the future, at
// most two years ahead); seedToken.
std::variant<token_record, response> read_create(std::string_view text, millis now) {
  const auto body = parse_object(text);
  if (!body) return error_response(400, "The request body is not a JSON object");
  std::vector<violation> problems;
  token_record record;
  const json::value* name = member(*body, "name");
  if (name == nullptr || !name->is_string()) {
    problems.push_back({"name", "must not be null", "PAYLOAD_BODY"});
  } else {
    record.name = std::string(name->as_string());
  }
  const json::value* type = member(*body, "activeGateType");
  if (type == nullptr || !type->is_string() ||
      (type->as_string() != "ENVIRONMENT" && type->as_string() != "CLUSTER")) {
    problems.push_back({"activeGateType", "must be ENVIRONMENT or CLUSTER", "PAYLOAD_BODY"});
  } else {
    record.active_gate_type = std::string(type->as_string());
  }
  if (const json::value* seed = member(*body, "seedToken")) {
    if (!seed->is_bool()) problems.push_back({"seedToken", "must be a boolean", "PAYLOAD_BODY"});
    record.seed_token = seed->is_bool() && seed->as_bool();
  }
  if (const json::value* expiration = member(*body, "expirationDate")) {
    record.expiration = expiration->is_string()
                            ? parse_time(std::string_view(expiration->as_string()), now)
                            : std::nullopt;
    if (!record.expiration) {
      problems.push_back({"expirationDate", "is not a date", "PAYLOAD_BODY"});
    } else if (*record.expiration <= now) {
      problems.push_back(
          {"expirationDate", "The expiration date must not be in the past.", "PAYLOAD_BODY"});
    } else if (*record.expiration > now + two_years) {
      problems.push_back(
          {"expirationDate", "The expiration date must not exceed 2 years.", "PAYLOAD_BODY"});
    }
  }
  if (!problems.empty()) return constraint_error(problems);
  return record;
}

// The ActiveGate token a path names by its ID (or its whole secret); or the error to answer:
// 400 for text that cannot be an ActiveGate token ID, 404 for an unknown one.
std::variant<const token_record*, response> find_named(const token_store& store,
                                                       const std::string& key) {
  const token_record* found = store.find_by_secret(key, token_kind::active_gate);
  if (found == nullptr) found = store.find(key, token_kind::active_gate);
  if (found != nullptr) return found;
  // (An ID is what the library takes for the ID of an ActiveGate token with some secret.)
  const std::string with_secret = key + "." + std::string(secret_length, 'A');
  if (!key.starts_with("dt0g") || token_id_of(with_secret) != key) {
    std::string message = printable(key);
    message.append(" is not an ActiveGate token identifier");
    return error_response(
        400, message, {{"activeGateTokenIdentifier", "must be an ActiveGate token ID", "PATH"}});
  }
  std::string message = "ActiveGate token ";
  message.append(printable(key)).append(" not found");
  return error_response(404, message);
}

}  // namespace

// ActiveGateTokenList: pageSize 100 to 3000 (default 100), nextPageKey (alone); in creation
// order.
response list_active_gate_tokens(api_call& call) {
  auto position = continued_query(call.query);
  if (auto* failure = std::get_if<response>(&position)) return std::move(*failure);
  const query_list& query = std::get<page_position>(position).query;
  const std::uint64_t offset = std::get<page_position>(position).offset;
  std::uint64_t page_size = 100;
  if (const std::string* text = query_value(query, "pageSize")) {
    const auto parsed = parse_page_size(*text, 100, 3000);
    if (!parsed)
      return constraint_error({{"pageSize", "must be a number from 100 to 3000", "QUERY"}});
    page_size = *parsed;
  }
  std::vector<const token_record*> list;
  for (const auto& stored : call.store.all()) {
    if (stored->kind == token_kind::active_gate) list.push_back(stored.get());
  }
  const std::uint64_t stop = std::min<std::uint64_t>(list.size(), offset + page_size);
  json::array page;
  const auto uses = call.store.lock_uses();
  for (std::uint64_t i = offset; i < stop; ++i) page.push_back(active_gate_token_json(*list[i]));
  json::value next = nullptr;
  if (stop < list.size()) next = json::string(encode_page_key(query, stop));
  return json_response(200, json::object{{"totalCount", list.size()},
                                         {"pageSize", page_size},
                                         {"nextPageKey", std::move(next)},
                                         {"activeGateTokens", std::move(page)}});
}

// 201 ActiveGateTokenCreated {id, token, expirationDate}: the secret, shown this once.
response create_active_gate_token(api_call& call) {
  auto parsed = read_create(call.in.body, call.now);
  if (auto* failure = std::get_if<response>(&parsed)) return std::move(*failure);
  token_record record = std::move(std::get<token_record>(parsed));
  const std::string token = random_token("dt0g02");
  if (token.empty()) return error_response(500, "The CSPRNG failed");
  record.id = std::string(token_id_of(token));
  record.kind = token_kind::active_gate;
  record.owner = call.caller.owner;
  record.creation = call.now;
  json::object created{{"id", record.id}, {"token", token}};
  if (record.expiration) created["expirationDate"] = format_date(*record.expiration);
  if (!call.store.add(token, std::move(record))) return error_response(500, "Token ID collision");
  return json_response(201, created);
}

response get_active_gate_token(api_call& call) {
  auto found = find_named(call.store, call.params.at(0));
  if (auto* failure = std::get_if<response>(&found)) return std::move(*failure);
  const auto uses = call.store.lock_uses();
  return json_response(200, active_gate_token_json(*std::get<const token_record*>(found)));
}

response delete_active_gate_token(api_call& call) {
  auto found = find_named(call.store, call.params.at(0));
  if (auto* failure = std::get_if<response>(&found)) return std::move(*failure);
  call.store.erase(std::get<const token_record*>(found)->id);
  return no_content();
}

// ActiveGateTokenEnforcement: the mock enforces nothing (ActiveGates do not connect to it).
response active_gate_token_enforcement(api_call&) {
  return json_response(200, json::object{{"manualEnforced", false}, {"autoEnforced", false}});
}

}  // namespace dtoken::mock
