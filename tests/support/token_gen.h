// RapidCheck generators for tests: valid tokens of every shape, and near-valid mutations of them.
// (The library's own generator, generate.h, is tested against the validator separately; these
// generators are deliberately independent of it.)
#ifndef DTOKEN_TESTS_SUPPORT_TOKEN_GEN_H
#define DTOKEN_TESTS_SUPPORT_TOKEN_GEN_H

#include <rapidcheck.h>

#include <string>
#include <string_view>
#include <vector>

#include "dtoken/token.h"

namespace dtoken::test {

inline std::string_view characters_of(alphabet part) {
  switch (part) {
    case alphabet::upper_alnum:
      return "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    case alphabet::base32:
      return "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    case alphabet::alnum:
      return "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    case alphabet::lower_alnum:
      return "abcdefghijklmnopqrstuvwxyz0123456789";
    case alphabet::lower_hex:
      return "0123456789abcdef";
  }
  return "";
}

inline rc::Gen<std::string> string_of(alphabet part, std::size_t length) {
  const std::string_view chars = characters_of(part);
  return rc::gen::container<std::string>(
      length, rc::gen::elementOf(std::vector<char>(chars.begin(), chars.end())));
}

// Any prefix the documented regex admits: dt0 + letter + two digits.
inline rc::Gen<std::string> any_prefix() {
  return rc::gen::map(rc::gen::pair(rc::gen::elementOf(std::string_view(
                                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")),
                                    rc::gen::inRange(0, 100)),
                      [](const std::pair<char, int>& parts) {
                        std::string prefix = "dt0";
                        prefix += parts.first;
                        prefix += static_cast<char>('0' + parts.second / 10);
                        prefix += static_cast<char>('0' + parts.second % 10);
                        return prefix;
                      });
}

// A token the documented regex matches.
inline rc::Gen<std::string> documented_token() {
  return rc::gen::apply(
      [](const std::string& prefix, const std::string& public_part, const std::string& secret) {
        return prefix + "." + public_part + "." + secret;
      },
      any_prefix(), string_of(alphabet::upper_alnum, 24), string_of(alphabet::upper_alnum, 64));
}

// A valid token of a registered type, in that type's exact shape.
inline rc::Gen<std::string> token_of(const token_type& type) {
  std::vector<std::size_t> lengths;
  for (std::size_t length = 0; length < 32; ++length) {
    if (type.admits_public_length(length)) lengths.push_back(length);
  }
  const std::string prefix(type.prefix);
  const alphabet public_alphabet = type.public_alphabet;
  const alphabet secret_alphabet = type.secret_alphabet;
  return rc::gen::mapcat(rc::gen::elementOf(lengths), [=](std::size_t length) {
    return rc::gen::apply(
        [prefix](const std::string& public_part, const std::string& secret) {
          return prefix + "." + public_part + "." + secret;
        },
        string_of(public_alphabet, length), string_of(secret_alphabet, 64));
  });
}

inline rc::Gen<const token_type*> registered_type() {
  std::vector<const token_type*> types;
  for (const token_type& type : token_types()) types.push_back(&type);
  return rc::gen::elementOf(types);
}

// A token the family profile admits: 8 or 24 alphanumerics, upper-case or lower-hex secret.
inline rc::Gen<std::string> family_token() {
  return rc::gen::apply(
      [](const std::string& prefix, const std::string& public_part, const std::string& secret) {
        return prefix + "." + public_part + "." + secret;
      },
      any_prefix(),
      rc::gen::mapcat(rc::gen::element<std::size_t>(8, 24),
                      [](std::size_t length) { return string_of(alphabet::alnum, length); }),
      rc::gen::oneOf(string_of(alphabet::upper_alnum, 64), string_of(alphabet::lower_hex, 64)));
}

// Bytes that a mutation writes: near misses of every alphabet, separators and binary noise.
inline rc::Gen<char> mutation_byte() {
  return rc::gen::weightedOneOf<char>(
      {{6, rc::gen::elementOf(std::string_view("ABCXYZ01289azfg.-_ dt"))},
       {1, rc::gen::elementOf(std::string_view("\n\r\t\"'=&?%/"))},
       {1, rc::gen::arbitrary<char>()}});
}

// One edit of `text` of the kinds a near miss has: a replaced, inserted or deleted byte, a
// truncation, an extension, a case flip, or a separator moved.
inline std::string mutate(std::string text) {
  const int kind = *rc::gen::inRange(0, 7);
  const std::size_t at = text.empty() ? 0 : *rc::gen::inRange<std::size_t>(0, text.size());
  switch (kind) {
    case 0:
      if (!text.empty()) text[at] = *mutation_byte();
      break;
    case 1:
      text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), *mutation_byte());
      break;
    case 2:
      if (!text.empty()) text.erase(at, 1);
      break;
    case 3:
      text.resize(at);
      break;
    case 4:
      text +=
          *rc::gen::container<std::string>(*rc::gen::inRange<std::size_t>(1, 4), mutation_byte());
      break;
    case 5:
      if (!text.empty()) {
        const char c = text[at];
        if (c >= 'a' && c <= 'z') text[at] = static_cast<char>(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z') text[at] = static_cast<char>(c - 'A' + 'a');
      }
      break;
    default: {
      const std::size_t dot = text.find('.', *rc::gen::inRange<std::size_t>(0, text.size() + 1));
      if (dot != std::string::npos) {
        const std::size_t target = *rc::gen::inRange<std::size_t>(0, text.size());
        text.erase(dot, 1);
        text.insert(
            text.begin() + static_cast<std::ptrdiff_t>(target < text.size() ? target : text.size()),
            '.');
      }
      break;
    }
  }
  return text;
}

// One or two mutations of `text`.
inline std::string near_miss(std::string text) {
  text = mutate(std::move(text));
  if (*rc::gen::inRange(0, 2) == 1) text = mutate(std::move(text));
  return text;
}

// Text with planted tokens of every shape, near misses, glued tokens and newlines. Draws values
// with operator*, so it runs inside a property only.
inline std::string planted_text() {
  std::string text;
  const std::size_t pieces = *rc::gen::inRange<std::size_t>(0, 40);
  for (std::size_t i = 0; i < pieces; ++i) {
    switch (*rc::gen::inRange(0, 6)) {
      case 0:
        text += *documented_token();
        break;
      case 1:
        text += *family_token();
        break;
      case 2:
        text += near_miss(*documented_token());
        break;
      case 3:
        text += *rc::gen::container<std::string>(
            rc::gen::elementOf(std::string_view("ab dt0.\n\"=:XYZ019")));
        break;
      case 4:
        text += '\n';
        break;
      default:
        text += "dt0c01.";
        break;
    }
  }
  return text;
}

}  // namespace dtoken::test

#endif  // DTOKEN_TESTS_SUPPORT_TOKEN_GEN_H
