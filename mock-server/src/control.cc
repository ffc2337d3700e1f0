#include "control.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <chrono>
#include <variant>

#include "dtoken/validate.h"
#include "masking.h"
#include "text.h"
#include "url.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

response envelope(unsigned status, const std::string& message) {
  return error_response(status, message);
}

std::optional<json::value> parse_body(const request& incoming) {
  boost::system::error_code failure;
  json::value body = json::parse(incoming.body, failure);
  if (failure) return std::nullopt;
  return body;
}

// {"newDynatraceTokenFormatEnabled": bool, "patEnabled": bool} read, not applied.
struct settings_change {
  std::optional<bool> new_format;
  std::optional<bool> pat_enabled;
};
std::variant<settings_change, std::string> read_token_settings(const json::value& value) {
  if (!value.is_object()) return std::string("tokenSettings must be an object");
  settings_change out;
  for (const auto& [key, item] : value.as_object()) {
    std::optional<bool>* target = key == "newDynatraceTokenFormatEnabled" ? &out.new_format
                                  : key == "patEnabled"                   ? &out.pat_enabled
                                                                          : nullptr;
    if (target == nullptr || !item.is_bool()) {
      return "tokenSettings: '" + printable(key) +
             "' is not newDynatraceTokenFormatEnabled or patEnabled with a boolean";
    }
    *target = item.as_bool();
  }
  return out;
}

json::object seed_json(const token_record& record) {
  const auto date = [](const std::optional<millis>& when) {
    return when ? json::value(format_date(*when)) : json::value(nullptr);
  };
  json::array scopes;
  for (const std::string_view scope : record.scopes) scopes.emplace_back(scope);
  return {{"id", record.id},
          {"family", record.kind == token_kind::active_gate ? "activeGateToken" : "apiToken"},
          {"oldFormat", record.old_format},
          {"name", record.name},
          {"owner", record.owner},
          {"scopes", std::move(scopes)},
          {"enabled", record.enabled},
          {"personalAccessToken", record.personal_access_token},
          {"creationDate", format_date(record.creation)},
          {"expirationDate", date(record.expiration)},
          {"lastUsedDate", date(record.last_used)}};
}

json::object clock_json(const token_api& api) {
  const clock_setting setting = api.clock();
  return {{"now", format_date(api.now())},
          {"offset_ms", setting.offset},
          {"frozen", setting.frozen_at.has_value()}};
}

// "25h", "90m", "1d", "30s", "1500ms", optionally negative: milliseconds.
std::optional<millis> parse_duration(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  std::size_t digits = 0;
  while (digits < text.size() && digits < 9 && text[digits] >= '0' && text[digits] <= '9') {
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  const millis amount = std::stoll(std::string(text.substr(0, digits)));
  const std::string_view unit = text.substr(digits);
  const millis scale = unit == "ms"  ? 1
                       : unit == "s" ? 1000
                       : unit == "m" ? 60'000
                       : unit == "h" ? 3'600'000
                       : unit == "d" ? 86'400'000
                                     : 0;
  if (scale == 0) return std::nullopt;
  return (negative ? -amount : amount) * scale;
}

json::value fault_note(const fault_hit& hit, const std::optional<mutation_note>& mutation) {
  json::object note{{"rule", hit.rule.id},
                    {"kind", to_string(hit.rule.kind)},
                    {"index", hit.index},
                    {"seed", hit.seed},
                    {"delay_ms", hit.delay}};
  if (hit.rule.kind == fault_kind::mutate) {
    note["mutation"] = mutation ? json::value(json::object{{"kind", to_string(mutation->kind)},
                                                           {"pointer", mutation->pointer}})
                                : json::value(nullptr);
  }
  return note;
}

}  // namespace

std::optional<std::string> seed_token_settings(token_api& api, const json::value& value) {
  auto read = read_token_settings(value);
  if (auto* problem = std::get_if<std::string>(&read)) return std::move(*problem);
  const auto& change = std::get<settings_change>(read);
  api.configure_settings(change.new_format, change.pat_enabled);
  return std::nullopt;
}

mock_service::mock_service(token_api& api, std::string control_key)
    : api_(api), control_key_(std::move(control_key)) {}

response mock_service::handle(const request& incoming, request_record* record) {
  const std::string_view path = split_target(incoming.target).path;
  request_record entry;
  response out;
  if (path.starts_with("/_dtoken/")) {
    out = path == "/_dtoken/health" ? json_response(200, json::object{{"status", "ready"}})
                                    : control(incoming, path.substr(9));
    entry = {printable(incoming.method), printable(path), {}, out.status, api_.now()};
  } else {
    out = serve(incoming, entry);
  }
  if (record != nullptr) *record = std::move(entry);
  return out;
}

