#include "list_query.h"

#include <algorithm>
#include <boost/beast/core/detail/base64.hpp>
#include <boost/json.hpp>
#include <charconv>

#include "message.h"
#include "text.h"

namespace dtoken::mock {
namespace json = boost::json;
namespace base64 = boost::beast::detail::base64;

namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
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
    part = trimmed(part);
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

}  // namespace

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

std::optional<token_selector> parse_selector(std::string_view text) {
  token_selector out;
  for (std::string_view criterion : split_criteria(text)) {
    criterion = trimmed(criterion);
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

std::optional<field_set> parse_fields(std::string_view text, const field_set& defaults,
                                      std::span<const std::string_view> known) {
  const std::vector<std::string_view> items = split_criteria(text);
  const bool relative =
      !items.front().empty() && (items.front().front() == '+' || items.front().front() == '-');
  field_set fields = relative ? defaults : field_set{};
  for (const std::string_view item : items) {
    if (item.empty()) return std::nullopt;
    const bool has_sign = item.front() == '+' || item.front() == '-';
    if (has_sign != relative) return std::nullopt;
    const std::string_view name = has_sign ? item.substr(1) : item;
    if (std::find(known.begin(), known.end(), name) == known.end()) return std::nullopt;
    if (item.front() == '-') {
      fields.erase(std::string(name));
    } else {
      fields.emplace(name);
    }
  }
  fields.emplace("id");
  return fields;
}

std::optional<sort_order> parse_sort(std::string_view text,
                                     std::span<const std::string_view> keys) {
  sort_order order;
  if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    order.ascending = text.front() == '+';
    text.remove_prefix(1);
  }
  if (std::find(keys.begin(), keys.end(), text) == keys.end()) return std::nullopt;
  order.key = std::string(text);
  return order;
}

std::optional<std::uint64_t> parse_page_size(std::string_view text, std::uint64_t low,
                                             std::uint64_t high) {
  std::uint64_t size = 0;
  const auto [end, failure] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (failure != std::errc{} || end != text.data() + text.size() || size < low || size > high) {
    return std::nullopt;
  }
  return size;
}

std::string encode_page_key(const query_list& query, std::uint64_t offset) {
  std::string q;
  for (const auto& [key, value] : query) {
    if (iequals(key, "api-token")) continue;
    q.append(q.empty() ? "" : "&").append(url_encode(key)).append("=").append(url_encode(value));
  }
  const std::string state =
      json::serialize(json::object{{"q", q}, {"o", static_cast<std::int64_t>(offset)}});
  std::string key(base64::encoded_size(state.size()), '\0');
  key.resize(base64::encode(key.data(), state.data(), state.size()));
  return key;
}

std::optional<page_position> decode_page_key(std::string_view key) {
  // Beast's decoder stops at the padding and does not count it as read (fuzz_query found keys
  // ending in "=" refused): the padding is taken off first.
  for (int pad = 0; pad < 2 && key.ends_with('='); ++pad) key.remove_suffix(1);
  // decoded_size() rounds down, and the decoder writes a last partial group too: room for it.
  std::string decoded((key.size() + 3) / 4 * 3, '\0');
  const auto [written, read] = base64::decode(decoded.data(), key.data(), key.size());
  if (read != key.size()) return std::nullopt;
  decoded.resize(written);
  boost::system::error_code failure;
  const json::value state = json::parse(decoded, failure);
  const json::object* object = failure ? nullptr : state.if_object();
  const json::value* q = object != nullptr ? object->if_contains("q") : nullptr;
  const json::value* o = object != nullptr ? object->if_contains("o") : nullptr;
  if (q == nullptr || !q->is_string() || o == nullptr || !o->is_int64() || o->as_int64() < 0) {
    return std::nullopt;
  }
  auto query = parse_query(std::string_view(q->as_string()));
  if (!query) return std::nullopt;
  return page_position{std::move(*query), static_cast<std::uint64_t>(o->as_int64())};
}

std::variant<page_position, response> continued_query(const query_list& query) {
  const std::string* page_key = query_value(query, "nextPageKey");
  if (page_key == nullptr) return page_position{query, 0};
  for (const auto& [key, value] : query) {
    if (key != "nextPageKey" && !iequals(key, "api-token")) {
      return error_response(
          400, "nextPageKey must be the only query parameter",
          {{printable(key), "must be omitted together with nextPageKey", "QUERY"}});
    }
  }
  auto position = decode_page_key(*page_key);
  if (!position) {
    return error_response(400, "Invalid nextPageKey", {{"nextPageKey", "is not valid", "QUERY"}});
  }
  return std::move(*position);
}

}  // namespace dtoken::mock
