// Validation. Every path computes `position` as the length of the longest prefix of the
// candidate that some valid token starts with; validate_test.cc checks that definition against
// Boost.Regex partial matching.

#include "dtoken/validate.h"

#include <array>
#include <bit>

#include "detail/char_class.h"
#include "detail/kernel.h"
#include "detail/shape.h"

namespace dtoken {
namespace detail {
namespace {

constexpr std::string_view magic = "dt0";

constexpr result fail(error_code code, std::size_t position) noexcept { return {code, position}; }

// The error for byte `c` that does not belong to `part`: non_base32_character when it would have
// passed the published [A-Z0-9], else `otherwise`.
constexpr error_code character_error(char c, alphabet part, error_code otherwise) noexcept {
  return part == alphabet::base32 && has_class(c, upper_alnum_bit)
             ? error_code::non_base32_character
             : otherwise;
}

// Checks "dt0" + letter + digit + digit, the prefix every profile but strict accepts.
constexpr result check_prefix(std::string_view candidate) noexcept {
  if (candidate.empty()) return fail(error_code::empty_input, 0);
  for (std::size_t i = 0; i < prefix_length; ++i) {
    if (i == candidate.size()) return fail(error_code::truncated_prefix, i);
    const char c = candidate[i];
    if (i < magic.size()) {
      if (c != magic[i]) return fail(error_code::bad_prefix, i);
    } else if (i == 3) {
      if (!has_class(c, letter_bit)) return fail(error_code::bad_type_letter, i);
    } else if (!has_class(c, digit_bit)) {
      return fail(error_code::bad_type_digits, i);
    }
  }
  return {error_code::ok, prefix_length};
}

// strict: the prefix must also be registered. A letter or digit that starts no registered
// prefix is unknown_type at that byte.
result check_registered_prefix(std::string_view candidate, const token_type*& type) noexcept {
  const result shape_check = check_prefix(candidate);
  if (shape_check.ok()) {
    type = find_token_type(candidate.substr(0, prefix_length));
    if (type != nullptr) return shape_check;
  }
  // Locate the failure: the first byte after "dt0" that starts no registered prefix.
  const std::size_t checked = shape_check.ok() ? prefix_length : shape_check.position;
  for (std::size_t i = magic.size(); i < checked; ++i) {
    bool extends = false;
    for (const token_type& known : token_types()) {
      extends = extends || known.prefix.substr(0, i + 1) == candidate.substr(0, i + 1);
    }
    if (!extends) return fail(error_code::unknown_type, i);
  }
  // Unreachable for a well-formed registry: a complete prefix that find_token_type() missed.
  return shape_check.ok() ? fail(error_code::unknown_type, prefix_length - 1) : shape_check;
}

// How far the secret runs in each of its alphabets (the second equals the first when there is
// only one alphabet).
struct secret_spans {
  std::size_t first;
  std::size_t other;
  [[nodiscard]] std::size_t longest() const noexcept { return first > other ? first : other; }
};

secret_spans secret_span(const char* data, std::size_t size, const shape& rules,
                         const kernel& bytes) noexcept {
  const std::size_t first = bytes.span(data, size, rules.secret_alphabet);
  if (rules.other_secret_alphabet == rules.secret_alphabet) return {first, first};
  return {first, bytes.span(data, size, rules.other_secret_alphabet)};
}

// What a byte of a documented candidate can be, as far as the error at its position goes.
enum byte_kind : std::uint8_t { end_of_input, dot, token_char, other_byte, byte_kind_count };

// The rule that fails at `position` of a documented candidate, given what stands there. Evaluated
// at compile time only, into documented_errors: a table lookup instead of a chain of branches on
// a position that is different for every candidate (and so mispredicted).
constexpr error_code documented_rule(std::size_t position, byte_kind kind) {
  constexpr std::size_t second_separator = prefix_length + 1 + documented_public_length;
  if (position == documented_length) {
    return kind == end_of_input ? error_code::ok
           : kind == token_char ? error_code::secret_too_long
                                : error_code::trailing_data;
  }
  if (kind == end_of_input) {
    if (position == 0) return error_code::empty_input;
    if (position < prefix_length) return error_code::truncated_prefix;
    if (position == prefix_length || position == second_separator) {
      return error_code::missing_separator;
    }
    return position < second_separator ? error_code::public_part_too_short
                                       : error_code::secret_too_short;
  }
  if (position < magic.size()) return error_code::bad_prefix;
  if (position == 3) return error_code::bad_type_letter;
  if (position < prefix_length) return error_code::bad_type_digits;
  if (position == prefix_length) return error_code::missing_separator;
  if (position < second_separator) {
    return kind == dot ? error_code::public_part_too_short : error_code::bad_public_character;
  }
  if (position == second_separator) {
    return kind == token_char ? error_code::public_part_too_long : error_code::missing_separator;
  }
  return error_code::bad_secret_character;
}

constexpr auto documented_errors = [] {
  std::array<std::array<error_code, byte_kind_count>, documented_length + 1> table{};
  for (std::size_t position = 0; position <= documented_length; ++position) {
    for (std::size_t kind = 0; kind < byte_kind_count; ++kind) {
      table[position][kind] = documented_rule(position, static_cast<byte_kind>(kind));
    }
  }
  return table;
}();

constexpr auto byte_kinds = [] {
  std::array<byte_kind, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = c == '.'                                           ? dot
               : has_class(static_cast<char>(c), upper_alnum_bit) ? token_char
                                                                  : other_byte;
  }
  return table;
}();

// The result for a documented candidate whose first `span` bytes fit the regex (span <= 96).
result documented_result(std::string_view candidate, std::size_t span) noexcept {
  const byte_kind kind = span == candidate.size()
                             ? end_of_input
                             : byte_kinds[static_cast<unsigned char>(candidate[span])];
  return {documented_errors[span][kind], span};
}

}  // namespace

result validate_after_prefix(std::string_view candidate, const shape& rules,
                             const kernel& bytes) noexcept {
  const std::size_t size = candidate.size();
  if (size == prefix_length || candidate[prefix_length] != '.') {
    return fail(error_code::missing_separator, prefix_length);
  }

  // The public part: as long as its alphabet allows, up to the longest admissible length.
  const std::size_t public_begin = prefix_length + 1;
  const auto longest = static_cast<std::size_t>(std::bit_width(rules.public_length_mask) - 1);
  const std::size_t available = size - public_begin < longest ? size - public_begin : longest;
  const std::size_t public_length =
      bytes.span(candidate.data() + public_begin, available, rules.public_alphabet);
  const std::size_t separator = public_begin + public_length;
  const bool admissible = ((rules.public_length_mask >> public_length) & 1U) != 0;
  if (separator == size) {
    return fail(admissible ? error_code::missing_separator : error_code::public_part_too_short,
                separator);
  }
  const char after_public = candidate[separator];
  if (after_public != '.' || !admissible) {
    if (public_length == longest) {
      return fail(has_class(after_public, bit_of(rules.public_alphabet))
                      ? error_code::public_part_too_long
                      : error_code::missing_separator,
                  separator);
    }
    if (after_public == '.') return fail(error_code::public_part_too_short, separator);
    return fail(admissible ? error_code::missing_separator
                           : character_error(after_public, rules.public_alphabet,
                                             error_code::bad_public_character),
                separator);
  }

  // The secret part: exactly 64 bytes of one of its alphabets.
  const std::size_t secret_begin = separator + 1;
  const std::size_t secret_available =
      size - secret_begin < secret_length ? size - secret_begin : secret_length;
  const secret_spans spans =
      secret_span(candidate.data() + secret_begin, secret_available, rules, bytes);
  const std::size_t end = secret_begin + spans.longest();
  if (spans.longest() < secret_length) {
    if (end == size) return fail(error_code::secret_too_short, end);
    return fail(
        character_error(candidate[end], rules.secret_alphabet, error_code::bad_secret_character),
        end);
  }
  if (end == size) return {error_code::ok, end};
  // The secret goes on when the next byte belongs to an alphabet that the whole secret is in.
  const char after_secret = candidate[end];
  const bool continues =
      (spans.first == secret_length && has_class(after_secret, bit_of(rules.secret_alphabet))) ||
      (spans.other == secret_length &&
       has_class(after_secret, bit_of(rules.other_secret_alphabet)));
  return fail(continues ? error_code::secret_too_long : error_code::trailing_data, end);
}

result validate_generic(std::string_view candidate, profile rules, const kernel& bytes) noexcept {
  if (rules == profile::strict) {
    const token_type* type = nullptr;
    const result prefix = check_registered_prefix(candidate, type);
    if (!prefix.ok()) return prefix;
    return validate_after_prefix(candidate, shape_of(*type), bytes);
  }
  const result prefix = check_prefix(candidate);
  if (!prefix.ok()) return prefix;
  return validate_after_prefix(candidate,
                               rules == profile::family ? family_shape : documented_shape, bytes);
}

result validate_with(std::string_view candidate, profile rules, const kernel& bytes) noexcept {
  if (rules == profile::documented) {
    // One fused pass over at most 96 bytes finds the first byte that breaks the regex.
    return documented_result(candidate, bytes.documented_span(candidate.data(), candidate.size()));
  }
  // A valid token, the common case, is settled by the checks of is_valid (a handful of loads and
  // spans); the walk that finds where a candidate breaks runs only for those that do.
  if (is_valid_with(candidate, rules, bytes)) return {error_code::ok, candidate.size()};
  return validate_generic(candidate, rules, bytes);
}

bool is_valid_with(std::string_view candidate, profile rules, const kernel& bytes) noexcept {
  const std::size_t size = candidate.size();
  if (rules == profile::documented) {
    return size == documented_length &&
           bytes.documented_span(candidate.data(), size) == documented_length;
  }
  // Every other shape is prefix '.' public '.' secret with a public part of a registered length.
  constexpr std::size_t fixed_bytes = token_length(0);
  if (size < shortest_token_length || size > longest_token_length ||
      ((public_length_union >> (size - fixed_bytes)) & 1U) == 0) {
    return false;
  }
  shape expected = family_shape;
  if (rules == profile::strict) {
    // A registered prefix is a well-formed one.
    const token_type* type = find_token_type(candidate.substr(0, prefix_length));
    if (type == nullptr) return false;
    expected = shape_of(*type);
  } else if (!check_prefix(candidate).ok()) {
    return false;
  }
  const std::size_t public_length = size - fixed_bytes;
  const char* public_part = candidate.data() + prefix_length + 1;
  const char* secret_part = public_part + public_length + 1;
  return ((expected.public_length_mask >> public_length) & 1U) != 0 &&
         candidate[prefix_length] == '.' && public_part[public_length] == '.' &&
         bytes.span(public_part, public_length, expected.public_alphabet) == public_length &&
         (bytes.span(secret_part, secret_length, expected.secret_alphabet) == secret_length ||
          bytes.span(secret_part, secret_length, expected.other_secret_alphabet) == secret_length);
}

}  // namespace detail

