#include <cstring>

#include "detail/char_class.h"
#include "dtoken/token.h"

namespace dtoken {

std::string_view to_string(alphabet part) noexcept {
  switch (part) {
    case alphabet::upper_alnum:
      return "[A-Z0-9]";
    case alphabet::base32:
      return "[A-Z2-7]";
    case alphabet::alnum:
      return "[A-Za-z0-9]";
    case alphabet::lower_alnum:
      return "[a-z0-9]";
    case alphabet::lower_hex:
      return "[0-9a-f]";
  }
  return "[]";
}

bool in_alphabet(alphabet part, char c) noexcept {
  return detail::has_class(c, detail::bit_of(part));
}

std::size_t write_masked(const token& value, std::span<char> out) noexcept {
  const std::string_view id = value.token_id();
  const std::size_t size = value.masked_length();
  if (out.size() < size) return 0;
  std::memcpy(out.data(), id.data(), id.size());
  // The byte after the token ID is the '.' before the secret, when there is a secret at all.
  if (size > id.size()) out[id.size()] = '.';
  for (std::size_t i = id.size() + 1; i < size; ++i) out[i] = '*';
  return size;
}

std::string masked(const token& value) {
  std::string text(value.masked_length(), '\0');
  const std::size_t written = write_masked(value, text);
  text.resize(written);
  return text;
}

}  // namespace dtoken
