// The byte-scanning kernels behind validate() and is_valid(), one per instruction set.
//
// Each kernel answers two questions about a short run of bytes; all kernels give the same
// answers (kernel_test.cc checks them against the scalar one), only faster.
#ifndef DTOKEN_DETAIL_KERNEL_H
#define DTOKEN_DETAIL_KERNEL_H

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dtoken/token.h"

namespace dtoken::detail {

// Newlines counted along a search: how many, and the index just after the last one.
struct newline_tally {
  std::size_t count = 0;
  std::size_t line_start = 0;  // unchanged when no newline was counted
};

// What find_prefix() checks beyond the candidate shape, for the scanner's profile:
//   none        nothing: the scanner validates each candidate
//   documented  the 96 bytes are a documented token
//   (dt0[a-zA-Z][0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}) family      an 80- or 96-byte family token
//   starts there (a superset of strict's tokens)
// A start too close to `size` for the check is returned, for the scanner to decide.
enum class prefix_filter : std::uint8_t { none, documented, family };

// Bit i set when byte i of a run of at most 96 bytes (a token's longest) belongs to an alphabet:
// bytes 0-63 in `low`, 64-95 in `high`.
struct position_bits {
  std::uint64_t low = 0;
  std::uint64_t high = 0;
};

// The three alphabets of a shape (public part, secret, the secret's other alphabet), classified
// in one pass by kernel::classify.
inline constexpr std::size_t classified_alphabets = 3;
static_assert(longest_token_length <= 128, "position_bits holds 128 positions");
using alphabet_triple = std::array<alphabet, classified_alphabets>;
using position_bits_triple = std::array<position_bits, classified_alphabets>;

// A token layout (a registered type's prefix, public length and alphabets), position by position,
// as the nibble classes of char_class.h: byte i fits when its class shares a bit with fits[i] (0,
// nothing fits, from the layout's end on). continues[i] holds the classes of the run that a byte
// at i would continue: the public part up to its separator, the secret up to its end.
struct alignas(64) token_layout {
  std::array<std::uint8_t, 128> fits{};
  std::array<std::uint8_t, 128> continues{};
};

// Where a candidate stops fitting a layout, and what stands there, as `kind` bits.
struct layout_stop {
  std::size_t span;
  unsigned kind;
};
inline constexpr unsigned stop_at_end = 1;       // the candidate ends there
inline constexpr unsigned stop_full_stop = 2;    // a '.'
inline constexpr unsigned stop_continues = 4;    // a byte of the run that ends there
inline constexpr unsigned stop_upper_alnum = 8;  // a byte of [A-Z0-9]
inline constexpr unsigned stop_kinds = 16;

// The kind bits of the byte at `span`, from the tables (the scalar and AVX2 kernels).
[[nodiscard]] layout_stop stop_with_kind(const char* data, std::size_t size, std::size_t span,
                                         const token_layout& layout) noexcept;

// Ranges [begin, end) of a text where a pair of encoded_pairs may start, in order, merged when
// they touch: what the plain search saw (kernel::find_prefix_marking) and what it did not read.
// A range before the last one, or more than `capacity`, and `overflow` says to search all.
// (1,024 ranges, 16 KiB: a 2 MiB part of the dense corpus, a token every 3 KiB, each adding its
// inside, fits; with 64 it overflowed, and a second pass read the whole part.)
struct pair_ranges {
  static constexpr std::size_t capacity = 1024;
  // (User-provided: `pair_ranges{}` leaves the arrays as they are too, where a defaulted
  // constructor would zero them.)
  pair_ranges() noexcept {}  // NOLINT(modernize-use-equals-default)
  // (Left uninitialized, as only the first `count` are read: zeroing 16 KiB for each part cost a
  // scan of many small parts, git's blobs, more than its search.)
  std::array<std::size_t, capacity> begins;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::array<std::size_t, capacity> ends;    // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t count = 0;
  bool overflow = false;

  void add(std::size_t begin, std::size_t end) noexcept {
    if (begin >= end || overflow) return;
    if (count > 0 && begin <= ends[count - 1]) {
      if (begin < begins[count - 1] && end < begins[count - 1]) {
        overflow = true;  // out of order, apart from the last range
        return;
      }
      begins[count - 1] = begin < begins[count - 1] ? begin : begins[count - 1];
      ends[count - 1] = end > ends[count - 1] ? end : ends[count - 1];
      return;
    }
    if (count == capacity) {
      overflow = true;
      return;
    }
    begins[count] = begin;
    ends[count] = end;
    ++count;
  }
};

struct kernel {
  std::string_view name;  // "scalar", "avx2", "avx512"

  // The number of leading bytes of [data, data + size) that belong to `part`. size <= 64.
  std::size_t (*span)(const char* data, std::size_t size, alphabet part) noexcept;

  // The number of leading bytes of [data, data + size), at most 96, that agree position by
  // position with the documented regex dt0[a-zA-Z][0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}.
  std::size_t (*documented_span)(const char* data, std::size_t size) noexcept;

