// Every SIMD kernel this CPU runs agrees with the scalar kernel, and the documented profile's fused
// path agrees with the generic shape check. CI machines have AVX2 and AVX-512; a kernel the CPU
// lacks is reported, not silently passed.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "detail/kernel.h"
#include "detail/shape.h"
#include "dtoken/validate.h"
#include "support/print.h"

namespace dtoken::detail {
namespace {

std::vector<const kernel*> wide_kernels() {
  std::vector<const kernel*> kernels;
  if (const kernel* k = avx2_kernel()) kernels.push_back(k);
  if (const kernel* k = avx512_kernel()) kernels.push_back(k);
  if (const kernel* k = avx512_vbmi_kernel()) kernels.push_back(k);
  return kernels;
}

// Random near-token text: mostly token characters, some separators and noise, so that spans of
// every length occur. The noise holds bytes of 0x80 and more that are token bytes plus 0x80
// ('2', '.', 'A', 'a'), which a lookup by the low 7 bits alone would take for them.
std::string random_text(std::mt19937_64& rng, std::size_t size) {
  using namespace std::string_view_literals;
  static constexpr std::string_view pool =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz234567.-_\0\xff\xb2\xae\xc1\xe1"sv;
  std::string text(size, '\0');
  std::uniform_int_distribution<std::size_t> pick(0, pool.size() - 1);
  std::uniform_int_distribution<int> rare(0, 99);
  for (char& c : text) {
    c = pool[pick(rng) % (rare(rng) < 97 ? 62 : pool.size())];
  }
  return text;
}

std::string random_documented_candidate(std::mt19937_64& rng) {
  // Built with append(): GCC 12 warns falsely (-Wrestrict) on chained operator+ at -O3.
  std::string text = "dt0c01.";
  text.append(random_text(rng, 24)).append(".").append(random_text(rng, 64));
  for (char& c : text) {
    if (c >= 'a' && c <= 'z' && rng() % 8 != 0) c = static_cast<char>(c - 'a' + 'A');
  }
  std::uniform_int_distribution<std::size_t> cut(0, 100);
  text.resize(cut(rng));
  return text;
}

// A candidate for the strict and family profiles: a registered prefix (or, once in eight, any
// "dt0" prefix), a public part of 8 or 24 bytes, a secret in upper case or lower-case hex, mostly
// well formed, cut anywhere.
std::string random_shaped_candidate(std::mt19937_64& rng) {
  const auto& types = token_types();
  std::string text(types[rng() % types.size()].prefix);
  if (rng() % 8 == 0) text[3 + rng() % 3] = random_text(rng, 1)[0];
  const bool lower = rng() % 2 == 0;
  auto part = [&](std::size_t length) {
    std::string bytes = random_text(rng, length);
    for (char& c : bytes) {
      if (rng() % 16 == 0) continue;  // left as drawn: often a byte of another alphabet
      const auto n = static_cast<unsigned>(static_cast<unsigned char>(c));
      c = lower ? "0123456789abcdef"[n % 16] : "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[n % 32];
    }
    return bytes;
  };
  text.append(".").append(part(rng() % 2 == 0 ? 8 : 24)).append(".").append(part(64));
  std::uniform_int_distribution<std::size_t> cut(0, text.size() + 4);
  text.resize(cut(rng), 'Q');
  return text;
}

// `text` with up to `most` - 1 of the `pieces` written over it, at random places.
template <std::size_t Count>
void plant(std::mt19937_64& rng, std::string& text, const std::string_view (&pieces)[Count],
           std::size_t most) {
  for (std::size_t plants = rng() % most; plants > 0; --plants) {
    const std::string_view piece = pieces[rng() % Count];
    if (piece.size() < text.size())
      text.replace(rng() % (text.size() - piece.size()), piece.size(), piece);
  }
}

// `text` at a random alignment, after up to 63 bytes of 'd' and before "t0": a search that read
// past either end would find a start there.
struct padded_text {
  std::string bytes;
  std::size_t pad;
  padded_text(std::mt19937_64& rng, const std::string& text)
      : bytes(std::string(rng() % 64, 'd') + text + "t0"), pad(bytes.size() - text.size() - 2) {}
  [[nodiscard]] const char* data() const { return bytes.data() + pad; }
};

TEST(kernel_test, reports_which_kernels_run_here) {
  std::cout << "kernels on this CPU: scalar";
  for (const kernel* k : wide_kernels()) std::cout << ' ' << k->name;
  std::cout << "; active: " << chosen_kernel().name << '\n';
  EXPECT_FALSE(chosen_kernel().name.empty());
}

TEST(kernel_test, spans_agree_with_scalar) {
  std::mt19937_64 rng(20261128);
  const auto kernels = wide_kernels();
  for (int round = 0; round < 200000; ++round) {
    const std::size_t size = rng() % 65;
    const std::string text = random_text(rng, size);
    for (int a = 0; a <= static_cast<int>(alphabet::lower_hex); ++a) {
      const auto part = static_cast<alphabet>(a);
      const std::size_t expected = scalar_kernel.span(text.data(), size, part);
      for (const kernel* k : kernels) {
        ASSERT_EQ(k->span(text.data(), size, part), expected)
            << k->name << " on \"" << text << "\" alphabet " << to_string(part);
      }
    }
  }
}

TEST(kernel_test, classifications_agree_with_the_byte_classes) {
  constexpr int alphabets = static_cast<int>(alphabet::lower_hex) + 1;
  std::mt19937_64 rng(20261204);
  std::vector<const kernel*> kernels = wide_kernels();
  kernels.push_back(&scalar_kernel);
  for (int round = 0; round < 100000; ++round) {
    const std::size_t size = rng() % 120;
    const std::string text = random_text(rng, size);
    const alphabet_triple parts{static_cast<alphabet>(rng() % alphabets),
                                static_cast<alphabet>(rng() % alphabets),
                                static_cast<alphabet>(rng() % alphabets)};
    position_bits_triple expected{};
    for (std::size_t k = 0; k < parts.size(); ++k) {
      for (std::size_t i = 0; i < std::min<std::size_t>(size, longest_token_length); ++i) {
        if (in_alphabet(parts[k], text[i])) {
          (i < 64 ? expected[k].low : expected[k].high) |= std::uint64_t{1} << (i % 64);
        }
      }
    }
    for (const kernel* k : kernels) {
      position_bits_triple got{};
      k->classify(text.data(), size, parts, got);
      for (std::size_t p = 0; p < parts.size(); ++p) {
        ASSERT_TRUE(got[p].low == expected[p].low && got[p].high == expected[p].high)
            << k->name << " on \"" << text << "\" alphabet " << to_string(parts[p]);
      }
    }
  }
}

TEST(kernel_test, documented_spans_agree_with_scalar) {
  std::mt19937_64 rng(96);
  const auto kernels = wide_kernels();
  for (int round = 0; round < 200000; ++round) {
    const std::string text = random_documented_candidate(rng);
    const std::size_t expected = scalar_kernel.documented_span(text.data(), text.size());
    for (const kernel* k : kernels) {
      ASSERT_EQ(k->documented_span(text.data(), text.size()), expected)
          << k->name << " on \"" << text << "\"";
    }
  }
}

// The search, by its definition: a candidate has "dt0", '.' at 6, an alphanumeric byte at 7, and
// all 8 bytes inside the buffer; with the documented filter, its 96 bytes, when all are inside,
// match the published regex; with the family filter, its prefix is "dt0", a letter and two digits,
// and its 80 bytes (when inside) or its 96 bytes (when inside) are a family token.
std::size_t reference_candidate(std::string_view text, std::size_t from, prefix_filter filter) {
  static const std::regex published{"dt0[a-zA-Z][0-9]{2}\\.[A-Z0-9]{24}\\.[A-Z0-9]{64}"};
  static const std::regex family{
      "dt0[a-zA-Z][0-9]{2}\\.([A-Za-z0-9]{8}|[A-Za-z0-9]{24})\\.([A-Z0-9]{64}|[0-9a-f]{64})"};
  for (std::size_t i = from; i + 8 <= text.size(); ++i) {
    const char c = text[i + 7];
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (text.compare(i, 3, "dt0") != 0 || text[i + 6] != '.' || !alnum) continue;
    if (filter == prefix_filter::none) return i;
    if (filter == prefix_filter::documented) {
      if (text.size() - i < 96 || std::regex_match(std::string(text.substr(i, 96)), published)) {
        return i;
      }
      continue;
    }
    // The prefix's letter and digits are in view: a wrong one is no token, however close the end.
    const auto letter = [](char x) { return (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z'); };
    const auto digit = [](char x) { return x >= '0' && x <= '9'; };
    if (!letter(text[i + 3]) || !digit(text[i + 4]) || !digit(text[i + 5])) continue;
    for (const std::size_t length : {80U, 96U}) {
      if (text.size() - i < length) return i;  // too close to the end to tell
      if (std::regex_match(std::string(text.substr(i, length)), family)) return i;
    }
  }
  return text.size();
}

prefix_filter random_filter(std::mt19937_64& rng) { return static_cast<prefix_filter>(rng() % 3); }

TEST(kernel_test, prefix_searches_and_their_newline_counts_agree_with_a_reference) {
  std::mt19937_64 rng(3);
  const auto kernels = wide_kernels();
  std::string text;
  for (int round = 0; round < 20000; ++round) {
    // Pieces of candidates and near misses, so that partial prefixes abound.
    text.clear();
    while (text.size() < rng() % 300) {
      static constexpr std::string_view pieces[] = {
          "dt0c01.A", "dt0c01.\"", "dt0", "d", "t0", ".", "xx", "dt0s02.z", "\n", "A", "dt0a01.",
          "dt0s01.ST2EY72KQINMH574WMNVI7YN."
          "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM",
          // family tokens: an 8-character public part, a lower-hex secret, and near misses
          "dt0g02.4KWZO5EF.XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E",
          "dt0a01.abc12345.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
          "dt0a01.abc12345.0123456789abcdef0123456789abcdeF0123456789abcdef0123456789abcdef",
          "dt0g02.4KWZO5E.XT47R5DRADJIZUFOX4UDNOKTSUSABGLN7XSMJG7UXHRXKNY4WLORH4OF4T75MG7E"};
      text += pieces[rng() % std::size(pieces)];
    }
    // At every alignment: the kernels read aligned blocks around the text.
    const std::size_t pad = rng() % 64;
    const std::string padded = std::string(pad, 'd') + text + "t0";
    const char* data = padded.data() + pad;
    for (std::size_t from = 0; from <= text.size(); from += 1 + rng() % 40) {
      // The newlines are counted from count_from (at or after from) to count_end (any).
      const std::size_t count_from = std::min(text.size(), from + rng() % 3 * (rng() % 80));
      const std::size_t count_end = count_from + rng() % (text.size() - count_from + 1);
      const prefix_filter filter = random_filter(rng);
      const std::size_t expected = reference_candidate(text, from, filter);
      const std::size_t stop = std::max(count_from, std::min(expected, count_end));
      const std::string_view counted = std::string_view(text).substr(count_from, stop - count_from);
      const std::size_t last_break = counted.rfind('\n');
      std::vector<const kernel*> all = kernels;
      all.push_back(&scalar_kernel);
      for (const kernel* k : all) {
        newline_tally lines{0, 12345};
        ASSERT_EQ(k->find_prefix(data, text.size(), from, count_from, count_end, lines, filter),
                  expected)
            << k->name << " from " << from << " in \"" << text << "\"";
        ASSERT_EQ(lines.count,
                  static_cast<std::size_t>(std::count(counted.begin(), counted.end(), '\n')))
            << k->name << " counting [" << count_from << ", " << stop << ") of \"" << text << "\"";
        ASSERT_EQ(lines.line_start,
                  last_break == std::string_view::npos ? 12345 : count_from + last_break + 1)
            << k->name;
      }
    }
  }
}

// Long texts: the wide kernels' tight loop runs over many blocks, sums its newline counters in
// stretches (254 blocks with AVX-512, 127 with AVX2), and with AVX-512 takes blocks two at a time;
// a candidate, a near miss or a newline may sit anywhere in a stretch, a pair, or the block left
// over.
TEST(kernel_test, prefix_searches_over_long_texts_agree_with_a_reference) {
  std::mt19937_64 rng(11);
  const auto kernels = wide_kernels();
  static constexpr std::string_view planted[] = {
      "dt0c01.A", "dt0c01.\"", "dt0s01.ST2EY72KQINMH574WMNVI7YN.",
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"};
  for (int round = 0; round < 300; ++round) {
    std::string text(rng() % 70000, 'x');
    // Lines of 64 bytes put a newline at the same position of every block, lines of 32 at the
    // same position of every vector of the AVX2 kernel, lines of 1 everywhere: a byte counter
    // that is summed too late wraps.
    static constexpr std::size_t line_lengths[] = {50, 50, 64, 32, 1};
    const std::size_t line_length = line_lengths[rng() % std::size(line_lengths)];
    for (std::size_t i = line_length - 1; i < text.size(); i += line_length) text[i] = '\n';
    plant(rng, text, planted, 4);
    const padded_text padded(rng, text);
    const char* data = padded.data();
    const std::size_t from = text.empty() ? 0 : rng() % (text.size() / 4 + 1);
    const std::size_t count_end = rng() % 4 == 0 ? rng() % (text.size() + 1) : text.size();
    const std::size_t count_from = std::min(from, count_end);
    const prefix_filter filter = random_filter(rng);
    const std::size_t expected = reference_candidate(text, from, filter);
    const std::size_t stop = std::max(count_from, std::min(expected, count_end));
    const std::string_view counted = std::string_view(text).substr(count_from, stop - count_from);
    for (const kernel* k : kernels) {
      newline_tally lines;
      ASSERT_EQ(k->find_prefix(data, text.size(), from, count_from, count_end, lines, filter),
                expected)
          << k->name << " round " << round;
      ASSERT_EQ(lines.count,
                static_cast<std::size_t>(std::count(counted.begin(), counted.end(), '\n')))
          << k->name << " round " << round;
    }
  }
}

// find_prefix_marking: the search of find_prefix (the same start, the same newlines), and every
// pair of encoded_pairs that starts in the blocks it read lies in one of the ranges it marked
// (unless they overflowed, which these texts, with few pairs, must not make them do). Long texts
// of lines, with planted candidates (so that the search stops, and settles blocks at its edges)
// and the pairs' bytes and those plus 0x80 sprinkled, at every alignment.
TEST(kernel_test, marking_searches_mark_every_pair_they_read) {
  std::mt19937_64 rng(12);
  const std::string_view bytes = "HQ0MdD%26\xC8\xD1\xB0\xCD\xE4\xC4\xA5\xB2\xB6";
  static constexpr std::string_view planted[] = {
      "dt0c01.A", "dt0s01.ST2EY72KQINMH574WMNVI7YN.",
      "dt0s01.ST2EY72KQINMH574WMNVI7YN."
      "G3DFPBEJYMODIDAEX454M7YWBUVEFOWKPRVMWFASS64NFH52PX6BNDVFFM572RZM"};
  std::vector<const kernel*> marking;
  for (const kernel* k : wide_kernels()) {
    if (k->find_prefix_marking != nullptr) marking.push_back(k);
  }
  ASSERT_FALSE(marking.empty()) << "no kernel of this CPU marks pairs (AVX-512)";
  std::size_t marked_pairs = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string text(rng() % 20000, 'x');
    for (std::size_t i = 49; i < text.size(); i += 50) text[i] = '\n';
    for (std::size_t sprinkled = rng() % 12; sprinkled > 0 && text.size() > 1; --sprinkled) {
      const std::size_t at = rng() % (text.size() - 1);
      const auto& pair = encoded_pairs[rng() % std::size(encoded_pairs)];
      const bool real = rng() % 2 == 0;
      text[at] = real ? pair[0] : bytes[rng() % bytes.size()];
      text[at + 1] = real ? pair[1] : bytes[rng() % bytes.size()];
    }
    plant(rng, text, planted, 6);
    const padded_text padded(rng, text);
    const char* data = padded.data();
    const std::size_t size = text.size();
    const std::size_t from = text.empty() ? 0 : rng() % size;
    const prefix_filter filter = random_filter(rng);
    for (const kernel* k : marking) {
      newline_tally expected_lines;
      const std::size_t expected =
          k->find_prefix(data, size, from, from, size, expected_lines, filter);
      newline_tally lines;
      pair_ranges pairs;
      ASSERT_EQ(k->find_prefix_marking(data, size, from, from, size, lines, filter, pairs),
                expected)
          << k->name << " round " << round;
      ASSERT_EQ(lines.count, expected_lines.count) << k->name << " round " << round;
      ASSERT_FALSE(pairs.overflow) << k->name << " round " << round;
      // What the search read: from the start of the block of `from` to the end of the block of
      // the start it returned (all, when it returned none).
      const auto into_block =
          static_cast<std::size_t>(reinterpret_cast<std::uintptr_t>(data + from) & 63);
      const std::size_t read_from = from >= into_block ? from - into_block : 0;
      const std::size_t read_to =
          expected == size ? size : std::min(size, expected - ((expected - read_from) % 64) + 64);
      for (std::size_t r = 0; r < pairs.count; ++r) {
        ASSERT_LT(pairs.begins[r], pairs.ends[r]);
        ASSERT_LE(pairs.ends[r], size);
        if (r > 0) {
          ASSERT_GT(pairs.begins[r], pairs.ends[r - 1]);
        }
      }
      for (std::size_t p = read_from; p + 2 <= size && p < read_to; ++p) {
        const bool is_pair = std::any_of(
            std::begin(encoded_pairs), std::end(encoded_pairs),
            [&](const auto& pair) { return text[p] == pair[0] && text[p + 1] == pair[1]; });
        if (!is_pair) continue;
        ++marked_pairs;
        bool marked = false;
        for (std::size_t r = 0; r < pairs.count; ++r) {
          marked = marked || (pairs.begins[r] <= p && p < pairs.ends[r]);
        }
        ASSERT_TRUE(marked) << k->name << " round " << round << ": the pair at " << p;
      }
    }
  }
  EXPECT_GT(marked_pairs, 1000U);  // (the texts did hold pairs to mark)
}

TEST(kernel_test, pair_ranges_merge_in_order_and_overflow_otherwise) {
  pair_ranges pairs;
  pairs.add(64, 128);
  pairs.add(128, 192);  // touching: merged
  pairs.add(100, 150);  // inside: merged
  pairs.add(10, 10);    // empty: nothing
  pairs.add(256, 320);
  ASSERT_EQ(pairs.count, 2U);
  EXPECT_EQ(pairs.begins[0], 64U);
  EXPECT_EQ(pairs.ends[0], 192U);
  EXPECT_EQ(pairs.begins[1], 256U);
  EXPECT_FALSE(pairs.overflow);
  pairs.add(0, 10);  // before the last range, apart from it
  EXPECT_TRUE(pairs.overflow);
  pair_ranges many;
  for (std::size_t k = 0; k <= pair_ranges::capacity; ++k) many.add(100 * k, 100 * k + 10);
  EXPECT_TRUE(many.overflow);
  EXPECT_EQ(many.count, pair_ranges::capacity);
}

TEST(kernel_test, newline_counts_agree_with_scalar) {
  std::mt19937_64 rng(10);
  const auto kernels = wide_kernels();
  for (int round = 0; round < 20000; ++round) {
    std::string text = random_text(rng, rng() % 700);
    for (char& c : text) {
      if (rng() % 9 == 0) c = '\n';
    }
    const std::size_t from = text.empty() ? 0 : rng() % text.size();
    const std::size_t expected =
        scalar_kernel.count_newlines(text.data() + from, text.size() - from);
    ASSERT_EQ(expected, static_cast<std::size_t>(std::count(
                            text.begin() + static_cast<std::ptrdiff_t>(from), text.end(), '\n')));
    for (const kernel* k : kernels) {
      ASSERT_EQ(k->count_newlines(text.data() + from, text.size() - from), expected) << k->name;
    }
  }
}

// find_encoded: the first pair of encoded_pairs, against a plain search of the text; texts made
// of the pairs' bytes, so that hits, near hits and pairs at block edges are frequent, and of
// those bytes plus 0x80 (which share their classes in the VBMI kernel's table lookups).
TEST(kernel_test, encoded_pairs_agree_with_a_plain_search) {
  std::mt19937_64 rng(11);
  const std::string_view bytes = "HQ0MdD%26Zxk\xC8\xD1\xB0\xCD\xE4\xC4\xA5\xB2\xB6";
  const auto kernels = wide_kernels();
  for (int round = 0; round < 20000; ++round) {
    std::string text(rng() % 600, 'a');
    for (char& c : text) {
      if (rng() % 6 == 0) c = bytes[rng() % bytes.size()];
    }
    const std::size_t from = text.empty() ? 0 : rng() % text.size();
    std::size_t expected = text.size();
    for (std::size_t i = from; i + 2 <= text.size() && expected == text.size(); ++i) {
      for (const auto& pair : encoded_pairs) {
        if (text[i] == pair[0] && text[i + 1] == pair[1]) expected = i;
      }
    }
    ASSERT_EQ(scalar_kernel.find_encoded(text.data(), text.size(), from), expected) << text;
    for (const kernel* k : kernels) {
      ASSERT_EQ(k->find_encoded(text.data(), text.size(), from), expected)
          << k->name << ' ' << text;
    }
  }
}

TEST(kernel_test, every_kernel_validates_alike_under_every_profile) {
  std::mt19937_64 rng(7);
  std::vector<const kernel*> kernels = wide_kernels();
  kernels.push_back(&scalar_kernel);
  for (int round = 0; round < 200000; ++round) {
    const std::string text =
        round % 2 == 0 ? random_documented_candidate(rng) : random_shaped_candidate(rng);
    for (std::size_t p = 0; p < profile_count; ++p) {
      const auto rules = static_cast<profile>(p);
      const result expected = validate_generic(text, rules, scalar_kernel);
      for (const kernel* k : kernels) {
        const result got = validate_with(text, rules, *k);
        ASSERT_EQ(got, expected) << k->name << " " << to_string(rules) << " \"" << text << "\" got "
                                 << to_string(got.error) << "@" << got.position << " expected "
                                 << to_string(expected.error) << "@" << expected.position;
        ASSERT_EQ(is_valid_with(text, rules, *k), expected.ok())
            << k->name << " \"" << text << "\"";
      }
    }
  }
}

}  // namespace
}  // namespace dtoken::detail
