// AVX-512 kernel: 64 bytes per compare, with masked loads so that short inputs need no copy
// (masked-off bytes are never read, so they cannot fault).
#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>

#include "detail/char_class.h"
#include "detail/kernel.h"
#include "detail/prefix_search.h"

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

// A vector of 64 copies of `byte`, as data, so that the compiler folds it into the instruction
// as a memory operand instead of rebuilding it with a broadcast on every call.
struct alignas(64) byte_vector {
  char bytes[64];
};
constexpr byte_vector splat(char byte) noexcept {
  byte_vector vector{};
  for (char& b : vector.bytes) b = byte;
  return vector;
}
constexpr byte_vector minus_zero = splat(static_cast<char>(-'0'));
constexpr byte_vector minus_a = splat(static_cast<char>(-'a'));
constexpr byte_vector minus_upper_a = splat(static_cast<char>(-'A'));
constexpr byte_vector nine = splat(9);
constexpr byte_vector twenty_five = splat(25);
constexpr byte_vector case_bit = splat(0x20);
constexpr byte_vector letter_d = splat('d');
constexpr byte_vector digit_zero = splat('0');
constexpr byte_vector full_stop = splat('.');
constexpr byte_vector slash = splat('/');
constexpr byte_vector line_feed = splat('\n');
constexpr byte_vector literal_bytes = {{'d', 't', '0', 0, 0, 0, '.', 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                        0,   0,   0,   0, 0, 0, 0,   0, 0, 0, 0, 0, 0, 0, 0, '.'}};

DTOKEN_AVX512 inline __m512i load(const byte_vector& vector) noexcept {
  return _mm512_load_si512(vector.bytes);
}

// [0-9A-Z] with the constants from memory.
DTOKEN_AVX512 inline __mmask64 upper_alnum_fast(__m512i v) noexcept {
  return _mm512_cmple_epu8_mask(_mm512_add_epi8(v, load(minus_zero)), load(nine)) |
         _mm512_cmple_epu8_mask(_mm512_add_epi8(v, load(minus_upper_a)), load(twenty_five));
}

DTOKEN_AVX512 std::size_t avx512_documented_span(const char* data, std::size_t size) noexcept {
  // Whole 96-byte windows, the common case, need no load masks.
  const bool whole = size >= documented_length;
  const std::uint64_t present_low = whole ? ~std::uint64_t{0} : first_bytes(size);
  const std::uint64_t present_high =
      whole ? 0xffffffffU : (size <= 64 ? 0 : first_bytes(size - 64) & 0xffffffffU);
  const __m512i low = _mm512_maskz_loadu_epi8(present_low, data);
  const __m512i high = _mm512_maskz_loadu_epi8(present_high, data + 64);

  // Bytes 0-63: "dt0" letter digit digit '.' 24 x [A-Z0-9] '.' then 32 secret bytes.
  constexpr std::uint64_t literal_positions = 0b111U | (1U << 6) | (1U << 31);
  constexpr std::uint64_t letter_position = 1U << 3;
  constexpr std::uint64_t digit_positions = 0b11U << 4;
  constexpr std::uint64_t alnum_positions =
      ~(literal_positions | letter_position | digit_positions);
  const __mmask64 digits =
      _mm512_cmple_epu8_mask(_mm512_add_epi8(low, load(minus_zero)), load(nine));
  const __mmask64 letters = _mm512_cmple_epu8_mask(
      _mm512_add_epi8(_mm512_or_si512(low, load(case_bit)), load(minus_a)), load(twenty_five));
  const __mmask64 uppers =
      _mm512_cmple_epu8_mask(_mm512_add_epi8(low, load(minus_upper_a)), load(twenty_five));
  const std::uint64_t head =
      (_mm512_cmpeq_epi8_mask(low, load(literal_bytes)) & literal_positions) |
      (letters & letter_position) | (digits & digit_positions) |
      ((digits | uppers) & alnum_positions);
  std::size_t span = static_cast<std::size_t>(std::countr_one(head & present_low));
  if (span == 64) {
    span += static_cast<std::size_t>(std::countr_one(upper_alnum_fast(high) & present_high));
  }
  return span < documented_length ? span : documented_length;
}

