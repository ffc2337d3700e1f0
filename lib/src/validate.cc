// Validation. Every path computes `position` as the length of the longest prefix of the
// candidate that some valid token starts with; validate_test.cc checks that definition against
// Boost.Regex partial matching.

#include "dtoken/validate.h"

#include <array>
#include <bit>
#include <cstring>
#include <optional>
#include <vector>

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

// The runs of a shape's alphabets in a candidate, measured two ways that must agree: by the
// kernel's span(), one call per run (validate_generic, the reference), or read from the bits of
// one classify() pass over the candidate (validate()). Each answers how many of the `count`
// bytes from `from` on belong to an alphabet of the shape: its public part's (0), its secret's
// (1), or its secret's other (2).
class spans_by_call {
 public:
  spans_by_call(std::string_view candidate, const shape& rules, const kernel& bytes) noexcept
      : data_(candidate.data()),
        parts_{rules.public_alphabet, rules.secret_alphabet, rules.other_secret_alphabet},
        bytes_(bytes) {}
  [[nodiscard]] std::size_t run(std::size_t part, std::size_t from,
                                std::size_t count) const noexcept {
    return bytes_.span(data_ + from, count, parts_[part]);
  }

 private:
  const char* data_;
  alphabet_triple parts_;
  const kernel& bytes_;
};

class spans_by_bits {
 public:
  spans_by_bits(std::string_view candidate, const shape& rules, const kernel& bytes) noexcept {
    bytes.classify(candidate.data(), candidate.size(),
                   {rules.public_alphabet, rules.secret_alphabet, rules.other_secret_alphabet},
                   bits_);
  }
  // (count <= 64 and from + count <= 96: a public part or a secret of a token)
  [[nodiscard]] std::size_t run(std::size_t part, std::size_t from,
                                std::size_t count) const noexcept {
    const position_bits& in = bits_[part];
    const std::uint64_t ahead = from == 0   ? in.low
                                : from < 64 ? (in.low >> from) | (in.high << (64 - from))
                                            : in.high >> (from - 64);
    const auto run = static_cast<std::size_t>(std::countr_one(ahead));
    return run < count ? run : count;
  }

 private:
  position_bits_triple bits_;
};

constexpr std::size_t public_run = 0;
constexpr std::size_t secret_run = 1;
constexpr std::size_t other_secret_run = 2;

