// The reference for validate(): Boost.Regex on the published regex (and on the equivalent regexes
// of the strict and family profiles), including an independent computation of `position` by
// partial matching.
#ifndef DTOKEN_TESTS_SUPPORT_REGEX_ORACLE_H
#define DTOKEN_TESTS_SUPPORT_REGEX_ORACLE_H

#include <boost/regex.hpp>
#include <string>
#include <string_view>

#include "dtoken/token.h"
#include "dtoken/validate.h"

namespace dtoken::test {

inline constexpr std::string_view published_regex =
    R"(dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64})";

inline constexpr std::string_view family_regex =
    R"(dt0[a-zA-Z][0-9]{2}\.(?:[A-Za-z0-9]{8}|[A-Za-z0-9]{24})\.(?:[A-Z0-9]{64}|[0-9a-f]{64}))";

// strict: the alternation of every registered type's exact shape.
inline std::string strict_regex() {
  std::string pattern = "(?:";
  bool first = true;
  for (const token_type& type : token_types()) {
    for (std::size_t length = 0; length < 32; ++length) {
      if (!type.admits_public_length(length)) continue;
      if (!first) pattern += '|';
      first = false;
      pattern += std::string(type.prefix) + R"(\.)" + std::string(to_string(type.public_alphabet)) +
                 "{" + std::to_string(length) + R"(}\.)" +
                 std::string(to_string(type.secret_alphabet)) + "{64}";
    }
  }
  return pattern + ")";
}

class regex_oracle {
 public:
  explicit regex_oracle(profile rules)
      : pattern_(rules == profile::documented ? std::string(published_regex)
                 : rules == profile::family   ? std::string(family_regex)
                                              : strict_regex()) {}

  // Whether the regex matches all of `text`.
  [[nodiscard]] bool matches(std::string_view text) const {
    return boost::regex_match(text.begin(), text.end(), pattern_);
  }

  // The length of the longest prefix of `text` that some match of the regex starts with, found
  // by bisection: "is a prefix of a match" is closed under taking prefixes.
  [[nodiscard]] std::size_t viable_prefix(std::string_view text) const {
    std::size_t low = 0;  // the empty string is a prefix of every match
    std::size_t high = text.size();
    while (low < high) {
      const std::size_t mid = (low + high + 1) / 2;
      if (is_viable(text.substr(0, mid))) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    return low;
  }

 private:
  [[nodiscard]] bool is_viable(std::string_view prefix) const {
    boost::match_results<std::string_view::const_iterator> match;
    return boost::regex_match(prefix.begin(), prefix.end(), match, pattern_,
                              boost::match_default | boost::match_partial);
  }

  boost::regex pattern_;
};

}  // namespace dtoken::test

#endif  // DTOKEN_TESTS_SUPPORT_REGEX_ORACLE_H
