// The encoded-token search (encoded.cc) over the ranges where the plain search marked encoded
// pairs as it read a part (scan_part_with_encoded, scan.cc; kernel::find_prefix_marking).
#ifndef DTOKEN_DETAIL_ENCODED_RANGES_H
#define DTOKEN_DETAIL_ENCODED_RANGES_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "detail/kernel.h"
#include "dtoken/scan.h"

namespace dtoken::detail {

// Where the plain search of the same part left its line numbers: the offsets of its first
// findings, each with its line and the offset where that line begins (counted from the part's
// start, as scan_part() counts them). The encoded search counts the newlines before its findings
// from the last of these instead of from the part's start.
struct line_marks {
  static constexpr std::size_t capacity = 1024;  // (as many as pair_ranges has ranges)
  line_marks() noexcept {}  // NOLINT(modernize-use-equals-default): as pair_ranges
  struct mark {
    std::size_t offset;
    std::uint64_t line;
    std::size_t line_begin;
  };
  // (left uninitialized, as pair_ranges's arrays are)
  std::array<mark, capacity> marks;  // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::size_t count = 0;

  void add(const finding& found) noexcept {
    if (count == capacity) return;  // (the encoded search counts on from the last)
    const auto offset = static_cast<std::size_t>(found.offset);
    marks[count++] = {offset, found.line, offset + 1 - static_cast<std::size_t>(found.column)};
  }
};

// scan_encoded_part(), reading only the ranges of `pairs` for pairs (all of the part when they
// overflowed), its lines counted on from `lines`: the same findings, in the same order.
void scan_encoded_ranges(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                         const pair_ranges& pairs, const line_marks& lines, finding_sink sink,
                         void* context) noexcept;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_ENCODED_RANGES_H
