// AVX2 kernel: classifies 32 bytes per instruction with unsigned range compares.
#include <bit>
#include <cstdint>
#include <cstring>

#include "detail/char_class.h"
#include "detail/kernel.h"
#include "detail/prefix_search.h"

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

// Bit j set where byte j of the 64 bytes low:high passes `test` against `byte` (a helper, not a
// lambda: a lambda would not inherit the target attribute).
DTOKEN_AVX2 inline std::uint64_t where_equal(__m256i low, __m256i high, char byte) noexcept {
  const __m256i wanted = _mm256_set1_epi8(byte);
  return std::uint64_t{bits(_mm256_cmpeq_epi8(low, wanted))} |
         (std::uint64_t{bits(_mm256_cmpeq_epi8(high, wanted))} << 32);
}
DTOKEN_AVX2 inline std::uint64_t where_above(__m256i low, __m256i high, char byte) noexcept {
  const __m256i bound = _mm256_set1_epi8(byte);
  return std::uint64_t{bits(_mm256_cmpgt_epi8(low, bound))} |
         (std::uint64_t{bits(_mm256_cmpgt_epi8(high, bound))} << 32);
}

// The masks of prefix_search.h for the 64 bytes low:high.
DTOKEN_AVX2 inline block_bits bits_of(__m256i low, __m256i high) noexcept {
  return {where_equal(low, high, 'd'), where_equal(low, high, '0'), where_equal(low, high, '.'),
          where_above(low, high, '/'), where_equal(low, high, '\n')};
}

// The masks of a whole, aligned block.
DTOKEN_AVX2 inline block_bits whole_bits(const char* block) noexcept {
  const auto* p = reinterpret_cast<const __m256i*>(block);
  return bits_of(_mm256_load_si256(p), _mm256_load_si256(p + 1));
}

// The masks of the aligned block at index `block` of the data. A block that begins before data[0]
// or ends after data[size - 1] (the first and last of a search) is copied byte by byte into a
// zeroed block first: AVX2 has no byte-masked load.
DTOKEN_AVX2 inline block_bits bits_at(const char* data, std::ptrdiff_t size,
                                      std::ptrdiff_t block) noexcept {
  if (block >= 0 && block + 64 <= size) return whole_bits(data + block);
  alignas(64) char copy[64] = {};
  for (std::ptrdiff_t j = 0; j < 64; ++j) {
    if (block + j >= 0 && block + j < size) copy[j] = data[block + j];
  }
  return whole_bits(copy);
}

// The starts among the 32 bytes `here`, followed by `next`, that pass the masks of
// prefix_search.h ('d' at j, '0' at j + 2, '.' at j + 6, a byte above '/' at j + 7), as a vector
// (0xff at each): computed on the bytes, shifted in registers (vperm2i128 across the 16-byte
// lanes, then vpalignr within them), as the AVX-512 kernel does.
DTOKEN_AVX2 inline __m256i shape_starts(__m256i here, __m256i next) noexcept {
  const __m256i ahead16 = _mm256_permute2x128_si256(here, next, 0x21);  // bytes 16-47
  const __m256i ahead2 = _mm256_alignr_epi8(ahead16, here, 2);
  const __m256i ahead6 = _mm256_alignr_epi8(ahead16, here, 6);
  const __m256i ahead7 = _mm256_alignr_epi8(ahead16, here, 7);
  const __m256i d_and_zero = _mm256_and_si256(_mm256_cmpeq_epi8(here, _mm256_set1_epi8('d')),
                                              _mm256_cmpeq_epi8(ahead2, _mm256_set1_epi8('0')));
  const __m256i dot_and_above = _mm256_and_si256(_mm256_cmpeq_epi8(ahead6, _mm256_set1_epi8('.')),
                                                 _mm256_cmpgt_epi8(ahead7, _mm256_set1_epi8('/')));
  return _mm256_and_si256(d_and_zero, dot_and_above);
}

// `counts` plus 1 at each byte position where `bytes` has a '\n' (compare gives -1, subtract it).
DTOKEN_AVX2 inline __m256i with_newlines(__m256i counts, __m256i bytes) noexcept {
  return _mm256_sub_epi8(counts, _mm256_cmpeq_epi8(bytes, _mm256_set1_epi8('\n')));
}

// The sum of the 32 bytes of `counts`.
DTOKEN_AVX2 inline std::size_t sum_of_bytes(__m256i counts) noexcept {
  alignas(32) std::uint64_t sums[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(sums),
                     _mm256_sad_epu8(counts, _mm256_setzero_si256()));
  return static_cast<std::size_t>(sums[0] + sums[1] + sums[2] + sums[3]);
}