std::optional<fault_hit> mock_service::fault_for(const request& incoming, std::string& token_id) {
  if (faults_.empty()) return std::nullopt;  // (the common case: nothing to work out)
  const target_parts target = split_target(incoming.target);
  const query_list query = parse_query(target.query).value_or(query_list{});
  const std::string api_path = locate_api(target.path).value_or(api_location{}).path;
  const auto presented = presented_token(incoming, query);
  if (const auto* credential = std::get_if<std::string>(&presented)) {
    token_id = std::string(token_id_of(*credential, profile::family));
  }
  return faults_.pick({incoming.method, api_path, &query, token_id, incoming.body});
}

response mock_service::serve(const request& incoming, request_record& record) {
  const auto started = std::chrono::steady_clock::now();
  std::string token_id;  // the ID of the token the request carries (for rules, and a record)
  const std::optional<fault_hit> hit = fault_for(incoming, token_id);

  response out;
  json::value note = nullptr;
  if (!hit) {
    out = api_.handle(incoming, &record);
  } else if (delivers_real_answer(hit->rule.kind)) {
    out = api_.handle(incoming, &record, effect::discard);
    note = fault_note(*hit, alter_answer(*hit, out));
  } else {
    out = fault_answer(*hit, api_.rate_limit(), api_.now());
    record = {printable(incoming.method),
              printable(mask_secrets(split_target(incoming.target).path)), token_id, out.status,
              api_.now()};
    note = fault_note(*hit, std::nullopt);
  }
  journal_entry entry = make_journal_entry(incoming, record, out);
  entry.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
          .count() +
      static_cast<double>(out.delay);
  entry.fault = std::move(note);
  journal_.add(std::move(entry));
  if (!sends_status(out.fault)) record.status = 0;
  return out;
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
  if (path == "seeds" || path.starts_with("seeds/")) return control_seeds(incoming, path);
  if (path == "journal" || path == "journal/count") {
    return control_journal(incoming, path, *query);
  }
  if (path == "faults" || path.starts_with("faults/")) return control_faults(incoming, path);
  if (path == "clock") return control_clock(incoming);
  return envelope(404, "No control endpoint /_dtoken/" + printable(path) +
                           " (reset, seeds, journal, journal/count, faults, clock, health)");
}

response mock_service::control_reset(const request& incoming) {
  if (incoming.method != "POST") return envelope(405, "Use POST");
  api_.reset();
  journal_.clear();
  faults_.clear();
  return json_response(200, json::object{{"reset", true}});
}

response mock_service::control_seeds(const request& incoming, std::string_view path) {
  if (path != "seeds") {
    if (incoming.method != "DELETE") return envelope(405, "Use DELETE");
    const std::optional<std::string> id = url_decode(path.substr(6));
    if (!id || !api_.remove_seed(*id)) {
      return envelope(404, "No seed " + printable(id.value_or("")));
    }
    return json_response(200, json::object{{"deleted", true}});
  }
  if (incoming.method == "GET") {
    json::array list;
    for (const token_record& record : api_.seeds()) list.push_back(seed_json(record));
    return json_response(200, json::object{{"seeds", std::move(list)}});
  }
  if (incoming.method != "POST") return envelope(405, "Use GET or POST");
  return add_seeds(incoming);
}

// Every seed is read and checked before any is added: a refused batch changes nothing.
response mock_service::add_seeds(const request& incoming) {
  const std::optional<json::value> body = parse_body(incoming);
  if (!body) return envelope(400, "The body is not JSON");
  const json::array list = body->is_array() ? body->as_array() : json::array{*body};
  std::vector<seed_spec> seeds;
  std::vector<settings_change> settings;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = "seed " + std::to_string(i) + ": ";
    const json::object* seed = list[i].if_object();
    if (seed == nullptr) return envelope(400, where + "is not a JSON object");
    if (const json::value* given = seed->if_contains("tokenSettings")) {
      auto read = read_token_settings(*given);
      if (auto* problem = std::get_if<std::string>(&read)) return envelope(400, where + *problem);
      settings.push_back(std::get<settings_change>(read));
      if (seed->size() == 1) continue;
    }
    auto read = read_seed(*seed, api_.now());
    if (auto* problem = std::get_if<std::string>(&read)) return envelope(400, where + *problem);
    seeds.push_back(std::move(std::get<seed_spec>(read)));
  }
  if (auto problem = api_.seed(std::span<const seed_spec>(seeds))) return envelope(400, *problem);
  for (const settings_change& change : settings) {
    api_.configure_settings(change.new_format, change.pat_enabled);
  }
  return json_response(201, json::object{{"added", seeds.size()}});
}

