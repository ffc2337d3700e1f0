// The committed vectors/ against the library: every vector gets exactly its expected verdict.
// (Regeneration byte for byte and the JSON Schemas are checked by vectors/regenerate.sh and
// vectors/check_schemas.py.)
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/redact.h"
#include "dtoken/scan.h"
#include "dtoken/validate.h"
#include "support/print.h"

namespace dtoken {
namespace {

std::vector<boost::json::object> read_lines(const std::string& name) {
  std::ifstream in(std::string(DTOKEN_VECTORS_DIR) + "/" + name);
  EXPECT_TRUE(in) << "cannot read " << name;
  std::vector<boost::json::object> records;
  std::string line;
  while (std::getline(in, line)) records.push_back(boost::json::parse(line).as_object());
  EXPECT_FALSE(records.empty()) << name;
  return records;
}

std::string text(const boost::json::value& value) { return std::string(value.as_string()); }

result expected_of(const boost::json::object& verdict) {
  const bool valid = verdict.at("valid").as_bool();
  const auto position = static_cast<std::size_t>(verdict.at("position").as_int64());
  if (valid) return {error_code::ok, position};
  return {*error_code_from_string(text(verdict.at("error"))), position};
}

constexpr profile all_profiles[] = {profile::documented, profile::strict, profile::family};

TEST(vectors_test, valid_tokens) {
  for (const auto& record : read_lines("valid.jsonl")) {
    const std::string token = text(record.at("token"));
    SCOPED_TRACE(token);
    for (const profile rules : all_profiles) {
      EXPECT_EQ(is_valid(token, rules), record.at(to_string(rules)).as_bool()) << to_string(rules);
    }
    const parse_result parsed = parse(token, profile::strict);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value.prefix, text(record.at("type")));
    EXPECT_EQ(parsed.value.token_id(), text(record.at("token_id")));
    EXPECT_EQ(parsed.value.public_part, text(record.at("public_part")));
    EXPECT_TRUE(is_marked_fixture(parsed.value));
    if (!record.at("client_id").is_null()) {
      EXPECT_TRUE(parsed.value.type->has_client_id_form);
      EXPECT_EQ(text(record.at("client_id")), parsed.value.token_id());
    }
  }
}

TEST(vectors_test, invalid_candidates) {
  std::set<std::string> codes;
  for (const auto& record : read_lines("invalid.jsonl")) {
    const std::string candidate = text(record.at("candidate"));
    const profile rules = *profile_from_string(text(record.at("profile")));
    const result expected{*error_code_from_string(text(record.at("error"))),
                          static_cast<std::size_t>(record.at("position").as_int64())};
    EXPECT_EQ(validate(candidate, rules), expected)
        << to_string(rules) << " \"" << candidate << "\"";
    codes.insert(text(record.at("error")));
  }
  // Every code but ok and the two legacy ones.
  EXPECT_EQ(codes.size(), error_code_count - 3);
}

TEST(vectors_test, legacy_candidates) {
  for (const auto& record : read_lines("legacy.jsonl")) {
    const std::string candidate = text(record.at("candidate"));
    EXPECT_EQ(validate_legacy(candidate), expected_of(record)) << candidate;
  }
}

TEST(vectors_test, near_misses) {
  for (const auto& record : read_lines("near_misses.jsonl")) {
    const std::string candidate = text(record.at("candidate"));
    for (const profile rules : all_profiles) {
      EXPECT_EQ(validate(candidate, rules), expected_of(record.at(to_string(rules)).as_object()))
          << to_string(rules) << " \"" << candidate << "\"";
    }
  }
}

// Every (offset, length) at which some token valid under `rules` stands in `content`.
std::set<std::pair<std::size_t, std::size_t>> brute_force_scan(std::string_view content,
                                                               profile rules) {
  std::set<std::pair<std::size_t, std::size_t>> found;
  for (std::size_t offset = 0; offset < content.size(); ++offset) {
    for (const std::size_t length : {80U, 96U}) {
      // (substr would clamp a length that runs past the end to a shorter, perhaps valid, token)
      if (offset + length <= content.size() && is_valid(content.substr(offset, length), rules)) {
        found.insert({offset, length});
      }
    }
  }
  return found;
}

TEST(vectors_test, scanner_fixtures_and_redaction_cases) {
  const auto samples = read_lines("scanner.jsonl");
  std::map<std::string, boost::json::array> findings_of;  // by text
  for (const auto& sample : samples) {
    const std::string content = text(sample.at("text"));
    SCOPED_TRACE(text(sample.at("syntax")) + " " +
                 text(sample.contains("case") ? sample.at("case") : sample.at("type")));
    findings_of[content] = sample.at("findings").as_array();
    for (const profile rules : all_profiles) {
      std::set<std::pair<std::size_t, std::size_t>> expected;
      for (const auto& finding : sample.at("findings").as_array()) {
        const auto& fields = finding.as_object();
        std::set<std::string> profiles;
        for (const auto& name : fields.at("profiles").as_array()) profiles.insert(text(name));
        if (!profiles.contains(std::string(to_string(rules)))) continue;
        const auto offset = static_cast<std::size_t>(fields.at("offset").as_int64());
        const auto length = static_cast<std::size_t>(fields.at("length").as_int64());
        expected.insert({offset, length});
        EXPECT_EQ(parse(content.substr(offset, length), rules).value.token_id(),
                  text(fields.at("token_id")));
      }
      EXPECT_EQ(brute_force_scan(content, rules), expected) << to_string(rules);
      std::set<std::pair<std::size_t, std::size_t>> scanned;
      scan(content, rules, [&scanned](const finding& found) {
        scanned.insert({static_cast<std::size_t>(found.offset), found.length});
      });
      EXPECT_EQ(scanned, expected) << "scanner, " << to_string(rules);
    }
  }

  for (const auto& redaction : read_lines("redaction.jsonl")) {
    const std::string input = text(redaction.at("input"));
    const std::string output = text(redaction.at("output"));
    const auto mode = redact_mode_from_string(text(redaction.at("mode")));
    ASSERT_TRUE(mode.has_value());
    ASSERT_TRUE(findings_of.contains(input)) << "a redaction case of no scanner text";
    // The redactor (strict profile) gives exactly the expected output.
    EXPECT_EQ(redact(input, profile::strict, *mode), output) << text(redaction.at("mode"));
    if (*mode == redact_mode::digest) continue;
    // The masking modes change only the bytes of the tokens' secrets (or whole tokens): to '*'.
    ASSERT_EQ(output.size(), input.size());
    std::string expected = input;
    for (const auto& finding : findings_of[input]) {
      const auto& fields = finding.as_object();
      bool strict = false;
      for (const auto& name : fields.at("profiles").as_array()) strict |= text(name) == "strict";
      if (!strict) continue;
      const auto offset = static_cast<std::size_t>(fields.at("offset").as_int64());
      const auto length = static_cast<std::size_t>(fields.at("length").as_int64());
      const std::size_t begin =
          *mode == redact_mode::mask_token ? offset : offset + length - secret_length;
      expected.replace(begin, offset + length - begin, offset + length - begin, '*');
    }
    EXPECT_EQ(output, expected) << text(redaction.at("mode"));
  }
}

}  // namespace
}  // namespace dtoken
