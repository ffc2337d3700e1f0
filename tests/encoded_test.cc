// Tokens in base64 and percent-encoding (scan_encoded_part, mask_encoded), against encoders written
// here from RFC 4648 and RFC 3986 (independent of the library's decoder): a token encoded at any
// alignment, in either alphabet, padded or not, between any bytes, is found once with its run;
// parts find what the whole scan finds; mask_encoded masks exactly the run and keeps plain tokens.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "dtoken/redact.h"
#include "dtoken/scan.h"
#include "support/base64.h"
#include "support/token_gen.h"

namespace {

using dtoken::encoding;
using dtoken::finding;
using dtoken::profile;
using dtoken::test::base64;

std::string percent(std::string_view token, bool every_byte, bool lower_hex) {
  const char* digits = lower_hex ? "0123456789abcdef" : "0123456789ABCDEF";
  std::string out;
  for (const char c : token) {
    if (every_byte || c == '.') {
      out += '%';
      out += digits[static_cast<unsigned char>(c) >> 4];
      out += digits[static_cast<unsigned char>(c) & 15];
    } else {
      out += c;
    }
  }
  return out;
}

struct hit {
  std::uint64_t offset;
  std::size_t length;
  std::string token;
  encoding kind;
  std::uint64_t line;
  std::uint64_t column;
  bool bounded;
  bool operator==(const hit&) const = default;
};

hit hit_of(const finding& found) {
  return {found.offset, found.length, std::string(found.token), found.encoded, found.line,
          found.column, found.bounded};
}

std::vector<hit> encoded(std::string_view text, std::size_t begin, std::size_t end,
                         profile rules = profile::family) {
  std::vector<hit> hits;
  dtoken::scan_encoded_part(text, begin, end, rules,
                            [&](const finding& found) { hits.push_back(hit_of(found)); });
  return hits;
}

// Bytes that end a base64 run (and are no part of a token), for the text around one.
rc::Gen<std::string> separator() {
  return rc::gen::container<std::string>(rc::gen::elementOf(std::string_view(" :\"'\n,;{}[]")));
}

}  // namespace

RC_GTEST_PROP(encoded_property, a_base64_token_is_found_at_any_alignment_with_its_run, ()) {
  const std::string token = *dtoken::test::family_token();
  const auto before = *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(0, 7),
                                                       rc::gen::arbitrary<char>());
  const auto after = *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(0, 7),
                                                      rc::gen::arbitrary<char>());
  const bool url_safe = *rc::gen::arbitrary<bool>();
  const std::string run = base64(before + token + after, url_safe, *rc::gen::arbitrary<bool>());
  const std::string head = *separator() + "x:";
  const std::string text = head + " " + run + *rc::gen::nonEmpty(separator());
  const std::vector<hit> hits = encoded(text, 0, text.size());
  RC_ASSERT(hits.size() == 1U);
  RC_ASSERT(hits[0].token == token);
  RC_ASSERT(hits[0].kind == encoding::base64);
  RC_ASSERT(hits[0].offset == head.size() + 1);
  RC_ASSERT(hits[0].length == run.size());
  const std::size_t line_begin = text.rfind('\n', head.size()) + 1;  // (npos + 1 is 0)
  RC_ASSERT(hits[0].column == head.size() + 1 - line_begin + 1);
  RC_ASSERT(hits[0].line ==
            1 + static_cast<std::uint64_t>(std::count(
                    text.begin(), text.begin() + static_cast<std::ptrdiff_t>(head.size()), '\n')));
}

RC_GTEST_PROP(encoded_property, a_percent_encoded_token_is_found_with_its_encoded_bytes, ()) {
  const std::string token = *dtoken::test::family_token();
  const std::string written =
      percent(token, *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>());
  const std::string text = "GET /x?a=1&token=" + written + "&b=2 HTTP/1.1\n";
  const std::vector<hit> hits = encoded(text, 0, text.size());
  RC_ASSERT(hits.size() == 1U);
  RC_ASSERT(hits[0].token == token);
  RC_ASSERT(hits[0].kind == encoding::percent);
  RC_ASSERT(hits[0].offset == 17U);
  RC_ASSERT(hits[0].length == written.size());
}

// Parts (as dtoken scan cuts a file among threads) report what one scan of the whole does.
RC_GTEST_PROP(encoded_property, parts_find_what_the_whole_scan_finds, ()) {
  std::string text;
  const int tokens = *rc::gen::inRange(0, 5);
  for (int k = 0; k < tokens; ++k) {
    const std::string token = *dtoken::test::family_token();
    text += *separator() + "k: ";
    text += *rc::gen::arbitrary<bool>()
                ? base64(*rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(0, 3),
                                                          rc::gen::arbitrary<char>()) +
                             token,
                         false, true)
                : percent(token, false, false);
    text += "\n";
  }
  std::vector<hit> whole = encoded(text, 0, text.size());
  RC_ASSERT(whole.size() == static_cast<std::size_t>(tokens));
  const std::size_t cut = *rc::gen::inRange<std::size_t>(0, text.size() + 1);
  std::vector<hit> parts = encoded(text, 0, cut);
  for (hit& h : encoded(text, cut, text.size())) parts.push_back(h);
  // (lines and columns of the second part count from the cut: compare where, what and how)
  RC_ASSERT(parts.size() == whole.size());
  for (std::size_t k = 0; k < whole.size(); ++k) {
    RC_ASSERT(parts[k].offset == whole[k].offset);
    RC_ASSERT(parts[k].length == whole[k].length);
    RC_ASSERT(parts[k].token == whole[k].token);
  }
}

