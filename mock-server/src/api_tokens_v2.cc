// /api/v2/apiTokens: list, create, get, update, delete, lookup (facts section 2).
#include <algorithm>
#include <boost/json.hpp>

#include "dtoken/validate.h"
#include "handlers.h"
#include "list_query.h"
#include "text.h"
#include "token_bodies.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

constexpr std::string_view sort_keys[] = {"name", "lastUsedDate", "creationDate", "expirationDate",
                                          "modifiedDate"};

// A list request, read from the query (or the query its page key continues).
struct list_request {
  query_list query;  // the effective query (a page key's, when given)
  std::uint64_t offset = 0;
  std::uint64_t page_size = 200;
  token_selector selector;
  field_set fields = default_api_token_fields();
  sort_order order{"creationDate", false};
  std::optional<millis> from;
  std::optional<millis> to;
};

void read_filters(list_request& out, millis now, std::vector<violation>& problems) {
  if (const std::string* text = query_value(out.query, "apiTokenSelector")) {
    if (auto parsed = parse_selector(*text)) {
      out.selector = std::move(*parsed);
    } else {
      problems.push_back({"apiTokenSelector",
                          "use owner(\"...\"), personalAccessToken(true|false) and "
                          "scope(\"...\",...), separated by commas",
                          "QUERY"});
    }
  }
  for (const auto& [name, field] : {std::pair{"from", &out.from}, std::pair{"to", &out.to}}) {
    if (const std::string* text = query_value(out.query, name)) {
      *field = parse_time(*text, now);
      if (!*field) problems.push_back({name, "is not a time", "QUERY"});
    }
  }
}

void read_shape(list_request& out, std::vector<violation>& problems) {
  if (const std::string* size = query_value(out.query, "pageSize")) {
    if (auto parsed = parse_page_size(*size, 100, 10000)) {
      out.page_size = *parsed;
    } else {
      problems.push_back({"pageSize", "must be a number from 100 to 10000", "QUERY"});
    }
  }
  if (const std::string* text = query_value(out.query, "fields")) {
    if (auto parsed = parse_fields(*text, default_api_token_fields(), api_token_fields())) {
      out.fields = std::move(*parsed);
    } else {
      problems.push_back({"fields", "unknown field, or signed and unsigned fields mixed", "QUERY"});
    }
  }
  if (const std::string* text = query_value(out.query, "sort")) {
    if (auto parsed = parse_sort(*text, sort_keys)) {
      out.order = std::move(*parsed);
    } else {
      problems.push_back({"sort", "unknown sort key", "QUERY"});
    }
  }
}

std::variant<list_request, response> read_list_request(const query_list& query, millis now) {
  auto position = continued_query(query);
  if (auto* failure = std::get_if<response>(&position)) return std::move(*failure);
  list_request out;
  out.query = std::move(std::get<page_position>(position).query);
  out.offset = std::get<page_position>(position).offset;
  std::vector<violation> problems;
  read_shape(out, problems);
  read_filters(out, now, problems);
  if (!problems.empty()) return constraint_error(problems);
  return out;
}