// The tight loop of find_prefix, as in the AVX-512 kernel: from the aligned, whole block at
// `block`, the first block before `last` where a candidate starts (`last` if none does), adding
// the newlines of the blocks before it to `newlines`. A block is two vectors; both are tested
// with one branch. Both add their newlines to the same byte counters, up to 2 a block, so the
// counters are summed every 127 blocks, before one could wrap.
template <typename Isa, prefix_filter Filter>
DTOKEN_AVX2 std::ptrdiff_t run_of_blocks(const char* data, std::ptrdiff_t block,
                                         std::ptrdiff_t last, std::ptrdiff_t end,
                                         std::size_t& newlines) noexcept {
  const auto at = [data](std::ptrdiff_t index) {
    return reinterpret_cast<const __m256i*>(data + index);
  };
  __m256i low = _mm256_load_si256(at(block));
  std::size_t count = 0;
  while (block < last) {
    const std::ptrdiff_t stretch_end = std::min(last, block + 127 * 64);
    __m256i counts = _mm256_setzero_si256();
    for (; block < stretch_end; block += 64) {
      _mm_prefetch(data + block + prefetch_distance, _MM_HINT_T0);  // (prefix_search.h)
      const __m256i high = _mm256_load_si256(at(block + 32));
      const __m256i next = _mm256_load_si256(at(block + 64));
      const __m256i low_starts = shape_starts(low, high);
      const __m256i high_starts = shape_starts(high, next);
      const __m256i any = _mm256_or_si256(low_starts, high_starts);
      if (!_mm256_testz_si256(any, any)) [[unlikely]] {
        const std::uint64_t starts = bits(low_starts) | (std::uint64_t{bits(high_starts)} << 32);
        if (any_candidate<Isa>(data, block, starts, end, Filter)) {
          newlines += count + sum_of_bytes(counts);
          return block;
        }
      }
      counts = with_newlines(with_newlines(counts, low), high);
      low = next;
    }
    count += sum_of_bytes(counts);
  }
  newlines += count;
  return block;
}

// The ISA's part of find_prefix_with (prefix_search.h).
struct avx2_isa {
  static constexpr span_function documented_span = avx2_documented_span;
  DTOKEN_AVX2 static block_bits bits_at(const char* data, std::ptrdiff_t size,
                                        std::ptrdiff_t block) noexcept {
    return detail::bits_at(data, size, block);
  }
  static constexpr alphabet_span_function span = avx2_span;
  static constexpr bool marks_pairs = false;  // (so find_prefix_with never calls mark_pairs)
  template <prefix_filter Filter>
  DTOKEN_AVX2 static std::ptrdiff_t run_of_blocks(const char* data, std::ptrdiff_t block,
                                                  std::ptrdiff_t last, std::ptrdiff_t end,
                                                  std::size_t& newlines,
                                                  pair_ranges* /*pairs*/) noexcept {
    return detail::run_of_blocks<avx2_isa, Filter>(data, block, last, end, newlines);
  }
};

DTOKEN_AVX2 std::size_t avx2_find_prefix(const char* data, std::size_t size, std::size_t from,
                                         std::size_t count_from, std::size_t count_end,
                                         newline_tally& lines, prefix_filter filter) noexcept {
  return find_prefix_with<avx2_isa>(data, size, from, count_from, count_end, lines, filter);
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

// The classes of encoded_pairs' bytes, looked up by nibble (as simdjson classifies characters):
// a byte's class is low[its low nibble] & high[its high nibble]. First bytes: 'H' 1, '0' 2, 'd' 4,
// '%' 8; second bytes: 'Q' 1, 'M' 2, 'D' 4, '2' and '6' 8. A pair starts where the class of a
// byte and that of the next share a bit; no other byte has a class (kernel_test checks).
DTOKEN_AVX2 inline __m256i nibble_class(__m256i v, __m256i low, __m256i high) noexcept {
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i lo = _mm256_and_si256(v, nibble);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble);
  return _mm256_and_si256(_mm256_shuffle_epi8(low, lo), _mm256_shuffle_epi8(high, hi));
}

