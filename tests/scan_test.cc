// The scanner against Boost.Regex iteration over the published regex, and against a brute-force
// scan with the validator, for every chunking of the input.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <array>
#include <boost/regex.hpp>
#include <random>
#include <string>
#include <vector>

#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/scan.h"
#include "support/regex_oracle.h"
#include "support/token_gen.h"

namespace dtoken {
namespace {

struct found_token {
  std::uint64_t offset;
  std::size_t length;
  std::uint64_t line;
  std::uint64_t column;
  bool bounded;
  std::string token;
  bool operator==(const found_token&) const = default;
};

std::ostream& operator<<(std::ostream& out, const found_token& found) {
  return out << "{" << found.offset << "+" << found.length << " " << found.line << ":"
             << found.column << (found.bounded ? " bounded" : "") << "}";
}

// Scans `text` fed in chunks of the given sizes (cycled), and collects the findings.
std::vector<found_token> scan_chunked(std::string_view text, profile rules,
                                      const std::vector<std::size_t>& sizes) {
  std::vector<found_token> found;
  auto collect = [&found](const finding& f) {
    found.push_back({f.offset, f.length, f.line, f.column, f.bounded, std::string(f.token)});
  };
  scanner stream(rules);
  std::size_t at = 0;
  for (std::size_t i = 0; at < text.size(); ++i) {
    const std::size_t size = std::min(sizes[i % sizes.size()], text.size() - at);
    stream.feed(text.substr(at, size), collect);
    at += size;
  }
  stream.finish(collect);
  return found;
}

// Scans `text` in parts cut at `cuts` (sorted, each <= text.size()) with scan_part(), each part
// on its own (as threads would), and numbers them with part_numbering.
std::vector<found_token> scan_in_parts(std::string_view text, profile rules,
                                       std::vector<std::size_t> cuts) {
  cuts.insert(cuts.begin(), 0);
  cuts.push_back(text.size());
  std::vector<std::vector<finding>> parts(cuts.size() - 1);
  std::vector<part_lines> lines(parts.size());
  for (std::size_t k = 0; k < parts.size(); ++k) {
    lines[k] = scan_part(text, cuts[k], cuts[k + 1], rules,
                         [&parts, k](const finding& f) { parts[k].push_back(f); });
  }
  std::vector<found_token> found;
  part_numbering numbering;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    for (finding f : parts[k]) {
      numbering.place(f);
      found.push_back({f.offset, f.length, f.line, f.column, f.bounded, std::string(f.token)});
    }
    numbering.skip(lines[k]);
  }
  return found;
}

// Up to 6 sorted cut points in [0, size].
rc::Gen<std::vector<std::size_t>> cut_points(std::size_t size) {
  return rc::gen::map(
      rc::gen::container<std::vector<std::size_t>>(*rc::gen::inRange<std::size_t>(0, 7),
                                                   rc::gen::inRange<std::size_t>(0, size + 1)),
      [](std::vector<std::size_t> cuts) {
        std::sort(cuts.begin(), cuts.end());
        return cuts;
      });
}

bool alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

found_token expected_at(std::string_view text, std::size_t offset, std::size_t length) {
  std::uint64_t line = 1;
  std::size_t line_begin = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_begin = i + 1;
    }
  }
  const bool bounded = (offset == 0 || !alnum(text[offset - 1])) &&
                       (offset + length == text.size() || !alnum(text[offset + length]));
  return {offset,  length,
          line,    offset - line_begin + 1,
          bounded, std::string(text.substr(offset, length))};
}

// documented: every match of regex iteration over the published regex.
std::vector<found_token> regex_findings(std::string_view text) {
  static const boost::regex published{std::string(test::published_regex)};
  std::vector<found_token> found;
  for (boost::cregex_iterator it(text.data(), text.data() + text.size(), published), end; it != end;
       ++it) {
    found.push_back(expected_at(text, static_cast<std::size_t>(it->position()), 96));
  }
  return found;
}

// strict and family: leftmost, non-overlapping tokens the validator accepts.
std::vector<found_token> brute_force_findings(std::string_view text, profile rules) {
  std::vector<found_token> found;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t length = 0;
    for (const std::size_t candidate : {80U, 96U}) {
      if (at + candidate <= text.size() && validate(text.substr(at, candidate), rules).ok()) {
        length = candidate;
      }
    }
    if (length == 0) {
      ++at;
      continue;
    }
    found.push_back(expected_at(text, at, length));
    at += length;
  }
  return found;
}

const std::vector<std::vector<std::size_t>> chunkings = {
    {1}, {2}, {3}, {63}, {64}, {65}, {4096}, {127, 128, 129, 1, 200}};

RC_GTEST_PROP(scan_property, documented_agrees_with_boost_regex_for_every_chunking, ()) {
  const std::string text = test::planted_text();
  const auto expected = regex_findings(text);
  for (const auto& sizes : chunkings)
    RC_ASSERT(scan_chunked(text, profile::documented, sizes) == expected);
  const std::size_t random_size = *rc::gen::inRange<std::size_t>(1, 300);
  RC_ASSERT(scan_chunked(text, profile::documented, {random_size}) == expected);
  RC_ASSERT(scan_in_parts(text, profile::documented, {}) == expected);
  RC_ASSERT(scan_in_parts(text, profile::documented, *cut_points(text.size())) == expected);
}

