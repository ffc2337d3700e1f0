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

/// The error codes, one line each, in their stable numeric order: X(name, description). This
/// list is the only place a code is named: the enum, error_code_count, to_string(), describe()
/// and error_code_from_string() are all made from it, so a new code (appended, never inserted:
/// the numeric values are stable) cannot leave a gap. The description is the sentence
/// describe() returns, and says which rule failed at `result::position`.
#define DTOKEN_ERROR_CODES(X)                                                                  \
  X(ok, "the candidate is a valid token")                                                      \
  X(empty_input, "the candidate is empty")                                                     \
  X(bad_prefix, "a token starts with \"dt0\"")                                                 \
  X(bad_type_letter, "byte 3, the type letter, must be an ASCII letter")                       \
  X(bad_type_digits, "bytes 4 and 5, the type digits, must be ASCII digits")                   \
  /* strict only: */                                                                           \
  X(unknown_type, "the prefix names no known token type")                                      \
  X(truncated_prefix, "the candidate ends inside the 6-byte prefix")                           \
  /* or the input ended where the '.' belongs: */                                              \
  X(missing_separator, "a '.' must follow the prefix and the public part")                     \
  X(public_part_too_short, "the public part is shorter than an admissible length")             \
  X(public_part_too_long, "the public part is longer than its longest admissible length")      \
  X(bad_public_character, "a byte of the public part is outside the allowed alphabet")         \
  X(secret_too_short, "the candidate ends before the 64-character secret part is complete")    \
  X(bad_secret_character, "a byte of the secret part is outside the allowed alphabet")         \
  X(secret_too_long, "the secret part is longer than 64 characters")                           \
  X(trailing_data, "a complete token is followed by further bytes")                            \
  /* strict only: */                                                                           \
  X(non_base32_character, "'0', '1', '8' or '9' where this token type uses base32 (A-Z, 2-7)") \
  /* legacy only: */                                                                           \
  X(legacy_bad_character, "a legacy token has only the characters A-Z a-z 0-9 _ -")            \
  X(legacy_too_short, "a legacy token has 21 characters")

/// Why a candidate is not a token: DTOKEN_ERROR_CODES, in order (ok = 0).
enum class error_code : std::uint8_t {
#define DTOKEN_ERROR_ENUMERATOR(name, description) name,
  DTOKEN_ERROR_CODES(DTOKEN_ERROR_ENUMERATOR)
#undef DTOKEN_ERROR_ENUMERATOR
};

/// Number of error_code values; error_code values are 0 .. error_code_count - 1.
inline constexpr std::size_t error_code_count = 0
#define DTOKEN_ERROR_COUNT(name, description) +1
    DTOKEN_ERROR_CODES(DTOKEN_ERROR_COUNT)
#undef DTOKEN_ERROR_COUNT
    ;

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
