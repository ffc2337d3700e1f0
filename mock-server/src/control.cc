#include "control.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <variant>

#include "text.h"
#include "url.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

response envelope(unsigned status, const std::string& message) {
  return error_response(status, message);
}

json::object record_json(const request_record& record) {
  return {
      {"time", format_date(record.time)},
      {"method", record.method},
      {"path", record.path},
      {"token_id", record.token_id.empty() ? json::value(nullptr) : json::value(record.token_id)},
      {"status", record.status}};
}

json::object rule_json(const fault_rule& rule) {
  return {{"id", rule.id},
          {"method", rule.method},
          {"path", rule.path},
          {"status", rule.status},
          {"latency_ms", rule.latency_ms},
          {"jitter_ms", rule.jitter_ms},
          {"drop", rule.drop},
          {"retry_after", rule.retry_after},
          {"count", rule.count},
          {"share", rule.share},
          {"seed", rule.seed},
          {"applied", rule.applied}};
}

// A fault rule from its JSON, or a message saying what is wrong.
std::variant<fault_rule, std::string> parse_rule(const json::object& body) {
  fault_rule rule;
  for (const auto& member : body) {
    // (Named, not a structured binding: clang 14 cannot capture those in the lambda below.)
    const std::string_view key = member.key();
    const json::value& value = member.value();
    const auto number = [&](auto& field, std::int64_t low, std::int64_t high) {
      if (!value.is_int64() || value.as_int64() < low || value.as_int64() > high) return false;
      field = static_cast<std::remove_reference_t<decltype(field)>>(value.as_int64());
      return true;
    };
    bool ok = true;
    if (key == "method" && value.is_string()) {
      rule.method = std::string(value.as_string());
    } else if (key == "path" && value.is_string()) {
      rule.path = std::string(value.as_string());
    } else if (key == "status") {
      ok = number(rule.status, 400, 599);
    } else if (key == "latency_ms") {
      ok = number(rule.latency_ms, 0, 60'000);
    } else if (key == "jitter_ms") {
      ok = number(rule.jitter_ms, 0, 60'000);
    } else if (key == "retry_after") {
      ok = number(rule.retry_after, 0, 86'400);
    } else if (key == "count") {
      ok = number(rule.count, 0, INT64_MAX);
    } else if (key == "seed") {
      ok = number(rule.seed, 0, INT64_MAX);
    } else if (key == "drop" && value.is_bool()) {
      rule.drop = value.as_bool();
    } else if (key == "share" && value.is_number()) {
      rule.share = value.to_number<double>();
      ok = rule.share >= 0 && rule.share <= 1;
    } else {
      ok = false;
    }
    if (!ok) return "fault rule: bad or unknown field '" + std::string(key) + "'";
  }
  if (rule.status == 0 && rule.latency_ms == 0 && rule.jitter_ms == 0 && !rule.drop) {
    return std::string("fault rule: give status, latency_ms, jitter_ms or drop");
  }
  rule.random.seed(rule.seed);
  return rule;
}

}  // namespace

std::optional<std::string> seed_token_settings(token_api& api, const json::value& value) {
  if (!value.is_object()) return std::string("tokenSettings must be an object");
  std::optional<bool> new_format;
  std::optional<bool> pat_enabled;
  for (const auto& [key, item] : value.as_object()) {
    std::optional<bool>* target = key == "newDynatraceTokenFormatEnabled" ? &new_format
                                  : key == "patEnabled"                   ? &pat_enabled
                                                                          : nullptr;
    if (target == nullptr || !item.is_bool()) {
      return "tokenSettings: '" + printable(key) +
             "' is not newDynatraceTokenFormatEnabled or patEnabled with a boolean";
    }
    *target = item.as_bool();
  }
  api.configure_settings(new_format, pat_enabled);
  return std::nullopt;
}

mock_service::mock_service(token_api& api, std::string control_key)
    : api_(api), control_key_(std::move(control_key)) {}

response mock_service::handle(const request& incoming, request_record* record) {
  const std::string_view path = split_target(incoming.target).path;
  if (path.starts_with("/_dtoken/")) {
    response out = path == "/_dtoken/health" ? json_response(200, json::object{{"status", "ready"}})
                                             : control(incoming, path.substr(9));
    if (record != nullptr)
      *record = {printable(incoming.method), printable(path), {}, out.status, api_.now()};
    return out;
  }

  request_record entry;
  std::optional<response> injected = fault(incoming);
  response out;
  if (injected) out = *injected;
  // A latency fault delays the real answer; an error or a drop answers without touching state.
  if (!injected || (!injected->drop && injected->status == 0)) {
    const millis delay = injected ? injected->delay : 0;
    out = api_.handle(incoming, &entry);
    out.delay = delay;
  } else {
    // (recorded like a handled request: the whole path, the time; no token ID, as the token was
    // never looked at)
    entry.method = printable(incoming.method);
    entry.path = printable(path);
    entry.status = out.drop ? 0 : out.status;
    entry.time = api_.now();
  }
  {
    const std::lock_guard lock(mutex_);
    journal_.push_back(entry);
    if (journal_.size() > journal_limit) journal_.pop_front();
  }
  if (record != nullptr) *record = std::move(entry);
  return out;
}

std::optional<response> mock_service::fault(const request& incoming) {
  const std::lock_guard lock(mutex_);
  const std::string path =
      locate_api(split_target(incoming.target).path).value_or(api_location{}).path;
  for (fault_rule& rule : faults_) {
    if (!rule.method.empty() && rule.method != incoming.method) continue;
    if (!path.starts_with(rule.path)) continue;
    if (rule.count != 0 && rule.applied >= rule.count) continue;
    if (rule.share < 1.0 &&
        std::uniform_real_distribution<double>(0, 1)(rule.random) >= rule.share) {
      continue;
    }
    ++rule.applied;
    response out;
    out.status = 0;
    if (rule.status != 0) {
      out = envelope(rule.status, rule.status == 429 ? "Too many requests (an injected fault)"
                                                     : "An injected fault");
      if (rule.status == 429) {
        // X-RateLimit-Reset is a time in microseconds: when Retry-After ends.
        const millis reset = api_.now() + static_cast<millis>(rule.retry_after) * 1000;
        out.headers = {{"Retry-After", std::to_string(rule.retry_after)},
                       {"X-RateLimit-Limit", "0"},
                       {"X-RateLimit-Remaining", "0"},
                       {"X-RateLimit-Reset", std::to_string(reset * 1000)}};
      }
    }
    out.drop = rule.drop;
    out.delay = rule.latency_ms;
    if (rule.jitter_ms > 0) {
      out.delay += std::uniform_int_distribution<millis>(0, rule.jitter_ms)(rule.random);
    }
    return out;
  }
  return std::nullopt;
}

response mock_service::control(const request& incoming, std::string_view path) {
  const auto key = incoming.header("X-Dtoken-Control-Key");
  if (!key || key->size() != control_key_.size() ||
      CRYPTO_memcmp(key->data(), control_key_.data(), control_key_.size()) != 0) {
    return envelope(401, "The control API wants the header X-Dtoken-Control-Key");
  }
  const std::optional<query_list> query = parse_query(split_target(incoming.target).query);
  if (!query) return envelope(400, "The query string is not valid URL encoding");
  if (path == "reset") return control_reset(incoming);
  if (path == "seeds") return control_seeds(incoming);
  if (path == "journal") return control_journal(incoming, *query);
  if (path == "faults" || path.starts_with("faults/")) return control_faults(incoming, path);
  return envelope(404, "No control endpoint /_dtoken/" + printable(path));
}

response mock_service::control_reset(const request& incoming) {
  if (incoming.method != "POST") return envelope(405, "Use POST");
  api_.reset();
  const std::lock_guard lock(mutex_);
  journal_.clear();
  faults_.clear();
  return json_response(200, json::object{{"reset", true}});
}

response mock_service::control_seeds(const request& incoming) {
  if (incoming.method != "POST") return envelope(405, "Use POST");
  boost::system::error_code failure;
  const json::value body = json::parse(incoming.body, failure);
  if (failure) return envelope(400, "The body is not JSON");
  const json::array list = body.is_array() ? body.as_array() : json::array{body};
  std::size_t added = 0;
  for (const json::value& item : list) {
    const json::object* seed = item.if_object();
    if (const json::value* settings =
            seed != nullptr ? seed->if_contains("tokenSettings") : nullptr) {
      if (auto problem = seed_token_settings(api_, *settings)) return envelope(400, *problem);
      if (!seed->contains("token")) continue;
    }
    const json::value* token = seed != nullptr ? seed->if_contains("token") : nullptr;
    if (token == nullptr || !token->is_string()) {
      return envelope(400, "Each seed needs a token (or tokenSettings)");
    }
    const auto text = [&](const char* name, const char* fallback) {
      const json::value* value = seed->if_contains(name);
      return value != nullptr && value->is_string() ? std::string(value->as_string())
                                                    : std::string(fallback);
    };
    std::vector<std::string> scopes;
    if (const json::value* given = seed->if_contains("scopes");
        given != nullptr && given->is_array()) {
      for (const json::value& scope : given->as_array()) {
        if (scope.is_string()) scopes.emplace_back(scope.as_string());
      }
    }
    if (!api_.seed(std::string(token->as_string()), text("name", "seeded token"),
                   text("owner", "admin"), scopes)) {
      return envelope(400,
                      "Seed " + std::to_string(added) + " is not a valid token, or its ID exists");
    }
    ++added;
  }
  api_.mark_seeded();
  return json_response(201, json::object{{"added", added}});
}

response mock_service::control_journal(const request& incoming, const query_list& filters) {
  const std::lock_guard lock(mutex_);
  if (incoming.method == "DELETE") {
    journal_.clear();
    return json_response(200, json::object{{"cleared", true}});
  }
  if (incoming.method != "GET") return envelope(405, "Use GET or DELETE");
  // Filters (percent-decoded): method, path (substring), status, token_id; all must hold.
  json::array entries;
  for (const request_record& entry : journal_) {
    bool keep = true;
    for (const auto& [name, value] : filters) {
      if (name == "method") keep = keep && entry.method == value;
      if (name == "path") keep = keep && entry.path.find(value) != std::string::npos;
      if (name == "status") keep = keep && std::to_string(entry.status) == value;
      if (name == "token_id") keep = keep && entry.token_id == value;
    }
    if (keep) entries.push_back(record_json(entry));
  }
  return json_response(200, json::object{{"entries", std::move(entries)}});
}

response mock_service::control_faults(const request& incoming, std::string_view path) {
  const std::lock_guard lock(mutex_);
  const std::string& method = incoming.method;
  if (path != "faults") {
    if (method != "DELETE") return envelope(405, "Use DELETE");
    const std::string id(path.substr(7));
    const auto before = faults_.size();
    std::erase_if(faults_, [&](const fault_rule& rule) { return std::to_string(rule.id) == id; });
    return before == faults_.size() ? envelope(404, "No fault rule " + printable(id))
                                    : json_response(200, json::object{{"deleted", true}});
  }
  if (method == "GET") {
    json::array rules;
    for (const fault_rule& rule : faults_) rules.push_back(rule_json(rule));
    return json_response(200, json::object{{"faults", std::move(rules)}});
  }
  if (method == "DELETE") {
    faults_.clear();
    return json_response(200, json::object{{"deleted", true}});
  }
  if (method != "POST") return envelope(405, "Use GET, POST or DELETE");
  boost::system::error_code failure;
  const json::value body = json::parse(incoming.body, failure);
  if (failure || !body.is_object()) return envelope(400, "The body is not a JSON object");
  auto parsed = parse_rule(body.as_object());
  if (auto* message = std::get_if<std::string>(&parsed)) return envelope(400, *message);
  fault_rule rule = std::move(std::get<fault_rule>(parsed));
  rule.id = next_fault_id_++;
  faults_.push_back(std::move(rule));
  return json_response(201, rule_json(faults_.back()));
}

}  // namespace dtoken::mock
