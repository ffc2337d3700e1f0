// Byte classification tables shared by the scalar kernel and the validators.
#ifndef DTOKEN_DETAIL_CHAR_CLASS_H
#define DTOKEN_DETAIL_CHAR_CLASS_H

#include <array>
#include <cstdint>

#include "dtoken/token.h"

namespace dtoken::detail {

// One bit per class; a byte's entry in char_classes has the bit of every class it belongs to.
enum class_bit : std::uint8_t {
  upper_alnum_bit = 1U << 0,  // [A-Z0-9]
  base32_bit = 1U << 1,       // [A-Z2-7]
  alnum_bit = 1U << 2,        // [A-Za-z0-9]
  lower_alnum_bit = 1U << 3,  // [a-z0-9]
  lower_hex_bit = 1U << 4,    // [0-9a-f]
  letter_bit = 1U << 5,       // [A-Za-z]
  digit_bit = 1U << 6,        // [0-9]
  legacy_bit = 1U << 7,       // [A-Za-z0-9_-]
};

constexpr std::array<std::uint8_t, 256> make_char_classes() {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    const bool digit = c >= '0' && c <= '9';
    const bool upper = c >= 'A' && c <= 'Z';
    const bool lower = c >= 'a' && c <= 'z';
    unsigned bits = 0;
    if (digit || upper) bits |= upper_alnum_bit;
    if (upper || (c >= '2' && c <= '7')) bits |= base32_bit;
    if (digit || upper || lower) bits |= alnum_bit | legacy_bit;
    if (digit || lower) bits |= lower_alnum_bit;
    if (digit || (c >= 'a' && c <= 'f')) bits |= lower_hex_bit;
    if (upper || lower) bits |= letter_bit;
    if (digit) bits |= digit_bit;
    if (c == '_' || c == '-') bits |= legacy_bit;
    table[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(bits);
  }
  return table;
}

inline constexpr std::array<std::uint8_t, 256> char_classes = make_char_classes();

[[nodiscard]] constexpr bool has_class(char c, std::uint8_t bits) noexcept {
  return (char_classes[static_cast<unsigned char>(c)] & bits) != 0;
}

[[nodiscard]] constexpr std::uint8_t bit_of(alphabet part) noexcept {
  switch (part) {
    case alphabet::upper_alnum:
      return upper_alnum_bit;
    case alphabet::base32:
      return base32_bit;
    case alphabet::alnum:
      return alnum_bit;
    case alphabet::lower_alnum:
      return lower_alnum_bit;
    case alphabet::lower_hex:
      return lower_hex_bit;
  }
  return 0;
}

// The documented token, "dt0" letter digit digit '.' 24 x [A-Z0-9] '.' 64 x [A-Z0-9], is 96 bytes.
inline constexpr std::size_t documented_length = token_length(documented_public_length);
inline constexpr std::size_t documented_public_length = 24;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_CHAR_CLASS_H
