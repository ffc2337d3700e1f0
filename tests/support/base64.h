// Base64 (RFC 4648, section 4, or the URL-safe alphabet of section 5) written for tests and
// benchmarks, apart from the library's decoder that they check.
#ifndef DTOKEN_TESTS_SUPPORT_BASE64_H
#define DTOKEN_TESTS_SUPPORT_BASE64_H

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

namespace dtoken::test {

inline std::string base64(std::string_view bytes, bool url_safe = false, bool padded = true) {
  const std::string_view alphabet =
      url_safe ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
               : "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t at = 0; at < bytes.size(); at += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - at);
    std::uint32_t group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group = group << 8 | (k < n ? static_cast<unsigned char>(bytes[at + k]) : 0U);
    }
    for (std::size_t k = 0; k <= n; ++k) out += alphabet[group >> (18 - 6 * k) & 63];
    if (padded) out.append(3 - n, '=');
  }
  return out;
}

}  // namespace dtoken::test

#endif  // DTOKEN_TESTS_SUPPORT_BASE64_H