bool selected(const token_record& record, const list_request& request, millis now) {
  if (record.kind != token_kind::api) return false;
  const token_selector& chosen = request.selector;
  if (chosen.owner && record.owner != *chosen.owner) return false;
  if (chosen.personal && record.personal_access_token != *chosen.personal) return false;
  if (!chosen.scopes.empty() &&
      std::none_of(chosen.scopes.begin(), chosen.scopes.end(),
                   [&](const std::string& s) { return record.has_scope(s); })) {
    return false;
  }
  if (!request.from && !request.to) return true;
  // from/to filter on the last use; "to" defaults to now.
  const millis last = request.to.value_or(now);
  return record.last_used && *record.last_used <= last &&
         (!request.from || *record.last_used >= *request.from);
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

// Sorts the rows up to `stop` into the request's order. Ties go by creation order, so the order
// is total and every page of any sort is stable. The list comes in creation order, so the
// default (newest first) is that order reversed, which one pass checks.
void sort_page(std::vector<const token_record*>& list, const sort_order& order, std::uint64_t stop,
               bool creation_ordered) {
  const auto before = [&](const token_record* a, const token_record* b) {
    const int by_key = compare(*a, *b, order.key);
    if (by_key != 0) return order.ascending ? by_key < 0 : by_key > 0;
    return order.ascending ? a->sequence < b->sequence : a->sequence > b->sequence;
  };
  if (!order.ascending) std::reverse(list.begin(), list.end());
  const bool in_order = order.key == "creationDate" && creation_ordered;
  if (!in_order && !std::is_sorted(list.begin(), list.end(), before)) {
    std::partial_sort(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(stop), list.end(),
                      before);
  }
}

// ApiTokenList of the rows of one page among `total`, written token by token, with no JSON tree
// (fields in the spec's order).
response render_rows(const std::vector<const token_record*>& page, std::uint64_t total,
                     const list_request& request) {
  const std::uint64_t stop = request.offset + page.size();
  json::value next = nullptr;
  if (stop < total) next = json::string(encode_page_key(request.query, stop));
  response out;
  out.body = json::serialize(
      json::object{{"totalCount", total}, {"pageSize", request.page_size}, {"nextPageKey", next}});
  out.body.pop_back();  // the '}'
  out.body += ",\"apiTokens\":[";
  out.body.reserve(out.body.size() + page.size() * 192);  // (a token with default fields: ~140)
  const field_mask fields = mask_of(request.fields);
  for (std::size_t i = 0; i < page.size(); ++i) {
    if (i != 0) out.body += ',';
    append_api_token(out.body, *page[i], fields);
  }
  out.body += "]}";
  return out;
}

// ApiTokenCreate: name and scopes required; personalAccessToken; expirationDate (a time in the
// future). Unknown properties are ignored, as the real server does (facts section 2.3).
std::variant<token_order, response> read_create(std::string_view text, millis now) {
  const auto body = parse_object(text);
  if (!body) return error_response(400, "The request body is not a JSON object");
  std::vector<violation> problems;
  const json::value* name = member(*body, "name");
  const json::value* scopes = member(*body, "scopes");
  const json::value* personal = member(*body, "personalAccessToken");
  const json::value* expiration = member(*body, "expirationDate");
  token_order order;
  if (name == nullptr) problems.push_back({"name", "must not be null", "PAYLOAD_BODY"});
  if (name != nullptr && !name->is_string()) {
    problems.push_back({"name", "must be a string", "PAYLOAD_BODY"});
  } else if (name != nullptr) {
    order.name = std::string(name->as_string());
  }
  if (personal != nullptr && !personal->is_bool()) {
    problems.push_back({"personalAccessToken", "must be a boolean", "PAYLOAD_BODY"});
  }
  order.personal = personal != nullptr && personal->is_bool() && personal->as_bool();
  if (scopes == nullptr) {
    problems.push_back({"scopes", "must not be null", "PAYLOAD_BODY"});
  } else {
    order.scopes = read_scopes(*scopes, order.personal, problems);
  }
  if (expiration != nullptr) {
    order.expires = expiration->is_string()
                        ? parse_time(std::string_view(expiration->as_string()), now)
                        : std::nullopt;
    if (!order.expires) {
      problems.push_back({"expirationDate", "is not a date", "PAYLOAD_BODY"});
    } else if (*order.expires <= now) {
      problems.push_back(
          {"expirationDate", "The expiration date must not be in the past.", "PAYLOAD_BODY"});
    }
  }
  if (!problems.empty()) return constraint_error(problems);
  return order;
}

}  // namespace

// The rows of a page in creation order, newest or oldest first, when nothing filters them and the
// store's order is that of creation dates: taken from the store's end with no list of all tokens
// (the default list call). nullopt when the request needs the general path.
std::optional<std::vector<const token_record*>> page_in_creation_order(
    const token_store& store, const list_request& request) {
  const token_selector& chosen = request.selector;
  if (chosen.owner || chosen.personal || !chosen.scopes.empty() || request.from || request.to ||
      request.order.key != "creationDate" || !store.creation_ordered()) {
    return std::nullopt;
  }
  const auto records = store.all();
  std::vector<const token_record*> page;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < records.size() && page.size() < request.page_size; ++i) {
    const token_record& record = *records[request.order.ascending ? i : records.size() - 1 - i];
    if (record.kind != token_kind::api) continue;
    if (seen++ >= request.offset) page.push_back(&record);
  }
  return page;
}

