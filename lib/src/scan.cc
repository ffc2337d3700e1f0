// The scanner. scan.h gives the semantics; here is how the stream is cut: each chunk is scanned in
// place, except its last 96 bytes, where a token may be incomplete. Those bytes (and the one
// before, for the bounded flag) are held back and scanned again, stitched to the head of the next
// chunk, so that a straddling token is seen whole. Small chunks are appended to the held-back
// bytes.
#include "dtoken/scan.h"

#include <algorithm>
#include <cstring>

#include "detail/char_class.h"
#include "detail/encoded_ranges.h"
#include "detail/kernel.h"
#include "detail/token_at.h"

namespace dtoken {
namespace {

constexpr std::size_t longest_token = longest_token_length;
constexpr std::size_t candidate_bytes = 8;  // what find_prefix() looks at

bool is_alnum(char c) noexcept { return detail::has_class(c, detail::alnum_bit); }

// `at` rounded down to the start of its 64-byte block in memory (not before data[0]): where the
// kernel's search from `at` begins to read.
std::size_t block_of(const char* data, std::size_t at) noexcept {
  const auto into_block =
      static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(data + at) & 63);
  return at >= into_block ? at - into_block : 0;
}

// The kernel's search from `at`, marking encoded pairs in `pairs` when there are any: where the
// kernel cannot mark them, `pairs` overflows, and the encoded search reads the whole part.
std::size_t find_prefix(const char* data, std::size_t size, std::size_t at, std::size_t count_from,
                        std::size_t count_end, detail::newline_tally& lines,
                        detail::prefix_filter filter, detail::pair_ranges* pairs) noexcept {
  const detail::kernel& kernel = detail::active_kernel();
  if (pairs == nullptr) {
    return kernel.find_prefix(data, size, at, count_from, count_end, lines, filter);
  }
  if (kernel.find_prefix_marking == nullptr) {
    pairs->overflow = true;
    return kernel.find_prefix(data, size, at, count_from, count_end, lines, filter);
  }
  return kernel.find_prefix_marking(data, size, at, count_from, count_end, lines, filter, *pairs);
}

}  // namespace

void scanner::count_lines(std::string_view window, std::uint64_t base,
                          std::uint64_t target) noexcept {
  if (target <= counted_) return;
  const std::size_t begin = static_cast<std::size_t>(counted_ - base);
  const std::size_t size = static_cast<std::size_t>(target - counted_);
  // The kernel counts the newlines; memrchr finds where the last line begins.
  const char* bytes = window.data() + begin;
  const auto newlines =
      static_cast<std::uint64_t>(detail::active_kernel().count_newlines(bytes, size));
  if (newlines > 0) {
    const auto* last = static_cast<const char*>(::memrchr(bytes, '\n', size));
    line_ += newlines;
    line_begin_ = counted_ + static_cast<std::uint64_t>(last - bytes) + 1;
  }
  counted_ = target;
}

std::size_t scanner::scan_window(std::string_view window, std::uint64_t base, std::size_t from,
                                 std::size_t limit, std::uint64_t count_to, bool at_end,
                                 finding_sink sink, void* context,
                                 detail::pair_ranges* pairs) noexcept {
  std::size_t at = std::max<std::uint64_t>(from, resume_ > base ? resume_ - base : 0);
  std::size_t marked_to = at;  // with `pairs`: the bytes before it are marked or added whole
  while (at < limit) {
    // Every token starts with "dt0"; the kernel finds the next one at memory speed, and counts
    // the newlines before it (up to count_to) in the same pass.
    // A candidate needs its first 8 bytes in view; one closer to the end of the window is left
    // to the held-back rescan (or cannot be a token, at the end of the input).
    const std::size_t searched = std::min(window.size(), limit + candidate_bytes - 1);
    count_lines(window, base, base + at);  // the bytes of a token just reported, if any
    const std::size_t count_from = static_cast<std::size_t>(counted_ - base);
    const std::size_t count_end =
        static_cast<std::size_t>(std::max(counted_, std::min(count_to, base + searched)) - base);
    detail::newline_tally lines;
    if (pairs != nullptr) {  // the bytes of a token just reported, which no search read
      pairs->add(marked_to, block_of(window.data(), at));
    }
    // (strict's tokens are family tokens: the family filter drops near misses for both)
    const std::size_t start =
        find_prefix(window.data(), searched, at, count_from, count_end, lines,
                    rules_ == profile::documented ? detail::prefix_filter::documented
                                                  : detail::prefix_filter::family,
                    pairs);
    marked_to = std::max(marked_to, start >= searched
                                        ? searched
                                        : std::min(searched, block_of(window.data(), start) + 64));
    if (lines.count > 0) {
      line_ += lines.count;
      line_begin_ = base + lines.line_start;
    }
    counted_ = std::max(counted_, base + std::min(start, count_end));
    if (start >= limit || start == searched) break;
    if (!at_end && start + held_back > window.size()) return start;
    const std::size_t length = detail::token_at(window.substr(start), rules_);
    if (length == 0) {
      at = start + 1;
      continue;
    }
    const std::uint64_t offset = base + start;
    count_lines(window, base, offset);
    finding found;
    found.offset = offset;
    found.length = length;
    found.line = line_;
    found.column = offset - line_begin_ + 1;
    const bool glued_before = start > 0 ? is_alnum(window[start - 1]) : false;
    const bool glued_after = start + length < window.size() && is_alnum(window[start + length]);
    found.bounded = !glued_before && !glued_after;
    found.token = window.substr(start, length);
    found.type = find_token_type(found.token.substr(0, prefix_length));
    sink(context, found);
    resume_ = offset + length;
    at = start + length;
  }
  if (pairs != nullptr) {  // the bytes after the last search, up to where pairs may anchor
    pairs->add(marked_to, std::min(window.size(), limit + candidate_bytes - 1));
  }
  return limit;
}

