// Text from a request, made safe to put in a JSON message or a log line.
#ifndef DTOKEN_MOCK_TEXT_H
#define DTOKEN_MOCK_TEXT_H

#include <string>
#include <string_view>

namespace dtoken::mock {

// `text` with every byte outside printable ASCII replaced by '?', cut at 200 bytes: paths and
// query names come from the client and may hold any bytes, and a JSON document must be UTF-8
// (fuzz_http found an unknown control path echoed raw).
inline std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 200)) out += c >= 0x20 && c < 0x7f ? c : '?';
  if (text.size() > 200) out += "...";
  return out;
}

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TEXT_H