response list_api_tokens(api_call& call) {
  auto parsed = read_list_request(call.query, call.now);
  if (auto* failure = std::get_if<response>(&parsed)) return std::move(*failure);
  const list_request& request = std::get<list_request>(parsed);
  // (The last use is read only under its lock: other requests note theirs meanwhile.)
  const field_mask fields = mask_of(request.fields);
  std::unique_lock<std::mutex> uses;
  if (request.from || request.to || request.order.key == "lastUsedDate" ||
      (fields & last_use_fields) != 0) {
    uses = call.store.lock_uses();
  }
  if (auto page = page_in_creation_order(call.store, request)) {
    return render_rows(*page, call.store.count(token_kind::api), request);
  }
  std::vector<const token_record*> list;
  list.reserve(call.store.size());
  for (const auto& stored : call.store.all()) {
    if (selected(*stored, request, call.now)) list.push_back(stored.get());
  }
  const std::uint64_t stop =
      std::min<std::uint64_t>(list.size(), request.offset + request.page_size);
  sort_page(list, request.order, stop, call.store.creation_ordered());
  const std::vector<const token_record*> page(
      list.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(request.offset, stop)),
      list.begin() + static_cast<std::ptrdiff_t>(stop));
  return render_rows(page, list.size(), request);
}

response create_api_token(api_call& call) {
  auto order = read_create(call.in.body, call.now);
  if (auto* failure = std::get_if<response>(&order)) return std::move(*failure);
  if (std::get<token_order>(order).personal && !call.store.settings().pat_enabled) {
    return error_response(400,
                          "Personal access tokens are disabled in this environment: an admin "
                          "enables them in the token settings (builtin:tokens.token-settings, "
                          "patEnabled)");
  }
  const std::optional<millis> expires = std::get<token_order>(order).expires;
  auto issued = issue_token(call, std::move(std::get<token_order>(order)));
  if (auto* failure = std::get_if<response>(&issued)) return std::move(*failure);
  const issued_token& made = std::get<issued_token>(issued);
  json::object created{{"id", made.id}, {"token", made.token}};
  if (expires) created["expirationDate"] = format_date(*expires);
  return json_response(201, created);
}

response get_api_token(api_call& call) {
  const std::string& id = call.params.at(0);
  const token_record* record = call.store.find(id);
  if (record == nullptr)
    return error_response(404, "Token with ID '" + printable(id) + "' not found");
  const auto uses = call.store.lock_uses();
  response out;
  out.body = api_token_text(*record);
  return out;
}

response update_api_token(api_call& call) {
  const token_record* found = find_by_id_or_secret(call.store, call.params.at(0));
  if (found == nullptr) return error_response(404, "Token not found");
  auto parsed = parse_update(call.in.body, "enabled", found->personal_access_token);
  if (auto* failure = std::get_if<response>(&parsed)) return std::move(*failure);
  const token_update& update = std::get<token_update>(parsed);
  if (found == &call.caller && update.flag == false) {
    return own_token_error("disable");
  }
  apply_update(*call.store.edit(found->id), update, false, call.now);
  return no_content();
}

response delete_api_token(api_call& call) {
  const token_record* found = find_by_id_or_secret(call.store, call.params.at(0));
  if (found == nullptr) return error_response(404, "Token not found");
  if (found == &call.caller) {
    return own_token_error("delete");
  }
  if (call.caller.personal_access_token && found->owner != call.caller.owner) {
    return error_response(403, "A personal access token can delete only the tokens of its owner.");
  }
  call.store.erase(found->id);
  return no_content();
}

response lookup_api_token(api_call& call) {
  auto found = find_by_body(call.store, call.in.body, "Token not found");
  if (auto* failure = std::get_if<response>(&found)) return std::move(*failure);
  const auto uses = call.store.lock_uses();
  response out;
  out.body = api_token_text(*std::get<const token_record*>(found));
  return out;
}

}  // namespace dtoken::mock
