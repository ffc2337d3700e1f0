#include "masking.h"

#include "dtoken/redact.h"
#include "dtoken/token.h"
#include "dtoken/validate.h"

namespace dtoken::mock {

namespace {

bool legacy_character(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
         c == '-';
}

// Masks each maximal run of legacy_token_length legacy characters.
void mask_old_format(std::string& text) {
  std::size_t at = 0;
  while (at < text.size()) {
    if (!legacy_character(text[at])) {
      ++at;
      continue;
    }
    std::size_t end = at;
    while (end < text.size() && legacy_character(text[end])) ++end;
    if (end - at == legacy_token_length) text.replace(at, end - at, end - at, '*');
    at = end;
  }
}

// The length of the UTF-8 sequence that starts `text` at `at`, 0 when it is not valid there.
std::size_t utf8_sequence(std::string_view text, std::size_t at) {
  const auto byte = static_cast<unsigned char>(text[at]);
  if (byte < 0x80) return 1;
  const std::size_t length = byte >= 0xf0 && byte <= 0xf4   ? 4
                             : byte >= 0xe0                 ? 3
                             : byte >= 0xc2 && byte <= 0xdf ? 2
                                                            : 0;
  if (length == 0 || at + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((static_cast<unsigned char>(text[at + i]) & 0xc0) != 0x80) return 0;
  }
  const auto second = static_cast<unsigned char>(text[at + 1]);
  if ((byte == 0xe0 && second < 0xa0) || (byte == 0xed && second >= 0xa0) ||
      (byte == 0xf0 && second < 0x90) || (byte == 0xf4 && second >= 0x90)) {
    return 0;  // overlong, a surrogate, or beyond U+10FFFF
  }
  return length;
}

}  // namespace

std::string mask_secrets(std::string_view text) {
  std::string out = redact(text, profile::family, redact_mode::mask_secret);
  mask_old_format(out);
  return out;
}

std::string reduce_authorization(std::string_view value, std::string_view known_id) {
  const std::size_t space = value.find(' ');
  const std::string_view scheme = value.substr(0, space == std::string_view::npos ? 0 : space);
  const std::string_view credential =
      space == std::string_view::npos ? value : value.substr(space + 1);
  std::string_view id = token_id_of(credential);
  if (id.empty()) id = known_id;
  std::string out = valid_utf8(mask_secrets(scheme), 40);
  if (!out.empty()) out += ' ';
  out.append(id.empty() ? std::string_view("****") : id);
  return out;
}

std::string valid_utf8(std::string_view text, std::size_t limit) {
  std::string out;
  const std::string_view kept = text.substr(0, limit);
  out.reserve(kept.size() + 3);
  for (std::size_t at = 0; at < kept.size();) {
    const std::size_t length = utf8_sequence(kept, at);
    if (length == 0) {
      out += '?';
      ++at;
    } else {
      out.append(kept.substr(at, length));
      at += length;
    }
  }
  if (text.size() > limit) out += "...";
  return out;
}

}  // namespace dtoken::mock
