// Test fixtures built from tokens: invalid variants that fail for one known reason, the near
// misses found in the wild, and tokens embedded in the file syntaxes where leaks happen.
//
// These functions build strings, so they allocate (and may throw std::bad_alloc like any
// allocation); they never throw or fail on bad input. The expected code and position of each
// variant come from its construction, not from the validator, so that tests of the validator
// against these fixtures mean something.

#ifndef DTOKEN_FIXTURES_H
#define DTOKEN_FIXTURES_H

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dtoken/error.h"
#include "dtoken/validate.h"

namespace dtoken {

/// A candidate that must fail validation under `rules` with `expected`.
struct invalid_variant {
  std::string candidate;
  profile rules;
  result expected;
  std::string description;  ///< What was changed, for people.
};

/// A minimal variant of `valid_token` (which must be valid under `rules`) that fails under `rules`
/// with exactly `code`, or nullopt when no such variant exists: the code belongs to another profile
/// (unknown_type and non_base32_character are strict only, the legacy codes legacy only) or the
/// token's shape rules it out (public_part_too_long needs the longest admissible public part).
[[nodiscard]] std::optional<invalid_variant> make_invalid(std::string_view valid_token,
                                                          profile rules, error_code code);

/// A variant of `legacy_token` (valid for validate_legacy) that fails validate_legacy with `code`
/// (empty_input, legacy_bad_character, legacy_too_short or trailing_data), or nullopt.
[[nodiscard]] std::optional<invalid_variant> make_invalid_legacy(std::string_view legacy_token,
                                                                 error_code code);

/// A near miss seen in the wild, with the verdict of every profile.
struct near_miss {
  std::string candidate;
  std::string description;
  result documented;
  result strict;
  result family;
};

/// Near misses found in public code and docs (../shared/reference/anchors.md, A.2) and built from
/// `valid_token` (a valid dt0c01 token): placeholders, lower-case secrets, truncated and glued
/// tokens, an 8-character public part, a two-part OAuth client ID.
[[nodiscard]] std::vector<near_miss> near_misses(std::string_view valid_token);

/// The file syntaxes where tokens leak.
enum class syntax : std::uint8_t {
  dotenv,
  yaml,
  json,
  toml,
  ini,
  shell_export,
  dockerfile_env,
  kubernetes_secret,
  terraform,
  python,
  javascript,
  java,
  go,
  authorization_header,
  curl,
  url_query,
  log_line,
};
inline constexpr std::size_t syntax_count = 17;

/// The name of `value`: "dotenv", "kubernetes_secret", ...
[[nodiscard]] std::string_view to_string(syntax value) noexcept;
/// The syntax named `name`, or nullopt.
[[nodiscard]] std::optional<syntax> syntax_from_string(std::string_view name) noexcept;

/// A token placed in a file of some syntax.
struct embedded_sample {
  syntax kind;
  std::string text;    ///< The file's content.
  std::size_t offset;  ///< Byte offset of the token in `text`.
  std::size_t length;  ///< The token's length.
};

/// `token` placed in a small, realistic file of syntax `kind`.
[[nodiscard]] embedded_sample embed(std::string_view token, syntax kind);

}  // namespace dtoken

#endif  // DTOKEN_FIXTURES_H
