// ApiToken JSON written straight (append_api_token, append_json_string) is byte for byte what
// Boost.JSON serializes for the same object, for any field set and hostile text.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <random>

#include "token_bodies.h"

namespace dtoken::mock {
namespace {

namespace json = boost::json;

// The ApiToken of `record` with the fields of `mask`, built as a Boost.JSON tree.
json::object reference(const token_record& record, field_mask mask) {
  const auto want = [&](unsigned bit) { return (mask >> bit & 1U) != 0; };
  json::object out;
  out["id"] = record.id;
  if (want(1)) out["name"] = record.name;
  if (want(2)) out["enabled"] = record.enabled;
  if (want(3)) out["personalAccessToken"] = record.personal_access_token;
  if (want(4)) out["owner"] = record.owner;
  if (want(5)) out["creationDate"] = format_date(record.creation);
  if (want(6) && record.expiration) out["expirationDate"] = format_date(*record.expiration);
  if (want(7) && record.last_used) out["lastUsedDate"] = format_date(*record.last_used);
  if (want(8) && !record.last_used_ip.empty()) out["lastUsedIpAddress"] = record.last_used_ip;
  if (want(9) && record.modified) out["modifiedDate"] = format_date(*record.modified);
  if (want(10)) {
    json::array scopes;
    for (const std::string_view scope : record.scopes) scopes.emplace_back(scope);
    out["scopes"] = std::move(scopes);
  }
  if (want(11)) out["additionalMetadata"] = json::object();
  return out;
}

TEST(token_json_test, written_json_is_what_boost_json_serializes) {
  std::mt19937_64 random(7);
  // Pieces of text: plain, escaped, control characters, and whole UTF-8 sequences.
  const std::vector<std::string> pieces = {"a",
                                           "Z",
                                           "0",
                                           " ",
                                           "\"",
                                           "\\",
                                           "/",
                                           "\b",
                                           "\f",
                                           "\n",
                                           "\r",
                                           "\t",
                                           std::string(1, '\0'),
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           "\xc3\xa9",
                                           "\xe2\x82\xac",
                                           "abcdefghij"};
  const auto text = [&](std::size_t length) {
    std::string out;
    for (std::size_t i = 0; i < length; ++i) out += pieces[random() % pieces.size()];
    return out;
  };

  for (int round = 0; round < 2000; ++round) {
    token_record record;
    record.id = "dt0c01." + text(random() % 30);
    record.name = text(random() % 40);
    record.owner = text(random() % 10);
    record.enabled = (random() & 1) != 0;
    record.personal_access_token = (random() & 1) != 0;
    record.creation = static_cast<millis>(random() % 4'000'000'000'000ULL);
    if (random() & 1) record.expiration = record.creation + 1000;
    if (random() & 1) record.last_used = record.creation + 5;
    if (random() & 1) record.modified = record.creation + 7;
    if (random() & 1) record.last_used_ip = "10.0.0." + std::to_string(random() % 256);
    record.scopes = scope_list::of({"metrics.read", "apiTokens.write"}).value();
    const auto mask = static_cast<field_mask>(random() & 0xfff);
    std::string written;
    append_api_token(written, record, static_cast<field_mask>(mask | 1U));
    ASSERT_EQ(written, json::serialize(reference(record, mask))) << "round " << round;
    ASSERT_TRUE(json::parse(written).is_object());
  }
}

TEST(token_json_test, field_masks_follow_the_field_names) {
  EXPECT_EQ(mask_of({"id", "name"}), 0b11);
  EXPECT_EQ(mask_of(every_api_token_field()), 0xfff);
  EXPECT_EQ(mask_of(every_api_token_field()), all_api_token_fields);
  EXPECT_EQ(mask_of(default_api_token_fields()), 0b110111);
}

}  // namespace
}  // namespace dtoken::mock