template <typename Spans>
secret_spans secret_span(std::size_t from, std::size_t count, const shape& rules,
                         const Spans& spans) noexcept {
  const std::size_t first = spans.run(secret_run, from, count);
  if (rules.other_secret_alphabet == rules.secret_alphabet) return {first, first};
  return {first, spans.run(other_secret_run, from, count)};
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

// Validates everything after a 6-byte prefix that has already been checked, with the runs of
// `spans`.
template <typename Spans>
result check_after_prefix(std::string_view candidate, const shape& rules,
                          const Spans& spans) noexcept {
  const std::size_t size = candidate.size();
  if (size == prefix_length || candidate[prefix_length] != '.') {
    return fail(error_code::missing_separator, prefix_length);
  }

  // The public part: as long as its alphabet allows, up to the longest admissible length.
  const std::size_t public_begin = prefix_length + 1;
  const auto longest = static_cast<std::size_t>(std::bit_width(rules.public_length_mask) - 1);
  const std::size_t available = size - public_begin < longest ? size - public_begin : longest;
  const std::size_t public_length = spans.run(public_run, public_begin, available);
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
  const secret_spans secret = secret_span(secret_begin, secret_available, rules, spans);
  const std::size_t end = secret_begin + secret.longest();
  if (secret.longest() < secret_length) {
    if (end == size) return fail(error_code::secret_too_short, end);
    return fail(
        character_error(candidate[end], rules.secret_alphabet, error_code::bad_secret_character),
        end);
  }
  if (end == size) return {error_code::ok, end};
  // The secret goes on when the next byte belongs to an alphabet that the whole secret is in.
  const char after_secret = candidate[end];
  const bool continues =
      (secret.first == secret_length && has_class(after_secret, bit_of(rules.secret_alphabet))) ||
      (secret.other == secret_length &&
       has_class(after_secret, bit_of(rules.other_secret_alphabet)));
  return fail(continues ? error_code::secret_too_long : error_code::trailing_data, end);
}

// The strict profile's layouts: for a registered type and one of its public lengths, the classes
// each position of its tokens may hold (kernel.h), the classes of the run that a byte at each
// position would continue (the public part up to its separator, the secret up to its end), and
// the error for the first byte that does not fit, by position and kind of byte. As for the
// documented profile: a table lookup instead of branches on where a candidate breaks.
enum layout_kind : std::uint8_t {
  kind_end,          // the candidate ends there
  kind_separator,    // '.'
  kind_continues,    // a byte of the run that the position ends
  kind_upper_alnum,  // another byte of [A-Z0-9] (non_base32_character, for a base32 run)
  kind_other,
  layout_kind_count
};

struct strict_layout {
  token_layout classes;
  // by position and the kind bits of layout_stop
  std::array<std::array<error_code, stop_kinds>, longest_token_length + 1> errors{};
};

// The kind of byte that layout_stop's bits say (the first that holds wins).
constexpr layout_kind kind_of_stop(unsigned bits) noexcept {
  return (bits & stop_at_end) != 0        ? kind_end
         : (bits & stop_full_stop) != 0   ? kind_separator
         : (bits & stop_continues) != 0   ? kind_continues
         : (bits & stop_upper_alnum) != 0 ? kind_upper_alnum
                                          : kind_other;
}

// The error at `position` of the layout, for a byte of `kind` there: check_after_prefix's
// answer, evaluated only to fill strict_layout::errors. kernel_test holds the result to it.
error_code layout_rule(const token_type& type, std::size_t public_length, std::size_t position,
                       layout_kind kind) noexcept {
  const auto longest = static_cast<std::size_t>(std::bit_width(type.public_length_mask) - 1);
  const std::size_t separator = prefix_length + 1 + public_length;
  const std::size_t length = separator + 1 + secret_length;
  const auto character = [kind](alphabet part, error_code otherwise) {
    return part == alphabet::base32 && kind == kind_upper_alnum ? error_code::non_base32_character
                                                                : otherwise;
  };
  if (position == prefix_length) return error_code::missing_separator;
  if (position < separator) {
    // (a separator at an admissible length would have chosen that length's layout)
    const std::size_t run = position - prefix_length - 1;
    const bool admissible = ((type.public_length_mask >> run) & 1U) != 0;
    if (kind == kind_end) {
      return admissible ? error_code::missing_separator : error_code::public_part_too_short;
    }
    if (kind == kind_separator) return error_code::public_part_too_short;
    return admissible ? error_code::missing_separator
                      : character(type.public_alphabet, error_code::bad_public_character);
  }
  if (position == separator) {
    return kind == kind_continues && public_length == longest ? error_code::public_part_too_long
                                                              : error_code::missing_separator;
  }
  if (position < length) {
    return kind == kind_end ? error_code::secret_too_short
                            : character(type.secret_alphabet, error_code::bad_secret_character);
  }
  return kind == kind_end         ? error_code::ok
         : kind == kind_continues ? error_code::secret_too_long
                                  : error_code::trailing_data;
}

strict_layout make_layout(const token_type& type, std::size_t public_length) noexcept {
  // (the prefix, matched whole before: any letter or digit fits)
  constexpr std::uint8_t any_letter_or_digit = nibble_mask_of(alphabet::alnum);
  const std::uint8_t public_classes = nibble_mask_of(type.public_alphabet);
  const std::uint8_t secret_classes = nibble_mask_of(type.secret_alphabet);
  const std::size_t separator = prefix_length + 1 + public_length;
  const std::size_t length = separator + 1 + secret_length;
  strict_layout layout;
  for (std::size_t at = 0; at <= length; ++at) {
    if (at < length) {
      layout.classes.fits[at] = at < prefix_length                       ? any_letter_or_digit
                                : at == prefix_length || at == separator ? full_stop_class
                                : at < separator                         ? public_classes
                                                                         : secret_classes;
    }
    layout.classes.continues[at] = at <= prefix_length ? 0
                                   : at <= separator   ? public_classes
                                                       : secret_classes;
    for (unsigned bits = 0; bits < stop_kinds; ++bits) {
      layout.errors[at][bits] = at < prefix_length
                                    ? error_code::ok  // (never looked up: the prefix is matched)
                                    : layout_rule(type, public_length, at, kind_of_stop(bits));
    }
  }
  return layout;
}

// For each registered type (in registry order), its prefix as an integer and its layouts (the
// shorter public length in [0]).
static_assert(std::popcount(public_length_union) <= 2,
              "strict_layouts holds two public lengths per type");
struct strict_type {
  std::uint64_t key = 0;
  std::uint32_t lengths = 0;
};
struct strict_tables {
  std::vector<strict_type> types;
  std::vector<std::array<strict_layout, 2>> layouts;
};

// A prefix's 6 bytes as one integer, the same on both sides of each comparison.
std::uint64_t prefix_key(const char* prefix) noexcept {
  std::uint32_t low = 0;
  std::uint16_t high = 0;
  std::memcpy(&low, prefix, sizeof low);
  std::memcpy(&high, prefix + sizeof low, sizeof high);
  static_assert(sizeof low + sizeof high == prefix_length);
  return low | (std::uint64_t{high} << 32U);
}

const strict_tables& strict_layouts() noexcept {
  static const strict_tables tables = [] {
    strict_tables all;
    for (const token_type& type : token_types()) {
      const std::uint32_t lengths = type.public_length_mask;
      all.types.push_back({prefix_key(type.prefix.data()), lengths});
      all.layouts.push_back(
          {make_layout(type, static_cast<std::size_t>(std::countr_zero(lengths))),
           make_layout(type, static_cast<std::size_t>(std::bit_width(lengths) - 1))});
    }
    return all;
  }();
  return tables;
}

// The strict profile for a candidate whose prefix is the registered type `index`: one pass of the
// kernel over the layout of its public length (the shorter one when its separator stands there),
// then the error of the first byte that does not fit, looked up.
result validate_registered(std::string_view candidate, const strict_tables& tables,
                           std::size_t index, const kernel& bytes) noexcept {
  const std::uint32_t lengths = tables.types[index].lengths;
  const auto shortest = static_cast<std::size_t>(std::countr_zero(lengths));
  const std::size_t size = candidate.size();
  const std::size_t short_separator = prefix_length + 1 + shortest;
  const bool short_form = (lengths & (lengths - 1)) == 0 ||
                          (size > short_separator && candidate[short_separator] == '.');
  const strict_layout& layout = tables.layouts[index][short_form ? 0 : 1];
  const layout_stop stop = bytes.layout_span(candidate.data(), size, layout.classes);
  return {layout.errors[stop.span][stop.kind], stop.span};
}

// The index of the candidate's prefix in the registry (it has at least 6 bytes), or the
// registry's size when it is not registered. The registry is walked inline, with branches the CPU
// predicts, so that the layout's address is known before the walk ends (a perfect hash of the
// prefix, tried instead, made it wait on loads and took strict validation from 13 to 21 ns).
std::size_t registered_index(std::string_view candidate, const strict_tables& tables) noexcept {
  const std::uint64_t key = prefix_key(candidate.data());
  std::size_t i = 0;
  while (i < tables.types.size() && tables.types[i].key != key) ++i;
  return i;
}

}  // namespace

