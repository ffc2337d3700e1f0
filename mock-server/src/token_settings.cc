// Settings 2.0 for the one schema the mock serves, builtin:tokens.token-settings (facts section
// 3.5): the settings objects API (list, get, update, create as an upsert), the schema, and the
// effective value. Its two properties change what the token APIs do:
//   newDynatraceTokenFormatEnabled  false: new API tokens are old-format (issue_token)
//   patEnabled                      false: personal access tokens can be neither created nor
//                                   used (api_tokens_v2.cc, auth.cc)
// Any other schema ID is answered as a real environment answers a schema it does not have: 404.
#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>

#include "handlers.h"
#include "list_query.h"
#include "text.h"
#include "token_bodies.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

constexpr std::string_view schema_id = "builtin:tokens.token-settings";
constexpr std::string_view schema_version = "1.0.3";
constexpr std::string_view scope = "environment";
constexpr std::string_view object_fields[] = {
    "objectId", "value",    "schemaId", "schemaVersion", "scope",     "summary",
    "created",  "modified", "author",   "updateToken",   "externalId"};

// The object's ID: base64url of "<schema>/<scope>", so that it is the same in every run.
const std::string& object_id() {
  static const std::string id = [] {
    const std::string text = std::string(schema_id) + "/" + std::string(scope);
    std::string out(boost::beast::detail::base64::encoded_size(text.size()), '\0');
    out.resize(boost::beast::detail::base64::encode(out.data(), text.data(), text.size()));
    for (char& c : out) c = c == '+' ? '-' : (c == '/' ? '_' : c);
    while (out.ends_with('=')) out.pop_back();
    return out;
  }();
  return id;
}

std::string update_token(const token_settings& settings) {
  return "dtoken-rev-" + std::to_string(settings.revision);
}

json::object settings_value(const token_settings& settings) {
  return {{"newDynatraceTokenFormatEnabled", settings.new_format},
          {"patEnabled", settings.pat_enabled}};
}

// SettingsObject with these fields.
json::object object_json(const token_settings& settings, const field_set& fields) {
  json::object out;
  const auto want = [&](std::string_view name) { return fields.contains(name); };
  if (want("objectId")) out["objectId"] = object_id();
  if (want("schemaId")) out["schemaId"] = schema_id;
  if (want("schemaVersion")) out["schemaVersion"] = schema_version;
  if (want("scope")) out["scope"] = scope;
  if (want("summary")) out["summary"] = "Access tokens";
  if (want("author")) out["author"] = settings.author;
  if (want("created")) out["created"] = settings.created;
  if (want("modified")) out["modified"] = settings.modified;
  if (want("updateToken")) out["updateToken"] = update_token(settings);
  if (want("value")) out["value"] = settings_value(settings);
  return out;
}

// The 404 of a schema the mock does not serve.
response unknown_schema(std::string_view id) {
  std::string message = "Schema not found: ";
  message.append(printable(id)).append(" (dtoken-mock serves only ").append(schema_id).append(")");
  return error_response(404, message);
}

// A SettingsObjectResponse {code, objectId | error, invalidValue}.
json::object object_response(unsigned code, const std::string& message = {},
                             const std::vector<violation>& problems = {},
                             const json::value* invalid = nullptr) {
  json::object out{{"code", code}};
  if (code < 300) {
    out["objectId"] = object_id();
    return out;
  }
  out["error"] = json::parse(error_response(code, message, problems).body).at("error");
  if (invalid != nullptr) out["invalidValue"] = *invalid;
  return out;
}

// The value of an update: both properties, booleans, nothing else.
std::optional<token_settings> read_value(const json::value* value, const token_settings& now,
                                         std::vector<violation>& problems) {
  if (value == nullptr || !value->is_object()) {
    problems.push_back({"value", "must be an object", "PAYLOAD_BODY"});
    return std::nullopt;
  }
  token_settings out = now;
  for (const auto& [key, item] : value->as_object()) {
    bool* target = key == "newDynatraceTokenFormatEnabled" ? &out.new_format
                   : key == "patEnabled"                   ? &out.pat_enabled
                                                           : nullptr;
    if (target == nullptr) {
      problems.push_back(
          {"value/" + printable(key), "is not a property of the schema", "PAYLOAD_BODY"});
    } else if (!item.is_bool()) {
      problems.push_back({"value/" + std::string(key), "must be a boolean", "PAYLOAD_BODY"});
    } else {
      *target = item.as_bool();
    }
  }
  for (const char* required : {"newDynatraceTokenFormatEnabled", "patEnabled"}) {
    if (!value->as_object().contains(required)) {
      problems.push_back({std::string("value/") + required, "is required", "PAYLOAD_BODY"});
    }
  }
  if (!problems.empty()) return std::nullopt;
  return out;
}

