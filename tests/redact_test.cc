// The redactor: for every chunking, the output is the input with exactly the found tokens masked,
// checked against Boost.Regex iteration over the published regex.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/regex.hpp>
#include <string>
#include <vector>

#include "dtoken/redact.h"
#include "support/regex_oracle.h"
#include "support/token_gen.h"

namespace dtoken {
namespace {

std::string redacted(std::string_view text, redact_mode mode, std::size_t chunk,
                     std::uint64_t* masked = nullptr) {
  std::string out;
  auto append = [](void* context, std::string_view bytes) noexcept {
    static_cast<std::string*>(context)->append(bytes);
  };
  redactor filter(profile::documented, mode);
  for (std::size_t at = 0; at < text.size(); at += chunk)
    filter.feed(text.substr(at, chunk), append, &out);
  filter.finish(append, &out);
  if (masked != nullptr) *masked = filter.tokens_masked();
  return out;
}

// The input with every regex match masked as `mode` says.
std::string expected_output(std::string_view text, redact_mode mode, std::size_t* count) {
  static const boost::regex published{std::string(test::published_regex)};
  std::string out(text);
  *count = 0;
  for (boost::cregex_iterator it(text.data(), text.data() + text.size(), published), end; it != end;
       ++it) {
    const auto offset = static_cast<std::size_t>(it->position());
    const std::size_t from = mode == redact_mode::mask_token ? offset : offset + 96 - 64;
    for (std::size_t i = from; i < offset + 96; ++i) out[i] = '*';
    ++*count;
  }
  return out;
}

RC_GTEST_PROP(redact_property, masks_exactly_the_found_tokens_for_every_chunking, ()) {
  const std::string text = test::planted_text();
  const auto mode = *rc::gen::element(redact_mode::mask_secret, redact_mode::mask_token);
  std::size_t count = 0;
  const std::string expected = expected_output(text, mode, &count);
  for (const std::size_t chunk :
       {1UL, 2UL, 3UL, 63UL, 64UL, 65UL, 97UL, 4096UL, *rc::gen::inRange<std::size_t>(1, 400)}) {
    std::uint64_t masked = 0;
    RC_ASSERT(redacted(text, mode, chunk, &masked) == expected);
    RC_ASSERT(masked == count);
  }
}

TEST(redact_test, keeps_the_token_id_and_hides_the_secret) {
  const std::string token =
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  const std::string line = "GET /api?Api-Token=" + token + "&x=1\n";
  const std::string out = redacted(line, redact_mode::mask_secret, 5);
  EXPECT_EQ(
      out, "GET /api?Api-Token=dt0s01.ST2EY72KQINMH574WMNVI7YN." + std::string(64, '*') + "&x=1\n");
  EXPECT_EQ(redacted(line, redact_mode::mask_token, 1000),
            "GET /api?Api-Token=" + std::string(96, '*') + "&x=1\n");
}

TEST(redact_test, many_tokens_in_one_chunk) {
  // Regression guard: every token of a large chunk is masked, not only the first few.
  const std::string token =
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  std::string text;
  for (int i = 0; i < 1000; ++i) text += token + "\n";
  std::uint64_t masked = 0;
  const std::string out = redacted(text, redact_mode::mask_secret, text.size(), &masked);
  EXPECT_EQ(masked, 1000U);
  EXPECT_EQ(out.find("G3DFPBEJ"), std::string::npos);
  EXPECT_EQ(out.size(), text.size());
}

TEST(redact_test, modes_have_names) {
  EXPECT_EQ(redact_mode_from_string(to_string(redact_mode::mask_token)), redact_mode::mask_token);
  EXPECT_EQ(redact_mode_from_string("digest"), std::nullopt);
}

}  // namespace
}  // namespace dtoken