RC_GTEST_PROP(scan_property, strict_and_family_agree_with_the_validator, ()) {
  std::string text = test::planted_text();
  text += *test::token_of(**test::registered_type());
  for (const profile rules : {profile::strict, profile::family}) {
    const auto expected = brute_force_findings(text, rules);
    for (const auto& sizes : chunkings) RC_ASSERT(scan_chunked(text, rules, sizes) == expected);
    RC_ASSERT(scan_in_parts(text, rules, *cut_points(text.size())) == expected);
  }
}

TEST(scan_test, parts_number_lines_across_their_borders) {
  // A cut inside a line, right after a '\n', inside a token and right at its start.
  std::array<char, max_token_length> token{};
  const std::size_t length =
      generate(*find_token_type("dt0c01"), token_source::deterministic(1, "parts"), 0, token, true);
  const std::string planted(token.data(), length);
  const std::string text = "one\ntwo " + planted + "\nthree\n\nfour " + planted + " five";
  const auto expected = regex_findings(text);
  ASSERT_EQ(expected.size(), 2U);
  EXPECT_EQ(expected[1].line, 5U);
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    ASSERT_EQ(scan_in_parts(text, profile::documented, {cut}), expected) << "cut at " << cut;
    ASSERT_EQ(scan_in_parts(text, profile::documented, {cut / 2, cut}), expected) << cut;
  }
  const part_lines all =
      scan_part(text, 0, text.size(), profile::documented, [](const finding&) {});
  EXPECT_EQ(all.newlines, 4U);
  EXPECT_EQ(all.last_line_begin, text.find("four"));
}

TEST(scan_test, finds_tokens_in_every_embedding) {
  std::array<char, max_token_length> buffer{};
  for (const token_type& type : token_types()) {
    const std::size_t length =
        generate(type, token_source::deterministic(3, "scan"), 0, buffer, true);
    const std::string token(buffer.data(), length);
    for (std::size_t k = 0; k < syntax_count; ++k) {
      const embedded_sample sample = embed(token, static_cast<syntax>(k));
      const auto found = scan_chunked(sample.text, profile::strict, {7});
      ASSERT_EQ(found.size(), 1U) << sample.text;
      EXPECT_EQ(found[0].offset, sample.offset);
      EXPECT_TRUE(found[0].bounded) << sample.text;
    }
  }
}

TEST(scan_test, a_straddling_token_is_found_once_at_its_offset) {
  const std::string token =
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  const std::string text = std::string(1000, 'x') + "\n" + token + "\n" + token;
  for (std::size_t split = 990; split < 1100; ++split) {
    const auto found = scan_chunked(text, profile::documented, {split, 5000});
    ASSERT_EQ(found.size(), 2U) << split;
    EXPECT_EQ(found[0], expected_at(text, 1001, 96));
    EXPECT_EQ(found[0].line, 2U);
    EXPECT_EQ(found[0].column, 1U);
    EXPECT_TRUE(found[0].bounded);  // a newline on either side
  }
}

TEST(scan_test, reports_token_ids_types_and_glued_tokens) {
  const std::string token =
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM";
  std::vector<std::string> ids;
  std::vector<bool> bounded;
  scan("x" + token + " " + token, profile::documented, [&](const finding& f) {
    ids.emplace_back(f.token_id());
    bounded.push_back(f.bounded);
    EXPECT_NE(f.type, nullptr);
  });
  ASSERT_EQ(ids.size(), 2U);
  EXPECT_EQ(ids[0], "dt0s01.ST2EY72KQINMH574WMNVI7YN");
  EXPECT_FALSE(bounded[0]);  // glued to the 'x' before it
  EXPECT_TRUE(bounded[1]);
}

// finding::parts() splits a found token as parse() does, under every profile and for tokens of
// both public lengths, registered or not.
TEST(scan_test, a_findings_parts_are_those_parse_gives) {
  const std::string text =
      "a=dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM "
      "b=dt0s16.FXTRAAAA.G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM "
      "c=dt0x99.abcdefgh.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  for (std::size_t p = 0; p < profile_count; ++p) {
    const auto rules = static_cast<profile>(p);
    std::size_t count = 0;
    scan(text, rules, [&](const finding& found) {
      ++count;
      const parse_result parsed = parse(found.token, rules);
      ASSERT_TRUE(parsed.ok()) << found.token;
      const token parts = found.parts();
      EXPECT_EQ(parts.text, parsed.value.text);
      EXPECT_EQ(parts.prefix, parsed.value.prefix);
      EXPECT_EQ(parts.public_part, parsed.value.public_part);
      EXPECT_EQ(parts.secret_part, parsed.value.secret_part);
      EXPECT_EQ(parts.type, parsed.value.type);
    });
    EXPECT_GE(count, 1U) << to_string(rules);
  }
}

}  // namespace
}  // namespace dtoken
