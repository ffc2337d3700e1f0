// /api/v1/tokens: the Tokens API v1, deprecated since 1.242 (facts section 3.1).
#include <algorithm>
#include <charconv>

#include "dtoken/validate.h"
#include "handlers.h"
#include "text.h"
#include "token_bodies.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

// Reads the whole number `name` of the query into `value`: false when absent; a violation when
// it is no number.
bool query_number(const query_list& query, const std::string& name, std::int64_t& value,
                  std::vector<violation>& problems) {
  const std::string* text = query_value(query, name);
  if (text == nullptr) return false;
  const auto [end, failure] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (failure != std::errc{} || end != text->data() + text->size()) {
    problems.push_back({name, "must be a number", "QUERY"});
    return false;
  }
  return true;
}

struct v1_filter {
  std::uint64_t limit = 1000;
  std::optional<std::int64_t> from;
  std::optional<std::int64_t> to;
  const std::string* user = nullptr;
  std::vector<std::string> permissions;  // all of them

  [[nodiscard]] bool keeps(const token_record& record) const {
    if (record.kind != token_kind::api) return false;
    if (user != nullptr && record.owner != *user) return false;
    if (!std::all_of(permissions.begin(), permissions.end(),
                     [&](const std::string& p) { return record.has_scope(p); })) {
      return false;
    }
    if (!from && !to) return true;
    return record.last_used && (!from || *record.last_used >= *from) &&
           (!to || *record.last_used <= *to);
  }
};

std::variant<v1_filter, response> read_filter(const query_list& query) {
  std::vector<violation> problems;
  v1_filter filter;
  std::int64_t value = 0;
  if (query_number(query, "limit", value, problems)) {
    if (value < 1 || value > 1'000'000) {
      problems.push_back({"limit", "must be from 1 to 1000000", "QUERY"});
    } else {
      filter.limit = static_cast<std::uint64_t>(value);
    }
  }
  if (query_number(query, "from", value, problems)) filter.from = value;
  if (query_number(query, "to", value, problems)) filter.to = value;
  if (!problems.empty()) return constraint_error(problems);
  filter.user = query_value(query, "user");
  for (const auto& [key, text] : query) {
    if (key == "permissions") filter.permissions.push_back(text);
  }
  return filter;
}

// Duration {value, unit}: the time it adds to now, or nullopt when it is not one.
std::optional<millis> read_duration(const json::value& duration) {
  const json::object* object = duration.if_object();
  const json::value* amount = object != nullptr ? member(*object, "value") : nullptr;
  const json::value* unit = object != nullptr ? member(*object, "unit") : nullptr;
  static constexpr std::pair<std::string_view, millis> units[] = {{"MILLIS", 1},
                                                                  {"SECONDS", 1000},
                                                                  {"MINUTES", 60'000},
                                                                  {"HOURS", 3'600'000},
                                                                  {"DAYS", 86'400'000}};
  millis scale = 1;  // the default unit is MILLIS
  if (unit != nullptr) {
    const auto* known = std::find_if(std::begin(units), std::end(units), [&](const auto& u) {
      return unit->is_string() && unit->as_string() == u.first;
    });
    if (known == std::end(units)) return std::nullopt;
    scale = known->second;
  }
  if (amount == nullptr || !amount->is_int64() || amount->as_int64() <= 0 ||
      amount->as_int64() > 100LL * 365 * 86'400'000 / scale) {
    return std::nullopt;
  }
  return amount->as_int64() * scale;
}

// CreateToken {name, scopes (at least one), expiresIn {value, unit}}.
std::variant<token_order, response> read_create(std::string_view text, millis now) {
  const auto body = parse_object(text);
  if (!body) return error_response(400, "The request body is not a JSON object");
  std::vector<violation> problems;
  const json::value* name = member(*body, "name");
  const json::value* scopes = member(*body, "scopes");
  const json::value* expires_in = member(*body, "expiresIn");
  token_order order;
  if (name == nullptr || !name->is_string()) {
    problems.push_back({"name", "must not be null", "PAYLOAD_BODY"});
  } else {
    order.name = std::string(name->as_string());
  }
  if (scopes == nullptr) {
    problems.push_back({"scopes", "must not be null", "PAYLOAD_BODY"});
  } else {
    order.scopes = read_scopes(*scopes, false, problems);
  }
  if (expires_in != nullptr) {
    const std::optional<millis> duration = read_duration(*expires_in);
    if (!duration) {
      problems.push_back({"expiresIn",
                          "needs a positive value and a unit of DAYS, HOURS, "
                          "MINUTES, SECONDS or MILLIS",
                          "PAYLOAD_BODY"});
    } else {
      order.expires = now + *duration;
    }
  }
  if (!problems.empty()) return constraint_error(problems);
  return order;
}

// The created token as the Accept header asks: JSON, plain text or CSV.
void write_created(response& out, std::string_view accept, const std::string& token) {
  if (accept.find("text/csv") != std::string_view::npos) {
    const bool header = accept.find("header=absent") == std::string_view::npos;
    out.content_type = header ? "text/csv; header=present; charset=utf-8"
                              : "text/csv; header=absent; charset=utf-8";
    out.body = (header ? "token\r\n" : "") + token + "\r\n";
  } else if (accept.find("text/plain") != std::string_view::npos &&
             accept.find("application/json") == std::string_view::npos) {
    out.content_type = "text/plain;charset=utf-8";
    out.body = token;
  } else {
    out.body = json::serialize(json::object{{"token", token}});
  }
}

}  // namespace