void store_value(api_call& call, const token_settings& value) {
  token_settings& settings = call.store.edit_settings();
  settings.new_format = value.new_format;
  settings.pat_enabled = value.pat_enabled;
  settings.revision += 1;
  if (settings.created == 0) settings.created = call.now;
  settings.modified = call.now;
  settings.author = call.caller.owner;
}

// Whether a comma-separated list of schema IDs names the token settings; the 404 otherwise.
std::optional<response> check_schema_ids(const std::string* ids) {
  if (ids == nullptr) return std::nullopt;
  for (std::string_view id : split_criteria(*ids)) {
    if (id != schema_id) return unknown_schema(id);
  }
  return std::nullopt;
}

// The page of a one-object list: its size and the fields asked for.
struct one_object_page {
  std::uint64_t size = 100;
  std::string_view fields;
};

// The page a list query asks for, or the 400 for it.
std::variant<one_object_page, response> read_page(const query_list& query,
                                                  std::string_view default_fields) {
  std::uint64_t page_size = 100;
  if (const std::string* size = query_value(query, "pageSize")) {
    const auto parsed = parse_page_size(*size, 1, 500);
    if (!parsed) return constraint_error({{"pageSize", "must be a number from 1 to 500", "QUERY"}});
    page_size = *parsed;
  }
  if (query_value(query, "nextPageKey") != nullptr) {
    // A one-object list has no next page: no key the mock gave can be sent back.
    return error_response(400, "Invalid nextPageKey", {{"nextPageKey", "is not valid", "QUERY"}});
  }
  const std::string* text = query_value(query, "fields");
  return one_object_page{page_size, text != nullptr ? std::string_view(*text) : default_fields};
}

}  // namespace

// ObjectsList: schemaIds (or scopes) required on the first page; fields (default
// objectId,value); pageSize 1 to 500.
response list_settings_objects(api_call& call) {
  const std::string* ids = query_value(call.query, "schemaIds");
  const std::string* scopes = query_value(call.query, "scopes");
  if (ids == nullptr && scopes == nullptr && query_value(call.query, "nextPageKey") == nullptr) {
    return constraint_error({{"schemaIds", "schemaIds or scopes is required", "QUERY"}});
  }
  if (auto failure = check_schema_ids(ids)) return std::move(*failure);
  auto page = read_page(call.query, "objectId,value");
  if (auto* failure = std::get_if<response>(&page)) return std::move(*failure);
  field_set fields;
  for (const std::string_view name : split_criteria(std::get<one_object_page>(page).fields)) {
    if (std::find(std::begin(object_fields), std::end(object_fields), name) ==
        std::end(object_fields)) {
      return constraint_error({{"fields", "unknown field " + printable(name), "QUERY"}});
    }
    fields.emplace(name);
  }
  bool in_scope = scopes == nullptr;
  if (scopes != nullptr) {
    for (const std::string_view named : split_criteria(*scopes)) in_scope |= named == scope;
  }
  json::array items;
  if (in_scope) items.push_back(object_json(call.store.settings(), fields));
  // (no nextPageKey: there is no next page)
  return json_response(200, json::object{{"totalCount", items.size()},
                                         {"pageSize", std::get<one_object_page>(page).size},
                                         {"items", std::move(items)}});
}

response get_settings_object(api_call& call) {
  if (call.params.at(0) != object_id()) {
    return error_response(404, "Settings object " + printable(call.params.at(0)) + " not found");
  }
  field_set every(std::begin(object_fields), std::end(object_fields));
  every.erase("externalId");
  return json_response(200, object_json(call.store.settings(), every));
}

// SettingsObjectUpdate {value, updateToken}: 200 SettingsObjectResponse; 400, 404 and 409 (an
// updateToken of an older revision) as SettingsObjectResponse too, as the spec declares.
response update_settings_object(api_call& call) {
  if (call.params.at(0) != object_id()) {
    return json_response(404, object_response(404, "Settings object not found"));
  }
  const auto body = parse_object(call.in.body);
  if (!body)
    return json_response(400, object_response(400, "The request body is not a JSON object"));
  if (const json::value* token = member(*body, "updateToken")) {
    if (!token->is_string() || token->as_string() != update_token(call.store.settings())) {
      return json_response(409,
                           object_response(409, "The object was changed since its updateToken"));
    }
  }
  std::vector<violation> problems;
  const json::value* value = member(*body, "value");
  const auto settings = read_value(value, call.store.settings(), problems);
  if (!settings) {
    return json_response(400, object_response(400, "Constraints violated.", problems, value));
  }
  store_value(call, *settings);
  return json_response(200, object_response(200));
}

