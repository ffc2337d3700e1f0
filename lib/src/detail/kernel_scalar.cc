#include <array>
#include <cstring>

#include "detail/char_class.h"
#include "detail/kernel.h"
#include "detail/prefix_search.h"

namespace dtoken::detail {
namespace {

// What each of the 96 positions of a documented token must hold: a literal byte, or (literal 0)
// one of the classes in `bits`.
struct position_rule {
  char literal;
  std::uint8_t bits;
};

constexpr std::array<position_rule, documented_length> make_documented_rules() {
  std::array<position_rule, documented_length> rules{};
  rules[0] = {'d', 0};
  rules[1] = {'t', 0};
  rules[2] = {'0', 0};
  rules[3] = {0, letter_bit};
  rules[4] = {0, digit_bit};
  rules[5] = {0, digit_bit};
  rules[6] = {'.', 0};
  for (std::size_t i = 7; i < 31; ++i) rules[i] = {0, upper_alnum_bit};
  rules[31] = {'.', 0};
  for (std::size_t i = 32; i < documented_length; ++i) rules[i] = {0, upper_alnum_bit};
  return rules;
}

constexpr auto documented_rules = make_documented_rules();

std::size_t scalar_span(const char* data, std::size_t size, alphabet part) noexcept {
  const std::uint8_t bits = bit_of(part);
  std::size_t i = 0;
  while (i < size && has_class(data[i], bits)) ++i;
  return i;
}

std::size_t scalar_documented_span(const char* data, std::size_t size) noexcept {
  const std::size_t limit = size < documented_length ? size : documented_length;
  for (std::size_t i = 0; i < limit; ++i) {
    const position_rule rule = documented_rules[i];
    const bool fits = rule.literal != 0 ? data[i] == rule.literal : has_class(data[i], rule.bits);
    if (!fits) return i;
  }
  return limit;
}

std::uint8_t nibble_classes_of(char c) noexcept {
  const auto byte = static_cast<unsigned char>(c);
  return low_nibble_classes[byte & 15U] & high_nibble_classes[byte >> 4U];
}

layout_stop scalar_layout_span(const char* data, std::size_t size,
                               const token_layout& layout) noexcept {
  const std::size_t limit = size < longest_token_length ? size : longest_token_length;
  std::size_t span = 0;
  while (span < limit && (nibble_classes_of(data[span]) & layout.fits[span]) != 0) ++span;
  return stop_with_kind(data, size, span, layout);
}

void scalar_classify(const char* data, std::size_t size, const alphabet_triple& parts,
                     position_bits_triple& bits) noexcept {
  const std::size_t limit = size < longest_token_length ? size : longest_token_length;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    const std::uint8_t part = bit_of(parts[k]);
    position_bits found;
    for (std::size_t i = 0; i < limit; ++i) {
      const std::uint64_t bit = has_class(data[i], part) ? 1 : 0;
      (i < 64 ? found.low : found.high) |= bit << (i % 64);
    }
    bits[k] = found;
  }
}

}  // namespace

layout_stop stop_with_kind(const char* data, std::size_t size, std::size_t span,
                           const token_layout& layout) noexcept {
  if (span == size) return {span, stop_at_end};
  const std::uint8_t classes = nibble_classes_of(data[span]);
  return {span,
          ((classes & full_stop_class) != 0 ? stop_full_stop : 0U) |
              ((classes & layout.continues[span]) != 0 ? stop_continues : 0U) |
              ((classes & nibble_mask_of(alphabet::upper_alnum)) != 0 ? stop_upper_alnum : 0U)};
}

std::size_t scalar_count_newlines(const char* data, std::size_t size) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < size; ++i) count += data[i] == '\n' ? 1 : 0;
  return count;
}

namespace {

std::size_t scalar_find_prefix(const char* data, std::size_t size, std::size_t from,
                               std::size_t count_from, std::size_t count_end, newline_tally& lines,
                               prefix_filter filter) noexcept {
  std::size_t found = size;
  for (std::size_t at = from; at + 8 <= size;) {
    const auto* d = static_cast<const char*>(std::memchr(data + at, 'd', size - 7 - at));
    if (d == nullptr) break;
    at = static_cast<std::size_t>(d - data);
    const auto passes = [&] {
      switch (filter) {
        case prefix_filter::family:
          return family_token_at(d, static_cast<std::ptrdiff_t>(size - at), scalar_span);
        case prefix_filter::documented:
          return size - at < documented_length ||
                 scalar_documented_span(d, documented_length) == documented_length;
        case prefix_filter::none:
          break;
      }
      return true;
    };
    if (d[1] == 't' && d[2] == '0' && d[6] == '.' && has_class(d[7], alnum_bit) && passes()) {
      found = at;
      break;
    }
    ++at;
  }
  const std::size_t stop = found < count_end ? found : count_end;
  if (count_from < stop) {
    const std::size_t count = scalar_count_newlines(data + count_from, stop - count_from);
    if (count > 0) {
      const auto* last =
          static_cast<const char*>(::memrchr(data + count_from, '\n', stop - count_from));
      lines.count += count;
      lines.line_start = static_cast<std::size_t>(last - data) + 1;
    }
  }
  return found;
}

}  // namespace

std::size_t scalar_find_encoded(const char* data, std::size_t size, std::size_t from) noexcept {
  if (size < 2) return size;
  std::uint8_t previous =
      from < size ? encoded_classes.first[static_cast<unsigned char>(data[from])] : 0;
  for (std::size_t at = from; at + 1 < size; ++at) {
    const auto next = static_cast<unsigned char>(data[at + 1]);
    if ((previous & encoded_classes.second[next]) != 0) return at;
    previous = encoded_classes.first[next];
  }
  return size;
}

const kernel scalar_kernel{"scalar",
                           scalar_span,
                           scalar_documented_span,
                           scalar_find_prefix,
                           scalar_layout_span,
                           scalar_classify,
                           scalar_count_newlines,
                           scalar_find_encoded,
                           nullptr};

}  // namespace dtoken::detail
