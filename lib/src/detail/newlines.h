// Counting '\n' bytes with the scanner's SIMD kernel. Internal: the CLI's scan of one large file
// in parts numbers lines across the parts with it, until the library owns that scan (issue 14).
#ifndef DTOKEN_DETAIL_NEWLINES_H
#define DTOKEN_DETAIL_NEWLINES_H

#include <cstddef>
#include <string_view>

namespace dtoken::detail {

// The number of '\n' bytes in `text`.
[[nodiscard]] std::size_t count_newlines(std::string_view text) noexcept;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_NEWLINES_H
