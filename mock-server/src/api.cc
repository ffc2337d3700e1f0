#include "api.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <chrono>
#include <set>
#include <variant>

#include "dtoken/generate.h"
#include "dtoken/redact.h"
#include "dtoken/validate.h"
#include "scopes.h"
#include "text.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

// --- small text helpers ---

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// %XX and '+' decoded; nullopt on a bad escape.
std::optional<std::string> url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%') {
      int value = 0;
      if (i + 2 >= text.size()) return std::nullopt;
      const auto [end, error] =
          std::from_chars(text.data() + i + 1, text.data() + i + 3, value, 16);
      if (error != std::errc{} || end != text.data() + i + 3) return std::nullopt;
      out += static_cast<char>(value);
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

using query_list = std::vector<std::pair<std::string, std::string>>;

std::optional<query_list> parse_query(std::string_view query) {
  query_list list;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    auto name = url_decode(item.substr(0, eq));
    auto value =
        url_decode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    list.emplace_back(std::move(*name), std::move(*value));
  }
  return list;
}

const std::string* query_value(const query_list& query, std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

// `text` with every token's secret masked (family profile: every real shape).
std::string without_secrets(std::string_view text) {
  std::string out;
  redactor filter(profile::family, redact_mode::mask_secret);
  const auto append = [](void* context, std::string_view bytes) noexcept {
    static_cast<std::string*>(context)->append(bytes);
  };
  filter.feed(text, append, &out);
  filter.finish(append, &out);
  return out;
}

// --- errors ---

struct violation {
  std::string path;
  std::string message;
  std::string location;  // QUERY, PAYLOAD_BODY, PATH, HEADER
};

response error(unsigned status, const std::string& message,
               const std::vector<violation>& violations = {}) {
  json::object inner{{"code", status}, {"message", message}};
  if (!violations.empty()) {
    json::array list;
    for (const violation& v : violations) {
      list.push_back({{"path", v.path},
                      {"message", v.message},
                      {"parameterLocation", v.location},
                      {"location", v.path}});
    }
    inner["constraintViolations"] = std::move(list);
  }
  response out;
  out.status = status;
  out.body = json::serialize(json::object{{"error", std::move(inner)}});
  return out;
}

response no_content() {
  response out;
  out.status = 204;
  out.content_type.clear();
  return out;
}

// --- tokens as JSON ---

const std::vector<std::string> all_fields = {"id",
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
const std::set<std::string, std::less<>> default_fields = {"id", "name", "enabled", "owner",
                                                           "creationDate"};

// (`storage`: where the JSON's nodes go; a monotonic arena makes them cost no malloc each)
json::object token_json(const token_record& record,
                        const std::set<std::string, std::less<>>& fields,
                        const json::storage_ptr& storage = {}) {
  json::object out(storage);
  const auto want = [&](std::string_view name) { return fields.contains(name); };
  out["id"] = record.id;
  if (want("name")) out["name"] = record.name;
  if (want("enabled")) out["enabled"] = record.enabled;
  if (want("personalAccessToken")) out["personalAccessToken"] = record.personal_access_token;
  if (want("owner")) out["owner"] = record.owner;
  if (want("creationDate")) out["creationDate"] = format_date(record.creation);
  if (want("expirationDate") && record.expiration) {
    out["expirationDate"] = format_date(*record.expiration);
  }
  if (want("lastUsedDate") && record.last_used)
    out["lastUsedDate"] = format_date(*record.last_used);
  if (want("lastUsedIpAddress") && !record.last_used_ip.empty()) {
    out["lastUsedIpAddress"] = record.last_used_ip;
  }
  if (want("modifiedDate") && record.modified) out["modifiedDate"] = format_date(*record.modified);
  if (want("scopes")) {
    json::array scopes(storage);
    scopes.reserve(record.scopes.size());
    for (const std::string_view scope : record.scopes) scopes.emplace_back(scope);
    out["scopes"] = std::move(scopes);
  }
  if (want("additionalMetadata")) out["additionalMetadata"] = json::object(storage);
  return out;
}

const std::set<std::string, std::less<>>& every_field() {
  static const std::set<std::string, std::less<>> fields(all_fields.begin(), all_fields.end());
  return fields;
}

// --- body validation ---

std::optional<json::object> parse_object(std::string_view body) {
  boost::system::error_code failure;
  json::value value = json::parse(body, failure);
  if (failure || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

// A member, with null treated as absent (as the real server does).
const json::value* member(const json::object& object, std::string_view name) {
  const json::value* value = object.if_contains(name);
  return value == nullptr || value->is_null() ? nullptr : value;
}

// Validates a scope list; appends violations.
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

// A fresh dt0c01 token from the CSPRNG.
std::optional<std::string> new_token() {
  const token_type* type = find_token_type("dt0c01");
  std::array<char, max_token_length> buffer{};
  const std::size_t length = generate(*type, token_source::random(), 0, buffer);
  if (length == 0) return std::nullopt;
  return std::string(buffer.data(), length);
}

// 20 random characters [a-z0-9] (the tenant token's format is not published; the docs'
// placeholders are 20 characters long).
std::string new_tenant_token() {
  static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 20> bytes{};
  RAND_bytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string out;
  for (const unsigned char byte : bytes) out += alphabet[byte % alphabet.size()];
  return out;
}

std::string required_scope_message(std::string_view scope) {
  const scope_info* info = find_scope(scope);
  std::string message = "Token is missing required scope. Use one of: ";
  message.append(scope);
  if (info != nullptr && !info->label.empty()) message.append(" (").append(info->label).append(")");
  return message;
}

// --- list parameters ---

struct selector {
  std::optional<std::string> owner;
  std::optional<bool> personal;
  std::vector<std::string> scopes;  // any of them
};

// Splits "a(x,y),b(z)" at top-level commas.
std::vector<std::string_view> split_criteria(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  bool quoted = false;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(text.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  parts.push_back(text.substr(begin));
  return parts;
}

// The arguments of `name(...)`: comma-separated, each "quoted" or bare, trimmed.
std::optional<std::vector<std::string>> arguments_of(std::string_view criterion,
                                                     std::string_view name) {
  if (!criterion.starts_with(name) || criterion.size() < name.size() + 2 ||
      criterion[name.size()] != '(' || criterion.back() != ')') {
    return std::nullopt;
  }
  std::string_view inside = criterion.substr(name.size() + 1, criterion.size() - name.size() - 2);
  std::vector<std::string> values;
  for (std::string_view part : split_criteria(inside)) {
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (part.size() >= 2 && part.front() == '"' && part.back() == '"') {
      part = part.substr(1, part.size() - 2);
    } else if (part.find('"') != std::string_view::npos) {
      return std::nullopt;
    }
    if (part.empty()) return std::nullopt;
    values.emplace_back(part);
  }
  return values;
}

std::optional<selector> parse_selector(std::string_view text) {
  selector out;
  for (std::string_view criterion : split_criteria(text)) {
    while (!criterion.empty() && criterion.front() == ' ') criterion.remove_prefix(1);
    while (!criterion.empty() && criterion.back() == ' ') criterion.remove_suffix(1);
    if (auto owner = arguments_of(criterion, "owner")) {
      if (owner->size() != 1) return std::nullopt;
      out.owner = owner->front();
    } else if (auto personal = arguments_of(criterion, "personalAccessToken")) {
      if (personal->size() != 1 || (personal->front() != "true" && personal->front() != "false")) {
        return std::nullopt;
      }
      out.personal = personal->front() == "true";
    } else if (auto scopes = arguments_of(criterion, "scope")) {
      out.scopes.insert(out.scopes.end(), scopes->begin(), scopes->end());
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<std::set<std::string, std::less<>>> parse_fields(std::string_view text) {
  std::set<std::string, std::less<>> fields;
  const auto known = [](std::string_view name) {
    return std::find(all_fields.begin(), all_fields.end(), name) != all_fields.end();
  };
  std::vector<std::string_view> items = split_criteria(text);
  const bool relative = !items.empty() && !items.front().empty() &&
                        (items.front().front() == '+' || items.front().front() == '-');
  if (relative) fields = default_fields;
  for (std::string_view item : items) {
    if (item.empty()) return std::nullopt;
    const bool has_sign = item.front() == '+' || item.front() == '-';
    if (has_sign != relative) return std::nullopt;
    const std::string_view name = has_sign ? item.substr(1) : item;
    if (!known(name)) return std::nullopt;
    if (has_sign && item.front() == '-') {
      fields.erase(std::string(name));
    } else {
      fields.emplace(name);
    }
  }
  fields.emplace("id");
  return fields;
}

struct sort_order {
  std::string key = "creationDate";
  bool ascending = false;
};

std::optional<sort_order> parse_sort(std::string_view text) {
  sort_order order;
  order.ascending = true;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    order.ascending = text.front() == '+';
    text.remove_prefix(1);
  }
  static constexpr std::string_view keys[] = {"name", "lastUsedDate", "creationDate",
                                              "expirationDate", "modifiedDate"};
  if (std::find(std::begin(keys), std::end(keys), text) == std::end(keys)) return std::nullopt;
  order.key = std::string(text);
  return order;
}

// -1, 0, 1 comparing a and b by the key, ascending. Missing dates: lastUsedDate and
// modifiedDate sort "never" first; expirationDate sorts "never expires" last.
int compare(const token_record& a, const token_record& b, std::string_view key) {
  const auto dates = [](const std::optional<millis>& x, const std::optional<millis>& y,
                        bool missing_first) {
    if (x == y) return 0;
    if (!x) return missing_first ? -1 : 1;
    if (!y) return missing_first ? 1 : -1;
    return *x < *y ? -1 : 1;
  };
  if (key == "name") return a.name == b.name ? 0 : (a.name < b.name ? -1 : 1);
  if (key == "lastUsedDate") return dates(a.last_used, b.last_used, true);
  if (key == "expirationDate") return dates(a.expiration, b.expiration, false);
  if (key == "modifiedDate") return dates(a.modified, b.modified, true);
  return a.creation == b.creation ? 0 : (a.creation < b.creation ? -1 : 1);
}

// An update body, validated: v2 has `enabled`, v1 `revoked` (the `flag`).
struct token_update {
  std::optional<std::string> name;
  std::optional<bool> flag;
  std::optional<std::vector<std::string>> scopes;
};

std::variant<token_update, response> parse_update(std::string_view body, const char* flag_name,
                                                  bool personal) {
  const auto object = parse_object(body);
  if (!object) return error(400, "The request body is not a JSON object");
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
  if (!problems.empty()) return error(400, "Constraints violated.", problems);
  return update;
}

// Applies an update: scopes replace; a new name or scopes count as a modification, enabling or
// disabling does not.
void apply(token_record& record, const token_update& update, bool flag_is_revoked, millis now) {
  if (update.name) record.name = *update.name;
  if (update.scopes) record.scopes = scope_list::of(*update.scopes).value();  // known: never fails
  if (update.name || update.scopes) record.modified = now;
  if (update.flag) record.enabled = flag_is_revoked ? !*update.flag : *update.flag;
}

// TokenMetadata of API v1: dates as Unix milliseconds, `revoked` instead of `enabled`.
json::object v1_metadata(const token_record& record) {
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

}  // namespace

std::optional<std::string> api_path(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  for (const std::string_view prefix : {"/api/", "/platform/classic/environment-api/"}) {
    if (path.starts_with(prefix)) return std::string(path.substr(prefix.size()));
  }
  if (path.starts_with("/e/")) {
    const std::size_t slash = path.find('/', 3);
    if (slash != std::string_view::npos && path.substr(slash).starts_with("/api/")) {
      return std::string(path.substr(slash + 5));
    }
  }
  return std::nullopt;
}

response error_response(unsigned status, const std::string& message) {
  return error(status, message);
}

response json_response(unsigned status, const json::value& body) {
  response out;
  out.status = status;
  out.body = json::serialize(body);
  return out;
}

// --- the request being handled ---

struct token_api::context {
  const request& incoming;
  std::string path;  // after the API prefix: "v2/apiTokens/..."
  query_list query;
  token_record* caller = nullptr;
  millis now = 0;
  request_record* record = nullptr;
  // What the request changed, for the state file.
  std::set<std::string, std::less<>> changed;
  std::vector<std::string> removed;
  bool tenant_changed = false;
};

std::optional<std::string_view> request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

token_api::token_api(api_options options) : options_(std::move(options)) {
  tenant_.active = new_tenant_token();
}

millis token_api::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string token_api::create_admin_token(const std::string& owner) {
  std::optional<std::string> token = new_token();
  if (!token) return {};
  std::vector<std::string> scopes;
  for (const scope_info& scope : known_scopes()) scopes.emplace_back(scope.name);
  if (!seed(*token, "dtoken-mock admin", owner, scopes)) return {};
  return *token;
}

bool token_api::seed(std::string_view token, const std::string& name, const std::string& owner,
                     const std::vector<std::string>& scopes) {
  const parse_result parsed = parse(token, profile::family);
  if (!parsed.ok()) return false;
  token_record record;
  record.id = std::string(parsed.value.token_id());
  record.name = name;
  record.owner = owner;
  if (scopes.empty()) {
    record.scopes = scope_list::every_known();
  } else if (auto list = scope_list::of(scopes)) {
    record.scopes = std::move(*list);
  } else {
    return false;  // more distinct scope names than the mock can number
  }
  record.creation = now();
  const std::lock_guard lock(mutex_);
  const std::string id = record.id;
  if (!store_.add(token, std::move(record))) return false;
  if (state_ != nullptr) state_->write({store_.find(id)}, {}, nullptr);
  return true;
}

void token_api::mark_seeded() {
  const std::lock_guard lock(mutex_);
  seeded_store_ = store_;
  seeded_tenant_ = tenant_;
}

void token_api::reset() {
  const std::lock_guard lock(mutex_);
  store_ = seeded_store_;
  tenant_ = seeded_tenant_;
  usage_.clear();
  if (state_ != nullptr) state_->replace(store_, tenant_);
}

void token_api::attach_state(state_file& file) {
  const std::lock_guard lock(mutex_);
  state_ = &file;
  if (file.existed()) {
    file.load(store_, tenant_);
  } else {
    file.replace(store_, tenant_);
  }
}

response token_api::handle(const request& incoming, request_record* logged) {
  request_record record;
  record.method = printable(incoming.method);
  const std::string_view target = incoming.target;
  // (A DELETE by secret carries the secret in its path: the record masks it.)
  record.path = printable(without_secrets(target.substr(0, target.find('?'))));
  response out;
  try {
    const std::lock_guard lock(mutex_);
    record.time = now();
    context call{incoming, {}, {}, nullptr, record.time, &record, {}, {}, false};
    out = route(call);
    if (state_ != nullptr &&
        (!call.changed.empty() || !call.removed.empty() || call.tenant_changed)) {
      // Durable before it is acknowledged. The caller's row goes too: its last use changed.
      if (call.caller != nullptr && store_.find(call.caller->id) != nullptr) {
        call.changed.insert(call.caller->id);
      }
      std::vector<const token_record*> rows;
      for (const std::string& id : call.changed) {
        if (const token_record* row = store_.find(id)) rows.push_back(row);
      }
      try {
        state_->write(rows, call.removed, call.tenant_changed ? &tenant_ : nullptr);
      } catch (const state_error& failure) {
        out = error(503, std::string("The mock could not write its state file: ") + failure.what());
      }
    }
  } catch (const std::exception&) {
    out = error(500, "Internal error of the mock");
  }
  record.status = out.status;
  if (logged != nullptr) *logged = std::move(record);
  return out;
}

// GET /v1/tokens: `limit` (1 to 1000000, default 1000), `user`, `permissions` (repeated; all
// of them), `from`/`to` (Unix ms, on last use). StubList {values: [{id, name}]}.
response token_api::v1_list(context& call) {
  std::vector<violation> problems;
  std::uint64_t limit = 1000;
  const auto number = [&](const std::string& name, std::int64_t& value) {
    const std::string* text = query_value(call.query, name);
    if (text == nullptr) return false;
    const auto [end, failure] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (failure != std::errc{} || end != text->data() + text->size()) {
      problems.push_back({name, "must be a number", "QUERY"});
      return false;
    }
    return true;
  };
  std::int64_t value = 0;
  if (number("limit", value)) {
    if (value < 1 || value > 1'000'000) {
      problems.push_back({"limit", "must be from 1 to 1000000", "QUERY"});
    } else {
      limit = static_cast<std::uint64_t>(value);
    }
  }
  std::int64_t from = 0;
  std::int64_t to = 0;
  const bool has_from = number("from", from);
  const bool has_to = number("to", to);
  if (!problems.empty()) return error(400, "Constraints violated.", problems);
  const std::string* user = query_value(call.query, "user");
  std::vector<std::string> permissions;
  for (const auto& [key, text] : call.query) {
    if (key == "permissions") permissions.push_back(text);
  }
  json::array values;
  for (const auto& stored : store_.all()) {
    const token_record* record = stored.get();
    if (values.size() >= limit) break;
    if (user != nullptr && record->owner != *user) continue;
    if (!std::all_of(permissions.begin(), permissions.end(),
                     [&](const std::string& p) { return record->has_scope(p); })) {
      continue;
    }
    if ((has_from || has_to) && (!record->last_used || (has_from && *record->last_used < from) ||
                                 (has_to && *record->last_used > to))) {
      continue;
    }
    values.push_back(json::object{{"id", record->id}, {"name", record->name}});
  }
  return json_response(200, json::object{{"values", std::move(values)}});
}

// POST /v1/tokens: CreateToken {name, scopes (at least one), expiresIn {value, unit}}; 201 with
// the token as JSON, plain text or CSV, as the Accept header asks.
response token_api::v1_create(context& call) {
  const auto body = parse_object(call.incoming.body);
  if (!body) return error(400, "The request body is not a JSON object");
  std::vector<violation> problems;
  const json::value* name = member(*body, "name");
  const json::value* scopes = member(*body, "scopes");
  const json::value* expires_in = member(*body, "expiresIn");
  if (name == nullptr || !name->is_string()) {
    problems.push_back({"name", "must not be null", "PAYLOAD_BODY"});
  }
  std::vector<std::string> scope_list;
  if (scopes == nullptr) {
    problems.push_back({"scopes", "must not be null", "PAYLOAD_BODY"});
  } else {
    scope_list = read_scopes(*scopes, false, problems);
  }
  std::optional<millis> expires;
  if (expires_in != nullptr) {
    const json::value* amount =
        expires_in->is_object() ? member(expires_in->as_object(), "value") : nullptr;
    const json::value* unit =
        expires_in->is_object() ? member(expires_in->as_object(), "unit") : nullptr;
    static constexpr std::pair<std::string_view, millis> units[] = {{"MILLIS", 1},
                                                                    {"SECONDS", 1000},
                                                                    {"MINUTES", 60'000},
                                                                    {"HOURS", 3'600'000},
                                                                    {"DAYS", 86'400'000}};
    millis scale = 1;
    bool unit_ok = unit == nullptr;
    if (unit != nullptr && unit->is_string()) {
      for (const auto& [unit_name, unit_scale] : units) {
        if (unit->as_string() == unit_name) {
          scale = unit_scale;
          unit_ok = true;
        }
      }
    }
    if (amount == nullptr || !amount->is_int64() || amount->as_int64() <= 0 ||
        amount->as_int64() > 100LL * 365 * 86'400'000 / scale || !unit_ok) {
      problems.push_back({"expiresIn",
                          "needs a positive value and a unit of DAYS, HOURS, "
                          "MINUTES, SECONDS or MILLIS",
                          "PAYLOAD_BODY"});
    } else {
      expires = call.now + amount->as_int64() * scale;
    }
  }
  if (!problems.empty()) return error(400, "Constraints violated.", problems);
  auto issued = issue(call, std::string(name->as_string()), scope_list, false, expires);
  if (auto* failure = std::get_if<response>(&issued)) return *failure;
  const std::string& token = std::get<std::string>(issued);
  const std::string accept(call.incoming.header("Accept").value_or("application/json"));
  response out;
  out.status = 201;
  // The spec declares a Location header, "Token Id": the new token's path, ending in its ID.
  std::string_view location = call.incoming.target;
  location = location.substr(0, location.find('?'));
  while (location.ends_with('/')) location.remove_suffix(1);
  out.headers.emplace_back("Location",
                           std::string(location) + "/" + token.substr(0, token.size() - 65));
  if (accept.find("text/csv") != std::string::npos) {
    const bool header = accept.find("header=absent") == std::string::npos;
    out.content_type = header ? "text/csv; header=present; charset=utf-8"
                              : "text/csv; header=absent; charset=utf-8";
    out.body = (header ? "token\r\n" : "") + token + "\r\n";
  } else if (accept.find("text/plain") != std::string::npos &&
             accept.find("application/json") == std::string::npos) {
    out.content_type = "text/plain;charset=utf-8";
    out.body = token;
  } else {
    out.body = json::serialize(json::object{{"token", token}});
  }
  return out;
}

// A new token from the CSPRNG, owned by the caller, stored: its full text (shown this once), or
// the error to answer.
std::variant<std::string, response> token_api::issue(context& call, std::string name,
                                                     std::vector<std::string> scopes, bool personal,
                                                     std::optional<millis> expires) {
  const std::optional<std::string> token = new_token();
  if (!token) return error(500, "The CSPRNG failed");
  token_record record;
  record.id = token->substr(0, token->size() - 65);
  record.name = std::move(name);
  record.owner = call.caller->owner;
  record.scopes = scope_list::of(scopes).value();  // known scopes: never fails
  record.personal_access_token = personal;
  record.creation = call.now;
  record.expiration = expires;
  if (!store_.add(*token, record)) return error(500, "Token ID collision");
  call.changed.insert(record.id);
  return *token;
}

// The token whose secret is the body's "token" (lookup), or the error to answer.
std::variant<token_record*, response> token_api::find_by_body(std::string_view body,
                                                              const std::string& not_found) {
  const auto object = parse_object(body);
  const json::value* token = object ? member(*object, "token") : nullptr;
  if (token == nullptr || !token->is_string()) {
    return error(400, "Constraints violated.", {{"token", "must not be null", "PAYLOAD_BODY"}});
  }
  const std::string text(token->as_string());
  token_record* record = is_valid(text, profile::family) ? store_.find_by_secret(text) : nullptr;
  if (record == nullptr) return error(404, not_found);
  return record;
}

response token_api::route(context& call) {
  const request& in = call.incoming;
  std::string_view target = in.target;
  const std::size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  const auto query = parse_query(question == std::string_view::npos ? std::string_view()
                                                                    : target.substr(question + 1));
  if (!query) return error(400, "The query string is not valid URL encoding");
  call.query = *query;

  const std::optional<std::string> api_route = api_path(path);
  if (!api_route) return error(404, "Not found");
  call.path = *api_route;
  path = call.path;
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);

  // The route: which methods it takes, and the scope each needs ("" = any valid token).
  struct route_entry {
    std::string_view method;
    std::string_view scope;
  };
  std::vector<route_entry> methods;
  std::string id;  // a path parameter
  const auto is = [&](std::string_view pattern) { return path == pattern; };
  const auto under = [&](std::string_view prefix) {
    if (!path.starts_with(prefix) || path.size() <= prefix.size()) return false;
    const std::string_view rest = path.substr(prefix.size());
    if (rest.find('/') != std::string_view::npos) return false;
    const auto decoded = url_decode(rest);
    id = decoded ? *decoded : std::string(rest);
    return true;
  };
  enum class kind {
    none,
    list,
    lookup,
    one,
    rotation,
    connection,
    version,
    v1_list,
    v1_lookup,
    v1_one
  };
  kind found = kind::none;
  if (is("v2/apiTokens")) {
    methods = {{"GET", "apiTokens.read"}, {"POST", "apiTokens.write"}};
    found = kind::list;
  } else if (is("v2/apiTokens/lookup")) {
    methods = {{"POST", ""}};
    found = kind::lookup;
  } else if (under("v2/apiTokens/")) {
    methods = {
        {"GET", "apiTokens.read"}, {"PUT", "apiTokens.write"}, {"DELETE", "apiTokens.write"}};
    found = kind::one;
  } else if (is("v2/tenantTokenRotation/start") || is("v2/tenantTokenRotation/finish") ||
             is("v2/tenantTokenRotation/cancel")) {
    methods = {{"POST", "tenantTokenRotation.write"}};
    found = kind::rotation;
  } else if (is("v1/deployment/installer/agent/connectioninfo")) {
    methods = {{"GET", "InstallerDownload"}};
    found = kind::connection;
  } else if (is("v1/tokens")) {
    methods = {{"GET", "TenantTokenManagement"}, {"POST", "TenantTokenManagement"}};
    found = kind::v1_list;
  } else if (is("v1/tokens/lookup")) {
    methods = {{"POST", ""}};
    found = kind::v1_lookup;
  } else if (under("v1/tokens/")) {
    methods = {{"GET", "TenantTokenManagement"},
               {"PUT", "TenantTokenManagement"},
               {"DELETE", "TenantTokenManagement"}};
    found = kind::v1_one;
  } else if (is("v1/config/clusterversion")) {
    methods = {{"GET", "DataExport"}};
    found = kind::version;
  }
  if (found == kind::none) return error(404, "Not found");
  const auto method = std::find_if(methods.begin(), methods.end(),
                                   [&](const route_entry& e) { return e.method == in.method; });
  if (method == methods.end()) {
    std::string allowed;
    for (const route_entry& e : methods)
      allowed.append(allowed.empty() ? "" : ", ").append(e.method);
    response out = error(405, "Method " + printable(in.method) + " is not allowed here");
    out.headers.emplace_back("Allow", allowed);
    return out;
  }

  // Authentication: the Authorization header (scheme Api-Token) or the api-token parameter.
  std::optional<std::string> secret;
  if (const auto header = in.header("Authorization")) {
    const std::size_t space = header->find(' ');
    if (space == std::string_view::npos || !iequals(header->substr(0, space), "Api-Token")) {
      return error(401, "Unsupported authorization scheme: use 'Api-Token <token>'");
    }
    std::string_view value = header->substr(space + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    secret = std::string(value);
  } else {
    for (const auto& [key, value] : call.query) {
      if (iequals(key, "api-token")) secret = value;
    }
  }
  if (!secret) return error(401, "Missing authorization parameter");
  token_record* caller =
      is_valid(*secret, profile::family) ? store_.find_by_secret(*secret) : nullptr;
  if (caller == nullptr) return error(401, "Token Authentication failed");
  call.record->token_id = caller->id;
  if (caller->expired(call.now)) return error(401, "Token expired");
  if (!caller->enabled) return error(401, "Token is disabled");
  caller->last_used = call.now;
  caller->last_used_ip = in.remote_address;
  call.caller = caller;
  if (options_.rate_limit > 0) {
    // Fixed one-minute windows per token; the headers are those Dynatrace documents.
    constexpr millis minute = 60'000;
    usage& used = usage_[caller->id];
    if (call.now - used.window_start >= minute) used = {call.now - call.now % minute, 0};
    const millis reset_at = used.window_start + minute;
    if (used.count >= options_.rate_limit) {
      response out = error(429, "Too many requests: the limit is " +
                                    std::to_string(options_.rate_limit) + " per minute");
      out.headers = {{"Retry-After", std::to_string((reset_at - call.now + 999) / 1000)},
                     {"X-RateLimit-Limit", std::to_string(options_.rate_limit)},
                     {"X-RateLimit-Remaining", "0"},
                     {"X-RateLimit-Reset", std::to_string(reset_at * 1000)}};
      return out;
    }
    ++used.count;
  }
  if (!method->scope.empty() && !caller->has_scope(method->scope)) {
    return error(403, required_scope_message(method->scope));
  }

  const auto body_object = [&]() { return parse_object(in.body); };
  const auto find_target = [&](const std::string& key) -> token_record* {
    token_record* by_secret = is_valid(key, profile::family) ? store_.find_by_secret(key) : nullptr;
    return by_secret != nullptr ? by_secret : store_.find(key);
  };

  switch (found) {
    case kind::list:
      if (in.method == "POST") {
        // --- create ---
        const auto body = body_object();
        if (!body) return error(400, "The request body is not a JSON object");
        std::vector<violation> problems;
        const json::value* name = member(*body, "name");
        const json::value* scopes = member(*body, "scopes");
        const json::value* personal = member(*body, "personalAccessToken");
        const json::value* expiration = member(*body, "expirationDate");
        if (name == nullptr) problems.push_back({"name", "must not be null", "PAYLOAD_BODY"});
        if (name != nullptr && !name->is_string()) {
          problems.push_back({"name", "must be a string", "PAYLOAD_BODY"});
        }
        if (personal != nullptr && !personal->is_bool()) {
          problems.push_back({"personalAccessToken", "must be a boolean", "PAYLOAD_BODY"});
        }
        const bool is_personal = personal != nullptr && personal->is_bool() && personal->as_bool();
        std::vector<std::string> scope_list;
        if (scopes == nullptr) {
          problems.push_back({"scopes", "must not be null", "PAYLOAD_BODY"});
        } else {
          scope_list = read_scopes(*scopes, is_personal, problems);
        }
        std::optional<millis> expires;
        if (expiration != nullptr) {
          expires = expiration->is_string()
                        ? parse_time(std::string_view(expiration->as_string()), call.now)
                        : std::nullopt;
          if (!expires) {
            problems.push_back({"expirationDate", "is not a date", "PAYLOAD_BODY"});
          } else if (*expires <= call.now) {
            problems.push_back(
                {"expirationDate", "The expiration date must not be in the past.", "PAYLOAD_BODY"});
          }
        }
        if (!problems.empty()) return error(400, "Constraints violated.", problems);
        auto issued = issue(call, std::string(name->as_string()), scope_list, is_personal, expires);
        if (auto* failure = std::get_if<response>(&issued)) return *failure;
        const std::string& token = std::get<std::string>(issued);
        json::object created{{"id", token.substr(0, token.size() - 65)}, {"token", token}};
        if (expires) created["expirationDate"] = format_date(*expires);
        return json_response(201, created);
      } else {
        // --- list ---
        const std::string* page_key = query_value(call.query, "nextPageKey");
        query_list effective = call.query;
        std::uint64_t offset = 0;
        if (page_key != nullptr) {
          for (const auto& [key, value] : call.query) {
            if (key != "nextPageKey" && !iequals(key, "api-token")) {
              return error(
                  400, "nextPageKey must be the only query parameter",
                  {{printable(key), "must be omitted together with nextPageKey", "QUERY"}});
            }
          }
          // The key is the query it continues and the offset, base64-encoded JSON.
          // Beast's decoder stops at the padding and does not count it as read (fuzz_query found
          // keys ending in "=" refused).
          std::string_view unpadded = *page_key;
          for (int pad = 0; pad < 2 && unpadded.ends_with('='); ++pad) unpadded.remove_suffix(1);
          // decoded_size() rounds down, the decoder writes a last partial group too: room for it.
          std::string decoded((unpadded.size() + 3) / 4 * 3, '\0');
          const auto [written, read] = boost::beast::detail::base64::decode(
              decoded.data(), unpadded.data(), unpadded.size());
          decoded.resize(written);
          const auto state = read == unpadded.size() ? parse_object(decoded) : std::nullopt;
          const json::value* q = state ? member(*state, "q") : nullptr;
          const json::value* o = state ? member(*state, "o") : nullptr;
          if (q == nullptr || !q->is_string() || o == nullptr || !o->is_int64() ||
              o->as_int64() < 0) {
            return error(400, "Invalid nextPageKey", {{"nextPageKey", "is not valid", "QUERY"}});
          }
          auto restored = parse_query(std::string_view(q->as_string()));
          if (!restored) return error(400, "Invalid nextPageKey");
          effective = *restored;
          offset = static_cast<std::uint64_t>(o->as_int64());
        }
        std::vector<violation> problems;
        std::uint64_t page_size = 200;
        if (const std::string* size = query_value(effective, "pageSize")) {
          const auto [end, failure] =
              std::from_chars(size->data(), size->data() + size->size(), page_size);
          if (failure != std::errc{} || end != size->data() + size->size() || page_size < 100 ||
              page_size > 10000) {
            problems.push_back({"pageSize", "must be a number from 100 to 10000", "QUERY"});
          }
        }
        selector chosen;
        if (const std::string* text = query_value(effective, "apiTokenSelector")) {
          const auto parsed = parse_selector(*text);
          if (!parsed) {
            problems.push_back({"apiTokenSelector",
                                "use owner(\"...\"), personalAccessToken(true|false) and "
                                "scope(\"...\",...), separated by commas",
                                "QUERY"});
          } else {
            chosen = *parsed;
          }
        }
        std::set<std::string, std::less<>> fields = default_fields;
        if (const std::string* text = query_value(effective, "fields")) {
          const auto parsed = parse_fields(*text);
          if (!parsed) {
            problems.push_back(
                {"fields", "unknown field, or signed and unsigned fields mixed", "QUERY"});
          } else {
            fields = *parsed;
          }
        }
        sort_order order;
        if (const std::string* text = query_value(effective, "sort")) {
          const auto parsed = parse_sort(*text);
          if (!parsed) {
            problems.push_back({"sort", "unknown sort key", "QUERY"});
          } else {
            order = *parsed;
          }
        }
        std::optional<millis> from;
        std::optional<millis> to;
        if (const std::string* text = query_value(effective, "from")) {
          from = parse_time(*text, call.now);
          if (!from) problems.push_back({"from", "is not a time", "QUERY"});
        }
        if (const std::string* text = query_value(effective, "to")) {
          to = parse_time(*text, call.now);
          if (!to) problems.push_back({"to", "is not a time", "QUERY"});
        }
        if (!problems.empty()) return error(400, "Constraints violated.", problems);
        const bool by_use =
            query_value(effective, "from") != nullptr || query_value(effective, "to") != nullptr;
        const millis last = to.value_or(call.now);
        std::vector<const token_record*> list;
        list.reserve(store_.size());
        for (const auto& stored : store_.all()) {
          const token_record* record = stored.get();
          if (chosen.owner && record->owner != *chosen.owner) continue;
          if (chosen.personal && record->personal_access_token != *chosen.personal) continue;
          if (!chosen.scopes.empty() &&
              std::none_of(chosen.scopes.begin(), chosen.scopes.end(),
                           [&](const std::string& s) { return record->has_scope(s); })) {
            continue;
          }
          if (by_use && (!record->last_used || *record->last_used > last ||
                         (from && *record->last_used < *from))) {
            continue;
          }
          list.push_back(record);
        }
        // Ties go by creation order, so the order is total and any sort gives the same pages.
        // Only the tokens up to the end of this page are sorted; and the list comes in creation
        // order, so the default (newest first) is that order reversed, checked in one pass.
        const auto before = [&](const token_record* a, const token_record* b) {
          const int order_of = compare(*a, *b, order.key);
          if (order_of != 0) return order.ascending ? order_of < 0 : order_of > 0;
          return order.ascending ? a->sequence < b->sequence : a->sequence > b->sequence;
        };
        if (!order.ascending) std::reverse(list.begin(), list.end());
        const std::uint64_t stop = std::min<std::uint64_t>(list.size(), offset + page_size);
        const bool in_order = order.key == "creationDate" && store_.creation_ordered();
        if (!in_order && !std::is_sorted(list.begin(), list.end(), before)) {
          std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(stop),
                            list.end(), before);
        }
        json::value next = nullptr;
        if (stop < list.size()) {
          std::string q;
          for (const auto& [key, value] : effective) {
            if (iequals(key, "api-token")) continue;
            json::string encoded;
            q.append(q.empty() ? "" : "&");
            for (const char c : key + "=" + value) {
              if (std::isalnum(static_cast<unsigned char>(c)) || c == '=' || c == '-' || c == '_' ||
                  c == '.') {
                q += c;
              } else {
                static constexpr char hex[] = "0123456789ABCDEF";
                q += '%';
                q += hex[static_cast<unsigned char>(c) >> 4];
                q += hex[static_cast<unsigned char>(c) & 15];
              }
            }
          }
          const std::string state =
              json::serialize(json::object{{"q", q}, {"o", static_cast<std::int64_t>(stop)}});
          std::string key(boost::beast::detail::base64::encoded_size(state.size()), '\0');
          key.resize(boost::beast::detail::base64::encode(key.data(), state.data(), state.size()));
          next = json::string(key);
        }
        // The page is written token by token, each built in a buffer on the stack, so that a
        // page of 10,000 tokens never holds 10,000 JSON trees (ApiTokenList, fields in the
        // spec's order).
        response out;
        out.status = 200;
        out.body = json::serialize(json::object{
            {"totalCount", list.size()}, {"pageSize", page_size}, {"nextPageKey", next}});
        out.body.pop_back();  // the '}'
        out.body += ",\"apiTokens\":[";
        for (std::uint64_t i = offset; i < stop; ++i) {
          unsigned char buffer[16 * 1024];
          json::monotonic_resource arena(buffer, sizeof buffer);
          if (i != offset) out.body += ',';
          out.body += json::serialize(token_json(*list[i], fields, &arena));
        }
        out.body += "]}";
        return out;
      }
    case kind::lookup: {
      auto found_token = find_by_body(in.body, "Token not found");
      if (auto* failure = std::get_if<response>(&found_token)) return *failure;
      unsigned char buffer[16 * 1024];
      json::monotonic_resource arena(buffer, sizeof buffer);
      return json_response(
          200, token_json(*std::get<token_record*>(found_token), every_field(), &arena));
    }
    case kind::one: {
      if (in.method == "GET") {
        const token_record* record = store_.find(id);
        if (record == nullptr) return error(404, "Token with ID '" + printable(id) + "' not found");
        unsigned char buffer[16 * 1024];
        json::monotonic_resource arena(buffer, sizeof buffer);
        return json_response(200, token_json(*record, every_field(), &arena));
      }
      token_record* record = find_target(id);
      if (record == nullptr) return error(404, "Token not found");
      if (in.method == "DELETE") {
        if (record == caller) {
          return error(
              400, "You can't delete the token you're using for authentication of the request.");
        }
        if (caller->personal_access_token && record->owner != caller->owner) {
          return error(403, "A personal access token can delete only the tokens of its owner.");
        }
        call.removed.push_back(record->id);
        store_.erase(record->id);
        return no_content();
      }
      // PUT
      auto parsed = parse_update(in.body, "enabled", record->personal_access_token);
      if (auto* failure = std::get_if<response>(&parsed)) return *failure;
      const token_update& update = std::get<token_update>(parsed);
      if (record == caller && update.flag == false) {
        return error(400,
                     "You can't disable the token you're using for authentication of the request.");
      }
      apply(*record, update, false, call.now);
      call.changed.insert(record->id);
      return no_content();
    }
    case kind::rotation: {
      const bool ongoing = tenant_.old.has_value();
      if (path.ends_with("start")) {
        if (ongoing) return error(400, "Another rotation process is already in progress.");
        tenant_.old = tenant_.active;
        call.tenant_changed = true;
        tenant_.active = new_tenant_token();
        return json_response(200, json::object{{"active", {{"value", tenant_.active}}},
                                               {"old", {{"value", *tenant_.old}}}});
      }
      if (path.ends_with("finish")) {
        if (!ongoing) return error(400, "No ongoing rotation process.");
        const std::string old = *tenant_.old;
        tenant_.old.reset();
        call.tenant_changed = true;
        return json_response(
            200, json::object{{"active", {{"value", tenant_.active}}}, {"old", {{"value", old}}}});
      }
      if (!ongoing) return error(400, "There is no ongoing rotation process.");
      tenant_.active = *tenant_.old;
      tenant_.old.reset();
      call.tenant_changed = true;
      return json_response(200, json::object{{"active", {{"value", tenant_.active}}},
                                             {"old", {{"value", nullptr}}}});
    }
    case kind::connection: {
      const std::string host(in.header("Host").value_or("localhost"));
      json::array endpoints{json::string("https://" + host + "/communication")};
      return json_response(200, json::object{{"tenantUUID", options_.environment_id},
                                             {"tenantToken", tenant_.active},
                                             {"communicationEndpoints", endpoints},
                                             {"formattedCommunicationEndpoints",
                                              "https://" + host + "/communication"}});
    }
    case kind::version:
      return json_response(200, json::object{{"version", options_.cluster_version}});
    case kind::v1_list:
      return in.method == "POST" ? v1_create(call) : v1_list(call);
    case kind::v1_lookup: {
      auto found_token = find_by_body(in.body, "The requested token has not been found.");
      if (auto* failure = std::get_if<response>(&found_token)) return *failure;
      return json_response(200, v1_metadata(*std::get<token_record*>(found_token)));
    }
    case kind::v1_one: {
      token_record* record = in.method == "DELETE" ? find_target(id) : store_.find(id);
      if (record == nullptr) return error(404, "The requested token has not been found.");
      if (in.method == "GET") return json_response(200, v1_metadata(*record));
      if (in.method == "DELETE") {
        if (record == caller) {
          return error(
              400, "You can't delete the token you're using for authentication of the request.");
        }
        call.removed.push_back(record->id);
        store_.erase(record->id);
        return no_content();
      }
      if (record == caller) {
        return error(400,
                     "You can't update the token you're using for authentication of the request.");
      }
      auto parsed = parse_update(in.body, "revoked", record->personal_access_token);
      if (auto* failure = std::get_if<response>(&parsed)) return *failure;
      apply(*record, std::get<token_update>(parsed), true, call.now);
      call.changed.insert(record->id);
      return no_content();
    }
    case kind::none:
      break;
  }
  return error(404, "Not found");
}

}  // namespace dtoken::mock