// [SettingsObjectCreate]: for this one-object schema an upsert of its object. validateOnly
// checks without saving. 200 with one SettingsObjectResponse per item, or 400 (or 404 for another
// schema) with them, as the spec declares: arrays, not error envelopes.
response create_settings_objects(api_call& call) {
  boost::system::error_code failure;
  const json::value body = json::parse(call.in.body, failure);
  if (failure || !body.is_array() || body.as_array().empty()) {
    return json_response(400,
                         json::array{object_response(400, "The body must be a non-empty array")});
  }
  const std::string* validate_only = query_value(call.query, "validateOnly");
  json::array answers;
  unsigned worst = 200;
  std::optional<token_settings> accepted;
  for (const json::value& item : body.as_array()) {
    const json::object* object = item.if_object();
    if (object == nullptr) {
      answers.push_back(object_response(400, "Each item must be a SettingsObjectCreate object"));
      worst = std::max(worst, 400U);
      continue;
    }
    const json::value* id = member(*object, "schemaId");
    const json::value* target = member(*object, "scope");
    std::vector<violation> problems;
    if (id == nullptr || !id->is_string() || id->as_string() != schema_id) {
      answers.push_back(object_response(
          404, "Schema not found (dtoken-mock serves only " + std::string(schema_id) + ")"));
      worst = std::max(worst, 404U);
      continue;
    }
    if (target != nullptr && (!target->is_string() || target->as_string() != scope)) {
      problems.push_back({"scope", "this schema takes only the scope environment", "PAYLOAD_BODY"});
    }
    const json::value* value = object->if_contains("value");
    auto settings = read_value(value, accepted.value_or(call.store.settings()), problems);
    if (!problems.empty()) {
      answers.push_back(object_response(400, "Constraints violated.", problems, value));
      worst = std::max(worst, 400U);
      continue;
    }
    accepted = settings;
    answers.push_back(object_response(200));
  }
  if (worst == 200 && accepted && (validate_only == nullptr || *validate_only != "true")) {
    store_value(call, *accepted);
  }
  return json_response(worst, answers);
}

// SchemaDefinitionRestDto of builtin:tokens.token-settings.
response get_settings_schema(api_call& call) {
  if (call.params.at(0) != schema_id) return unknown_schema(call.params.at(0));
  const auto property = [](const char* name, const char* description) {
    return json::object{{"displayName", name},
                        {"description", description},
                        {"type", "boolean"},
                        {"nullable", false},
                        {"maxObjects", 1},
                        {"default", true},
                        {"modificationPolicy", "DEFAULT"}};
  };
  json::object properties{
      {"newDynatraceTokenFormatEnabled",
       property("Create Dynatrace API tokens in the new format",
                "Dynatrace uses a unique token format consisting of three components separated by "
                "dots.")},
      {"patEnabled", property("Enable personal access tokens",
                              "Allow users of this environment to generate personal access tokens "
                              "based on user permissions. Note that existing personal access "
                              "tokens will become unusable while this setting is disabled.")}};
  return json_response(
      200, json::object{{"dynatrace", "1"},
                        {"schemaId", schema_id},
                        {"displayName", "Access tokens"},
                        {"description",
                         "Configure Dynatrace API access token and personal access "
                         "token generation."},
                        {"schemaGroups",
                         json::array{"group:integration.token-management", "group:integration"}},
                        {"version", schema_version},
                        {"multiObject", false},
                        {"maxObjects", 1},
                        {"allowedScopes", json::array{scope}},
                        {"enums", json::object{}},
                        {"types", json::object{}},
                        {"properties", std::move(properties)}});
}

// EffectiveSettingsValuesList: the value in force for the environment (default or set).
response list_effective_settings(api_call& call) {
  if (auto failure = check_schema_ids(query_value(call.query, "schemaIds"))) {
    return std::move(*failure);
  }
  auto page = read_page(call.query, "value");
  if (auto* failure = std::get_if<response>(&page)) return std::move(*failure);
  const token_settings& settings = call.store.settings();
  json::object item{{"schemaId", schema_id},
                    {"schemaVersion", schema_version},
                    {"value", settings_value(settings)},
                    {"origin", settings.revision == 0 ? "default" : "environment"}};
  if (settings.revision != 0) {
    item["author"] = settings.author;
    item["created"] = settings.created;
    item["modified"] = settings.modified;
  }
  return json_response(200, json::object{{"totalCount", 1},
                                         {"pageSize", std::get<one_object_page>(page).size},
                                         {"items", json::array{std::move(item)}}});
}

}  // namespace dtoken::mock
