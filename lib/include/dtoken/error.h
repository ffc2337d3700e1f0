// Error codes and the result of validating a candidate token.
//
// Every rule a validator enforces has its own error_code, so that a caller can say precisely
// why a candidate was rejected. Nothing in this header allocates or throws.

#ifndef DTOKEN_ERROR_H
#define DTOKEN_ERROR_H

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace dtoken {

/// Why a candidate is not a token. Each value names the rule that failed at `result::position`.
/// The numeric values are stable: new codes are only ever appended.
enum class error_code : std::uint8_t {
  ok = 0,                 ///< The candidate is a valid token under the profile.
  empty_input,            ///< The candidate is empty.
  bad_prefix,             ///< Bytes 0-2 must be "dt0".
  bad_type_letter,        ///< Byte 3, the type letter, must be an ASCII letter [a-zA-Z].
  bad_type_digits,        ///< Bytes 4-5, the type digits, must be ASCII digits [0-9].
  unknown_type,           ///< strict: the prefix (letter + digits) names no type in the registry.
  truncated_prefix,       ///< The input ends inside the 6-byte prefix "dt0" letter digit digit.
  missing_separator,      ///< A '.' must follow the prefix and the public part (or the input ended
                          ///< there).
  public_part_too_short,  ///< The public part ended ('.' or end of input) before an admissible
                          ///< length.
  public_part_too_long,   ///< The public part goes on past its longest admissible length.
  bad_public_character,   ///< A byte of the public part is outside the profile's alphabet.
  secret_too_short,       ///< The input ends before the 64-character secret part is complete.
  bad_secret_character,   ///< A byte of the secret part is outside the profile's alphabet.
  secret_too_long,        ///< The secret part goes on past 64 characters.
  trailing_data,          ///< A complete token is followed by further bytes.
  non_base32_character,   ///< strict: '0', '1', '8' or '9' where the type uses base32 (A-Z, 2-7).
  legacy_bad_character,   ///< legacy: a byte outside [A-Za-z0-9_-].
  legacy_too_short,       ///< legacy: the input ends before 21 characters.
};

/// Number of error_code values; error_code values are 0 .. error_code_count - 1.
inline constexpr std::size_t error_code_count = 18;

/// The snake_case name of `code`, as used in JSON output ("bad_secret_character"). Never empty.
[[nodiscard]] std::string_view to_string(error_code code) noexcept;

/// One sentence that explains `code` to a person.
[[nodiscard]] std::string_view describe(error_code code) noexcept;

/// The code whose to_string() is `name`, or nullopt.
[[nodiscard]] std::optional<error_code> error_code_from_string(std::string_view name) noexcept;

/// The outcome of validating one candidate.
///
/// `position` is the length of the longest prefix of the candidate that some valid token (under
/// the profile used) starts with. On failure it therefore indexes the first byte that cannot
/// belong to a valid token, or equals the candidate's length when the candidate is a truncated
/// token. On success it is the token's length, which is the candidate's length.
struct result {
  error_code error = error_code::ok;
  std::size_t position = 0;

  [[nodiscard]] constexpr bool ok() const noexcept { return error == error_code::ok; }
  friend constexpr bool operator==(const result&, const result&) noexcept = default;
};

}  // namespace dtoken

#endif  // DTOKEN_ERROR_H