// The masks of prefix_search.h for the 64 bytes in `v`.
DTOKEN_AVX512 inline block_bits bits_of(__m512i v) noexcept {
  return {_mm512_cmpeq_epi8_mask(v, load(letter_d)), _mm512_cmpeq_epi8_mask(v, load(digit_zero)),
          _mm512_cmpeq_epi8_mask(v, load(full_stop)), _mm512_cmpgt_epi8_mask(v, load(slash)),
          _mm512_cmpeq_epi8_mask(v, load(line_feed))};
}

// The masks of a whole, aligned block.
DTOKEN_AVX512 inline block_bits whole_bits(const char* block) noexcept {
  return bits_of(_mm512_load_si512(block));
}

// The masks of the aligned block at index `block` of the data, which may begin before data[0] or
// end after data[size - 1]: bytes outside are masked off, never read.
DTOKEN_AVX512 inline block_bits bits_at(const char* data, std::ptrdiff_t size,
                                        std::ptrdiff_t block) noexcept {
  if (block >= 0 && block + 64 <= size) return whole_bits(data + block);
  return bits_of(_mm512_maskz_loadu_epi8(index_range(block, 0, size), data + block));
}

// The sum of the 64 bytes of `counts`.
DTOKEN_AVX512 inline std::size_t sum_of_bytes(__m512i counts) noexcept {
  alignas(64) std::uint64_t sums[8];
  _mm512_store_si512(sums, _mm512_sad_epu8(counts, _mm512_setzero_si512()));
  std::uint64_t total = 0;
  for (const std::uint64_t sum : sums) total += sum;
  return static_cast<std::size_t>(total);
}

// The nibble classes of avx2_find_encoded (kernel_avx2.cc), 64 bytes at a time.
DTOKEN_AVX512 inline __m512i nibble_class(__m512i v, __m512i low, __m512i high) noexcept {
  const __m512i nibble = _mm512_set1_epi8(0x0F);
  const __m512i lo = _mm512_and_si512(v, nibble);
  const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble);
  return _mm512_and_si512(_mm512_shuffle_epi8(low, lo), _mm512_shuffle_epi8(high, hi));
}

