#include "dtoken/error.h"

#include <array>

namespace dtoken {
namespace {

struct error_text {
  std::string_view name;
  std::string_view description;
};

// Indexed by the numeric value of error_code: made from the same list as the enum.
constexpr std::array<error_text, error_code_count> error_texts{{
#define DTOKEN_ERROR_TEXT(name, description) {#name, description},
    DTOKEN_ERROR_CODES(DTOKEN_ERROR_TEXT)
#undef DTOKEN_ERROR_TEXT
}};

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
