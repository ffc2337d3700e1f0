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

// The same alphabets by nibbles, for the SIMD kernels' classify(): a byte's class is
// low_nibble_classes[b & 15] & high_nibble_classes[b >> 4] (two table lookups, one `pshufb` each
// for a whole vector), one bit of eight: '2'-'7', '0' '1' '8' '9', 'A'-'O', 'P'-'Z', 'a'-'f',
// 'g'-'o', 'p'-'z', '.'. An alphabet is a union of classes (nibble_mask_of), so a byte is in it
// when its class and the alphabet's mask share a bit. Checked against char_classes below.
inline constexpr std::array<std::uint8_t, 16> low_nibble_classes{
    0x4a, 0x5e, 0x5d, 0x5d, 0x5d, 0x5d, 0x5d, 0x6d, 0x6e, 0x6e, 0x6c, 0x24, 0x24, 0x24, 0xa4, 0x24};
inline constexpr std::array<std::uint8_t, 16> high_nibble_classes{
    0, 0, 0x80, 0x03, 0x04, 0x08, 0x30, 0x40, 0, 0, 0, 0, 0, 0, 0, 0};

// The class of '.', the only byte of its class.
inline constexpr std::uint8_t full_stop_class = 0x80;

[[nodiscard]] constexpr std::uint8_t nibble_mask_of(alphabet part) noexcept {
  constexpr std::uint8_t digits_2_to_7 = 0x01;
  constexpr std::uint8_t other_digits = 0x02;
  constexpr std::uint8_t upper = 0x04 | 0x08;
  constexpr std::uint8_t lower_a_to_f = 0x10;
  constexpr std::uint8_t lower = lower_a_to_f | 0x20 | 0x40;
  constexpr std::uint8_t digits = digits_2_to_7 | other_digits;
  switch (part) {
    case alphabet::upper_alnum:
      return digits | upper;
    case alphabet::base32:
      return digits_2_to_7 | upper;
    case alphabet::alnum:
      return digits | upper | lower;
    case alphabet::lower_alnum:
      return digits | lower;
    case alphabet::lower_hex:
      return digits | lower_a_to_f;
  }
  return 0;
}

constexpr bool nibble_classes_agree() {
  for (int part = 0; part <= static_cast<int>(alphabet::lower_hex); ++part) {
    const auto which = static_cast<alphabet>(part);
    for (std::size_t c = 0; c < 256; ++c) {
      const bool by_nibbles =
          (low_nibble_classes[c & 15U] & high_nibble_classes[c >> 4U] & nibble_mask_of(which)) != 0;
      if (by_nibbles != has_class(static_cast<char>(c), bit_of(which))) return false;
    }
  }
  for (std::size_t c = 0; c < 256; ++c) {
    const bool full_stop =
        (low_nibble_classes[c & 15U] & high_nibble_classes[c >> 4U] & full_stop_class) != 0;
    if (full_stop != (c == '.')) return false;
  }
  return true;
}
static_assert(nibble_classes_agree(), "the nibble classes must give each alphabet's bytes");

// The documented token, "dt0" letter digit digit '.' 24 x [A-Z0-9] '.' 64 x [A-Z0-9], is 96 bytes.
inline constexpr std::size_t documented_length = token_length(documented_public_length);
inline constexpr std::size_t documented_public_length = 24;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_CHAR_CLASS_H
