#include "fault_rules.h"

#include <algorithm>
#include <array>
#include <boost/json.hpp>

#include "text.h"

namespace dtoken::mock {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 11> kind_names = {
    "status",       "rate_limit", "custom",    "reset",   "empty", "malformed_chunk",
    "random_bytes", "truncated",  "slow_body", "latency", "mutate"};
constexpr std::string_view kind_list =
    "status, rate_limit, custom, reset, empty, malformed_chunk, random_bytes, truncated, "
    "slow_body, latency, mutate";
constexpr std::int64_t max_seed = (std::int64_t{1} << 53) - 1;  // exact in JavaScript too
constexpr std::array<std::string_view, 7> methods = {"GET",   "POST", "PUT",    "DELETE",
                                                     "PATCH", "HEAD", "OPTIONS"};

std::optional<fault_kind> kind_from_string(std::string_view name) {
  for (std::size_t i = 0; i < kind_names.size(); ++i) {
    if (kind_names[i] == name) return static_cast<fault_kind>(i);
  }
  return std::nullopt;
}

// The kind a rule asks for: "kind", or for rules written before kinds existed, what its status,
// drop or latency say. nullopt with `problem` set when it names none.
std::optional<fault_kind> rule_kind(const json::object& body, std::string& problem) {
  if (const json::value* kind = body.if_contains("kind")) {
    const auto found =
        kind->is_string() ? kind_from_string(std::string_view(kind->as_string())) : std::nullopt;
    if (!found) problem = "fault rule: 'kind' is none of " + std::string(kind_list);
    return found;
  }
  const json::value* drop = body.if_contains("drop");
  if (drop != nullptr && drop->is_bool() && drop->as_bool()) return fault_kind::empty;
  if (const json::value* status = body.if_contains("status")) {
    return status->is_int64() && status->as_int64() == 429 ? fault_kind::rate_limit
                                                           : fault_kind::status;
  }
  if (body.contains("latency_ms") || body.contains("jitter_ms")) return fault_kind::latency;
  problem =
      "fault rule: give a kind (" + std::string(kind_list) + "), or status, drop or latency_ms";
  return std::nullopt;
}

// The fields only some kinds take, and which.
bool field_fits_kind(std::string_view key, fault_kind kind) {
  if (key == "status") {
    return kind == fault_kind::status || kind == fault_kind::custom ||
           kind == fault_kind::rate_limit;
  }
  if (key == "headers" || key == "body") return kind == fault_kind::custom;
  if (key == "retry_after" || key == "limit") return kind == fault_kind::rate_limit;
  if (key == "bytes") return kind == fault_kind::random_bytes;
  if (key == "bytes_per_second") return kind == fault_kind::slow_body;
  if (key == "mutation" || key == "mutation_seed") return kind == fault_kind::mutate;
  return true;
}

std::optional<std::string> read_string_map(
    const json::value& value, bool allow_true,
    std::vector<std::pair<std::string, std::optional<std::string>>>& out) {
  if (!value.is_object()) return std::string("is not an object");
  for (const auto& [name, item] : value.as_object()) {
    if (item.is_string()) {
      out.emplace_back(std::string(name), std::string(item.as_string()));
    } else if (allow_true && item.is_bool() && item.as_bool()) {
      out.emplace_back(std::string(name), std::nullopt);
    } else {
      return "'" + printable(name) + "' is not a string" + (allow_true ? " or true" : "");
    }
  }
  return std::nullopt;
}

// The members that are neither numbers nor plain strings: nullopt, or what is wrong.
std::optional<std::string> read_method(const json::value& value, fault_rule& rule) {
  if (!value.is_string()) return std::string("is not a string");
  rule.method = std::string(value.as_string());
  std::transform(rule.method.begin(), rule.method.end(), rule.method.begin(),
                 [](char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c; });
  if (std::find(methods.begin(), methods.end(), rule.method) != methods.end()) return {};
  return std::string("is none of GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS");
}

std::optional<std::string> read_mutation(const json::value& value, fault_rule& rule) {
  rule.mutation =
      value.is_string() ? mutation_from_string(std::string_view(value.as_string())) : std::nullopt;
  if (rule.mutation) return std::nullopt;
  std::string names;
  for (const std::string_view name : mutation_names) {
    names.append(names.empty() ? "" : ", ").append(name);
  }
  return "is none of " + names;
}

// (as rules said before kinds: true is the kind empty)
std::optional<std::string> read_drop(const json::value& value, const fault_rule& rule) {
  if (!value.is_bool()) return std::string("is not a boolean");
  if (value.as_bool() && rule.kind != fault_kind::empty) {
    return std::string("true is the kind empty, not ") + std::string(to_string(rule.kind));
  }
  return std::nullopt;
}

std::optional<std::string> read_share(const json::value& value, fault_rule& rule) {
  if (!value.is_number() || value.to_number<double>() < 0 || value.to_number<double>() > 1) {
    return std::string("is not a number from 0 to 1");
  }
  rule.share = value.to_number<double>();
  return std::nullopt;
}

// Reads one member into `rule`: nullopt, or what is wrong with it.
std::optional<std::string> read_member(std::string_view key, const json::value& value,
                                       fault_rule& rule) {
  const auto number = [&](auto& field, std::int64_t low,
                          std::int64_t high) -> std::optional<std::string> {
    if (!value.is_int64() || value.as_int64() < low || value.as_int64() > high) {
      return "is not a whole number from " + std::to_string(low) + " to " + std::to_string(high);
    }
    field = static_cast<std::remove_reference_t<decltype(field)>>(value.as_int64());
    return std::nullopt;
  };
  const auto text = [&](std::string& field) -> std::optional<std::string> {
    if (!value.is_string()) return std::string("is not a string");
    field = std::string(value.as_string());
    return std::nullopt;
  };
  if (key == "kind") return std::nullopt;  // (read first)
  if (key == "method") return read_method(value, rule);
  if (key == "path") {
    if (auto problem = text(rule.path)) return problem;
    rule.path = normalize_fault_path(rule.path);
    return std::nullopt;
  }
  if (key == "query") return read_string_map(value, true, rule.query);
  if (key == "token_id") return text(rule.token_id);
  if (key == "body_contains") return text(rule.body_contains);
  if (key == "status") {
    return rule.kind == fault_kind::custom       ? number(rule.status, 100, 599)
           : rule.kind == fault_kind::rate_limit ? number(rule.status, 429, 429)
                                                 : number(rule.status, 400, 599);
  }
  if (key == "headers") {
    std::vector<std::pair<std::string, std::optional<std::string>>> headers;
    if (auto problem = read_string_map(value, false, headers)) return problem;
    for (auto& [name, item] : headers) rule.headers.emplace_back(name, *item);
    return std::nullopt;
  }
  if (key == "body") return text(rule.body);
  if (key == "retry_after") return number(rule.retry_after, 0, 86'400);
  if (key == "limit") return number(rule.limit, 1, 1'000'000);
  if (key == "bytes") return number(rule.bytes, 1, 1'048'576);
  if (key == "bytes_per_second") return number(rule.bytes_per_second, 1, 10'485'760);
  if (key == "latency_ms") return number(rule.latency_ms, 0, 60'000);
  if (key == "jitter_ms") return number(rule.jitter_ms, 0, 60'000);
  if (key == "after") return number(rule.after, 0, INT64_MAX);
  if (key == "count") return number(rule.count, 0, INT64_MAX);
  if (key == "seed") return number(rule.seed, 0, max_seed);
  if (key == "mutation_seed") {
    std::uint64_t seed = 0;
    if (auto problem = number(seed, 0, max_seed)) return problem;
    rule.mutation_seed = seed;
    return std::nullopt;
  }
  if (key == "mutation") return read_mutation(value, rule);
  if (key == "drop") return read_drop(value, rule);
  if (key == "share") return read_share(value, rule);
  return std::string("is not a field of a fault rule");
}

bool query_matches(const fault_rule& rule, const query_list& query) {
  for (const auto& [name, wanted] : rule.query) {
    const std::string* given = query_value(query, name);
    if (given == nullptr || (wanted && *given != *wanted)) return false;
  }
  return true;
}

bool matches(const fault_rule& rule, const fault_subject& subject) {
  return (rule.method.empty() || iequals(rule.method, subject.method)) &&
         subject.path.starts_with(rule.path) && query_matches(rule, *subject.query) &&
         (rule.token_id.empty() || rule.token_id == subject.token_id) &&
         (rule.body_contains.empty() ||
          subject.body.find(rule.body_contains) != std::string_view::npos);
}

// splitmix64: the seed of a rule's n-th hit.
std::uint64_t hit_seed(std::uint64_t seed, std::uint64_t index) {
  std::uint64_t z = seed + (index + 1) * 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
  // (53 bits: a JSON number that JavaScript reads exactly, so that a journal's seed replays)
  return (z ^ (z >> 31U)) & ((std::uint64_t{1} << 53U) - 1);
}

}  // namespace

std::string_view to_string(fault_kind kind) noexcept {
  return kind_names[static_cast<std::size_t>(kind)];
}

bool delivers_real_answer(fault_kind kind) noexcept {
  return kind == fault_kind::truncated || kind == fault_kind::slow_body ||
         kind == fault_kind::latency || kind == fault_kind::mutate;
}

std::string normalize_fault_path(std::string_view path) {
  const std::string rooted = path.starts_with('/') ? std::string(path) : "/" + std::string(path);
  if (auto location = locate_api(rooted)) return location->path;
  return rooted.substr(1);
}

std::variant<fault_rule, std::string> read_fault_rule(const json::object& body) {
  fault_rule rule;
  std::string problem;
  const std::optional<fault_kind> kind = rule_kind(body, problem);
  if (!kind) return problem;
  rule.kind = *kind;
  for (const auto& [key, value] : body) {
    if (!field_fits_kind(key, rule.kind)) {
      return "fault rule: '" + printable(key) + "' does not apply to kind " +
             std::string(to_string(rule.kind));
    }
    if (auto why = read_member(key, value, rule)) {
      return "fault rule: '" + printable(key) + "' " + *why;
    }
  }
  if (rule.kind == fault_kind::status && rule.status == 0) {
    return std::string("fault rule: kind status needs a status (400-599)");
  }
  if (rule.kind == fault_kind::custom && rule.status == 0) rule.status = 200;
  if (rule.kind == fault_kind::rate_limit) rule.status = 429;
  rule.random.seed(rule.seed);
  return rule;
}

json::object to_json(const fault_rule& rule) {
  json::object query;
  for (const auto& [name, value] : rule.query) {
    query[name] = value ? json::value(*value) : json::value(true);
  }
  json::object headers;
  for (const auto& [name, value] : rule.headers) headers[name] = value;
  json::object out{{"id", rule.id},
                   {"kind", to_string(rule.kind)},
                   {"method", rule.method},
                   {"path", rule.path},
                   {"query", std::move(query)},
                   {"token_id", rule.token_id},
                   {"body_contains", rule.body_contains},
                   {"latency_ms", rule.latency_ms},
                   {"jitter_ms", rule.jitter_ms},
                   {"after", rule.after},
                   {"count", rule.count},
                   {"share", rule.share},
                   {"seed", rule.seed},
                   {"matched", rule.matched},
                   {"applied", rule.applied}};
  if (rule.status != 0) out["status"] = rule.status;
  if (rule.kind == fault_kind::custom) {
    out["headers"] = std::move(headers);
    out["body"] = rule.body;
  }
  if (rule.kind == fault_kind::rate_limit) {
    out["retry_after"] = rule.retry_after;
    out["limit"] = rule.limit;
  }
  if (rule.kind == fault_kind::random_bytes) out["bytes"] = rule.bytes;
  if (rule.kind == fault_kind::slow_body) out["bytes_per_second"] = rule.bytes_per_second;
  if (rule.mutation) out["mutation"] = to_string(*rule.mutation);
  if (rule.mutation_seed) out["mutation_seed"] = *rule.mutation_seed;
  return out;
}

std::uint64_t fault_table::add(fault_rule rule) {
  const std::lock_guard lock(mutex_);
  rule.id = next_id_++;
  rules_.push_back(std::move(rule));
  size_ = rules_.size();
  return rules_.back().id;
}

json::array fault_table::list() const {
  const std::lock_guard lock(mutex_);
  json::array out;
  for (const fault_rule& rule : rules_) out.push_back(to_json(rule));
  return out;
}

bool fault_table::erase(std::uint64_t id) {
  const std::lock_guard lock(mutex_);
  const bool erased =
      std::erase_if(rules_, [&](const fault_rule& rule) { return rule.id == id; }) > 0;
  size_ = rules_.size();
  return erased;
}

void fault_table::clear() {
  const std::lock_guard lock(mutex_);
  rules_.clear();
  size_ = 0;
}

std::optional<fault_hit> fault_table::pick(const fault_subject& subject) {
  const std::lock_guard lock(mutex_);
  for (fault_rule& rule : rules_) {
    if (!matches(rule, subject)) continue;
    const std::uint64_t earlier = rule.matched++;
    if (rule.count != 0 && rule.applied >= rule.count) continue;
    if (earlier < rule.after) continue;
    if (rule.share < 1.0 &&
        std::uniform_real_distribution<double>(0, 1)(rule.random) >= rule.share) {
      continue;
    }
    fault_hit hit;
    hit.index = rule.applied++;
    hit.seed = rule.mutation_seed.value_or(hit_seed(rule.seed, hit.index));
    hit.delay = rule.latency_ms;
    if (rule.jitter_ms > 0) {
      hit.delay += std::uniform_int_distribution<millis>(0, rule.jitter_ms)(rule.random);
    }
    hit.rule = rule;
    return hit;
  }
  return std::nullopt;
}

response fault_answer(const fault_hit& hit, unsigned rate_limit, millis now) {
  const fault_rule& rule = hit.rule;
  response out;
  switch (rule.kind) {
    case fault_kind::status:
      out = error_response(rule.status, "An injected fault");
      break;
    case fault_kind::rate_limit: {
      out = error_response(429, "Too many requests (an injected fault)");
      // X-RateLimit-Reset is a time in microseconds: when Retry-After ends.
      const millis reset = now + static_cast<millis>(rule.retry_after) * 1000;
      const unsigned limit = rule.limit != 0 ? rule.limit : rate_limit != 0 ? rate_limit : 50;
      out.headers = {{"Retry-After", std::to_string(rule.retry_after)},
                     {"X-RateLimit-Limit", std::to_string(limit)},
                     {"X-RateLimit-Remaining", "0"},
                     {"X-RateLimit-Reset", std::to_string(reset * 1000)}};
      break;
    }
    case fault_kind::custom:
      out.status = rule.status;
      out.body = rule.body;
      for (const auto& [name, value] : rule.headers) {
        if (iequals(name, "Content-Type")) {
          out.content_type = value;
        } else {
          out.headers.emplace_back(name, value);
        }
      }
      break;
    case fault_kind::reset:
      out.fault = wire_fault::reset;
      break;
    case fault_kind::empty:
      out.fault = wire_fault::empty;
      break;
    case fault_kind::malformed_chunk:
      out.fault = wire_fault::malformed_chunk;
      break;
    case fault_kind::random_bytes:
      out.fault = wire_fault::random_bytes;
      out.fault_bytes = rule.bytes;
      out.fault_seed = hit.seed;
      break;
    default:
      break;  // (the real-answer kinds: alter_answer)
  }
  out.delay = hit.delay;
  return out;
}

std::optional<mutation_note> alter_answer(const fault_hit& hit, response& real) {
  real.delay = hit.delay;
  switch (hit.rule.kind) {
    case fault_kind::truncated:
      real.fault = wire_fault::truncated;
      break;
    case fault_kind::slow_body:
      real.fault = wire_fault::slow_body;
      real.fault_bytes = hit.rule.bytes_per_second;
      break;
    case fault_kind::mutate:
      return mutate_json(real.body, hit.seed, hit.rule.mutation);
    default:
      break;
  }
  return std::nullopt;
}

}  // namespace dtoken::mock