std::string_view to_string(profile value) noexcept {
  switch (value) {
    case profile::documented:
      return "documented";
    case profile::strict:
      return "strict";
    case profile::family:
      return "family";
  }
  return "unknown";
}

std::optional<profile> profile_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < profile_count; ++i) {
    const auto value = static_cast<profile>(i);
    if (to_string(value) == name) return value;
  }
  return std::nullopt;
}

result validate(std::string_view candidate, profile rules) noexcept {
  return detail::validate_with(candidate, rules, detail::active_kernel());
}

bool is_valid(std::string_view candidate, profile rules) noexcept {
  return detail::is_valid_with(candidate, rules, detail::active_kernel());
}

std::string_view token_id_of(std::string_view candidate, profile rules) noexcept {
  const parse_result parsed = parse(candidate, rules);
  return parsed.ok() ? parsed.value.token_id() : std::string_view();
}

parse_result parse(std::string_view candidate, profile rules) noexcept {
  const result status = validate(candidate, rules);
  if (!status.ok()) return {status, {}};
  // A valid token ends with '.' and the 64-byte secret, and its prefix is 6 bytes.
  const std::size_t secret_begin = candidate.size() - secret_length;
  const std::size_t public_begin = prefix_length + 1;
  token value;
  value.text = candidate;
  value.prefix = candidate.substr(0, prefix_length);
  value.public_part = candidate.substr(public_begin, secret_begin - 1 - public_begin);
  value.secret_part = candidate.substr(secret_begin);
  value.type = find_token_type(value.prefix);
  return {status, value};
}

result validate_legacy(std::string_view candidate) noexcept {
  if (candidate.empty()) return {error_code::empty_input, 0};
  for (std::size_t i = 0; i < legacy_token_length; ++i) {
    if (i == candidate.size()) return {error_code::legacy_too_short, i};
    if (!detail::has_class(candidate[i], detail::legacy_bit)) {
      return {error_code::legacy_bad_character, i};
    }
  }
  if (candidate.size() > legacy_token_length) {
    return {error_code::trailing_data, legacy_token_length};
  }
  return {error_code::ok, legacy_token_length};
}

}  // namespace dtoken
