// Validation and parsing of candidate tokens.
//
// Three profiles say which strings count as tokens:
//
//   documented  exactly the regex Dynatrace publishes, matched against the whole candidate:
//                 dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64}
//               The default: "is this shaped as Dynatrace documents a token?"
//   strict      a prefix from the registry (token.h) with that type's public-part length and
//               alphabets: for dt0c01, 24 + 64 characters of base32 (A-Z, 2-7), as every real
//               token has. "Could Dynatrace have issued this?"
//   family      the loosest shape that still covers every real token type we know:
//                 dt0[a-zA-Z][0-9]{2}\.([A-Za-z0-9]{8}|[A-Za-z0-9]{24})\.([A-Z0-9]{64}|[0-9a-f]{64})
//               (8-character public parts of OAuth, platform and ActiveGate tokens, lower-case
//               environment IDs and hex secrets of dt0a01 agent tokens). For recall.
//
// Old-format tokens (before Dynatrace 1.205: 21 characters of [A-Za-z0-9_-]) are recognised by
// validate_legacy() only, since any random 21-character word has that shape.
//
// Every function here is noexcept, allocates nothing, reads only the bytes of its argument and
// is safe to call from any number of threads at once.

#ifndef DTOKEN_VALIDATE_H
#define DTOKEN_VALIDATE_H

#include <optional>
#include <string_view>

#include "dtoken/error.h"
#include "dtoken/token.h"

namespace dtoken {

/// Which strings count as tokens; see the top of this header.
enum class profile : std::uint8_t {
  documented,  ///< The published regex (the default).
  strict,      ///< A registered type with its exact shape.
  family,      ///< Every shape a real token type has.
};

/// Number of profiles; profile values are 0 .. profile_count - 1.
inline constexpr std::size_t profile_count = 3;

/// "documented", "strict" or "family".
[[nodiscard]] std::string_view to_string(profile value) noexcept;

/// The profile named `name`, or nullopt.
[[nodiscard]] std::optional<profile> profile_from_string(std::string_view name) noexcept;

/// Validates `candidate` as one whole token under `rules`.
///
/// @return ok() and position == candidate.size() when the candidate is a token. Otherwise the
///         error_code of the rule that fails and the position of the failure: the length of the
///         longest prefix of `candidate` that some valid token starts with (see result).
///         Example (documented): "dt0c01.ABC" gives {public_part_too_short, 10};
///         "dt0c01.abc" gives {bad_public_character, 7}.
[[nodiscard]] result validate(std::string_view candidate,
                              profile rules = profile::documented) noexcept;

/// The fast path: the same verdict as validate(candidate, rules).ok(), without the reason.
/// Uses the widest SIMD kernel the CPU has (AVX-512, AVX2, else scalar), chosen once.
[[nodiscard]] bool is_valid(std::string_view candidate,
                            profile rules = profile::documented) noexcept;

/// The outcome of parse(): the validation result and, when status.ok(), the token's parts.
struct parse_result {
  result status;  ///< As validate() returns it.
  token value;    ///< The parts, pointing into the candidate; empty unless status.ok().

  [[nodiscard]] constexpr bool ok() const noexcept { return status.ok(); }
};

/// Validates `candidate` as validate() does and, when it is valid, splits it into its parts
/// and looks its prefix up in the registry (value.type is nullptr for an unregistered prefix,
/// which the documented and family profiles admit).
[[nodiscard]] parse_result parse(std::string_view candidate,
                                 profile rules = profile::documented) noexcept;

/// The token ID (prefix '.' public part) of `candidate` when it is a valid token under `rules`,
/// pointing into `candidate`; empty otherwise. "dt0g02.4KWZO5EF.XT47...G7E" gives
/// "dt0g02.4KWZO5EF". Callers that log or index tokens take the ID from here, never by counting
/// characters from the end or searching for dots.
[[nodiscard]] std::string_view token_id_of(std::string_view candidate,
                                           profile rules = profile::family) noexcept;

/// Validates `candidate` as an old-format token: exactly 21 characters of [A-Za-z0-9_-].
/// Errors: empty_input, legacy_bad_character, legacy_too_short, trailing_data; `position` as
/// in validate(). An old-format token has no token ID that can be derived from it: Dynatrace
/// names such tokens by a UUID.
[[nodiscard]] result validate_legacy(std::string_view candidate) noexcept;

}  // namespace dtoken

#endif  // DTOKEN_VALIDATE_H