  // The first index i >= from where a token can start: i + 8 <= size, "dt0" at [i, i + 3), '.' at
  // i + 6 and an ASCII letter or digit at i + 7 (every token of every profile has that shape);
  // size if there is none. The scanner's search. In the same pass, the '\n' bytes at indices in
  // [count_from, min(i, count_end)) are added to `lines`, so that the scanner's line numbers cost
  // no second pass over the data. count_end <= size. With a `filter`, a start whose token would
  // be all in [data, data + size) is returned only if it is one (prefix_filter), so near misses
  // cost no return to the scanner.
  std::size_t (*find_prefix)(const char* data, std::size_t size, std::size_t from,
                             std::size_t count_from, std::size_t count_end, newline_tally& lines,
                             prefix_filter filter) noexcept;

  // The number of leading bytes of [data, data + size), at most 96, that fit `layout` position by
  // position, and the kind of the byte after them: the strict profile's one pass over a candidate
  // of a registered type.
  layout_stop (*layout_span)(const char* data, std::size_t size,
                             const token_layout& layout) noexcept;

  // For each of `parts`, which of the first min(size, 96) bytes of [data, data + size) belong to
  // it (the bits of the bytes at and after size are clear): the validator's spans of a candidate
  // from one load of its bytes, instead of one call of span() per part.
  void (*classify)(const char* data, std::size_t size, const alphabet_triple& parts,
                   position_bits_triple& bits) noexcept;

  // The number of '\n' bytes in [data, data + size): the scanner's line numbers.
  std::size_t (*count_newlines)(const char* data, std::size_t size) noexcept;

  // The first index i >= from with i + 2 <= size where data[i], data[i + 1] is one of the pairs
  // of encoded_pairs; size if there is none. The pre-filter of the encoded-token scan (encoded.cc).
  std::size_t (*find_encoded)(const char* data, std::size_t size, std::size_t from) noexcept;

  // find_prefix, which also adds to `pairs` where a pair of encoded_pairs may start among the
  // bytes it passes: every start p (p + 2 <= size) in [from rounded down to its 64-byte block,
  // the end of the block of the index returned) is in a range of `pairs`, or `pairs` overflows.
  // The encoded-token search then reads only those ranges (scan_part_with_encoded). nullptr in
  // the scalar and AVX2 kernels (there the encoded search reads the whole part).
  std::size_t (*find_prefix_marking)(const char* data, std::size_t size, std::size_t from,
                                     std::size_t count_from, std::size_t count_end,
                                     newline_tally& lines, prefix_filter filter,
                                     pair_ranges& pairs) noexcept;
};

// The byte pairs an encoded token holds (encoded.cc says where): "HQ" of "ZHQw", "0M" of "R0M"
// and "dD" of "kdDB" ("dt0" in base64 at its three alignments), "%2" of "%2E" and "%6" of "%64"
// (percent-encoding).
inline constexpr char encoded_pairs[5][2] = {
    {'H', 'Q'}, {'0', 'M'}, {'d', 'D'}, {'%', '2'}, {'%', '6'}};

// For find_encoded: the bit of each pair of encoded_pairs in the class of its first byte, and in
// that of its second; a pair starts where the classes of a byte and the next share a bit.
struct pair_classes {
  alignas(64) std::array<std::uint8_t, 256> first{};
  alignas(64) std::array<std::uint8_t, 256> second{};
  constexpr pair_classes() {
    for (std::size_t k = 0; k < std::size(encoded_pairs); ++k) {
      first[static_cast<unsigned char>(encoded_pairs[k][0])] |= static_cast<std::uint8_t>(1U << k);
      second[static_cast<unsigned char>(encoded_pairs[k][1])] |= static_cast<std::uint8_t>(1U << k);
    }
  }
  // Whether a pair of encoded_pairs starts at `at`, which must have a byte after it.
  [[nodiscard]] constexpr bool pair_at(const char* at) const noexcept {
    return (first[static_cast<unsigned char>(at[0])] & second[static_cast<unsigned char>(at[1])]) !=
           0;
  }
};
inline constexpr pair_classes encoded_classes;
static_assert(std::size(encoded_pairs) <= 8, "a pair's bit is one of a byte's");

extern const kernel scalar_kernel;

// The scalar newline count, which the wide kernels use for the bytes after their last full block.
std::size_t scalar_count_newlines(const char* data, std::size_t size) noexcept;

// The scalar find_encoded, which the wide kernels use for the bytes after their last full block.
std::size_t scalar_find_encoded(const char* data, std::size_t size, std::size_t from) noexcept;

// nullptr when the CPU (or the compiler) lacks the instruction set. The AVX-512 kernel with VBMI
// (Ice Lake, Zen 4 and later) is the AVX-512 one with the faster find_encoded that its byte
// permutes allow.
const kernel* avx2_kernel() noexcept;
const kernel* avx512_kernel() noexcept;
const kernel* avx512_vbmi_kernel() noexcept;

// The kernel validate() and is_valid() use: the widest this CPU runs, or, before the first call,
// a kernel that chooses it on its first use (dispatch.cc). Inline, as it is on every hot path:
// one relaxed atomic load.
extern constinit std::atomic<const kernel*> active_kernel_pointer;
inline const kernel& active_kernel() noexcept {
  return *active_kernel_pointer.load(std::memory_order_relaxed);
}

// The widest kernel this CPU runs, choosing it now if no call has yet (for reports and tests).
const kernel& chosen_kernel() noexcept;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_KERNEL_H
