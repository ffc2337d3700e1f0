// The generic shape check behind every profile: a prefix, then a public part of one of a few
// admissible lengths in one alphabet, then a 64-byte secret in one of up to two alphabets.
#ifndef DTOKEN_DETAIL_SHAPE_H
#define DTOKEN_DETAIL_SHAPE_H

#include <string_view>

#include "detail/kernel.h"
#include "dtoken/error.h"
#include "dtoken/token.h"
#include "dtoken/validate.h"

namespace dtoken::detail {

struct shape {
  std::uint32_t public_length_mask;  // bit L set: L is an admissible public-part length
  alphabet public_alphabet;
  alphabet secret_alphabet;
  alphabet other_secret_alphabet;  // equal to secret_alphabet when there is only one
};

inline constexpr shape documented_shape{1U << documented_public_length, alphabet::upper_alnum,
                                        alphabet::upper_alnum, alphabet::upper_alnum};
inline constexpr shape family_shape{public_length_union, alphabet::alnum, alphabet::upper_alnum,
                                    alphabet::lower_hex};

[[nodiscard]] constexpr shape shape_of(const token_type& type) noexcept {
  return {type.public_length_mask, type.public_alphabet, type.secret_alphabet,
          type.secret_alphabet};
}

// Validates everything after a 6-byte prefix that has already been checked: with one span() call
// per part (validate_generic), or from one classify() of the candidate's bytes (validate()).
[[nodiscard]] result validate_after_prefix(std::string_view candidate, const shape& rules,
                                           const kernel& bytes) noexcept;
[[nodiscard]] result classify_after_prefix(std::string_view candidate, const shape& rules,
                                           const kernel& bytes) noexcept;

// validate() without the documented profile's fused kernel: every profile through the generic
// shape check. Tests compare the two.
[[nodiscard]] result validate_generic(std::string_view candidate, profile rules,
                                      const kernel& bytes) noexcept;

// validate() and is_valid() with a chosen kernel, so that tests can run each kernel.
[[nodiscard]] result validate_with(std::string_view candidate, profile rules,
                                   const kernel& bytes) noexcept;
[[nodiscard]] bool is_valid_with(std::string_view candidate, profile rules,
                                 const kernel& bytes) noexcept;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_SHAPE_H
