// The registry of Dynatrace token types, and the parts of a parsed token.
//
// A token of the current format has three parts separated by '.':
//
//   dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM
//   ^^^^^^ ^^^^^^^^^^^^^^^^^^^^^^^^
//   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ prefix public part secret part
//
// The prefix ("dt0", a type letter, two type digits) names the token type. Prefix + '.' + public
// part is the token ID, which Dynatrace says is safe to display and log. The secret part is a
// password: it is shown once, at creation, and must never be logged.
//
// The registry is data compiled from ../shared/reference/dynatrace-token-facts.md; each entry
// says how good the evidence for its shape is. Everything here is immutable, allocation-free and
// safe to use from any thread, except masked(), which returns a std::string.

#ifndef DTOKEN_TOKEN_H
#define DTOKEN_TOKEN_H

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace dtoken {

/// Length of a prefix such as "dt0c01".
inline constexpr std::size_t prefix_length = 6;
/// Length of the secret part of every current-format token.
inline constexpr std::size_t secret_length = 64;
/// Length of an old-format ("legacy", before Dynatrace 1.205) token.
inline constexpr std::size_t legacy_token_length = 21;

/// The public-part lengths of the registered types, as a mask (bit L: length L): the union of
/// every token_type::public_length_mask (token_types.cc checks it with a static_assert). The
/// validator, the scanner's hold-back, the generator's buffers and the redactor take their
/// sizes from here; a new length is added here and in the registry, nowhere else.
inline constexpr std::uint32_t public_length_union = (1U << 8) | (1U << 24);
/// The public-part length of the published regex (`dt0[a-zA-Z][0-9]{2}\.[A-Z0-9]{24}\...`).
inline constexpr std::size_t documented_public_length = 24;
/// The shortest and the longest public part of any registered type.
inline constexpr std::size_t shortest_public_length =
    static_cast<std::size_t>(std::countr_zero(public_length_union));
inline constexpr std::size_t longest_public_length =
    31 - static_cast<std::size_t>(std::countl_zero(public_length_union));
/// The length of a token whose public part is `public_length` long: prefix '.' public '.' secret.
[[nodiscard]] constexpr std::size_t token_length(std::size_t public_length) noexcept {
  return prefix_length + 1 + public_length + 1 + secret_length;
}
/// The shortest and the longest current-format token (80 and 96 bytes).
inline constexpr std::size_t shortest_token_length = token_length(shortest_public_length);
inline constexpr std::size_t longest_token_length = token_length(longest_public_length);
static_assert(shortest_token_length == 80 && longest_token_length == 96 &&
              documented_public_length <= longest_public_length);

/// The sets of characters a token part may be made of.
enum class alphabet : std::uint8_t {
  upper_alnum,  ///< [A-Z0-9]: the published regex.
  base32,       ///< [A-Z2-7]: RFC 4648 base32, what every real classic token uses.
  alnum,        ///< [A-Za-z0-9].
  lower_alnum,  ///< [a-z0-9]: environment IDs such as "abc12345".
  lower_hex,    ///< [0-9a-f].
};

/// The character class of `part`, e.g. "[A-Z2-7]".
[[nodiscard]] std::string_view to_string(alphabet part) noexcept;

/// Whether byte `c` belongs to `part`.
[[nodiscard]] bool in_alphabet(alphabet part, char c) noexcept;

/// How well a registry entry's shape is established, strongest first.
enum class evidence : std::uint8_t {
  documented,   ///< Stated by Dynatrace documentation or its OpenAPI spec.
  third_party,  ///< Seen in third-party code or configuration only.
  inferred,     ///< Our inference: the prefix is known but its shape is not published.
};

/// The name of `level` ("documented", "third_party", "inferred").
[[nodiscard]] std::string_view to_string(evidence level) noexcept;

/// One known token type.
struct token_type {
  std::string_view prefix;       ///< "dt0c01": dt0 + type letter + two type digits.
  std::string_view name;         ///< A short name: "classic access token".
  std::string_view description;  ///< What Dynatrace uses it for.
  /// Bit L is set when L is an admissible public-part length (bit 8 and/or bit 24).
  std::uint32_t public_length_mask;
  alphabet public_alphabet;  ///< Alphabet of the public part.
  alphabet secret_alphabet;  ///< Alphabet of the 64-character secret part.
  /// True when credentials of this type also come in a two-part form, prefix '.' public part:
  /// OAuth client IDs are "dt0s02.ABCDEFGH", their client secrets the full three-part token.
  bool has_client_id_form;
  evidence shape_evidence;  ///< How well the lengths and alphabets are established.
  std::string_view source;  ///< Where the facts come from (a documentation page or repository).

  /// Whether `length` is an admissible public-part length for this type.
  [[nodiscard]] constexpr bool admits_public_length(std::size_t length) const noexcept {
    return length < 32 && ((public_length_mask >> length) & 1U) != 0;
  }
};

/// Every registered type, ordered by prefix. The span is valid for the life of the program.
[[nodiscard]] std::span<const token_type> token_types() noexcept;

/// The registered type whose prefix is `prefix` (exactly 6 bytes, e.g. "dt0c01"), or nullptr.
[[nodiscard]] const token_type* find_token_type(std::string_view prefix) noexcept;

/// The parts of a valid token, as views into the caller's buffer; produced by parse().
/// A default-constructed token is empty (all views empty, no type).
struct token {
  std::string_view text;             ///< The whole token.
  std::string_view prefix;           ///< "dt0c01".
  std::string_view public_part;      ///< "ST2EY72KQINMH574WMNVI7YN".
  std::string_view secret_part;      ///< The 64-character secret. Never log it.
  const token_type* type = nullptr;  ///< Registry entry; nullptr when the prefix is not registered.

  /// The type letter, prefix byte 3 ('c' for dt0c01); '\0' for an empty token.
  [[nodiscard]] constexpr char type_letter() const noexcept {
    return prefix.size() == prefix_length ? prefix[3] : '\0';
  }
  /// The two type digits ("01" for dt0c01); empty for an empty token.
  [[nodiscard]] constexpr std::string_view type_digits() const noexcept {
    return prefix.size() == prefix_length ? prefix.substr(4, 2) : std::string_view();
  }
  /// Prefix '.' public part: the token ID, safe to log ("dt0c01.ST2EY72KQINMH574WMNVI7YN").
  [[nodiscard]] constexpr std::string_view token_id() const noexcept {
    return text.substr(0, prefix.empty() ? 0 : prefix.size() + 1 + public_part.size());
  }
  /// Length of the masked form: the same as the token's.
  [[nodiscard]] constexpr std::size_t masked_length() const noexcept { return text.size(); }
};

/// The parts of `text`, a token already found valid (by validate() or a scan) under any profile:
/// prefix '.' public part '.' 64-byte secret, and `type`, its registry entry. Nothing is checked:
/// parse() validates first and then splits with this.
[[nodiscard]] constexpr token split_valid_token(std::string_view text,
                                                const token_type* type) noexcept {
  const std::size_t secret_begin = text.size() - secret_length;
  const std::size_t public_begin = prefix_length + 1;
  return {text, text.substr(0, prefix_length),
          text.substr(public_begin, secret_begin - 1 - public_begin), text.substr(secret_begin),
          type};
}

/// Writes the masked form of `value` to `out`: its token ID, '.', then one '*' per secret byte,
/// so that the masked form is as long as the token. Returns the number of bytes written, or 0
/// (writing nothing) when `out` is shorter than value.masked_length().
[[nodiscard]] std::size_t write_masked(const token& value, std::span<char> out) noexcept;

/// The masked form of `value` as a string (allocates; see write_masked()).
[[nodiscard]] std::string masked(const token& value);

}  // namespace dtoken

#endif  // DTOKEN_TOKEN_H