void scanner::keep_tail(std::string_view window, std::uint64_t base) noexcept {
  const std::size_t keep = std::min(window.size(), held_back);
  std::memmove(carry_.data(), window.data() + window.size() - keep, keep);
  carry_size_ = keep;
  carry_base_ = base + window.size() - keep;
}

void scanner::feed(std::string_view chunk, finding_sink sink, void* context) noexcept {
  if (chunk.empty()) return;  // (an empty view may have a null data(), which memcpy must not get)
  const std::uint64_t chunk_base = end_;
  end_ += chunk.size();
  if (chunk.size() < small_chunk) {
    // Append to the held-back bytes and settle what can be settled there.
    std::memcpy(carry_.data() + carry_size_, chunk.data(), chunk.size());
    carry_size_ += chunk.size();
    const std::string_view window(carry_.data(), carry_size_);
    const std::uint64_t settled_by_length = end_ > longest_token ? end_ - longest_token : 0;
    const std::size_t undecided =
        scan_window(window, carry_base_, 0, window.size(), settled_by_length, false, sink, context);
    const std::uint64_t settled =
        std::min<std::uint64_t>(carry_base_ + undecided, settled_by_length);
    count_lines(window, carry_base_, std::max(counted_, settled));
    keep_tail(window, carry_base_);
    return;
  }

  if (carry_size_ > 0) {
    // Starts inside the held-back bytes, and at the chunk's first byte (whose preceding byte is
    // held back), seen whole with the head of this chunk.
    std::array<char, held_back + small_chunk> stitched;
    std::memcpy(stitched.data(), carry_.data(), carry_size_);
    std::memcpy(stitched.data() + carry_size_, chunk.data(), small_chunk);
    const std::string_view window(stitched.data(), carry_size_ + small_chunk);
    scan_window(window, carry_base_, 0, carry_size_ + 1, chunk_base, false, sink, context);
    count_lines(window, carry_base_, chunk_base);
  }
  // The chunk in place, newlines counted along the search up to the bytes that are held back.
  const std::uint64_t settled = end_ - longest_token;
  scan_window(chunk, chunk_base, carry_size_ > 0 ? 1 : 0, chunk.size(), settled, false, sink,
              context);
  count_lines(chunk, chunk_base, std::max(counted_, settled));
  keep_tail(chunk, chunk_base);
}

part_lines scanner::scan_whole_part(std::string_view text, std::size_t begin, std::size_t end,
                                    profile rules, finding_sink sink, void* context,
                                    detail::pair_ranges* pairs) noexcept {
  // The whole input is in view: no byte is held back, nothing copied. Lines count from `begin`.
  scanner part(rules);
  part.resume_ = begin;
  part.counted_ = begin;
  part.line_begin_ = begin;
  part.scan_window(text, 0, begin, end, end, true, sink, context, pairs);
  part.count_lines(text, 0, end);
  return {part.line_ - 1, part.line_ > 1 ? part.line_begin_ : 0};
}

part_lines scan_part(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                     finding_sink sink, void* context) noexcept {
  return scanner::scan_whole_part(text, begin, end, rules, sink, context, nullptr);
}

part_lines scan_part_with_encoded(std::string_view text, std::size_t begin, std::size_t end,
                                  profile rules, finding_sink sink, void* context) noexcept {
  // The plain findings pass through, their lines kept for the encoded search.
  struct plain_pass {
    finding_sink sink;
    void* context;
    detail::line_marks lines;
  } plain{sink, context, {}};
  const auto keep = [](void* pass, const finding& found) noexcept {
    auto& self = *static_cast<plain_pass*>(pass);
    self.lines.add(found);
    self.sink(self.context, found);
  };
  detail::pair_ranges pairs;
  const part_lines lines = scanner::scan_whole_part(text, begin, end, rules, keep, &plain, &pairs);
  detail::scan_encoded_ranges(text, begin, end, rules, pairs, plain.lines, sink, context);
  return lines;
}

void scanner::finish(finding_sink sink, void* context) noexcept {
  const std::string_view window(carry_.data(), carry_size_);
  scan_window(window, carry_base_, 0, window.size(), carry_base_, true, sink, context);
  *this = scanner(rules_);
}

}  // namespace dtoken
