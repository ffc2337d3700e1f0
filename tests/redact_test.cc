// The redactor: for every chunking, the output is the input with exactly the found tokens masked,
// checked against Boost.Regex iteration over the published regex.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <openssl/evp.h>

#include <array>
#include <boost/regex.hpp>
#include <cstdio>
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
  const auto append = [&out](std::string_view bytes) noexcept { out.append(bytes); };
  redactor filter(profile::documented, mode);
  for (std::size_t at = 0; at < text.size(); at += chunk)
    filter.feed(text.substr(at, chunk), append);
  filter.finish(append);
  if (masked != nullptr) *masked = filter.tokens_masked();
  return out;
}

// "sha256:" and the first 16 hex digits of SHA-256(token), computed here with OpenSSL's streaming
// interface, apart from the library's one-shot call.
std::string digest_of(std::string_view token) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::array<unsigned char, EVP_MAX_MD_SIZE> hash{};
  unsigned int size = 0;
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  for (const char byte : token) EVP_DigestUpdate(context, &byte, 1);
  EVP_DigestFinal_ex(context, hash.data(), &size);
  EVP_MD_CTX_free(context);
  char hex[3];
  std::string out = "sha256:";
  for (std::size_t i = 0; i < 8; ++i) {
    std::snprintf(hex, sizeof hex, "%02x", hash[i]);
    out += hex;
  }
  return out;
}

// The input with every regex match masked as `mode` says.
std::string expected_output(std::string_view text, redact_mode mode, std::size_t* count) {
  static const boost::regex published{std::string(test::published_regex)};
  std::string out;
  std::size_t copied = 0;
  *count = 0;
  for (boost::cregex_iterator it(text.data(), text.data() + text.size(), published), end; it != end;
       ++it) {
    const auto offset = static_cast<std::size_t>(it->position());
    const std::size_t from = mode == redact_mode::mask_token ? offset : offset + 96 - 64;
    out.append(text.substr(copied, from - copied));
    out.append(mode == redact_mode::digest ? digest_of(text.substr(offset, 96))
                                           : std::string(offset + 96 - from, '*'));
    copied = offset + 96;
    ++*count;
  }
  out.append(text.substr(copied));
  return out;
}

RC_GTEST_PROP(redact_property, masks_exactly_the_found_tokens_for_every_chunking, ()) {
  const std::string text = test::planted_text();
  const auto mode =
      *rc::gen::element(redact_mode::mask_secret, redact_mode::mask_token, redact_mode::digest);
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
  // The digest is SHA-256 of the whole token, as Python's hashlib.sha256 gives it.
  EXPECT_EQ(redacted(line, redact_mode::digest, 7),
            "GET /api?Api-Token=dt0s01.ST2EY72KQINMH574WMNVI7YN.sha256:9154e2e6fbfb1e50&x=1\n");
}

// An empty view (whose data() is null) is a chunk like any other: nothing to do, no undefined
// behaviour (fuzz_json_bodies found a null pointer passed to memcpy, under UBSan).
TEST(redact_test, an_empty_chunk_with_a_null_pointer_is_nothing) {
  const std::string token =
      "dt0c01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  std::string out;
  redactor filter(profile::documented, redact_mode::mask_secret);
  const auto append = [&out](std::string_view bytes) noexcept { out.append(bytes); };
  filter.feed(std::string_view{}, append);
  filter.feed(token.substr(0, 40), append);
  filter.feed(std::string_view{}, append);
  filter.feed(token.substr(40), append);
  filter.finish(append);
  EXPECT_EQ(out, token.substr(0, 32) + std::string(64, '*'));
  EXPECT_EQ(redact(std::string_view{}), "");
}

// The one-shot redact() writes what a redactor fed the whole text writes, in every mode and
// profile.
TEST(redact_test, the_one_shot_call_is_the_redactor_in_one_chunk) {
  const std::string text =
      "a "
      "dt0c01.ST2EY72KQINMH574WMNVI7YN.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM5"
      "72RZM b dt0g02.FXTREPTW.YHSNBIL4GECFKQI2QTJ5HRE2YA3HBMUETATAJQA2O5JIWUI2AE5F5W3DN5OSRTEC c";
  for (const redact_mode mode :
       {redact_mode::mask_secret, redact_mode::mask_token, redact_mode::digest}) {
    EXPECT_EQ(redact(text, profile::documented, mode), redacted(text, mode, text.size()));
  }
  EXPECT_EQ(redact(text, profile::family), text.substr(0, 34) + std::string(64, '*') +
                                               text.substr(98, 19) + std::string(64, '*') + " c");
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
  EXPECT_EQ(redact_mode_from_string(to_string(redact_mode::digest)), redact_mode::digest);
  EXPECT_EQ(redact_mode_from_string("hash"), std::nullopt);
}

}  // namespace
}  // namespace dtoken