DTOKEN_AVX2 std::size_t avx2_find_encoded(const char* data, std::size_t size,
                                          std::size_t from) noexcept {
  const __m256i first_low = _mm256_setr_epi8(2, 0, 0, 0, 4, 8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,  //
                                             2, 0, 0, 0, 4, 8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0);
  const __m256i first_high = _mm256_setr_epi8(0, 0, 8, 2, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                              0, 0, 8, 2, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i second_low = _mm256_setr_epi8(0, 1, 8, 0, 4, 0, 8, 0, 0, 0, 0, 0, 0, 2, 0, 0,  //
                                              0, 1, 8, 0, 4, 0, 8, 0, 0, 0, 0, 0, 0, 2, 0, 0);
  const __m256i second_high = _mm256_setr_epi8(0, 0, 0, 8, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                               0, 0, 0, 8, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const auto pairs_at = [&](std::size_t at) DTOKEN_AVX2 {
    const __m256i first = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + at));
    const __m256i second = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(data + at + 1));
    return _mm256_and_si256(nibble_class(first, first_low, first_high),
                            nibble_class(second, second_low, second_high));
  };
  std::size_t at = from;
  // 64 bytes a round, one branch: pairs are rare.
  for (; at + 65 <= size; at += 64) {
    const __m256i head = pairs_at(at);
    const __m256i tail = pairs_at(at + 32);
    const __m256i any = _mm256_or_si256(head, tail);
    if (_mm256_testz_si256(any, any) == 0) break;
  }
  for (; at + 33 <= size; at += 32) {
    const __m256i both = pairs_at(at);
    if (_mm256_testz_si256(both, both) == 0) {
      const std::uint32_t hits = ~bits(_mm256_cmpeq_epi8(both, _mm256_setzero_si256()));
      return at + static_cast<std::size_t>(std::countr_zero(hits));
    }
  }
  return scalar_find_encoded(data, size, at);
}

// Bit j set where byte j's class shares a bit with `mask` (a helper, not a lambda: a lambda would
// not inherit the target attribute).
DTOKEN_AVX2 inline std::uint32_t in_classes(__m256i classes, __m256i mask) noexcept {
  return ~bits(_mm256_cmpeq_epi8(_mm256_and_si256(classes, mask), _mm256_setzero_si256()));
}

// The nibble classes (char_class.h) of the first 96 bytes of [data, data + size), a token's
// longest. Short inputs are copied into a zeroed buffer, as in avx2_span (NUL is in no class).
DTOKEN_AVX2 inline void token_classes(const char* data, std::size_t size,
                                      __m256i (&classes)[3]) noexcept {
  static_assert(longest_token_length == 96, "a token's bytes are three 32-byte vectors");
  alignas(32) char padded[longest_token_length] = {};
  const char* bytes = data;
  if (size < longest_token_length) {
    std::memcpy(padded, data, size);
    bytes = padded;
  }
  const __m256i low_table = _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(low_nibble_classes.data())));
  const __m256i high_table = _mm256_broadcastsi128_si256(
      _mm_loadu_si128(reinterpret_cast<const __m128i*>(high_nibble_classes.data())));
  for (std::size_t v = 0; v < std::size(classes); ++v) {
    classes[v] = nibble_class(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(bytes + 32 * v)),
                              low_table, high_table);
  }
}

// Each byte's class, tested against its position's classes.
DTOKEN_AVX2 layout_stop avx2_layout_span(const char* data, std::size_t size,
                                         const token_layout& layout) noexcept {
  __m256i classes[3];
  token_classes(data, size, classes);
  std::uint64_t fits[3];
  for (std::size_t v = 0; v < std::size(fits); ++v) {
    fits[v] = in_classes(
        classes[v],
        _mm256_load_si256(reinterpret_cast<const __m256i*>(layout.fits.data() + 32 * v)));
  }
  const std::uint64_t low = fits[0] | (fits[1] << 32);
  std::size_t span = static_cast<std::size_t>(std::countr_one(low));
  if (span == 64) {
    span += static_cast<std::size_t>(std::countr_one(static_cast<std::uint32_t>(fits[2])));
  }
  return stop_with_kind(data, size, span < size ? span : size, layout);
}

// Each byte's class, then one test per alphabet: no branch on which.
DTOKEN_AVX2 void avx2_classify(const char* data, std::size_t size, const alphabet_triple& parts,
                               position_bits_triple& found) noexcept {
  __m256i classes[3];
  token_classes(data, size, classes);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const __m256i mask = _mm256_set1_epi8(static_cast<char>(nibble_mask_of(parts[k])));
    found[k].low =
        in_classes(classes[0], mask) | (std::uint64_t{in_classes(classes[1], mask)} << 32);
    found[k].high = in_classes(classes[2], mask);
  }
}

const kernel avx2{"avx2",           avx2_span,     avx2_documented_span, avx2_find_prefix,
                  avx2_layout_span, avx2_classify, avx2_count_newlines,  avx2_find_encoded,
                  nullptr};

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
