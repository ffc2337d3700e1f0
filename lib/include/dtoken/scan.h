// Scanning text for tokens: a whole buffer at once, or a stream fed chunk by chunk.
//
// Findings, per profile:
//   documented  exactly the leftmost, non-overlapping matches of the published regex, byte for
//               byte, as grep -oE, ripgrep or Python's re.finditer report them (bounded or not);
//   strict, family  the same scan with that profile's validator: at each position from left to
//               right, a token the profile accepts (80 or 96 bytes) is a finding, and the scan
//               goes on after it.
// A finding is "bounded" when no [A-Za-z0-9] byte is glued to either side of it.
//
// The scanner allocates nothing and keeps constant memory whatever the input's size: it holds back
// at most the last 97 bytes of the stream, where a token may still be incomplete. A token that
// straddles two chunks is found exactly once, at its true offset. Nothing here throws or prints.
// A scanner object is not thread-safe; separate objects are independent.
//
// An input held whole in memory (a mapped file) can also be scanned in parts, on as many threads
// as the caller runs: scan_part() scans one part, and part_numbering gives its findings the lines
// and columns of a scan of the whole input (see scan_part()).

#ifndef DTOKEN_SCAN_H
#define DTOKEN_SCAN_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>

#include "dtoken/callback.h"
#include "dtoken/token.h"
#include "dtoken/validate.h"

namespace dtoken {

/// How a token is written in the input: as itself, or encoded (scan_encoded_part()).
enum class encoding : std::uint8_t {
  none,     ///< the token's own bytes
  base64,   ///< inside a base64 run (standard or URL-safe alphabet, at any alignment)
  percent,  ///< percent-encoded (at least one byte as %XX)
};

/// "none", "base64" or "percent".
[[nodiscard]] std::string_view to_string(encoding value) noexcept;

/// A token found in the input.
struct finding {
  /// Byte offset of the token in the whole input; for an encoded token, of its encoded run.
  std::uint64_t offset = 0;
  /// The token's length (80 or 96: token_length()); for an encoded token, its encoded run's:
  /// what a redactor masks.
  std::size_t length = 0;
  std::uint64_t line = 0;    ///< 1-based line of its first byte (lines end with '\n').
  std::uint64_t column = 0;  ///< 1-based byte column of its first byte.
  bool bounded = false;      ///< No [A-Za-z0-9] byte right before or right after it.
  /// The token's bytes (decoded, for an encoded token). Valid only during the callback: it may
  /// point into the scanner's own buffer when the token straddled two chunks or was decoded.
  std::string_view token;
  const token_type* type = nullptr;   ///< Registry entry of its prefix, or nullptr.
  encoding encoded = encoding::none;  ///< How the token is written in the input.

  /// The token ID (prefix '.' public part), safe to log; a view into `token`.
  [[nodiscard]] std::string_view token_id() const noexcept {
    return token.substr(0, token.size() - secret_length - 1);
  }
  /// The token's parts (it is valid under the scan's profile: no second validation).
  [[nodiscard]] dtoken::token parts() const noexcept { return split_valid_token(token, type); }
};

/// Receives each finding, in order of offset.
using finding_sink = void (*)(void* context, const finding& found) noexcept;

struct part_lines;

namespace detail {
struct pair_ranges;  // (internal: where scan_part_with_encoded() searches for encoded tokens)
}  // namespace detail

/// A streaming scanner. Feed it the input in chunks of any size (even 1 byte), then finish().
class scanner {
 public:
  explicit scanner(profile rules = profile::documented) noexcept : rules_(rules) {}

  /// Scans the next chunk. Findings whose end (and the byte after it) the scanner has seen are
  /// reported now; the rest when later chunks or finish() settle them.
  void feed(std::string_view chunk, finding_sink sink, void* context) noexcept;

  /// The input has ended: reports what is still pending. The scanner can then be reused for a
  /// new input.
  void finish(finding_sink sink, void* context) noexcept;

