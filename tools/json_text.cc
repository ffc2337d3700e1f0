#include "json_text.h"

#include <cstdint>
#include <cstring>

namespace dtoken::cli {

namespace {

// The length of the longest prefix of `text` that needs no escape, eight bytes at a time: a word
// holds a byte to escape when a byte is below 0x20 (bytes above 0x7f never count) or equals '"'
// or '\\' (SWAR, as in "Bit Twiddling Hacks": haszero and hasless). Most strings a report
// writes (paths, token IDs, names, fingerprints) need none, and go out in one append.
std::size_t clean_prefix(std::string_view text) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  std::size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, 8);
    const std::uint64_t control = (word - ones * 0x20) & ~word & highs;
    if ((control | has_zero(word ^ (ones * '"')) | has_zero(word ^ (ones * '\\'))) != 0) break;
  }
  return at;
}

}  // namespace

void json_text::quote(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out_ += '"';
  std::size_t clean = 0;  // bytes of `text` before this one are written
  for (std::size_t at = clean_prefix(text); at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out_.append(text.substr(clean, at - clean));
    clean = at + 1;
    out_ += '\\';
    switch (byte) {
      case '"':
        out_ += '"';
        break;
      case '\\':
        out_ += '\\';
        break;
      case '\b':
        out_ += 'b';
        break;
      case '\f':
        out_ += 'f';
        break;
      case '\n':
        out_ += 'n';
        break;
      case '\r':
        out_ += 'r';
        break;
      case '\t':
        out_ += 't';
        break;
      default:
        out_ += "u00";
        out_ += hex[byte >> 4];
        out_ += hex[byte & 15];
    }
  }
  out_.append(text.substr(clean));
  out_ += '"';
}

}  // namespace dtoken::cli
