// The registry of token types. Every fact comes from ../shared/reference/dynatrace-token-facts.md
// (sections 1.1-1.3), which names its sources; `shape_evidence` says how firm each shape is.
//
// Alphabets: Dynatrace's regex allows [A-Z0-9], but every non-placeholder public and secret part
// ever published is RFC 4648 base32 (A-Z, 2-7): 24 characters are 120 bits, 64 are 320 bits.
// The strict profile therefore uses base32 for every type except dt0a01, whose public part is the
// lower-case environment ID and whose secret is lower-case hex.

#include <algorithm>
#include <array>

#include "dtoken/token.h"

namespace dtoken {
namespace {

constexpr std::uint32_t length_8 = 1U << 8;
constexpr std::uint32_t length_24 = 1U << 24;

constexpr std::string_view docs_auth =
    "https://docs.dynatrace.com/docs/dynatrace-api/basics/dynatrace-api-authentication";
constexpr std::string_view docs_activegate =
    "https://docs.dynatrace.com/managed/ingest-from/dynatrace-activegate/activegate-security";

// Sorted by prefix: find_token_type() relies on it.
constexpr std::array registry{
    token_type{"dt0a01", "agent connection token",
               "OneAgent connection auth token (DT_CONNECTION_AUTH_TOKEN); the public part is the "
               "environment ID",
               length_8, alphabet::lower_alnum, alphabet::lower_hex, false, evidence::third_party,
               "third-party AWS Lambda configurations; prefix in Dynatrace's Lambda docs"},
    token_type{"dt0c01", "classic access token",
               "API token, personal access token or PaaS token of an environment", length_24,
               alphabet::base32, alphabet::base32, false, evidence::documented,
               "https://www.dynatrace.com/news/blog/"
               "further-enhance-security-by-easily-automating-your-api-token-protection/"},
    token_type{"dt0g01", "ActiveGate token (older)", "ActiveGate token, older form", length_8,
               alphabet::base32, alphabet::base32, false, evidence::documented, docs_activegate},
    token_type{"dt0g02", "ActiveGate token",
               "ActiveGate token, as created by the ActiveGate tokens API", length_8,
               alphabet::base32, alphabet::base32, false, evidence::documented, docs_activegate},
    token_type{"dt0s01", "account API token",
               "API token that makes changes within the Dynatrace account through SCIM", length_24,
               alphabet::base32, alphabet::base32, false, evidence::documented, docs_auth},
    token_type{"dt0s02", "OAuth client",
               "OAuth2 client created in Account Management, for Dynatrace Apps and the Account "
               "Management API",
               length_8, alphabet::base32, alphabet::base32, true, evidence::third_party,
               docs_auth},
    token_type{"dt0s03", "OAuth client (services)",
               "OAuth2 client for internal and external services and integrations", length_8,
               alphabet::base32, alphabet::base32, true, evidence::inferred, docs_auth},
    token_type{"dt0s04", "chat and identity linking",
               "Chat and identity linking; also Managed cluster SSO client credentials", length_8,
               alphabet::base32, alphabet::base32, true, evidence::documented, docs_auth},
    token_type{"dt0s05", "unpublished SSO type",
               "Seen only in Dynatrace's OpenTelemetry collector test data; meaning unpublished",
               length_8 | length_24, alphabet::base32, alphabet::base32, false, evidence::inferred,
               "Dynatrace/dynatrace-otel-collector testbed"},
    token_type{"dt0s06", "OAuth refresh token",
               "OAuth2 refresh token, used to get a new access token; changes every 5 to 15 "
               "minutes",
               length_8 | length_24, alphabet::base32, alphabet::base32, false, evidence::inferred,
               docs_auth},
    token_type{"dt0s07", "unpublished SSO type",
               "Seen only in Dynatrace's OpenTelemetry collector test data; meaning unpublished",
               length_8 | length_24, alphabet::base32, alphabet::base32, false, evidence::inferred,
               "Dynatrace/dynatrace-otel-collector testbed"},
    token_type{"dt0s08", "OAuth client (services)",
               "OAuth2 client for internal and external services and integrations", length_8,
               alphabet::base32, alphabet::base32, true, evidence::inferred, docs_auth},
    token_type{"dt0s09", "chat and identity linking", "Chat and identity linking", length_8,
               alphabet::base32, alphabet::base32, false, evidence::inferred, docs_auth},
    token_type{"dt0s16", "platform token",
               "Platform token for programmatic access to Dynatrace platform services", length_8,
               alphabet::base32, alphabet::base32, false, evidence::third_party, docs_auth},
    token_type{"dt0s17", "OAuth client (user consent)",
               "OAuth client that requires user consent (authorization-code flow)", length_8,
               alphabet::base32, alphabet::base32, true, evidence::documented,
               "https://docs.dynatrace.com/managed/manage/identity-access-management/"
               "access-tokens-and-oauth-clients/oauth-clients"},
};

constexpr bool registry_is_sorted() {
  for (std::size_t i = 1; i < registry.size(); ++i) {
    if (!(registry[i - 1].prefix < registry[i].prefix)) return false;
  }
  return true;
}
static_assert(registry_is_sorted(), "find_token_type() needs the registry sorted by prefix");

// Every registered length is in public_length_union, and every length of the union is some
// type's: the sizes taken from the union (token.h) hold for every type.
constexpr std::uint32_t registered_lengths = [] {
  std::uint32_t lengths = 0;
  for (const token_type& type : registry) lengths |= type.public_length_mask;
  return lengths;
}();
static_assert(registered_lengths == public_length_union,
              "token.h's public_length_union must be the union of the registry's lengths");

}  // namespace

std::span<const token_type> token_types() noexcept { return registry; }

namespace {

// A 6-byte prefix as one integer (byte i in bits 8i to 8i + 7): the registry's prefixes compare
// as integers, a dozen loads and compares instead of a binary search of string compares.
constexpr std::uint64_t packed(std::string_view prefix) noexcept {
  std::uint64_t key = 0;
  for (std::size_t i = 0; i < prefix_length; ++i) {
    key |= std::uint64_t{static_cast<unsigned char>(prefix[i])} << (8 * i);
  }
  return key;
}

constexpr auto packed_prefixes = [] {
  std::array<std::uint64_t, registry.size()> keys{};
  for (std::size_t i = 0; i < registry.size(); ++i) keys[i] = packed(registry[i].prefix);
  return keys;
}();

}  // namespace

const token_type* find_token_type(std::string_view prefix) noexcept {
  if (prefix.size() != prefix_length) return nullptr;
  const std::uint64_t key = packed(prefix);
  for (std::size_t i = 0; i < packed_prefixes.size(); ++i) {
    if (packed_prefixes[i] == key) return &registry[i];
  }
  return nullptr;
}

std::string_view to_string(evidence level) noexcept {
  switch (level) {
    case evidence::documented:
      return "documented";
    case evidence::third_party:
      return "third_party";
    case evidence::inferred:
      return "inferred";
  }
  return "unknown";
}

}  // namespace dtoken