result validate_after_prefix(std::string_view candidate, const shape& rules,
                             const kernel& bytes) noexcept {
  return check_after_prefix(candidate, rules, spans_by_call(candidate, rules, bytes));
}

result classify_after_prefix(std::string_view candidate, const shape& rules,
                             const kernel& bytes) noexcept {
  return check_after_prefix(candidate, rules, spans_by_bits(candidate, rules, bytes));
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
  // A well-formed prefix, the common case, is followed by one pass of a kernel over the
  // candidate's bytes: strict against its type's layout, family through classify(). The walk that
  // locates a bad prefix runs only for those.
  if (candidate.size() >= prefix_length) {
    if (rules == profile::strict) {
      // (a registered prefix is a well-formed one; the result is returned from here, not through
      // a std::optional, which GCC built on the stack: a byte stored and a word loaded back, a
      // store that cannot be forwarded, on every candidate)
      const strict_tables& tables = strict_layouts();
      const std::size_t index = registered_index(candidate, tables);
      if (index < tables.types.size()) return validate_registered(candidate, tables, index, bytes);
    } else if (check_prefix(candidate).ok()) {
      return classify_after_prefix(candidate, family_shape, bytes);
    }
  }
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
  return {status,
          split_valid_token(candidate, find_token_type(candidate.substr(0, prefix_length)))};
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
