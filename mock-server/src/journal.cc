#include "journal.h"

#include <boost/json.hpp>

#include "masking.h"
#include "text.h"

namespace dtoken::mock {

namespace json = boost::json;

namespace {

constexpr std::size_t body_limit = 64 * 1024;

// "NAME" -> {NAME, nullopt}; "NAME=VALUE" -> {NAME, VALUE}.
std::pair<std::string, std::optional<std::string>> name_and_value(const std::string& text) {
  const std::size_t equals = text.find('=');
  if (equals == std::string::npos) return {text, std::nullopt};
  return {text.substr(0, equals), text.substr(equals + 1)};
}

bool has_pair(const std::vector<std::pair<std::string, std::string>>& pairs,
              const std::pair<std::string, std::optional<std::string>>& wanted, bool fold_names) {
  for (const auto& [name, value] : pairs) {
    const bool same_name = fold_names ? iequals(name, wanted.first) : name == wanted.first;
    if (same_name && (!wanted.second || value == *wanted.second)) return true;
  }
  return false;
}

}  // namespace

journal_entry make_journal_entry(const request& incoming, const request_record& record,
                                 const response& answer) {
  journal_entry entry;
  entry.time = record.time;
  entry.method = record.method;
  entry.path = record.path;
  entry.query = valid_utf8(mask_secrets(split_target(incoming.target).query), 4096);
  for (const auto& [name, value] : incoming.headers) {
    std::string kept = iequals(name, "Authorization") ? reduce_authorization(value, record.token_id)
                                                      : mask_secrets(value);
    entry.headers.emplace_back(valid_utf8(mask_secrets(name), 256), valid_utf8(kept, 4096));
  }
  entry.body = valid_utf8(mask_secrets(incoming.body), body_limit);
  entry.token_id = record.token_id;
  entry.status = sends_status(answer.fault) ? answer.status : 0;
  entry.response_size =
      answer.fault == wire_fault::random_bytes ? answer.fault_bytes : answer.body.size();
  return entry;
}

std::variant<journal_filter, std::string> read_journal_filter(const query_list& query) {
  journal_filter filter;
  for (const auto& [name, value] : query) {
    if (name == "method") {
      filter.method = value;
    } else if (name == "path") {
      filter.path = value;
    } else if (name == "status" || name == "fault") {
      char* end = nullptr;
      const unsigned long long number = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || value.size() > 12 ||
          value.find_first_not_of("0123456789") != std::string::npos) {
        return "journal filter '" + name + "' is not a number";
      }
      if (name == "status") {
        filter.status = static_cast<unsigned>(number);
      } else {
        filter.fault = number;
      }
    } else if (name == "token_id") {
      filter.token_id = value;
    } else if (name == "query") {
      filter.query.push_back(name_and_value(value));
    } else if (name == "header") {
      filter.headers.push_back(name_and_value(value));
    } else if (name == "body") {
      filter.body = value;
    } else {
      return "unknown journal filter '" + printable(name) +
             "': use method, path, status, token_id, query, header, body or fault";
    }
  }
  return filter;
}

bool journal_filter::admits(const journal_entry& entry) const {
  if (method && !iequals(*method, entry.method)) return false;
  if (path && entry.path.find(*path) == std::string::npos) return false;
  if (status && *status != entry.status) return false;
  if (token_id && *token_id != entry.token_id) return false;
  if (body && entry.body.find(*body) == std::string::npos) return false;
  if (fault) {
    const json::object* hit = entry.fault.if_object();
    const json::value* rule = hit != nullptr ? hit->if_contains("rule") : nullptr;
    if (rule == nullptr || rule->to_number<std::uint64_t>() != *fault) return false;
  }
  if (!query.empty()) {
    const std::optional<query_list> given = parse_query(entry.query);
    for (const auto& wanted : query) {
      if (!given || !has_pair(*given, wanted, false)) return false;
    }
  }
  for (const auto& wanted : headers) {
    if (!has_pair(entry.headers, wanted, true)) return false;
  }
  return true;
}

json::object to_json(const journal_entry& entry) {
  json::array headers;
  for (const auto& [name, value] : entry.headers) headers.push_back(json::array{name, value});
  return {{"sequence", entry.sequence},
          {"time", format_date(entry.time)},
          {"method", entry.method},
          {"path", entry.path},
          {"query", entry.query},
          {"headers", std::move(headers)},
          {"body", entry.body},
          {"token_id", entry.token_id.empty() ? json::value(nullptr) : json::value(entry.token_id)},
          {"status", entry.status},
          {"response_size", entry.response_size},
          {"duration_ms", entry.duration_ms},
          {"fault", entry.fault}};
}

std::size_t size_of(const journal_entry& entry) {
  std::size_t bytes = sizeof entry + entry.method.size() + entry.path.size() + entry.query.size() +
                      entry.body.size() + entry.token_id.size();
  for (const auto& [name, value] : entry.headers) bytes += 64 + name.size() + value.size();
  return bytes;
}

void journal::add(journal_entry entry) {
  const std::lock_guard lock(mutex_);
  entry.sequence = next_sequence_++;
  bytes_ += size_of(entry);
  entries_.push_back(std::move(entry));
  while (entries_.size() > limit_ || (bytes_ > byte_limit_ && entries_.size() > 1)) {
    bytes_ -= size_of(entries_.front());
    entries_.pop_front();
  }
}

json::array journal::select(const journal_filter& filter) const {
  const std::lock_guard lock(mutex_);
  json::array out;
  for (const journal_entry& entry : entries_) {
    if (filter.admits(entry)) out.push_back(to_json(entry));
  }
  return out;
}

std::size_t journal::count(const journal_filter& filter) const {
  const std::lock_guard lock(mutex_);
  std::size_t out = 0;
  for (const journal_entry& entry : entries_) out += filter.admits(entry) ? 1 : 0;
  return out;
}

void journal::clear() {
  const std::lock_guard lock(mutex_);
  entries_.clear();
  bytes_ = 0;
}

}  // namespace dtoken::mock