// A 16-entry nibble table of avx2_find_encoded's (kernel_avx2.cc), in each 128-bit lane.
struct nibble_table {
  alignas(64) std::array<char, 64> bytes{};
  explicit constexpr nibble_table(const std::array<char, 16>& entries) {
    for (std::size_t at = 0; at < 64; ++at) bytes[at] = entries[at % 16];
  }
};
constexpr nibble_table first_low({2, 0, 0, 0, 4, 8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0});
constexpr nibble_table first_high({0, 0, 8, 2, 1, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0});
constexpr nibble_table second_low({0, 1, 8, 0, 4, 0, 8, 0, 0, 0, 0, 0, 0, 2, 0, 0});
constexpr nibble_table second_high({0, 0, 0, 8, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

DTOKEN_AVX512 inline __m512i load_table(const nibble_table& table) noexcept {
  return _mm512_load_si512(table.bytes.data());
}

// The bytes of the block `here`, followed by `next`, where a pair of encoded_pairs starts (their
// nibble classes, as avx512_find_encoded computes them, on the block and on the block shifted by
// one byte, made in registers as shape_starts() makes its shifts): the pairs that
// kernel::find_prefix_marking marks as it passes. Bytes of 0x80 and more have no class.
DTOKEN_AVX512 inline std::uint64_t pair_starts(__m512i here, __m512i next) noexcept {
  const __m512i ahead16 = _mm512_mask_alignr_epi32(here, 0xffff, next, here, 4);
  const __m512i ahead1 = _mm512_alignr_epi8(ahead16, here, 1);
  const __m512i both =
      _mm512_and_si512(nibble_class(here, load_table(first_low), load_table(first_high)),
                       nibble_class(ahead1, load_table(second_low), load_table(second_high)));
  return _mm512_test_epi8_mask(both, both);
}

// The starts of the block `here`, followed by `next`, that pass the masks of prefix_search.h
// ('d' at j, '0' at j + 2, '.' at j + 6, a byte above '/' at j + 7), computed on the bytes: the
// block shifted by 2, 6 and 7 bytes is made in registers (valignd across the 16-byte lanes, then
// vpalignr within them); the three equalities are folded into one vector by XOR and OR
// (vpternlog), whose zero bytes one test turns into a mask. Two instructions make masks, where
// computing the five masks of block_bits and shifting them across the block boundary in general
// registers took five compares and five moves out of mask registers. With run_of_blocks, the scan
// of a corpus in L2 went from 26 to 43 GiB/s on this EPYC (Zen 4):
// `bench/scan_bench --corpus_kib=512 --benchmark_filter=dtoken`.
DTOKEN_AVX512 inline std::uint64_t shape_starts(__m512i here, __m512i next) noexcept {
  // Bytes 16-79. (The unmasked form trips GCC 12's -Wmaybe-uninitialized in its own header.)
  const __m512i ahead16 = _mm512_mask_alignr_epi32(here, 0xffff, next, here, 4);
  const __m512i ahead2 = _mm512_alignr_epi8(ahead16, here, 2);
  const __m512i ahead6 = _mm512_alignr_epi8(ahead16, here, 6);
  const __m512i ahead7 = _mm512_alignr_epi8(ahead16, here, 7);
  constexpr int a_xor_b_or_c = 0xbe;  // vpternlog's truth table for (a ^ b) | c
  __m512i differ = _mm512_xor_si512(here, load(letter_d));
  differ = _mm512_ternarylogic_epi64(ahead2, load(digit_zero), differ, a_xor_b_or_c);
  differ = _mm512_ternarylogic_epi64(ahead6, load(full_stop), differ, a_xor_b_or_c);
  return _mm512_mask_cmpgt_epi8_mask(_mm512_testn_epi8_mask(differ, differ), ahead7, load(slash));
}

// Asks for the two blocks `prefetch_distance` bytes ahead of the two at `block` (prefix_search.h).
DTOKEN_AVX512 inline void prefetch_ahead(const char* block) noexcept {
  _mm_prefetch(block + prefetch_distance, _MM_HINT_T0);
  _mm_prefetch(block + prefetch_distance + 64, _MM_HINT_T0);
}

// `counts` plus 1 at each byte position where `block` has a '\n' (a masked subtract of -1).
DTOKEN_AVX512 inline __m512i with_newlines(__m512i counts, __m512i block) noexcept {
  return _mm512_mask_sub_epi8(counts, _mm512_cmpeq_epi8_mask(block, load(line_feed)), counts,
                              _mm512_set1_epi8(-1));
}

// The tight loop of find_prefix, from the aligned, whole block at `block`: returns the block where
// it stopped, adding the newlines of the blocks before it to `newlines`. It takes two blocks per
// turn (one branch for both: 12% faster on data in L2) and stops at the first pair where a
// candidate starts (returning the pair's first block; find_prefix settles the pair block by block
// with the masks of prefix_search.h), or when fewer than two blocks of the interior are left (the
// blocks up to `last` + 64 are whole). Starts that pass the masks but are not candidates (or, with
// the `Filter`, not whole tokens of the profile) are dropped without leaving the loop. The newlines
// are counted per byte position in a vector, summed every 254 blocks, before a byte counter could
// wrap. With Isa::marks_pairs, the blocks where a pair of encoded_pairs starts go into `pairs`.
template <typename Isa, prefix_filter Filter>
DTOKEN_AVX512 std::ptrdiff_t run_of_blocks(const char* data, std::ptrdiff_t block,
                                           std::ptrdiff_t last, std::ptrdiff_t end,
                                           std::size_t& newlines, pair_ranges* pairs) noexcept {
  __m512i here = _mm512_load_si512(data + block);
  std::size_t count = 0;
  while (block + 64 < last) {
    const std::ptrdiff_t stretch_end = std::min(last, block + 254 * 64);
    __m512i counts = _mm512_setzero_si512();
    for (; block + 64 < stretch_end; block += 128) {
      prefetch_ahead(data + block);
      const __m512i first = _mm512_load_si512(data + block + 64);
      const __m512i second = _mm512_load_si512(data + block + 128);
      if constexpr (Isa::marks_pairs) {
        const std::uint64_t here_pairs = pair_starts(here, first);
        const std::uint64_t first_pairs = pair_starts(first, second);
        if ((here_pairs | first_pairs) != 0) [[unlikely]] {
          const auto at = static_cast<std::size_t>(block);
          pairs->add(here_pairs != 0 ? at : at + 64, first_pairs != 0 ? at + 128 : at + 64);
        }
      }
      const std::uint64_t starts = shape_starts(here, first);
      const std::uint64_t first_starts = shape_starts(first, second);
      if ((starts | first_starts) != 0 &&
          (any_candidate<Isa>(data, block, starts, end, Filter) ||
           any_candidate<Isa>(data, block + 64, first_starts, end, Filter))) [[unlikely]] {
        newlines += count + sum_of_bytes(counts);
        return block;
      }
      counts = with_newlines(with_newlines(counts, here), first);
      here = second;
    }
    count += sum_of_bytes(counts);
  }
  newlines += count;
  return block;
}

// The pairs of encoded_pairs that start in the block at index `block` of the data, which may
// begin before data[0] or end after data[size - 1] (bytes outside are masked off, never read):
// the block goes into `pairs` if one does.
DTOKEN_AVX512 inline void mark_block_pairs(const char* data, std::ptrdiff_t size,
                                           std::ptrdiff_t block, pair_ranges& pairs) noexcept {
  const __m512i here = _mm512_maskz_loadu_epi8(index_range(block, 0, size), data + block);
  const __m512i next = _mm512_maskz_loadu_epi8(index_range(block + 64, 0, size), data + block + 64);
  // (a pair needs both its bytes: starts up to size - 2)
  if ((pair_starts(here, next) & index_range(block, 0, size - 1)) != 0) {
    const auto begin = static_cast<std::size_t>(std::max<std::ptrdiff_t>(block, 0));
    pairs.add(begin, static_cast<std::size_t>(std::min(block + 64, size)));
  }
}

// The ISA's part of find_prefix_with (prefix_search.h): MarksPairs for find_prefix_marking.
template <bool MarksPairs>
struct avx512_isa {
  static constexpr span_function documented_span = avx512_documented_span;
  DTOKEN_AVX512 static block_bits bits_at(const char* data, std::ptrdiff_t size,
                                          std::ptrdiff_t block) noexcept {
    return detail::bits_at(data, size, block);
  }
  static constexpr alphabet_span_function span = avx512_span;
  static constexpr bool marks_pairs = MarksPairs;
  DTOKEN_AVX512 static void mark_pairs(const char* data, std::ptrdiff_t size, std::ptrdiff_t block,
                                       pair_ranges& pairs) noexcept {
    mark_block_pairs(data, size, block, pairs);
  }
  template <prefix_filter Filter>
  DTOKEN_AVX512 static std::ptrdiff_t run_of_blocks(const char* data, std::ptrdiff_t block,
                                                    std::ptrdiff_t last, std::ptrdiff_t end,
                                                    std::size_t& newlines,
                                                    pair_ranges* pairs) noexcept {
    return detail::run_of_blocks<avx512_isa, Filter>(data, block, last, end, newlines, pairs);
  }
};

DTOKEN_AVX512 std::size_t avx512_find_prefix(const char* data, std::size_t size, std::size_t from,
                                             std::size_t count_from, std::size_t count_end,
                                             newline_tally& lines, prefix_filter filter) noexcept {
  return find_prefix_with<avx512_isa<false>>(data, size, from, count_from, count_end, lines,
                                             filter);
}

DTOKEN_AVX512 std::size_t avx512_find_prefix_marking(const char* data, std::size_t size,
                                                     std::size_t from, std::size_t count_from,
                                                     std::size_t count_end, newline_tally& lines,
                                                     prefix_filter filter,
                                                     pair_ranges& pairs) noexcept {
  return find_prefix_with<avx512_isa<true>>(data, size, from, count_from, count_end, lines, filter,
                                            &pairs);
}

DTOKEN_AVX512 std::size_t avx512_count_newlines(const char* data, std::size_t size) noexcept {
  const __m512i newline = _mm512_set1_epi8('\n');
  std::size_t count = 0;
  std::size_t at = 0;
  for (; at + 64 <= size; at += 64) {
    count += static_cast<std::size_t>(
        std::popcount(_mm512_cmpeq_epi8_mask(_mm512_loadu_si512(data + at), newline)));
  }
  const __m512i tail = _mm512_maskz_loadu_epi8(first_bytes(size - at), data + at);
  return count + static_cast<std::size_t>(
                     std::popcount(_mm512_cmpeq_epi8_mask(tail, newline) & first_bytes(size - at)));
}

DTOKEN_AVX512 std::size_t avx512_find_encoded(const char* data, std::size_t size,
                                              std::size_t from) noexcept {
  const __m512i low1 = load_table(first_low);
  const __m512i high1 = load_table(first_high);
  const __m512i low2 = load_table(second_low);
  const __m512i high2 = load_table(second_high);
  std::size_t at = from;
  for (; at + 65 <= size; at += 64) {
    const __m512i both =
        _mm512_and_si512(nibble_class(_mm512_loadu_si512(data + at), low1, high1),
                         nibble_class(_mm512_loadu_si512(data + at + 1), low2, high2));
    if (const __mmask64 hits = _mm512_test_epi8_mask(both, both); hits != 0) {
      return at + static_cast<std::size_t>(std::countr_zero(hits));
    }
  }
  return scalar_find_encoded(data, size, at);
}

#define DTOKEN_AVX512_VBMI __attribute__((target("avx512f,avx512bw,avx512vbmi,bmi,bmi2,popcnt")))

// The first of the pairs flagged in `hits` (bits of the 64 bytes at `block`) that is one: a byte
// of 0x80 or more has the class of the byte 0x80 below it (see avx512_vbmi_find_encoded), so a hit
// may be none; size if none is.
inline std::size_t first_pair(const char* data, std::size_t block, std::uint64_t hits,
                              std::size_t size) noexcept {
  for (; hits != 0; hits &= hits - 1) {
    const std::size_t at = block + static_cast<std::size_t>(std::countr_zero(hits));
    if (encoded_classes.pair_at(data + at)) return at;
  }
  return size;
}

// find_encoded with VBMI: a byte's class is one vpermi2b from the first 128 entries of the
// scalar kernel's tables (kernel.h: pair_classes), two instructions per 64 bytes where the nibble
// classes of avx512_find_encoded take eight, four of them shuffles. Bytes of 0x80 and more take
// the class of the byte 0x80 below them (the index's top bit is ignored); first_pair() checks
// each hit. Two blocks a turn, one branch for both. In L2, best of 40 alternating runs on this
// Zen 4: 105 GiB/s against the nibble classes' 53 (one block a turn: no faster than them).
DTOKEN_AVX512_VBMI std::size_t avx512_vbmi_find_encoded(const char* data, std::size_t size,
                                                        std::size_t from) noexcept {
  const __m512i firsts_low = _mm512_load_si512(encoded_classes.first.data());
  const __m512i firsts_high = _mm512_load_si512(encoded_classes.first.data() + 64);
  const __m512i seconds_low = _mm512_load_si512(encoded_classes.second.data());
  const __m512i seconds_high = _mm512_load_si512(encoded_classes.second.data() + 64);
  const auto pairs = [&](std::size_t at) DTOKEN_AVX512_VBMI {
    const __m512i first =
        _mm512_permutex2var_epi8(firsts_low, _mm512_loadu_si512(data + at), firsts_high);
    const __m512i second =
        _mm512_permutex2var_epi8(seconds_low, _mm512_loadu_si512(data + at + 1), seconds_high);
    return static_cast<std::uint64_t>(_mm512_test_epi8_mask(first, second));
  };
  std::size_t at = from;
  for (; at + 129 <= size; at += 128) {
    const std::uint64_t hits = pairs(at);
    const std::uint64_t next_hits = pairs(at + 64);
    if ((hits | next_hits) != 0) [[unlikely]] {
      if (const std::size_t found = first_pair(data, at, hits, size); found != size) return found;
      if (const std::size_t found = first_pair(data, at + 64, next_hits, size); found != size) {
        return found;
      }
    }
  }
  return scalar_find_encoded(data, size, at);
}

constexpr std::array<char, 16> as_chars(const std::array<std::uint8_t, 16>& bytes) noexcept {
  std::array<char, 16> chars{};
  for (std::size_t i = 0; i < chars.size(); ++i) chars[i] = static_cast<char>(bytes[i]);
  return chars;
}
constexpr nibble_table low_classes(as_chars(low_nibble_classes));
constexpr nibble_table high_classes(as_chars(high_nibble_classes));

// The first 64 bytes of a candidate, zero past its end. One of 64 bytes or more, as every token
// is, takes a plain load, behind a branch the CPU predicts: a masked load waits for its mask,
// computed from the size. (avx512_vbmi_layout_span over validate_bench's candidates in a loop:
// 13.9-15.4 ns a candidate with the masked load, 9.3-10.3 with this; three runs of 41
// alternating rounds, in a slow hour.)
DTOKEN_AVX512 inline __m512i first_block(const char* data, std::size_t size) noexcept {
  if (size >= 64) return _mm512_loadu_si512(data);
  return _mm512_maskz_loadu_epi8(_bzhi_u64(~std::uint64_t{0}, size), data);
}

// Bytes 64-96 of a candidate (the end of the longest token and the byte after it), zero past
// its end. (_bzhi_u64 is defined for every input.)
DTOKEN_AVX512 inline __m512i second_block(const char* data, std::size_t size) noexcept {
  constexpr std::size_t high_bytes = longest_token_length + 1 - 64;
  const std::size_t beyond = size > 64 ? size - 64 : 0;
  return _mm512_maskz_loadu_epi8(
      _bzhi_u64(~std::uint64_t{0}, beyond < high_bytes ? beyond : high_bytes), data + 64);
}

// How many bytes of a candidate of `size` fit a layout, from the fit masks of its two blocks.
// (Arithmetic, not `?:`, which the compiler turns into branches here; _tzcnt_u64 is defined for
// every input, which std::countr_one's zero check is not.)
DTOKEN_AVX512 inline std::uint64_t fitting_span(std::uint64_t fits_low, std::uint64_t fits_high,
                                                std::size_t size) noexcept {
  const auto low_run = static_cast<std::uint64_t>(_tzcnt_u64(~fits_low));
  const auto high_run = static_cast<std::uint64_t>(_tzcnt_u64(~fits_high));
  const std::uint64_t span = low_run + (high_run & (0 - (low_run >> 6U)));  // (low_run <= 64)
  return span < size ? span : size;
}

// Each byte's class by nibbles (char_class.h), tested against its position's classes.
// (The kinds of the stopping byte come from masks computed beside the span's, so that they add
// no loads after it: the strict profile's validate() waits on this.)
DTOKEN_AVX512 layout_stop avx512_layout_span(const char* data, std::size_t size,
                                             const token_layout& layout) noexcept {
  // Bytes 0-96: a token and the byte after it. (No branch in this function depends on the
  // candidate but first_block's, on whether it has 64 bytes, as tokens do: near misses are of
  // every length and break anywhere.)
  const __m512i low_table = load_table(low_classes);
  const __m512i high_table = load_table(high_classes);
  const __m512i classes[2] = {nibble_class(first_block(data, size), low_table, high_table),
                              nibble_class(second_block(data, size), low_table, high_table)};
  std::uint64_t fits[2];
  std::uint64_t kinds[3][2];  // full stop, continues, upper alnum
  for (std::size_t v = 0; v < 2; ++v) {
    fits[v] = _mm512_test_epi8_mask(classes[v], _mm512_load_si512(layout.fits.data() + 64 * v));
    kinds[0][v] =
        _mm512_test_epi8_mask(classes[v], _mm512_set1_epi8(static_cast<char>(full_stop_class)));
    kinds[1][v] =
        _mm512_test_epi8_mask(classes[v], _mm512_load_si512(layout.continues.data() + 64 * v));
    kinds[2][v] = _mm512_test_epi8_mask(
        classes[v], _mm512_set1_epi8(static_cast<char>(nibble_mask_of(alphabet::upper_alnum))));
  }
  const std::uint64_t span = fitting_span(fits[0], fits[1], size);
  const std::uint64_t in_high = 0 - (span >> 6U);  // all ones when span >= 64 (span <= 96)
  const auto at = [in_high, span](const std::uint64_t(&mask)[2]) {  // (no SIMD: needs no target)
    return static_cast<unsigned>(((mask[0] ^ ((mask[0] ^ mask[1]) & in_high)) >> (span % 64)) & 1U);
  };
  const unsigned kind = (span == size ? stop_at_end : 0U) | (at(kinds[0]) * stop_full_stop) |
                        (at(kinds[1]) * stop_continues) | (at(kinds[2]) * stop_upper_alnum);
  return {span, kind};
}

// The nibble classes (char_class.h) of the bytes below 0x80, the others' being 0, for lookups
// with one vpermi2b.
struct alignas(64) ascii_class_table {
  std::array<std::uint8_t, 128> classes{};
  constexpr ascii_class_table() {
    for (std::size_t b = 0; b < classes.size(); ++b) {
      classes[b] = low_nibble_classes[b & 15U] & high_nibble_classes[b >> 4U];
    }
  }
};
constexpr ascii_class_table ascii_classes;
static_assert(std::all_of(high_nibble_classes.begin() + 8, high_nibble_classes.end(),
                          [](std::uint8_t classes) { return classes == 0; }),
              "a byte of 0x80 or more belongs to no class");

// layout_span with VBMI, in fewer of the shuffles that bound avx512_layout_span on one port: the
// classes of 64 bytes are one vpermi2b (zeroed where a byte is 0x80 or more) where the nibble
// lookups take two shuffles and four other instructions, and the stopping byte's class is one more
// vpermi2b, tested in a register, where the wide version tests three masks on both vectors.
// Over validate_bench's candidates in a loop, this function alone: 9.3-10.1 ns a candidate
// against avx512_layout_span's 10.2-11.1 (three runs of 41 alternating rounds).
DTOKEN_AVX512_VBMI layout_stop avx512_vbmi_layout_span(const char* data, std::size_t size,
                                                       const token_layout& layout) noexcept {
  // (as in avx512_layout_span: only first_block branches)
  const __m512i table_low = _mm512_load_si512(ascii_classes.classes.data());
  const __m512i table_high = _mm512_load_si512(ascii_classes.classes.data() + 64);
  const auto classes_of = [&](__m512i bytes) DTOKEN_AVX512_VBMI {
    return _mm512_maskz_permutex2var_epi8(~_mm512_movepi8_mask(bytes), table_low, bytes,
                                          table_high);
  };
  const __m512i low = classes_of(first_block(data, size));
  const __m512i high = classes_of(second_block(data, size));
  const std::uint64_t span =
      fitting_span(_mm512_test_epi8_mask(low, _mm512_load_si512(layout.fits.data())),
                   _mm512_test_epi8_mask(high, _mm512_load_si512(layout.fits.data() + 64)), size);
  // The class at `span` (0 past the end: the loads zeroed those bytes), in byte 0.
  const auto classes = static_cast<std::uint8_t>(_mm512_cvtsi512_si32(
      _mm512_permutex2var_epi8(low, _mm512_set1_epi8(static_cast<char>(span)), high)));
  const auto has = [classes](std::uint8_t mask, unsigned kind) {
    return (classes & mask) != 0 ? kind : 0U;
  };
  return {span, (span == size ? stop_at_end : 0U) | has(full_stop_class, stop_full_stop) |
                    has(layout.continues[span], stop_continues) |
                    has(nibble_mask_of(alphabet::upper_alnum), stop_upper_alnum)};
}

// Each byte's class by nibbles (char_class.h), then one test per alphabet: no branch on which.
DTOKEN_AVX512 void avx512_classify(const char* data, std::size_t size, const alphabet_triple& parts,
                                   position_bits_triple& found) noexcept {
  const std::uint64_t present_high =
      size <= 64 ? 0 : first_bytes(size - 64) & first_bytes(longest_token_length - 64);
  const __m512i low_table = load_table(low_classes);
  const __m512i high_table = load_table(high_classes);
  const __m512i low = nibble_class(first_block(data, size), low_table, high_table);
  const __m512i high =
      nibble_class(_mm512_maskz_loadu_epi8(present_high, data + 64), low_table, high_table);
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const __m512i mask = _mm512_set1_epi8(static_cast<char>(nibble_mask_of(parts[k])));
    found[k].low = _mm512_test_epi8_mask(low, mask);
    found[k].high = _mm512_test_epi8_mask(high, mask);
  }
}

const kernel avx512{"avx512",
                    avx512_span,
                    avx512_documented_span,
                    avx512_find_prefix,
                    avx512_layout_span,
                    avx512_classify,
                    avx512_count_newlines,
                    avx512_find_encoded,
                    avx512_find_prefix_marking};

const kernel avx512_vbmi{"avx512vbmi",
                         avx512_span,
                         avx512_documented_span,
                         avx512_find_prefix,
                         avx512_vbmi_layout_span,
                         avx512_classify,
                         avx512_count_newlines,
                         avx512_vbmi_find_encoded,
                         avx512_find_prefix_marking};

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

const kernel* avx512_vbmi_kernel() noexcept {
#ifdef DTOKEN_HAVE_AVX512_KERNEL
  static const bool supported = avx512_kernel() != nullptr && __builtin_cpu_supports("avx512vbmi");
  return supported ? &avx512_vbmi : nullptr;
#else
  return nullptr;
#endif
}

}  // namespace dtoken::detail
