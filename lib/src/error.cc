#include "dtoken/error.h"

#include <array>

namespace dtoken {
namespace {

struct error_text {
  std::string_view name;
  std::string_view description;
};

// Indexed by the numeric value of error_code; the static_assert below keeps the two in step.
constexpr std::array<error_text, error_code_count> error_texts{{
    {"ok", "the candidate is a valid token"},
    {"empty_input", "the candidate is empty"},
    {"bad_prefix", "a token starts with \"dt0\""},
    {"bad_type_letter", "byte 3, the type letter, must be an ASCII letter"},
    {"bad_type_digits", "bytes 4 and 5, the type digits, must be ASCII digits"},
    {"unknown_type", "the prefix names no known token type"},
    {"truncated_prefix", "the candidate ends inside the 6-byte prefix"},
    {"missing_separator", "a '.' must follow the prefix and the public part"},
    {"public_part_too_short", "the public part is shorter than an admissible length"},
    {"public_part_too_long", "the public part is longer than its longest admissible length"},
    {"bad_public_character", "a byte of the public part is outside the allowed alphabet"},
    {"secret_too_short", "the candidate ends before the 64-character secret part is complete"},
    {"bad_secret_character", "a byte of the secret part is outside the allowed alphabet"},
    {"secret_too_long", "the secret part is longer than 64 characters"},
    {"trailing_data", "a complete token is followed by further bytes"},
    {"non_base32_character", "'0', '1', '8' or '9' where this token type uses base32 (A-Z, 2-7)"},
    {"legacy_bad_character", "a legacy token has only the characters A-Z a-z 0-9 _ -"},
    {"legacy_too_short", "a legacy token has 21 characters"},
}};
static_assert(static_cast<std::size_t>(error_code::legacy_too_short) + 1 == error_code_count);

}  // namespace

std::string_view to_string(error_code code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < error_texts.size() ? error_texts[index].name : std::string_view("unknown_error");
}

std::string_view describe(error_code code) noexcept {
  const auto index = static_cast<std::size_t>(code);
  return index < error_texts.size() ? error_texts[index].description
                                    : std::string_view("unknown error");
}

std::optional<error_code> error_code_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < error_texts.size(); ++i) {
    if (error_texts[i].name == name) return static_cast<error_code>(i);
  }
  return std::nullopt;
}

}  // namespace dtoken
