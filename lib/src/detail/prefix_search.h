// The part of the wide kernels' find_prefix() that needs no vector instructions. A kernel walks
// aligned 64-byte blocks. In the interior of the data its tight loop tests the candidate shape on
// the bytes themselves and counts newlines in vectors (run_of_blocks in each kernel); at the
// edges, where blocks are partial and ranges cut them, it turns a block into bit masks (where
// 'd', '0', '.', bytes above '/', and '\n' are), and these helpers find the candidates and count
// the newlines from those masks with integer operations only, so that both kernels share them.
//
// The masks filter the candidate shape "d?0???.X" with X > '/'; the few starts that pass are
// checked exactly ('t' at 1, an ASCII letter or digit at 7) one by one. On text with many "dt0"
// that are not tokens (code that checks for "dt0c01.", say) this keeps the loop free of branches
// that mispredict: a start passes the masks only where a token almost certainly begins.
#ifndef DTOKEN_DETAIL_PREFIX_SEARCH_H
#define DTOKEN_DETAIL_PREFIX_SEARCH_H

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "detail/char_class.h"
#include "detail/kernel.h"

namespace dtoken::detail {

// How far ahead of the blocks it tests the tight loop asks for data (a prefetch, which never
// faults, so it may point past the data). The hardware's own prefetcher alone left the AVX-512
// loop at 0.80-0.90x memchr's speed on a 256 MiB corpus in memory; asking 1 KiB ahead was slower
// (0.77x), 4 KiB ahead 0.91-1.02x, 8 KiB 1.01-1.27x, 16 and 32 KiB alike (`bench/scan_bench
// --benchmark_filter='^(dtoken|memchr)$'`, three alternating runs each). In L2, no change.
inline constexpr std::ptrdiff_t prefetch_distance = 8192;

// Bit j set where byte j of the block is the byte named.
struct block_bits {
  std::uint64_t d = 0;
  std::uint64_t zero = 0;
  std::uint64_t dot = 0;
  std::uint64_t above_slash = 0;  // a signed byte greater than '/': digits, letters and more
  std::uint64_t newline = 0;
};

// The starts in the block whose bytes pass the masks, given its bits and the next block's (a
// start near the end of a block looks into the next one).
inline std::uint64_t masked_starts(const block_bits& current, const block_bits& next) noexcept {
  return current.d & ((current.zero >> 2) | (next.zero << 62)) &
         ((current.dot >> 6) | (next.dot << 58)) &
         ((current.above_slash >> 7) | (next.above_slash << 57));
}

// A kernel's documented_span and span (kernel.h), for the filters.
using span_function = std::size_t (*)(const char* data, std::size_t size) noexcept;
using alphabet_span_function = std::size_t (*)(const char* data, std::size_t size,
                                               alphabet part) noexcept;

// The family filter: whether an 80- or 96-byte family token starts at `start`, with `available`
// bytes in view (true when too few are in view to tell). Exactly the family shape: "dt0", a
// letter, two digits, '.', 8 or 24 of [A-Za-z0-9], '.', 64 of [A-Z0-9] or of [0-9a-f].
inline bool family_token_at(const char* start, std::ptrdiff_t available,
                            alphabet_span_function span) noexcept {
  if (!has_class(start[3], letter_bit) || !has_class(start[4], digit_bit) ||
      !has_class(start[5], digit_bit)) {
    return false;
  }
  for (const std::size_t public_length : {std::size_t{8}, std::size_t{24}}) {
    if (available < static_cast<std::ptrdiff_t>(token_length(public_length))) return true;
    const char* public_part = start + prefix_length + 1;
    const char* secret = public_part + public_length + 1;
    if (public_part[public_length] == '.' &&
        span(public_part, public_length, alphabet::alnum) == public_length &&
        (span(secret, secret_length, alphabet::upper_alnum) == secret_length ||
         span(secret, secret_length, alphabet::lower_hex) == secret_length)) {
      return true;
    }
  }
  return false;
}

// Whether the start at index `at` (which passed the masks) is a candidate. With a filter (the
// scanner's profile), a start whose token is all in view must also be one: near misses are
// dropped here, without a return to the scanner.
template <typename Isa>
inline bool is_candidate(const char* data, std::ptrdiff_t at, std::ptrdiff_t size,
                         prefix_filter filter) noexcept {
  const char* start = data + at;
  if (start[1] != 't' || !has_class(start[7], alnum_bit)) return false;
  if (filter == prefix_filter::family) return family_token_at(start, size - at, Isa::span);
  // A near miss usually lacks the second '.' (after the 24-byte public part): one byte read
  // spares it the call.
  constexpr std::size_t second_dot = prefix_length + 1 + documented_public_length;
  return filter == prefix_filter::none ||
         size - at < static_cast<std::ptrdiff_t>(documented_length) ||
         (start[second_dot] == '.' &&
          Isa::documented_span(start, documented_length) == documented_length);
}

// Whether any of the `starts` (bits of the block at `block`) is a candidate.
template <typename Isa>
inline bool any_candidate(const char* data, std::ptrdiff_t block, std::uint64_t starts,
                          std::ptrdiff_t size, prefix_filter filter) noexcept {
  for (; starts != 0; starts &= starts - 1) {
    if (is_candidate<Isa>(data, block + std::countr_zero(starts), size, filter)) return true;
  }
  return false;
}

// The bits j of the block that starts at index `block` (negative before the data) such that
// lo <= block + j < hi.
inline std::uint64_t index_range(std::ptrdiff_t block, std::ptrdiff_t lo,
                                 std::ptrdiff_t hi) noexcept {
  if (block >= lo && block + 64 <= hi) return ~std::uint64_t{0};
  const auto below = [block](std::ptrdiff_t bound) -> std::uint64_t {
    const std::ptrdiff_t count = bound - block;
    if (count <= 0) return 0;
    return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
  };
  return below(hi) & ~below(lo);
}

// Adds the newlines marked in `bits` (of the block at `block`) to `lines`.
inline void tally(std::uint64_t bits, std::ptrdiff_t block, newline_tally& lines) noexcept {
  if (bits == 0) return;
  lines.count += static_cast<std::size_t>(std::popcount(bits));
  lines.line_start = static_cast<std::size_t>(block + 64 - std::countl_zero(bits));
}

// Adds `count` newlines, all in data[begin, end), to `lines`: the last line begins after the
// last of them, which memrchr finds (it is usually a few bytes back).
inline void tally_run(const char* data, std::ptrdiff_t begin, std::ptrdiff_t end, std::size_t count,
                      newline_tally& lines) noexcept {
  if (count == 0) return;
  const auto* last = static_cast<const char*>(
      ::memrchr(data + begin, '\n', static_cast<std::size_t>(end - begin)));
  lines.count += count;
  lines.line_start = static_cast<std::size_t>(last - data) + 1;
}

// The blocks that need no range masks: every byte in [from, size - 8] may start a candidate,
// every byte is counted, and the next block is whole too. Block starts in [first, last).
struct interior {
  std::ptrdiff_t first;
  std::ptrdiff_t last;
  interior(std::ptrdiff_t from, std::ptrdiff_t size, std::ptrdiff_t count_from,
           std::ptrdiff_t count_end) noexcept
      : first(std::max(from, count_from)), last(std::min(count_end, size - 7 - 64) - 63) {}
  [[nodiscard]] bool contains(std::ptrdiff_t block) const noexcept {
    return block >= first && block < last;
  }
};

// What kernel::find_prefix searches: starts in [from, size - 7] of data[0, size), and newlines
// counted in [count_from, count_end).
struct search_range {
  std::ptrdiff_t from;
  std::ptrdiff_t size;
  std::ptrdiff_t count_from;
  std::ptrdiff_t count_end;
};

// Settles the block at `block`, given its bits and the next block's: true (and the index in
// `found`) when a candidate starts in it, after counting the newlines before that candidate;
// false after counting all of its newlines.
template <typename Isa>
inline bool settle_block(const char* data, std::ptrdiff_t block, const block_bits& current,
                         const block_bits& next, const search_range& range, newline_tally& lines,
                         prefix_filter filter, std::size_t& found) noexcept {
  std::uint64_t starts =
      masked_starts(current, next) & index_range(block, range.from, range.size - 7);
  const std::uint64_t newlines =
      current.newline & index_range(block, range.count_from, range.count_end);
  const std::ptrdiff_t size = range.size;
  for (; starts != 0; starts &= starts - 1) {
    const int j = std::countr_zero(starts);
    if (is_candidate<Isa>(data, block + j, size, filter)) {
      tally(newlines & ((std::uint64_t{1} << j) - 1), block, lines);
      found = static_cast<std::size_t>(block + j);
      return true;
    }
  }
  tally(newlines, block, lines);
  return false;
}

// kernel::find_prefix of a wide kernel: one pass over aligned 64-byte blocks, a tight loop in the
// interior, block masks at the edges. What differs between kernels comes from `Isa`:
//   Isa::documented_span, Isa::span      the kernel's documented_span and span
//   Isa::bits_at(data, size, block)      a block's bit masks (block_bits)
//   Isa::run_of_blocks<Filter>(data, block, last, size, newlines, pairs)
//                                        the tight loop: the first block before `last` where a
//                                        candidate starts, its newlines added to `newlines`
//   Isa::marks_pairs                     whether it also marks the encoded pairs of the blocks
//                                        it passes in `pairs` (kernel::find_prefix_marking):
//   Isa::mark_pairs(data, size, block, pairs)  those of one block, at the edges
// Always inlined into the kernel's own find_prefix, which carries the kernel's target attribute,
// so that the ISA's functions inline there as they would in a hand-written copy.
template <typename Isa>
[[gnu::always_inline]] inline std::size_t find_prefix_with(const char* data, std::size_t size,
                                                           std::size_t from, std::size_t count_from,
                                                           std::size_t count_end,
                                                           newline_tally& lines,
                                                           prefix_filter filter,
                                                           pair_ranges* pairs = nullptr) noexcept {
  const search_range range{static_cast<std::ptrdiff_t>(from), static_cast<std::ptrdiff_t>(size),
                           static_cast<std::ptrdiff_t>(count_from),
                           static_cast<std::ptrdiff_t>(count_end)};
  const auto misalignment =
      static_cast<std::ptrdiff_t>(reinterpret_cast<std::uintptr_t>(data + from) & 63);
  std::ptrdiff_t block = range.from - misalignment;
  const interior inside(range.from, range.size, range.count_from, range.count_end);
  block_bits current = Isa::bits_at(data, range.size, block);
  std::size_t found = size;
  for (;;) {
    if (inside.contains(block)) {
      // The common case, in a tight loop: whole blocks where no start passes the masks.
      const std::ptrdiff_t run_begin = block;
      std::size_t newlines = 0;
      switch (filter) {
        case prefix_filter::none:
          block = Isa::template run_of_blocks<prefix_filter::none>(data, block, inside.last,
                                                                   range.size, newlines, pairs);
          break;
        case prefix_filter::documented:
          block = Isa::template run_of_blocks<prefix_filter::documented>(
              data, block, inside.last, range.size, newlines, pairs);
          break;
        case prefix_filter::family:
          block = Isa::template run_of_blocks<prefix_filter::family>(data, block, inside.last,
                                                                     range.size, newlines, pairs);
          break;
      }
      tally_run(data, run_begin, block, newlines, lines);
      current = Isa::bits_at(data, range.size, block);
    }
    if (block >= range.size) return size;
    if constexpr (Isa::marks_pairs) Isa::mark_pairs(data, range.size, block, *pairs);
    const block_bits next = Isa::bits_at(data, range.size, block + 64);
    if (settle_block<Isa>(data, block, current, next, range, lines, filter, found)) return found;
    current = next;
    block += 64;
  }
}

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_PREFIX_SEARCH_H