  /// The same, with any callable taking `const finding&`.
  template <typename Callback>
  void feed(std::string_view chunk, Callback&& callback) noexcept {
    feed(chunk, &detail::trampoline<std::remove_reference_t<Callback>, const finding&>,
         detail::context_of(callback));
  }
  template <typename Callback>
  void finish(Callback&& callback) noexcept {
    finish(&detail::trampoline<std::remove_reference_t<Callback>, const finding&>,
           detail::context_of(callback));
  }

  /// Bytes fed so far.
  [[nodiscard]] std::uint64_t bytes_seen() const noexcept { return end_; }

 private:
  friend part_lines scan_part(std::string_view text, std::size_t begin, std::size_t end,
                              profile rules, finding_sink sink, void* context) noexcept;
  friend part_lines scan_part_with_encoded(std::string_view text, std::size_t begin,
                                           std::size_t end, profile rules, finding_sink sink,
                                           void* context) noexcept;

  // Reports findings that start in [from, limit) of `window` (whose first byte is at `base`),
  // counting lines along the way up to absolute offset `count_to` at most. Without `at_end`,
  // stops at the first start whose token and following byte are not all in the window, and
  // returns its index; else returns `limit`. With `pairs` (a whole input: at_end), adds where
  // an encoded token's pair may start in [from, limit + 7): what the kernel saw as it searched
  // (kernel::find_prefix_marking), and the bytes it skipped.
  std::size_t scan_window(std::string_view window, std::uint64_t base, std::size_t from,
                          std::size_t limit, std::uint64_t count_to, bool at_end, finding_sink sink,
                          void* context, detail::pair_ranges* pairs = nullptr) noexcept;
  // Scans the part [begin, end) of `text`, held whole (scan_part()), with `pairs` as above.
  static part_lines scan_whole_part(std::string_view text, std::size_t begin, std::size_t end,
                                    profile rules, finding_sink sink, void* context,
                                    detail::pair_ranges* pairs) noexcept;
  // Counts lines in window bytes up to absolute offset `target`.
  void count_lines(std::string_view window, std::uint64_t base, std::uint64_t target) noexcept;
  void keep_tail(std::string_view window, std::uint64_t base) noexcept;

  // The longest token plus the byte before it: what the scanner holds back.
  static constexpr std::size_t held_back = longest_token_length + 1;
  // Chunks shorter than this are appended to the held-back bytes instead of scanned in place.
  static constexpr std::size_t small_chunk = 128;

