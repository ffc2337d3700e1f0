// RapidCheck properties of validation. A failure prints the seed; replay it with
// RC_PARAMS="seed=<seed>".
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

#include "dtoken/validate.h"
#include "support/token_gen.h"

namespace dtoken {
namespace {

// Whether the published regex admits a token of `type`: a 24-character public part, and both
// parts in base32, a subset of the regex's [A-Z0-9].
bool documented_admits(const token_type& type, std::string_view token) {
  return token.size() == 96 && type.public_alphabet == alphabet::base32 &&
         type.secret_alphabet == alphabet::base32;
}

RC_GTEST_PROP(validate_property, registered_tokens_validate_under_every_admitting_profile, ()) {
  const token_type& type = **test::registered_type();
  const std::string token = *test::token_of(type);
  RC_ASSERT(validate(token, profile::strict) == (result{error_code::ok, token.size()}));
  RC_ASSERT(validate(token, profile::family).ok());
  // documented admits the 24-character, upper-case shapes only.
  RC_ASSERT(validate(token, profile::documented).ok() == documented_admits(type, token));
}

RC_GTEST_PROP(validate_property, documented_tokens_validate_under_documented_and_family, ()) {
  const std::string token = *test::documented_token();
  RC_ASSERT(validate(token, profile::documented) == (result{error_code::ok, 96}));
  RC_ASSERT(validate(token, profile::family).ok());
}

RC_GTEST_PROP(validate_property, bool_and_result_forms_agree, ()) {
  const std::string base = *rc::gen::oneOf(test::documented_token(), test::family_token(),
                                           test::token_of(**test::registered_type()));
  const std::string candidate = test::near_miss(base);
  for (std::size_t p = 0; p < profile_count; ++p) {
    const auto rules = static_cast<profile>(p);
    const result got = validate(candidate, rules);
    RC_ASSERT(is_valid(candidate, rules) == got.ok());
    RC_ASSERT(got.position <= candidate.size());
    RC_ASSERT(!got.ok() || got.position == candidate.size());
  }
}

RC_GTEST_PROP(validate_property, parse_and_validate_agree, ()) {
  const std::string candidate = test::near_miss(*test::family_token());
  for (std::size_t p = 0; p < profile_count; ++p) {
    const auto rules = static_cast<profile>(p);
    const parse_result parsed = parse(candidate, rules);
    RC_ASSERT(parsed.status == validate(candidate, rules));
    if (parsed.ok()) {
      RC_ASSERT(std::string(parsed.value.token_id()) + "." +
                    std::string(parsed.value.secret_part) ==
                candidate);
    }
  }
}

RC_GTEST_PROP(validate_property, masked_forms_never_contain_the_secret, ()) {
  const std::string token =
      *rc::gen::oneOf(test::family_token(), test::token_of(**test::registered_type()));
  const parse_result parsed = parse(token, profile::family);
  RC_ASSERT(parsed.ok());
  const std::string hidden = masked(parsed.value);
  RC_ASSERT(hidden.find(parsed.value.secret_part) == std::string::npos);
  RC_ASSERT(hidden.size() == token.size());
  RC_ASSERT(hidden.starts_with(parsed.value.token_id()));
  // Masking leaves no secret character at all, not merely not the whole secret.
  RC_ASSERT(hidden.substr(parsed.value.token_id().size() + 1) == std::string(64, '*'));
}

}  // namespace
}  // namespace dtoken
