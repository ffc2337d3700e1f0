// Text from a request, made safe to put in a JSON message, the journal or a log line.
#ifndef DTOKEN_MOCK_TEXT_H
#define DTOKEN_MOCK_TEXT_H

#include <cstddef>
#include <string>
#include <string_view>

namespace dtoken::mock {

// `text` cut at 200 bytes, with every byte outside printable ASCII replaced by '?' and every run
// of more than 24 ASCII letters and digits replaced by as many '*'. Paths, methods and query names
// come from the client and may hold any bytes, and a JSON document must be UTF-8 (fuzz_http found
// an unknown control path echoed raw). A token's public part is 24 characters and may be echoed;
// a secret is 64 and must never be, wherever the client put it (fuzz_http found one sent as the
// method and echoed in the 405 message).
inline std::string printable(std::string_view text) {
  constexpr std::size_t longest_echoed_run = 24;
  const auto alnum = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  };
  const std::string_view kept = text.substr(0, 200);
  std::string out;
  out.reserve(kept.size() + 3);
  std::size_t i = 0;
  while (i < kept.size()) {
    std::size_t run = i;
    while (run < kept.size() && alnum(kept[run])) ++run;
    if (run - i > longest_echoed_run) {
      out.append(run - i, '*');
    } else {
      out.append(kept.substr(i, run - i));
    }
    if (run < kept.size()) {
      const char c = kept[run];
      out += c >= 0x20 && c < 0x7f ? c : '?';
      ++run;
    }
    i = run;
  }
  if (text.size() > 200) out += "...";
  return out;
}

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TEXT_H
