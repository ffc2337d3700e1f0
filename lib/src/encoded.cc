// Tokens written in base64 or percent-encoding (scan.h, scan_encoded_part()).
//
// Every token starts with "dt0". Encoded, those three bytes leave a fixed mark:
//   base64, "dt0" at the start of a 3-byte group:   "ZHQw"
//                 at its second byte:              "?R0M"  (the group's first character varies)
//                 at its third byte:               "??kdDB" ('B': a letter follows "dt0")
//   percent-encoding, only the '.' encoded:         "dt0c01%2E..." (or %2e)
//                     every byte encoded:           "%64%74%30..."
// The kernel's find_encoded() finds a pair of bytes of each mark at memory speed; each hit is
// checked, and the bytes from where the encoding of "dt0" begins (its anchor) are decoded into a
// small buffer and validated there like plain text.
#include <algorithm>
#include <array>
#include <cstring>

#include "detail/char_class.h"
#include "detail/encoded_ranges.h"
#include "detail/kernel.h"
#include "detail/token_at.h"
#include "dtoken/scan.h"

namespace dtoken {
namespace {

constexpr std::uint8_t not_base64 = 0xFF;

// Both alphabets at once: '+' and '-' are 62, '/' and '_' are 63.
constexpr std::array<std::uint8_t, 256> make_base64_values() {
  std::array<std::uint8_t, 256> values{};
  values.fill(not_base64);
  for (int c = 0; c < 26; ++c) {
    values[static_cast<std::size_t>('A' + c)] = static_cast<std::uint8_t>(c);
    values[static_cast<std::size_t>('a' + c)] = static_cast<std::uint8_t>(26 + c);
  }
  for (int c = 0; c < 10; ++c)
    values[static_cast<std::size_t>('0' + c)] = static_cast<std::uint8_t>(52 + c);
  values['+'] = values['-'] = 62;
  values['/'] = values['_'] = 63;
  return values;
}
constexpr std::array<std::uint8_t, 256> base64_values = make_base64_values();

std::uint8_t base64_value(char c) noexcept { return base64_values[static_cast<unsigned char>(c)]; }

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_alnum(char c) noexcept { return detail::has_class(c, detail::alnum_bit); }

// Decoded bytes around one token: the bytes before it in its first group, the token, one byte
// after it (for the bounded flag). `ends[k]` is the index in the input just past byte k's encoding.
struct decoded_window {
  static constexpr std::size_t capacity = longest_token_length + 3;
  std::array<char, capacity> bytes{};
  std::array<std::size_t, capacity> ends{};
  std::size_t size = 0;

