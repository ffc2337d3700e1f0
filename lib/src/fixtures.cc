#include "dtoken/fixtures.h"

#include <array>

#include "dtoken/token.h"

namespace dtoken {
namespace {

struct token_layout {
  std::size_t public_begin = prefix_length + 1;
  std::size_t public_length = 0;
  std::size_t secret_begin = 0;
  const token_type* type = nullptr;
};

token_layout layout_of(std::string_view valid_token) {
  token_layout layout;
  layout.secret_begin = valid_token.size() - secret_length;
  layout.public_length = layout.secret_begin - 1 - layout.public_begin;
  layout.type = find_token_type(valid_token.substr(0, prefix_length));
  return layout;
}

std::string replaced(std::string_view text, std::size_t at, char c) {
  std::string copy(text);
  copy[at] = c;
  return copy;
}

// The admissible public lengths of `rules` for a token of `layout`.
std::uint32_t public_length_mask(profile rules, const token_layout& layout) {
  switch (rules) {
    case profile::documented:
      return 1U << 24;
    case profile::family:
      return (1U << 8) | (1U << 24);
    case profile::strict:
      return layout.type != nullptr ? layout.type->public_length_mask : 0;
  }
  return 0;
}

alphabet public_alphabet(profile rules, const token_layout& layout) {
  if (rules == profile::strict && layout.type != nullptr) return layout.type->public_alphabet;
  return rules == profile::family ? alphabet::alnum : alphabet::upper_alnum;
}

// A byte that continues the secret of `valid_token` in the alphabet it is written in: 'a' for a
// lower-case hex secret, else 'A'.
char secret_byte(std::string_view valid_token) {
  const std::string_view secret = valid_token.substr(valid_token.size() - secret_length);
  return secret.find_first_of("abcdef") != std::string_view::npos ? 'a' : 'A';
}

// An unregistered prefix that agrees with `prefix` up to its last digit: dt0c01 -> dt0c0x with the
// first digit that names no registered type.
std::optional<std::string> unregistered_neighbour(std::string_view prefix) {
  std::string candidate(prefix);
  for (char digit = '0'; digit <= '9'; ++digit) {
    candidate[5] = digit;
    if (find_token_type(candidate) == nullptr) return candidate;
  }
  return std::nullopt;
}

}  // namespace

std::optional<invalid_variant> make_invalid(std::string_view valid_token, profile rules,
                                            error_code code) {
  if (!validate(valid_token, rules).ok()) return std::nullopt;
  const token_layout layout = layout_of(valid_token);
  const std::size_t size = valid_token.size();
  const std::size_t second_separator = layout.secret_begin - 1;
  const auto variant = [&](std::string candidate, std::size_t position,
                           std::string description) -> std::optional<invalid_variant> {
    return invalid_variant{std::move(candidate), rules, {code, position}, std::move(description)};
  };
  const std::uint32_t lengths = public_length_mask(rules, layout);
  const bool longest_public = (lengths >> (layout.public_length + 1)) == 0;

  switch (code) {
    case error_code::ok:
      return std::nullopt;
    case error_code::empty_input:
      return variant("", 0, "the empty string");
    case error_code::bad_prefix:
      return variant(replaced(valid_token, 0, 'D'), 0, "upper-case D in the prefix");
    case error_code::bad_type_letter:
      return variant(replaced(valid_token, 3, '0'), 3, "a digit as the type letter");
    case error_code::bad_type_digits:
      return variant(replaced(valid_token, 4, 'o'), 4, "letter o as the first type digit");
    case error_code::unknown_type: {
      if (rules != profile::strict) return std::nullopt;
      const auto prefix = unregistered_neighbour(valid_token.substr(0, prefix_length));
      if (!prefix) return std::nullopt;
      return variant(*prefix + std::string(valid_token.substr(prefix_length)), 5,
                     "an unregistered type " + *prefix);
    }
    case error_code::truncated_prefix:
      return variant(std::string(valid_token.substr(0, 4)), 4, "cut inside the prefix");
    case error_code::missing_separator:
      return variant(replaced(valid_token, prefix_length, '_'), prefix_length,
                     "'_' instead of the first '.'");
    case error_code::public_part_too_short:
      // One byte short: the secret's '.' comes where the last public byte should be, unless
      // that shorter length is admissible too.
      if ((lengths >> (layout.public_length - 1)) & 1U) return std::nullopt;
      return variant(std::string(valid_token.substr(0, second_separator - 1)) +
                         std::string(valid_token.substr(second_separator)),
                     second_separator - 1, "public part one character short");
    case error_code::public_part_too_long:
      if (!longest_public) return std::nullopt;
      return variant(std::string(valid_token.substr(0, second_separator)) +
                         valid_token[second_separator - 1] +
                         std::string(valid_token.substr(second_separator)),
                     second_separator, "public part one character long");
    case error_code::bad_public_character:
      return variant(replaced(valid_token, layout.public_begin + 2, '-'), layout.public_begin + 2,
                     "'-' in the public part");
    case error_code::secret_too_short:
      return variant(std::string(valid_token.substr(0, size - 1)), size - 1,
                     "secret part one character short");
    case error_code::bad_secret_character:
      return variant(replaced(valid_token, layout.secret_begin + 10, '/'), layout.secret_begin + 10,
                     "'/' in the secret part");
    case error_code::secret_too_long:
      return variant(std::string(valid_token) + secret_byte(valid_token), size,
                     "secret part one character long");
    case error_code::trailing_data:
      return variant(std::string(valid_token) + "\"", size, "a quote glued after the token");
    case error_code::non_base32_character:
      if (rules != profile::strict || public_alphabet(rules, layout) != alphabet::base32) {
        return std::nullopt;
      }
      return variant(replaced(valid_token, layout.public_begin + 1, '8'), layout.public_begin + 1,
                     "digit 8, not base32, in the public part");
    case error_code::legacy_bad_character:
    case error_code::legacy_too_short:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<invalid_variant> make_invalid_legacy(std::string_view legacy_token, error_code code) {
  if (!validate_legacy(legacy_token).ok()) return std::nullopt;
  const auto variant = [&](std::string candidate, std::size_t position,
                           std::string description) -> std::optional<invalid_variant> {
    return invalid_variant{
        std::move(candidate), profile::documented, {code, position}, std::move(description)};
  };
  switch (code) {
    case error_code::empty_input:
      return variant("", 0, "the empty string");
    case error_code::legacy_bad_character:
      return variant(replaced(legacy_token, 7, '.'), 7, "'.' in a legacy token");
    case error_code::legacy_too_short:
      return variant(std::string(legacy_token.substr(0, 20)), 20, "20 characters");
    case error_code::trailing_data:
      return variant(std::string(legacy_token) + "A", 21, "22 characters");
    default:
      return std::nullopt;
  }
}

std::vector<near_miss> near_misses(std::string_view valid_token) {
  const std::string token(valid_token);
  const std::string id = token.substr(0, 31);
  const std::string secret = token.substr(32);
  std::string lower_secret = secret;
  for (char& c : lower_secret) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  // Lower-casing leaves the digits: the secret breaks at its first letter under documented and
  // strict, and at its first byte outside [0-9a-f] under family (which admits lower-case hex).
  const std::size_t first_letter = 32 + lower_secret.find_first_not_of("0123456789");
  const std::size_t first_non_hex = 32 + lower_secret.find_first_not_of("0123456789abcdef");
  // Placeholders as found in public code and docs (anchors.md, A.2), then shapes built from the
  // token. The verdicts are worked out by hand from the rules, per profile.
  return {
      {"dt0c01.XXXX.YYYY",
       "placeholder in READMEs",
       {error_code::public_part_too_short, 11},
       {error_code::public_part_too_short, 11},
       {error_code::public_part_too_short, 11}},
      {"dt0c01.xxxxxxxx.xxxxxxxx",
       "lower-case placeholder",
       {error_code::bad_public_character, 7},
       {error_code::bad_public_character, 7},
       {error_code::bad_secret_character, 16}},
      {"dt0c01.abc123.abcdefjhij1234567890",
       "curl example in Dynatrace's docs",
       {error_code::bad_public_character, 7},
       {error_code::bad_public_character, 7},
       {error_code::public_part_too_short, 13}},
      {"dt0c01.EXAMPLE_TOKEN_REPLACE_THE_ENTIRE_STRING",
       "replace-me placeholder",
       {error_code::bad_public_character, 14},
       {error_code::bad_public_character, 14},
       {error_code::bad_public_character, 14}},
      {id + "." + lower_secret,
       "lower-case secret",
       {error_code::bad_secret_character, first_letter},
       {error_code::bad_secret_character, first_letter},
       {error_code::bad_secret_character, first_non_hex}},
      {token.substr(0, 90),
       "truncated token",
       {error_code::secret_too_short, 90},
       {error_code::secret_too_short, 90},
       {error_code::secret_too_short, 90}},
      {token + token,
       "two tokens glued together",
       {error_code::trailing_data, 96},
       {error_code::trailing_data, 96},
       {error_code::trailing_data, 96}},
      {"dt0c01." + secret.substr(0, 8) + "." + secret,
       "8-character public part",
       {error_code::public_part_too_short, 15},
       {error_code::public_part_too_short, 15},
       {error_code::ok, 80}},
      {"dt0s02." + secret.substr(0, 8),
       "two-part OAuth client ID",
       {error_code::public_part_too_short, 15},
       {error_code::missing_separator, 15},
       {error_code::missing_separator, 15}},
      {"Api-Token " + token,
       "token with its header scheme",
       {error_code::bad_prefix, 0},
       {error_code::bad_prefix, 0},
       {error_code::bad_prefix, 0}},
  };
}

namespace {

constexpr std::array<std::string_view, syntax_count> syntax_names = {"dotenv",
                                                                     "yaml",
                                                                     "json",
                                                                     "toml",
                                                                     "ini",
                                                                     "shell_export",
                                                                     "dockerfile_env",
                                                                     "kubernetes_secret",
                                                                     "terraform",
                                                                     "python",
                                                                     "javascript",
                                                                     "java",
                                                                     "go",
                                                                     "authorization_header",
                                                                     "curl",
                                                                     "url_query",
                                                                     "log_line"};

// The text before and after the token, per syntax.
struct frame {
  std::string_view before;
  std::string_view after;
};

constexpr std::array<frame, syntax_count> frames = {{
    {"# Dynatrace\nDT_ENV_URL=https://abc12345.live.dynatrace.com\nDT_API_TOKEN=", "\n"},
    {"dynatrace:\n  url: https://abc12345.live.dynatrace.com\n  apiToken: \"", "\"\n"},
    {"{\n  \"url\": \"https://abc12345.live.dynatrace.com\",\n  \"apiToken\": \"", "\"\n}\n"},
    {"[dynatrace]\nurl = \"https://abc12345.live.dynatrace.com\"\napi_token = \"", "\"\n"},
    {"[dynatrace]\nurl=https://abc12345.live.dynatrace.com\napi_token=", "\n"},
    {"#!/bin/sh\nexport DT_API_TOKEN='", "'\n"},
    {"FROM debian:12\nENV DT_API_TOKEN=", "\nRUN ./install.sh\n"},
    {"apiVersion: v1\nkind: Secret\nmetadata:\n  name: dynakube\ntype: Opaque\nstringData:\n"
     "  apiToken: ",
     "\n"},
    {"provider \"dynatrace\" {\n  dt_env_url   = \"https://abc12345.live.dynatrace.com\"\n"
     "  dt_api_token = \"",
     "\"\n}\n"},
    {"import requests\n\nTOKEN = \"",
     "\"\nrequests.get(URL, headers={\"Authorization\": f\"Api-Token {TOKEN}\"})\n"},
    {"const token = '", "';\nfetch(url, { headers: { Authorization: `Api-Token ${token}` } });\n"},
    {"class Config {\n  static final String API_TOKEN = \"", "\";\n}\n"},
    {"package main\n\nconst apiToken = \"", "\"\n"},
    {"GET /api/v2/apiTokens HTTP/1.1\r\nHost: abc12345.live.dynatrace.com\r\nAuthorization: "
     "Api-Token ",
     "\r\n\r\n"},
    {"curl -H \"Authorization: Api-Token ",
     "\" https://abc12345.live.dynatrace.com/api/v2/apiTokens\n"},
    {"https://abc12345.live.dynatrace.com/api/v1/deployment/installer/agent/unix/paas/latest"
     "?include=java&Api-Token=",
     "&arch=x86\n"},
    {"2026-11-28T12:00:00.000Z INFO  [http] GET /api/v2/metrics?api-token=", " -> 200 (12 ms)\n"},
}};

}  // namespace

std::string_view to_string(syntax value) noexcept {
  const auto index = static_cast<std::size_t>(value);
  return index < syntax_names.size() ? syntax_names[index] : std::string_view("unknown");
}

std::optional<syntax> syntax_from_string(std::string_view name) noexcept {
  for (std::size_t i = 0; i < syntax_names.size(); ++i) {
    if (syntax_names[i] == name) return static_cast<syntax>(i);
  }
  return std::nullopt;
}

embedded_sample embed(std::string_view token, syntax kind) {
  const frame& around = frames[static_cast<std::size_t>(kind) % frames.size()];
  std::string text;
  text.reserve(around.before.size() + token.size() + around.after.size());
  text.append(around.before).append(token).append(around.after);
  return {kind, std::move(text), around.before.size(), token.size()};
}

}  // namespace dtoken
