// AVX2 kernel: classifies 32 bytes per instruction with unsigned range compares.
#include <bit>
#include <cstdint>
#include <cstring>

#include "detail/char_class.h"
#include "detail/kernel.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define DTOKEN_HAVE_AVX2_KERNEL 1
#include <immintrin.h>
#endif

namespace dtoken::detail {

#ifdef DTOKEN_HAVE_AVX2_KERNEL
namespace {

#define DTOKEN_AVX2 __attribute__((target("avx2,bmi,bmi2,popcnt")))

// Bytes lo..hi (unsigned): v - lo <= hi - lo, as AVX2 has no unsigned compare: min(t, k) == t.
DTOKEN_AVX2 inline __m256i in_range(__m256i v, char lo, char hi) noexcept {
  const __m256i t = _mm256_sub_epi8(v, _mm256_set1_epi8(lo));
  const __m256i k = _mm256_set1_epi8(static_cast<char>(hi - lo));
  return _mm256_cmpeq_epi8(_mm256_min_epu8(t, k), t);
}

DTOKEN_AVX2 inline __m256i upper_alnum(__m256i v) noexcept {
  return _mm256_or_si256(in_range(v, '0', '9'), in_range(v, 'A', 'Z'));
}

DTOKEN_AVX2 inline __m256i in_alphabet(__m256i v, alphabet part) noexcept {
  switch (part) {
    case alphabet::upper_alnum:
      return upper_alnum(v);
    case alphabet::base32:
      return _mm256_or_si256(in_range(v, '2', '7'), in_range(v, 'A', 'Z'));
    case alphabet::alnum:
      return _mm256_or_si256(upper_alnum(v), in_range(v, 'a', 'z'));
    case alphabet::lower_alnum:
      return _mm256_or_si256(in_range(v, '0', '9'), in_range(v, 'a', 'z'));
    case alphabet::lower_hex:
      return _mm256_or_si256(in_range(v, '0', '9'), in_range(v, 'a', 'f'));
  }
  return _mm256_setzero_si256();
}

DTOKEN_AVX2 inline std::uint32_t bits(__m256i mask) noexcept {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(mask));
}

// Short inputs are copied into a zeroed buffer: NUL belongs to no class, so the padding stops
// every span, and no load reads past the caller's bytes.
DTOKEN_AVX2 std::size_t avx2_span(const char* data, std::size_t size, alphabet part) noexcept {
  if (size == 0) return 0;
  alignas(32) char padded[64] = {};
  const char* bytes = data;
  if (size < 64) {
    std::memcpy(padded, data, size);
    bytes = padded;
  }
  const auto low =
      bits(in_alphabet(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes)), part));
  const auto high =
      bits(in_alphabet(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 32)), part));
  const std::uint64_t fits = low | (std::uint64_t{high} << 32);
  const auto span = static_cast<std::size_t>(std::countr_one(fits));
  return span < size ? span : size;
}

DTOKEN_AVX2 std::size_t avx2_documented_span(const char* data, std::size_t size) noexcept {
  if (size == 0) return 0;
  alignas(32) char padded[documented_length] = {};
  const char* bytes = data;
  if (size < documented_length) {
    std::memcpy(padded, data, size);
    bytes = padded;
  }
  const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
  const __m256i second = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 32));
  const __m256i third = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 64));

  // Bytes 0-31: "dt0" letter digit digit '.' 24 x [A-Z0-9] '.'.
  const __m256i literals = _mm256_setr_epi8('d', 't', '0', 0, 0, 0, '.', 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '.');
  constexpr std::uint32_t literal_positions = 0b111U | (1U << 6) | (1U << 31);
  constexpr std::uint32_t letter_position = 1U << 3;
  constexpr std::uint32_t digit_positions = 0b11U << 4;
  constexpr std::uint32_t public_positions = ((1U << 24) - 1) << 7;
  const __m256i letters = in_range(_mm256_or_si256(first, _mm256_set1_epi8(0x20)), 'a', 'z');
  const std::uint32_t head = (bits(_mm256_cmpeq_epi8(first, literals)) & literal_positions) |
                             (bits(letters) & letter_position) |
                             (bits(in_range(first, '0', '9')) & digit_positions) |
                             (bits(upper_alnum(first)) & public_positions);
  // Bytes 32-95: the secret, all [A-Z0-9].
  const std::uint64_t low = head | (std::uint64_t{bits(upper_alnum(second))} << 32);
  std::size_t span = static_cast<std::size_t>(std::countr_one(low));
  if (span == 64) span += static_cast<std::size_t>(std::countr_one(bits(upper_alnum(third))));
  return span < size ? span : size;
}

// 32 candidate positions per step: "dt0" at offsets 0-2; only a block that has one pays for the
// '.' at 6 and the [A-Za-z0-9] at 7 (letters by folding case: (c | 0x20) in 'a'..'z').
DTOKEN_AVX2 inline __m256i load_at(const char* bytes) noexcept {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes));
}

DTOKEN_AVX2 std::size_t avx2_find_prefix(const char* data, std::size_t size,
                                         std::size_t from) noexcept {
  const __m256i d = _mm256_set1_epi8('d');
  const __m256i t = _mm256_set1_epi8('t');
  const __m256i zero = _mm256_set1_epi8('0');
  std::size_t at = from;
  for (; at + 39 <= size; at += 32) {
    const __m256i prefix =
        _mm256_and_si256(_mm256_and_si256(_mm256_cmpeq_epi8(load_at(data + at), d),
                                          _mm256_cmpeq_epi8(load_at(data + at + 1), t)),
                         _mm256_cmpeq_epi8(load_at(data + at + 2), zero));
    if (bits(prefix) == 0) continue;
    const __m256i seventh = load_at(data + at + 7);
    const __m256i alnum =
        _mm256_or_si256(in_range(seventh, '0', '9'),
                        in_range(_mm256_or_si256(seventh, _mm256_set1_epi8(0x20)), 'a', 'z'));
    const __m256i shape =
        _mm256_and_si256(_mm256_cmpeq_epi8(load_at(data + at + 6), _mm256_set1_epi8('.')), alnum);
    const std::uint32_t hits = bits(_mm256_and_si256(prefix, shape));
    if (hits != 0) return at + static_cast<std::size_t>(std::countr_zero(hits));
  }
  return scalar_find_prefix(data, size, at);
}

DTOKEN_AVX2 std::size_t avx2_count_newlines(const char* data, std::size_t size) noexcept {
  const __m256i newline = _mm256_set1_epi8('\n');
  std::size_t count = 0;
  std::size_t at = 0;
  for (; at + 32 <= size; at += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + at));
    count += static_cast<std::size_t>(std::popcount(bits(_mm256_cmpeq_epi8(v, newline))));
  }
  return count + scalar_count_newlines(data + at, size - at);
}

const kernel avx2{"avx2", avx2_span, avx2_documented_span, avx2_find_prefix, avx2_count_newlines};

}  // namespace
#endif

const kernel* avx2_kernel() noexcept {
#ifdef DTOKEN_HAVE_AVX2_KERNEL
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2");
  return supported ? &avx2 : nullptr;
#else
  return nullptr;
#endif
}

}  // namespace dtoken::detail