response mock_service::control_journal(const request& incoming, std::string_view path,
                                       const query_list& query) {
  if (incoming.method == "DELETE" && path == "journal") {
    journal_.clear();
    return json_response(200, json::object{{"cleared", true}});
  }
  if (incoming.method != "GET")
    return envelope(405, path == "journal" ? "Use GET or DELETE" : "Use GET");
  auto filter = read_journal_filter(query);
  if (auto* problem = std::get_if<std::string>(&filter)) return envelope(400, *problem);
  if (path == "journal/count") {
    return json_response(200,
                         json::object{{"count", journal_.count(std::get<journal_filter>(filter))}});
  }
  return json_response(
      200, json::object{{"entries", journal_.select(std::get<journal_filter>(filter))}});
}

response mock_service::control_faults(const request& incoming, std::string_view path) {
  const std::string& method = incoming.method;
  if (path != "faults") {
    if (method != "DELETE") return envelope(405, "Use DELETE");
    const std::string id(path.substr(7));
    char* end = nullptr;
    const unsigned long long number = std::strtoull(id.c_str(), &end, 10);
    if (id.empty() || *end != '\0' || !faults_.erase(number)) {
      return envelope(404, "No fault rule " + printable(id));
    }
    return json_response(200, json::object{{"deleted", true}});
  }
  if (method == "GET") return json_response(200, json::object{{"faults", faults_.list()}});
  if (method == "DELETE") {
    faults_.clear();
    return json_response(200, json::object{{"deleted", true}});
  }
  if (method != "POST") return envelope(405, "Use GET, POST or DELETE");
  const std::optional<json::value> body = parse_body(incoming);
  if (!body || !body->is_object()) return envelope(400, "The body is not a JSON object");
  auto parsed = read_fault_rule(body->as_object());
  if (auto* message = std::get_if<std::string>(&parsed)) return envelope(400, *message);
  fault_rule& rule = std::get<fault_rule>(parsed);
  rule.id = faults_.add(rule);
  return json_response(201, to_json(rule));
}

response mock_service::control_clock(const request& incoming) {
  if (incoming.method == "GET") return json_response(200, clock_json(api_));
  if (incoming.method == "DELETE") {
    api_.real_clock();
    return json_response(200, clock_json(api_));
  }
  if (incoming.method != "POST") return envelope(405, "Use GET, POST or DELETE");
  const std::optional<json::value> body = parse_body(incoming);
  const json::object* object = body ? body->if_object() : nullptr;
  if (object == nullptr) return envelope(400, "The body is not a JSON object");
  std::optional<millis> time;
  std::optional<millis> advance;
  bool freeze = false;
  for (const auto& [key, value] : *object) {
    if (key == "time" && value.is_string()) {
      time = parse_time(std::string_view(value.as_string()), api_.now());
      if (!time) return envelope(400, "clock: 'time' is not a date (ISO 8601, or now+1d)");
    } else if (key == "advance" && value.is_string()) {
      advance = parse_duration(std::string_view(value.as_string()));
      if (!advance)
        return envelope(400, "clock: 'advance' is not a duration (25h, 90m, 1d, 30s, 500ms)");
    } else if (key == "advance_ms" && value.is_int64()) {
      advance = value.as_int64();
    } else if (key == "freeze" && value.is_bool()) {
      freeze = value.as_bool();
    } else {
      return envelope(400, "clock: '" + printable(key) +
                               "' is not time (a string), advance (a string), advance_ms (a "
                               "number) or freeze (a boolean)");
    }
  }
  if (time.has_value() == advance.has_value()) {
    return envelope(400, "clock: give time or advance (or advance_ms), one of them");
  }
  // (a time the dates can be written in: 1970 to 9999)
  constexpr millis latest = 253'402'300'799'999;
  const millis now = api_.now();
  if (advance &&
      (*advance > latest || *advance < -latest || now + *advance < 0 || now + *advance > latest)) {
    return envelope(400, "clock: the advance leaves the years 1970 to 9999");
  }
  if (time && (*time < 0 || *time > latest)) {
    return envelope(400, "clock: the time is not in the years 1970 to 9999");
  }
  if (time) {
    api_.set_clock(*time, freeze);
  } else {
    if (freeze) api_.set_clock(api_.now(), true);
    api_.advance_clock(*advance);
  }
  return json_response(200, clock_json(api_));
}

}  // namespace dtoken::mock
