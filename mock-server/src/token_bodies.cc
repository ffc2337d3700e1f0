#include "token_bodies.h"

#include <algorithm>
#include <array>
#include <tuple>

#include "api.h"
#include "dtoken/generate.h"
#include "dtoken/validate.h"
#include "scopes.h"
#include "text.h"

namespace dtoken::mock {
namespace json = boost::json;

std::optional<json::object> parse_object(std::string_view body) {
  boost::system::error_code failure;
  json::value value = json::parse(body, failure);
  if (failure || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

const json::value* member(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value == nullptr || value->is_null() ? nullptr : value;
}

std::vector<std::string> read_scopes(const json::value& value, bool personal,
                                     std::vector<violation>& problems) {
  std::vector<std::string> scopes;
  if (!value.is_array()) {
    problems.push_back({"scopes", "must be an array of scope names", "PAYLOAD_BODY"});
    return scopes;
  }
  if (value.as_array().empty()) {
    problems.push_back({"scopes", "must not be empty", "PAYLOAD_BODY"});
  }
  std::size_t index = 0;
  for (const json::value& item : value.as_array()) {
    const std::string path = "scopes[" + std::to_string(index++) + "]";
    if (!item.is_string()) {
      problems.push_back({path, "must be a scope name", "PAYLOAD_BODY"});
      continue;
    }
    const std::string name(item.as_string());
    const scope_info* scope = find_scope(name);
    if (scope == nullptr) {
      problems.push_back({path, "unknown scope '" + printable(name) + "'", "PAYLOAD_BODY"});
    } else if (personal && !scope->personal) {
      problems.push_back(
          {path, "scope '" + printable(name) + "' cannot be given to a personal access token",
           "PAYLOAD_BODY"});
    } else if (std::find(scopes.begin(), scopes.end(), name) == scopes.end()) {
      scopes.push_back(name);
    }
  }
  return scopes;
}

std::variant<token_update, response> parse_update(std::string_view body, const char* flag_name,
                                                  bool personal) {
  const auto object = parse_object(body);
  if (!object) return error_response(400, "The request body is not a JSON object");
  std::vector<violation> problems;
  token_update update;
  if (const json::value* name = member(*object, "name")) {
    if (!name->is_string()) problems.push_back({"name", "must be a string", "PAYLOAD_BODY"});
    if (name->is_string()) update.name = std::string(name->as_string());
  }
  if (const json::value* flag = member(*object, flag_name)) {
    if (!flag->is_bool()) problems.push_back({flag_name, "must be a boolean", "PAYLOAD_BODY"});
    if (flag->is_bool()) update.flag = flag->as_bool();
  }
  if (const json::value* scopes = member(*object, "scopes")) {
    update.scopes = read_scopes(*scopes, personal, problems);
  }
  if (!problems.empty()) return constraint_error(problems);
  return update;
}

void apply_update(token_record& record, const token_update& update, bool flag_is_revoked,
                  millis now) {
  if (update.name) record.name = *update.name;
  if (update.scopes) record.scopes = scope_list::of(*update.scopes).value();  // known: never fails
  if (update.name || update.scopes) record.modified = now;
  if (update.flag) record.enabled = flag_is_revoked ? !*update.flag : *update.flag;
}

std::string random_token(std::string_view prefix) {
  const token_type* type = find_token_type(prefix);
  std::array<char, max_token_length> buffer{};
  const std::size_t length =
      type == nullptr ? 0 : generate(*type, token_source::random(), 0, buffer);
  return std::string(buffer.data(), length);
}

namespace {

// An old-format token and its UUID, as Dynatrace made them before 1.205; empty if the CSPRNG
// fails.
std::pair<std::string, std::string> random_old_format_token() {
  std::array<char, legacy_token_length> token{};
  std::array<char, legacy_token_id_length> id{};
  if (generate_legacy(token_source::random(), 0, token) == 0 ||
      generate_legacy_id(token_source::random(), 0, id) == 0) {
    return {};
  }
  return {std::string(token.data(), token.size()), std::string(id.data(), id.size())};
}

}  // namespace

std::variant<issued_token, response> issue_token(api_call& call, token_order order) {
  token_record record;
  std::string token;
  if (call.store.settings().new_format) {
    token = random_token("dt0c01");
    record.id = std::string(token_id_of(token));
  } else {
    std::tie(token, record.id) = random_old_format_token();
    record.old_format = true;
  }
  if (token.empty()) return error_response(500, "The CSPRNG failed");
  record.name = std::move(order.name);
  record.owner = call.caller.owner;
  record.scopes = scope_list::of(order.scopes).value();  // known scopes: never fails
  record.personal_access_token = order.personal;
  record.creation = call.now;
  record.expiration = order.expires;
  issued_token out{token, record.id};
  if (!call.store.add(token, std::move(record))) return error_response(500, "Token ID collision");
  return out;
}

std::variant<const token_record*, response> find_by_body(const token_store& store,
                                                         std::string_view body,
                                                         const std::string& not_found) {
  const auto object = parse_object(body);
  const json::value* token = object ? member(*object, "token") : nullptr;
  if (token == nullptr || !token->is_string()) {
    return constraint_error({{"token", "must not be null", "PAYLOAD_BODY"}});
  }
  const token_record* record = store.find_by_secret(std::string_view(token->as_string()));
  if (record == nullptr) return error_response(404, not_found);
  return record;
}

response own_token_error(const char* verb) {
  std::string message = "You can't ";
  message.append(verb).append(" the token you're using for authentication of the request.");
  return error_response(400, message);
}

const token_record* find_by_id_or_secret(const token_store& store, const std::string& key) {
  const token_record* by_secret = store.find_by_secret(key);
  return by_secret != nullptr ? by_secret : store.find(key);
}

const std::vector<std::string_view>& api_token_fields() {
  static const std::vector<std::string_view> fields = {"id",
                                                       "name",
                                                       "enabled",
                                                       "personalAccessToken",
                                                       "owner",
                                                       "creationDate",
                                                       "expirationDate",
                                                       "lastUsedDate",
                                                       "lastUsedIpAddress",
                                                       "modifiedDate",
                                                       "scopes",
                                                       "additionalMetadata"};
  return fields;
}

const field_set& default_api_token_fields() {
  static const field_set fields = {"id", "name", "enabled", "owner", "creationDate"};
  return fields;
}

const field_set& every_api_token_field() {
  static const field_set fields(api_token_fields().begin(), api_token_fields().end());
  return fields;
}

field_mask mask_of(const field_set& fields) {
  field_mask mask = 0;
  const auto& names = api_token_fields();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (fields.contains(names[i])) mask = static_cast<field_mask>(mask | (1U << i));
  }
  return mask;
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  // Runs that need no escape (most text) are appended whole; a table says which bytes do.
  static constexpr auto escaped = [] {
    std::array<bool, 256> table{};
    for (std::size_t byte = 0; byte < 0x20; ++byte) table[byte] = true;
    table['"'] = true;
    table['\\'] = true;
    return table;
  }();
  const auto plain = [](char c) { return !escaped[static_cast<unsigned char>(c)]; };
  while (!text.empty()) {
    std::size_t run = 0;
    while (run < text.size() && plain(text[run])) ++run;
    out.append(text.substr(0, run));
    text.remove_prefix(run);
    if (text.empty()) break;
    const char c = text.front();
    text.remove_prefix(1);
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') {
      out += '\\';
      out += c == '\b' ? 'b' : c == '\f' ? 'f' : c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
    } else {
      out.append("\\u00");
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
  }
  out += '"';
}

void append_api_token(std::string& out, const token_record& record, field_mask fields) {
  // Bits in the order of api_token_fields(): id, name, enabled, personalAccessToken, owner,
  // creationDate, expirationDate, lastUsedDate, lastUsedIpAddress, modifiedDate, scopes,
  // additionalMetadata.
  const auto want = [&](unsigned bit) { return (fields >> bit & 1U) != 0; };
  const auto key = [&](const char* name) { out.append(",\"").append(name).append("\":"); };
  const auto date = [&](unsigned bit, const char* name, const std::optional<millis>& value) {
    if (!want(bit) || !value) return;
    key(name);
    out += '"';
    append_date(out, *value);  // (digits and "-T:.Z": nothing to escape)
    out += '"';
  };
  out.append("{\"id\":");
  append_json_string(out, record.id);
  const auto text = [&](unsigned bit, const char* name, std::string_view value) {
    if (!want(bit)) return;
    key(name);
    append_json_string(out, value);
  };
  const auto flag = [&](unsigned bit, const char* name, bool value) {
    if (!want(bit)) return;
    key(name);
    out.append(value ? "true" : "false");
  };
  text(1, "name", record.name);
  flag(2, "enabled", record.enabled);
  flag(3, "personalAccessToken", record.personal_access_token);
  text(4, "owner", record.owner);
  date(5, "creationDate", record.creation);
  date(6, "expirationDate", record.expiration);
  date(7, "lastUsedDate", record.last_used);
  // (The address is read only when wanted: see token_store::note_use.)
  if (want(8) && !record.last_used_ip.empty()) text(8, "lastUsedIpAddress", record.last_used_ip);
  date(9, "modifiedDate", record.modified);
  if (want(10)) {
    key("scopes");
    out += '[';
    bool first = true;
    for (const std::string_view scope : record.scopes) {
      if (!first) out += ',';
      first = false;
      append_json_string(out, scope);
    }
    out += ']';
  }
  if (want(11)) {
    key("additionalMetadata");
    out.append("{}");
  }
  out += '}';
}

std::string api_token_text(const token_record& record) {
  std::string out;
  append_api_token(out, record, all_api_token_fields);
  return out;
}

json::object token_metadata_v1(const token_record& record) {
  json::array scopes;
  for (const std::string_view scope : record.scopes) scopes.push_back(json::string(scope));
  json::object out{{"id", record.id},
                   {"name", record.name},
                   {"userId", record.owner},
                   {"revoked", !record.enabled},
                   {"created", record.creation},
                   {"scopes", std::move(scopes)},
                   {"personalAccessToken", record.personal_access_token}};
  if (record.expiration) out["expires"] = *record.expiration;
  if (record.last_used) out["lastUse"] = *record.last_used;
  return out;
}

}  // namespace dtoken::mock