// StubList {values: [{id, name}]}: `limit` (1 to 1000000, default 1000), `user`, `permissions`
// (repeated; all of them), `from`/`to` (Unix ms, on last use).
response list_tokens_v1(api_call& call) {
  auto parsed = read_filter(call.query);
  if (auto* failure = std::get_if<response>(&parsed)) return std::move(*failure);
  const v1_filter& filter = std::get<v1_filter>(parsed);
  std::unique_lock<std::mutex> uses;
  if (filter.from || filter.to) uses = call.store.lock_uses();
  json::array values;
  for (const auto& stored : call.store.all()) {
    if (values.size() >= filter.limit) break;
    if (filter.keeps(*stored)) {
      values.push_back(json::object{{"id", stored->id}, {"name", stored->name}});
    }
  }
  return json_response(200, json::object{{"values", std::move(values)}});
}

// 201 with the token as JSON, plain text or CSV, as the Accept header asks.
response create_token_v1(api_call& call) {
  auto order = read_create(call.in.body, call.now);
  if (auto* failure = std::get_if<response>(&order)) return std::move(*failure);
  auto issued = issue_token(call, std::move(std::get<token_order>(order)));
  if (auto* failure = std::get_if<response>(&issued)) return std::move(*failure);
  const issued_token& made = std::get<issued_token>(issued);
  response out;
  out.status = 201;
  // The spec declares a Location header, "Token Id": the new token's path, ending in its ID.
  std::string_view location = split_target(call.in.target).path;
  while (location.ends_with('/')) location.remove_suffix(1);
  out.headers.emplace_back("Location", std::string(location) + "/" + made.id);
  write_created(out, call.in.header("Accept").value_or("application/json"), made.token);
  return out;
}

response get_token_v1(api_call& call) {
  const token_record* record = call.store.find(call.params.at(0));
  if (record == nullptr) return error_response(404, "The requested token has not been found.");
  const auto uses = call.store.lock_uses();
  return json_response(200, token_metadata_v1(*record));
}

response update_token_v1(api_call& call) {
  const token_record* record = call.store.find(call.params.at(0));
  if (record == nullptr) return error_response(404, "The requested token has not been found.");
  if (record == &call.caller) {
    return own_token_error("update");
  }
  auto parsed = parse_update(call.in.body, "revoked", record->personal_access_token);
  if (auto* failure = std::get_if<response>(&parsed)) return std::move(*failure);
  apply_update(*call.store.edit(record->id), std::get<token_update>(parsed), true, call.now);
  return no_content();
}

response delete_token_v1(api_call& call) {
  const token_record* record = find_by_id_or_secret(call.store, call.params.at(0));
  if (record == nullptr) return error_response(404, "The requested token has not been found.");
  if (record == &call.caller) {
    return own_token_error("delete");
  }
  call.store.erase(record->id);
  return no_content();
}

response lookup_token_v1(api_call& call) {
  auto found = find_by_body(call.store, call.in.body, "The requested token has not been found.");
  if (auto* failure = std::get_if<response>(&found)) return std::move(*failure);
  const auto uses = call.store.lock_uses();
  return json_response(200, token_metadata_v1(*std::get<const token_record*>(found)));
}

}  // namespace dtoken::mock