  void push(char byte, std::size_t end) noexcept {
    bytes[size] = byte;
    ends[size] = end;
    ++size;
  }
};

// Decodes base64 from `at` (a group's first character) until the window is full or the run ends.
void decode_base64(std::string_view text, std::size_t at, decoded_window& out) noexcept {
  while (out.size + 3 <= decoded_window::capacity) {
    std::uint32_t group = 0;
    std::size_t characters = 0;
    while (characters < 4 && at + characters < text.size()) {
      const std::uint8_t value = base64_value(text[at + characters]);
      if (value == not_base64) break;
      group = group << 6 | value;
      ++characters;
    }
    if (characters < 2) return;
    group <<= 6 * (4 - characters);
    for (std::size_t k = 0; k + 1 < characters; ++k) {  // 2 characters: 1 byte, 3: 2, 4: 3
      out.push(static_cast<char>(group >> (16 - 8 * k) & 0xFF), at + k + 2);
    }
    if (characters < 4) return;
    at += 4;
  }
}

// Decodes percent-encoding from `at`: %XX is one byte, any other byte stands for itself.
void decode_percent(std::string_view text, std::size_t at, decoded_window& out) noexcept {
  while (out.size < decoded_window::capacity && at < text.size()) {
    if (text[at] == '%' && at + 2 < text.size() && hex_value(text[at + 1]) >= 0 &&
        hex_value(text[at + 2]) >= 0) {
      out.push(static_cast<char>(hex_value(text[at + 1]) << 4 | hex_value(text[at + 2])), at + 3);
      at += 3;
    } else {
      out.push(text[at], at + 1);
      ++at;
    }
  }
}

// Where an encoded "dt0" may begin, given the pair find_encoded() found at `at`.
struct anchor {
  encoding kind = encoding::none;
  std::size_t position = 0;  // the first character of the encoding (of "dt0"'s group, in base64)
  std::size_t skip = 0;      // decoded bytes before the token in that group
};

anchor anchor_of(std::string_view text, std::size_t at) noexcept {
  const auto holds = [&](std::size_t from, std::string_view mark) {
    return from <= text.size() && text.substr(from).starts_with(mark);
  };
  const char first = text[at];
  const char second = text[at + 1];
  if (first == 'H' && second == 'Q' && at >= 1 && holds(at - 1, "ZHQw")) {
    return {encoding::base64, at - 1, 0};
  }
  if (first == '0' && second == 'M' && at >= 3 && holds(at - 1, "R0M")) {
    return {encoding::base64, at - 3, 1};
  }
  if (first == 'd' && second == 'D' && at >= 4 && holds(at - 1, "kdD")) {
    return {encoding::base64, at - 4, 2};
  }
  if (first == '%' && second == '2' && at >= 6 && at + 2 < text.size() &&
      (text[at + 2] == 'E' || text[at + 2] == 'e') && holds(at - 6, "dt0")) {
    return {encoding::percent, at - 6, 0};
  }
  if (first == '%' && second == '6' && holds(at, "%64%74%30")) {
    return {encoding::percent, at, 0};
  }
  return {};
}

// The base64 run around [from, to): the characters on both sides, and up to two '=' after it.
struct run {
  std::size_t begin = 0;
  std::size_t end = 0;
};

run base64_run(std::string_view text, std::size_t from, std::size_t to) noexcept {
  run found{from, to};
  while (found.begin > 0 && base64_value(text[found.begin - 1]) != not_base64) --found.begin;
  while (found.end < text.size() && base64_value(text[found.end]) != not_base64) ++found.end;
  for (int pad = 0; pad < 2 && found.end < text.size() && text[found.end] == '='; ++pad) {
    ++found.end;
  }
  return found;
}

// Lines and columns from `begin`, as scan_part() counts them, for anchors that come in almost
// increasing order (each at most 6 bytes before the pair that found it).
class line_counter {
 public:
  explicit line_counter(std::string_view text, std::size_t begin) noexcept
      : text_(text), counted_(begin), line_begin_(begin) {}

  // Counts up to `to`; a `to` below what was counted is ignored.
  void advance(std::size_t to) noexcept {
    if (to <= counted_) return;
    const char* bytes = text_.data() + counted_;
    const std::size_t size = to - counted_;
    if (const std::size_t newlines = detail::active_kernel().count_newlines(bytes, size)) {
      line_ += newlines;
      line_begin_ = static_cast<std::size_t>(
          static_cast<const char*>(::memrchr(bytes, '\n', size)) - text_.data() + 1);
    }
    counted_ = to;
  }

  // Moves to `mark`, a position ahead whose line is known (a plain finding's).
  void jump(const detail::line_marks::mark& mark) noexcept {
    if (mark.offset <= counted_) return;
    counted_ = mark.offset;
    line_ = mark.line;
    line_begin_ = mark.line_begin;
  }

  // The line and column of `offset`, whose line is that of `position` (>= what was counted).
  void place(finding& found, std::size_t position, std::size_t offset) const noexcept {
    std::uint64_t line = line_;
    std::size_t line_begin = line_begin_;
    for (std::size_t k = counted_; k < position; ++k) {
      if (text_[k] == '\n') {
        ++line;
        line_begin = k + 1;
      }
    }
    found.line = line;
    found.column = offset >= line_begin ? offset - line_begin + 1 : 1;
  }

 private:
  std::string_view text_;
  std::size_t counted_;
  std::size_t line_begin_;
  std::uint64_t line_ = 1;
};

}  // namespace

std::string_view to_string(encoding value) noexcept {
  switch (value) {
    case encoding::none:
      return "none";
    case encoding::base64:
      return "base64";
    case encoding::percent:
      return "percent";
  }
  return "none";
}

namespace {

// The pairs of encoded_pairs that the search visits, in order: all in [at, search_end), or only
// those in the ranges the plain search marked (when they did not overflow).
class pair_walk {
 public:
  pair_walk(std::string_view text, std::size_t search_end, const detail::pair_ranges* ranges)
      : data_(text.data()),
        search_end_(search_end),
        ranges_(ranges != nullptr && !ranges->overflow ? ranges : nullptr) {}