RC_GTEST_PROP(encoded_property, mask_encoded_masks_the_run_and_keeps_glued_plain_tokens, ()) {
  const std::string hidden = *dtoken::test::family_token();
  const std::string plain = *dtoken::test::family_token();
  const std::string run = base64(hidden, *rc::gen::arbitrary<bool>(), false);
  const bool glued = *rc::gen::arbitrary<bool>();
  std::string text = "data: " + run + (glued ? "" : " ") + plain + "\n";
  const std::string original = text;
  RC_ASSERT(dtoken::mask_encoded(text, profile::family) == 1U);
  RC_ASSERT(text.size() == original.size());
  RC_ASSERT(encoded(text, 0, text.size()).empty());
  std::vector<std::string> found;
  dtoken::scan(text, profile::family, [&](const finding& f) { found.emplace_back(f.token); });
  RC_ASSERT(found == std::vector<std::string>{plain});
  for (std::size_t k = 0; k < text.size(); ++k) {
    const bool in_run = k >= 6 && k < 6 + run.size();
    const std::size_t plain_at = original.find(plain);
    const bool in_plain = k >= plain_at && k < plain_at + plain.size();
    if (in_run && !in_plain) RC_ASSERT(text[k] == '*');
    if (!in_run || in_plain) RC_ASSERT(text[k] == original[k]);
  }
}

namespace {

// Lines of filler (full of the bytes of the pairs that mark an encoded "dt0", so that most pairs
// anchor nothing), plain tokens, and tokens in base64 and percent-encoding: kilobytes, so that
// the kernel's search runs whole blocks, stops at candidates and skips tokens.
std::string mixed_text() {
  std::string text;
  const int pieces = *rc::gen::inRange(1, 60);
  for (int k = 0; k < pieces; ++k) {
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        text += "plain: " + *dtoken::test::family_token() + *separator();
        break;
      case 1:
        text += "b64: " +
                base64(*rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(0, 3),
                                                        rc::gen::arbitrary<char>()) +
                           *dtoken::test::family_token(),
                       *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()) +
                "\n";
        break;
      case 2:
        text +=
            "url: " + percent(*dtoken::test::family_token(), *rc::gen::arbitrary<bool>(), false) +
            "&x\n";
        break;
      default:
        text += *rc::gen::container<std::string>(
            *rc::gen::inRange<std::size_t>(0, 700),
            rc::gen::elementOf(std::string_view("xyz0123 HQ0MdD%26ZR.kdw\n\xC8\xB2")));
    }
  }
  return text;
}

}  // namespace

// scan_part_with_encoded() gives what scan_part() and then scan_encoded_part() give, finding for
// finding (lines, columns and all), whether or not the kernel marks pairs as it searches.
RC_GTEST_PROP(encoded_property, one_call_finds_what_the_plain_and_encoded_scans_find, ()) {
  const std::string text = mixed_text();
  const std::size_t begin = *rc::gen::inRange<std::size_t>(0, text.size() / 2 + 1);
  const std::size_t end = *rc::gen::inRange<std::size_t>(begin, text.size() + 1);
  const profile rules =
      *rc::gen::element(profile::family, profile::family, profile::documented, profile::strict);
  std::vector<hit> two_calls;
  std::vector<hit> one_call;
  const auto into = [](std::vector<hit>& hits) {
    return [&hits](const finding& found) { hits.push_back(hit_of(found)); };
  };
  const dtoken::part_lines expected_lines =
      dtoken::scan_part(text, begin, end, rules, into(two_calls));
  dtoken::scan_encoded_part(text, begin, end, rules, into(two_calls));
  const dtoken::part_lines lines =
      dtoken::scan_part_with_encoded(text, begin, end, rules, into(one_call));
  RC_ASSERT(one_call == two_calls);
  RC_ASSERT(lines.newlines == expected_lines.newlines);
  RC_ASSERT(lines.last_line_begin == expected_lines.last_line_begin);
  RC_TAG(std::any_of(two_calls.begin(), two_calls.end(),
                     [](const hit& h) { return h.kind != encoding::none; })
             ? "encoded findings"
             : "no encoded finding");
}

TEST(encoded_test, no_token_no_finding) {
  // base64 of near misses and of plain words, and '%2E' without a token
  const std::string text =
      base64("dt0c01.XXXX.YYYY", false, true) + " " +
      base64("dt0c01.ABCDEFGH!JKLMNOPQRSTUVWX." + std::string(64, 'A'), false, true) +
      " ZHQwYzAx R0M kdDB %2E dt0c01%2Eshort %64%74%30\n";
  EXPECT_TRUE(encoded(text, 0, text.size()).empty());
}

TEST(encoded_test, a_token_in_a_dockerconfigjson_and_basic_credentials) {
  const std::string token =
      "dt0c01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  const std::string config =
      R"({"auths":{"registry.example":{"username":"tenant","password":")" + token + R"("}}})";
  const std::string secret = "data:\n  .dockerconfigjson: " + base64(config, false, true) + "\n";
  const std::vector<hit> in_secret = encoded(secret, 0, secret.size());
  ASSERT_EQ(in_secret.size(), 1U);
  EXPECT_EQ(in_secret[0].token, token);
  EXPECT_EQ(in_secret[0].line, 2U);
  EXPECT_EQ(in_secret[0].column, 22U);
  const std::string header =
      "Authorization: Basic " + base64("tenant:" + token, false, true) + "\r\n";
  const std::vector<hit> in_header = encoded(header, 0, header.size());
  ASSERT_EQ(in_header.size(), 1U);
  EXPECT_EQ(in_header[0].offset, 21U);
  EXPECT_EQ(in_header[0].length, base64("tenant:" + token, false, true).size());
  EXPECT_EQ(dtoken::to_string(encoding::base64), "base64");
  EXPECT_EQ(dtoken::to_string(encoding::percent), "percent");
}