  profile rules_;
  std::array<char, held_back + small_chunk> carry_{};
  std::size_t carry_size_ = 0;
  std::uint64_t carry_base_ = 0;  // absolute offset of carry_[0]
  std::uint64_t end_ = 0;         // absolute offset just past the last byte fed
  std::uint64_t resume_ = 0;      // no finding may start before this (after the last finding)
  std::uint64_t counted_ = 0;     // lines are counted up to here
  std::uint64_t line_ = 1;        // line number at `counted_`
  std::uint64_t line_begin_ = 0;  // absolute offset of the first byte of that line
};

/// What a part of an input scanned by scan_part() holds that the parts after it need: its '\n'
/// bytes.
struct part_lines {
  std::uint64_t newlines = 0;         ///< '\n' bytes in the part.
  std::uint64_t last_line_begin = 0;  ///< Offset just after the last of them (when newlines > 0).
};

/// Scans the findings that start in [begin, end) of `text`, which holds the whole input: a
/// finding near `end` is seen whole, and the bytes around it decide whether it is bounded, as in
/// a scan of all of `text`. The findings are those a scan of all of `text` reports in [begin, end)
/// (no token holds the start of another, so none overlaps a finding of the part before), with
/// the same offsets and `token` views into `text`; but their lines count from `begin` as line 1,
/// and on that line their columns count from `begin`: part_numbering::place() corrects both.
/// Returns the part's newlines, for the numbering of the parts after it.
/// Parts may be scanned at once on different threads; begin <= end <= text.size().
part_lines scan_part(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                     finding_sink sink, void* context) noexcept;

template <typename Callback>
part_lines scan_part(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                     Callback&& callback) noexcept {
  return scan_part(text, begin, end, rules,
                   &detail::trampoline<std::remove_reference_t<Callback>, const finding&>,
                   detail::context_of(callback));
}

/// Scans `text`, held whole, for tokens written in base64 or percent-encoding, whose encoding
/// begins in [begin, end): each is reported once, with `encoded` set, `token` decoded (under
/// `rules`, as scan() would find it in the decoded bytes) and `offset` and `length` giving its
/// encoded run in `text`: for base64, the whole run of base64 characters (and its '=' padding)
/// that holds it, as in a Kubernetes Secret's data, a .dockerconfigjson or an HTTP Basic header;
/// for percent-encoding, the token's own encoded bytes. `bounded` says whether the decoded token
/// is bounded in its decoded neighbours. Findings come in the order of their encodings, not of
/// their runs (several tokens may share one run). Lines and columns are those of the run's first
/// byte, counted from `begin` as scan_part() counts them (part_numbering::place() corrects them
/// alike; a base64 run holds no newline). It allocates nothing; the findings of plain tokens
/// come from scan_part().
void scan_encoded_part(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                       finding_sink sink, void* context) noexcept;

template <typename Callback>
void scan_encoded_part(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                       Callback&& callback) noexcept {
  scan_encoded_part(text, begin, end, rules,
                    &detail::trampoline<std::remove_reference_t<Callback>, const finding&>,
                    detail::context_of(callback));
}

/// scan_part() and then scan_encoded_part() of the same part, in one call: `sink` gets the
/// part's plain findings in order, then its encoded ones, exactly as the two calls give them.
/// Faster where the kernel allows (AVX-512): the plain search marks, as it reads the part, the
/// few places where an encoded token may begin, and the encoded search reads only those instead
/// of the whole part again. It allocates nothing; it takes about 40 KiB of stack (the places it
/// marks).
part_lines scan_part_with_encoded(std::string_view text, std::size_t begin, std::size_t end,
                                  profile rules, finding_sink sink, void* context) noexcept;

template <typename Callback>
part_lines scan_part_with_encoded(std::string_view text, std::size_t begin, std::size_t end,
                                  profile rules, Callback&& callback) noexcept {
  return scan_part_with_encoded(
      text, begin, end, rules,
      &detail::trampoline<std::remove_reference_t<Callback>, const finding&>,
      detail::context_of(callback));
}

/// Numbers the findings of consecutive parts (scan_part()) as a scan of the whole input does:
///   part_numbering numbering;
///   for (each part, in order) { for (finding& f : its findings) numbering.place(f);
///                               numbering.skip(its part_lines); }
class part_numbering {
 public:
  /// Gives a finding of the current part its line and column in the whole input.
  void place(finding& found) const noexcept {
    if (found.line == 1) found.column = found.offset - line_begin_ + 1;
    found.line += line_ - 1;
  }
  /// Moves past the current part, to the next.
  void skip(const part_lines& part) noexcept {
    line_ += part.newlines;
    if (part.newlines > 0) line_begin_ = part.last_line_begin;
  }

 private:
  std::uint64_t line_ = 1;        // line of the current part's first byte
  std::uint64_t line_begin_ = 0;  // offset where that line begins
};

/// Scans a whole buffer; `callback(const finding&)` is called for each finding, in order.
/// Every finding's `token` points into `text`.
template <typename Callback>
void scan(std::string_view text, profile rules, Callback&& callback) noexcept {
  scan_part(text, 0, text.size(), rules, callback);
}

}  // namespace dtoken

#endif  // DTOKEN_SCAN_H
