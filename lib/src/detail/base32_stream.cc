#include "detail/base32_stream.h"

#include <array>
#include <cstring>
#include <string_view>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DTOKEN_HAVE_BMI2_ENCODER 1
#include <immintrin.h>
#endif

namespace dtoken::detail {
namespace {

constexpr std::string_view base32_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

// Two base32 characters for every 10-bit value: the low 5 bits give the first.
constexpr auto base32_pairs = [] {
  std::array<std::array<char, 2>, 1024> pairs{};
  for (std::size_t bits = 0; bits < pairs.size(); ++bits) {
    pairs[bits] = {base32_digits[bits & 31], base32_digits[bits >> 5]};
  }
  return pairs;
}();

#ifdef DTOKEN_HAVE_BMI2_ENCODER
// Eight 5-bit values, one a byte, to their base32 characters at once (SWAR): 'A' + v for v < 26,
// '2' + (v - 26) = 'A' + v - 41 for the rest. v + 102 sets a byte's top bit exactly when v >= 26.
constexpr std::uint64_t to_base32_digits(std::uint64_t values) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  const std::uint64_t high = ((values + 102 * ones) >> 7) & ones;
  return values + 'A' * ones - 41 * high;
}

__attribute__((target("bmi2"))) void encode_base32_bmi2(const std::uint64_t* words,
                                                        std::size_t word_count,
                                                        char* out) noexcept {
  constexpr std::uint64_t five_bits_a_byte = 0x1f1f1f1f1f1f1f1fULL;
  for (std::size_t j = 0; j < word_count; ++j, out += 12) {
    const std::uint64_t first = to_base32_digits(_pdep_u64(words[j], five_bits_a_byte));
    const std::uint64_t rest = to_base32_digits(_pdep_u64(words[j] >> 40, five_bits_a_byte));
    std::memcpy(out, &first, 8);  // x86 is little-endian: byte k is character k
    std::memcpy(out + 8, &rest, 4);
  }
}
#endif

}  // namespace

void encode_base32_portable(const std::uint64_t* words, std::size_t word_count,
                            char* out) noexcept {
  for (std::size_t j = 0; j < word_count; ++j, out += 12) {
    std::uint64_t word = words[j];
    for (std::size_t pair = 0; pair < 6; ++pair, word >>= 10) {
      const auto& two = base32_pairs[word & 1023];
      out[2 * pair] = two[0];
      out[2 * pair + 1] = two[1];
    }
  }
}

base32_encoder bmi2_base32_encoder() noexcept {
#ifdef DTOKEN_HAVE_BMI2_ENCODER
  static const bool supported = __builtin_cpu_supports("bmi2");
  return supported ? encode_base32_bmi2 : nullptr;
#else
  return nullptr;
#endif
}

}  // namespace dtoken::detail
