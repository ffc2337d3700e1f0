#include "url.h"

#include <charconv>

namespace dtoken::mock {

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

std::string url_encode(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_' || c == '.' || c == '~';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
  }
  return out;
}

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

target_parts split_target(std::string_view target) noexcept {
  const std::size_t question = target.find('?');
  if (question == std::string_view::npos) return {target, {}};
  return {target.substr(0, question), target.substr(question + 1)};
}

std::optional<api_location> locate_api(std::string_view path) {
  for (const std::string_view prefix : {"/api/", "/platform/classic/environment-api/"}) {
    if (path.starts_with(prefix)) return api_location{std::string(path.substr(prefix.size())), {}};
  }
  if (path.starts_with("/e/")) {
    const std::size_t slash = path.find('/', 3);
    if (slash != std::string_view::npos && path.substr(slash).starts_with("/api/")) {
      const std::string_view environment = path.substr(3, slash - 3);
      return api_location{std::string(path.substr(slash + 5)),
                          url_decode(environment).value_or(std::string(environment))};
    }
  }
  return std::nullopt;
}

}  // namespace dtoken::mock
