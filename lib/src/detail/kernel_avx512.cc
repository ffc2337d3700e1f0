// AVX-512 kernel: 64 bytes per compare, with masked loads so that short inputs need no copy
// (masked-off bytes are never read, so they cannot fault).
#include <bit>
#include <cstdint>

#include "detail/char_class.h"
#include "detail/kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DTOKEN_HAVE_AVX512_KERNEL 1
#include <immintrin.h>
#endif

namespace dtoken::detail {

#ifdef DTOKEN_HAVE_AVX512_KERNEL
namespace {

#define DTOKEN_AVX512 __attribute__((target("avx512f,avx512bw,bmi,bmi2,popcnt")))

DTOKEN_AVX512 inline __mmask64 in_range(__m512i v, char lo, char hi) noexcept {
  return _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(lo)),
                                _mm512_set1_epi8(static_cast<char>(hi - lo)));
}

DTOKEN_AVX512 inline __mmask64 upper_alnum(__m512i v) noexcept {
  return in_range(v, '0', '9') | in_range(v, 'A', 'Z');
}

DTOKEN_AVX512 inline __mmask64 in_alphabet(__m512i v, alphabet part) noexcept {
  switch (part) {
    case alphabet::upper_alnum:
      return upper_alnum(v);
    case alphabet::base32:
      return in_range(v, '2', '7') | in_range(v, 'A', 'Z');
    case alphabet::alnum:
      return upper_alnum(v) | in_range(v, 'a', 'z');
    case alphabet::lower_alnum:
      return in_range(v, '0', '9') | in_range(v, 'a', 'z');
    case alphabet::lower_hex:
      return in_range(v, '0', '9') | in_range(v, 'a', 'f');
  }
  return 0;
}

constexpr std::uint64_t first_bytes(std::size_t count) noexcept {
  return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}

DTOKEN_AVX512 std::size_t avx512_span(const char* data, std::size_t size, alphabet part) noexcept {
  const std::uint64_t present = first_bytes(size);
  const __m512i v = _mm512_maskz_loadu_epi8(present, data);
  return static_cast<std::size_t>(std::countr_one(in_alphabet(v, part) & present));
}

DTOKEN_AVX512 std::size_t avx512_documented_span(const char* data, std::size_t size) noexcept {
  const std::uint64_t present_low = first_bytes(size);
  const std::uint64_t present_high = size <= 64 ? 0 : first_bytes(size - 64) & 0xffffffffU;
  const __m512i low = _mm512_maskz_loadu_epi8(present_low, data);
  const __m512i high = _mm512_maskz_loadu_epi8(present_high, data + 64);

  // Bytes 0-63: "dt0" letter digit digit '.' 24 x [A-Z0-9] '.' then 32 secret bytes.
  alignas(64) static constexpr char literal_bytes[64] = {'d', 't', '0', 0, 0, 0, '.', 0, 0, 0,  0,
                                                         0,   0,   0,   0, 0, 0, 0,   0, 0, 0,  0,
                                                         0,   0,   0,   0, 0, 0, 0,   0, 0, '.'};
  const __m512i literals = _mm512_load_si512(literal_bytes);
  constexpr std::uint64_t literal_positions = 0b111U | (1U << 6) | (1U << 31);
  constexpr std::uint64_t letter_position = 1U << 3;
  constexpr std::uint64_t digit_positions = 0b11U << 4;
  constexpr std::uint64_t alnum_positions =
      ~(literal_positions | letter_position | digit_positions);
  const __mmask64 letters = in_range(_mm512_or_si512(low, _mm512_set1_epi8(0x20)), 'a', 'z');
  const std::uint64_t head =
      (_mm512_cmpeq_epi8_mask(low, literals) & literal_positions) | (letters & letter_position) |
      (in_range(low, '0', '9') & digit_positions) | (upper_alnum(low) & alnum_positions);
  std::size_t span = static_cast<std::size_t>(std::countr_one(head & present_low));
  if (span == 64) {
    span += static_cast<std::size_t>(std::countr_one(upper_alnum(high) & present_high));
  }
  return span < documented_length ? span : documented_length;
}

const kernel avx512{"avx512", avx512_span, avx512_documented_span};

}  // namespace
#endif

const kernel* avx512_kernel() noexcept {
#ifdef DTOKEN_HAVE_AVX512_KERNEL
  static const bool supported = __builtin_cpu_supports("avx512f") &&
                                __builtin_cpu_supports("avx512bw") &&
                                __builtin_cpu_supports("bmi2");
  return supported ? &avx512 : nullptr;
#else
  return nullptr;
#endif
}

}  // namespace dtoken::detail
