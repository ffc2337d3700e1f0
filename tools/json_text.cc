#include "json_text.h"

#include <cstdint>
#include <cstring>

namespace dtoken::cli {

namespace {

// Whether the word holds a byte to escape: a byte below 0x20 (bytes above 0x7f never count), '"'
// or '\\' (SWAR, as in "Bit Twiddling Hacks": haszero and hasless).
constexpr bool needs_escape(std::uint64_t word) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  const auto has_zero = [](std::uint64_t v) { return (v - ones) & ~v & highs; };
  const std::uint64_t control = (word - ones * 0x20) & ~word & highs;
  return (control | has_zero(word ^ (ones * '"')) | has_zero(word ^ (ones * '\\'))) != 0;
}

// The length of a prefix of `text` that needs no escape, eight bytes at a time: all of it when no
// byte needs one (the last word overlaps the one before, or, for a text under 8 bytes, is padded
// with 'a'), else a multiple of 8 at or before the first such byte. Most strings a report writes
// (keys, paths, token IDs, names, fingerprints) need none, and go out in one append.
std::size_t clean_prefix(std::string_view text) noexcept {
  const auto word_at = [&text](std::size_t at) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + at, 8);
    return word;
  };
  if (text.size() < 8) {
    std::uint64_t word = 0x6161616161616161ULL;
    if (!text.empty()) std::memcpy(&word, text.data(), text.size());
    return needs_escape(word) ? 0 : text.size();
  }
  std::size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    if (needs_escape(word_at(at))) return at;
  }
  return at == text.size() || !needs_escape(word_at(text.size() - 8)) ? text.size() : at;
}

}  // namespace

void append_escaped(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  const std::size_t checked = clean_prefix(text);
  if (checked == text.size()) {
    out.append(text);
    return;
  }
  std::size_t clean = 0;  // bytes of `text` before this one are written
  for (std::size_t at = checked; at < text.size(); ++at) {
    const auto byte = static_cast<unsigned char>(text[at]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.substr(clean, at - clean));
    clean = at + 1;
    out += '\\';
    switch (byte) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '\b':
        out += 'b';
        break;
      case '\f':
        out += 'f';
        break;
      case '\n':
        out += 'n';
        break;
      case '\r':
        out += 'r';
        break;
      case '\t':
        out += 't';
        break;
      default:
        out += "u00";
        out += hex[byte >> 4];
        out += hex[byte & 15];
    }
  }
  out.append(text.substr(clean));
}

void json_text::quote(std::string_view text) {
  if (clean_prefix(text) == text.size()) {  // (one append: most strings need no escape)
    const std::size_t size = out_.size();
    out_.resize(size + text.size() + 2);
    char* to = out_.data() + size;
    to[0] = '"';
    if (!text.empty()) std::memcpy(to + 1, text.data(), text.size());
    to[text.size() + 1] = '"';
    return;
  }
  out_ += '"';
  append_escaped(out_, text);
  out_ += '"';
}

}  // namespace dtoken::cli
