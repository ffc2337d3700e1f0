#include "message.h"

#include <algorithm>
#include <boost/json.hpp>

namespace dtoken::mock {
namespace json = boost::json;

std::optional<std::string_view> request::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) noexcept {
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

response error_response(unsigned status, const std::string& message,
                        const std::vector<violation>& violations) {
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

response constraint_error(const std::vector<violation>& violations) {
  return error_response(400, "Constraints violated.", violations);
}

response json_response(unsigned status, const json::value& body) {
  response out;
  out.status = status;
  out.body = json::serialize(body);
  return out;
}

response no_content() {
  response out;
  out.status = 204;
  out.content_type.clear();
  return out;
}

}  // namespace dtoken::mock