  // The first pair at or after `at`; search_end if there is none.
  std::size_t next(std::size_t at) noexcept {
    const detail::kernel& kernel = detail::active_kernel();
    if (ranges_ == nullptr) return kernel.find_encoded(data_, search_end_, at);
    for (; range_ < ranges_->count; ++range_) {
      // (a pair that starts at a range's last byte ends after it)
      const std::size_t from = std::max(at, ranges_->begins[range_]);
      const std::size_t to = std::min(search_end_, ranges_->ends[range_] + 1);
      if (from + 2 > to) continue;
      if (const std::size_t found = kernel.find_encoded(data_, to, from); found + 2 <= to) {
        return found;
      }
    }
    return search_end_;
  }

 private:
  const char* data_;
  std::size_t search_end_;
  const detail::pair_ranges* ranges_;
  std::size_t range_ = 0;  // the range where the last pair was found
};

// scan_encoded_part() over the pairs of `ranges` (all, when null), its lines counted on from the
// plain findings' `marks` (when not null).
void scan_encoded(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                  const detail::pair_ranges* ranges, const detail::line_marks* marks,
                  finding_sink sink, void* context) noexcept {
  // An anchor lies at most 6 bytes before its pair: pairs up to end + 6 may anchor in the part.
  const std::size_t search_end = std::min(text.size(), end + 7);
  line_counter lines(text, begin);
  run last_run;  // the base64 run of the last finding: its other tokens need no second walk
  pair_walk pairs(text, search_end, ranges);
  std::size_t next_mark = 0;
  for (std::size_t at = begin;;) {
    at = pairs.next(at);
    if (at + 2 > search_end) break;
    const anchor mark = anchor_of(text, at);
    const std::size_t counted_to = std::max(begin, at >= 6 ? at - 6 : 0);  // <= mark.position
    ++at;
    if (mark.kind == encoding::none || mark.position < begin || mark.position >= end) continue;
    decoded_window window;
    if (mark.kind == encoding::base64) {
      decode_base64(text, mark.position, window);
    } else {
      decode_percent(text, mark.position, window);
    }
    if (window.size < mark.skip + shortest_token_length) continue;
    const std::string_view decoded(window.bytes.data(), window.size);
    const std::size_t length = detail::token_at(decoded.substr(mark.skip), rules);
    if (length == 0) continue;
    const std::size_t token_end = window.ends[mark.skip + length - 1];
    run where{mark.position, token_end};
    if (mark.kind == encoding::base64) {
      where = mark.position >= last_run.begin && mark.position < last_run.end
                  ? last_run
                  : base64_run(text, mark.position, token_end);
      last_run = where;
    }
    finding found;
    found.offset = where.begin;
    found.length = where.end - where.begin;
    // (lines are counted only for findings: pairs are found at the speed of memory, newlines would
    // not be; `counted_to` grows with `at`, and never passes an anchor still to come)
    for (; marks != nullptr && next_mark < marks->count &&
           marks->marks[next_mark].offset <= counted_to;
         ++next_mark) {
      lines.jump(marks->marks[next_mark]);
    }
    lines.advance(counted_to);
    lines.place(found, mark.position, where.begin);
    found.token = decoded.substr(mark.skip, length);
    found.type = find_token_type(found.token.substr(0, prefix_length));
    found.encoded = mark.kind;
    const bool glued_before = mark.skip > 0 && is_alnum(decoded[mark.skip - 1]);
    const bool glued_after =
        mark.skip + length < decoded.size() && is_alnum(decoded[mark.skip + length]);
    found.bounded = !glued_before && !glued_after;
    sink(context, found);
  }
}

}  // namespace

void scan_encoded_part(std::string_view text, std::size_t begin, std::size_t end, profile rules,
                       finding_sink sink, void* context) noexcept {
  scan_encoded(text, begin, end, rules, nullptr, nullptr, sink, context);
}

void detail::scan_encoded_ranges(std::string_view text, std::size_t begin, std::size_t end,
                                 profile rules, const pair_ranges& pairs, const line_marks& lines,
                                 finding_sink sink, void* context) noexcept {
  scan_encoded(text, begin, end, rules, &pairs, &lines, sink, context);
}

}  // namespace dtoken
