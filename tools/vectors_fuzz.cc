// vectors/fuzz/: the dictionary names the pieces a mutator should splice (every registered prefix,
// the separator, the fixture markers, a public part and a secret of each length, the headers and
// encodings tokens hide behind); the seeds are whole inputs a target should start from.
#include "vectors_fuzz.h"

#include <array>
#include <cstdio>

#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/scan.h"

namespace dtoken::cli {
namespace {

// Tokens of the seeds take indices from here on, apart from those of the other vector files.
constexpr std::uint64_t first_index = 500;

std::string marked_token(const token_type& type, const token_source& source, std::uint64_t index) {
  std::array<char, max_token_length> buffer{};
  return {buffer.data(), generate(type, source, index, buffer, true)};
}

// One dictionary entry, in the quoted form libFuzzer and AFL read (our values are printable ASCII
// without quotes or backslashes).
void add_entry(std::string& dictionary, std::string_view name, std::string_view value) {
  dictionary += name;
  dictionary += "=\"";
  dictionary += value;
  dictionary += "\"\n";
}

std::string dictionary_of(const token_source& source) {
  std::string dictionary =
      "# libFuzzer and AFL dictionary for code that validates, scans for or masks Dynatrace\n"
      "# access tokens. Written by `dtoken vectors`; every token part comes from a marked "
      "fixture.\n"
      "# Use: -dict=vectors/fuzz/dtoken.dict (libFuzzer) or -x vectors/fuzz/dtoken.dict (AFL).\n";
  add_entry(dictionary, "family", "dt0");
  add_entry(dictionary, "separator", ".");
  for (const token_type& type : token_types()) {
    std::string name = "prefix_";
    name += type.prefix;
    add_entry(dictionary, name, std::string(type.prefix) + ".");
  }
  // A marked public part and a secret of each shape, cut from generated tokens.
  std::uint64_t index = first_index;
  for (const std::string_view prefix : {"dt0c01", "dt0g02", "dt0a01"}) {
    const std::string token = marked_token(*find_token_type(prefix), source, index++);
    const std::size_t second_dot = token.find('.', 7);
    add_entry(dictionary, "public_" + std::string(prefix), token.substr(7, second_dot - 7));
    add_entry(dictionary, "secret_" + std::string(prefix), token.substr(second_dot + 1));
  }
  add_entry(dictionary, "marker_24", "DTOKENFIXTURE");
  add_entry(dictionary, "marker_8", "FXTR");
  add_entry(dictionary, "marker_environment", "fxt");
  add_entry(dictionary, "api_token_scheme", "Api-Token ");
  add_entry(dictionary, "bearer_scheme", "Bearer ");
  add_entry(dictionary, "authorization", "Authorization: ");
  // "dt0" in base64 at each of its three alignments, and percent-encoded separators.
  add_entry(dictionary, "base64_dt0_0", "ZHQw");
  add_entry(dictionary, "base64_dt0_1", "R0M");
  add_entry(dictionary, "base64_dt0_2", "kdDB");
  add_entry(dictionary, "percent_separator", "%2E");
  add_entry(dictionary, "newline", "\\x0a");
  return dictionary;
}

std::string numbered(std::string_view stem, std::size_t number) {
  std::array<char, 8> digits{};
  std::snprintf(digits.data(), digits.size(), "%02zu", number);
  return std::string(stem) + digits.data();
}

}  // namespace

std::vector<fuzz_vector_file> fuzz_vectors(std::uint64_t seed, std::string_view label) {
  const token_source source = token_source::deterministic(seed, label);
  std::vector<fuzz_vector_file> files;
  files.push_back({"fuzz/dtoken.dict", dictionary_of(source), "dictionary"});
  const auto add_seed = [&files](std::string name, std::string content) {
    files.push_back({"fuzz/seeds/" + std::move(name), std::move(content), "seed"});
  };
  std::uint64_t index = first_index + 10;
  for (const token_type& type : token_types()) {
    add_seed("token-" + std::string(type.prefix), marked_token(type, source, index++));
  }
  std::array<char, legacy_token_id_length> legacy{};
  add_seed("legacy-token",
           std::string(legacy.data(), generate_legacy(source, first_index, legacy)));
  const std::string base = marked_token(*find_token_type("dt0c01"), source, index++);
  std::size_t number = 0;
  for (const near_miss& miss : near_misses(base))
    add_seed(numbered("near-miss-", number++), miss.candidate);
  for (std::size_t k = 0; k < syntax_count; ++k) {
    const auto kind = static_cast<syntax>(k);
    add_seed("embedded-" + std::string(to_string(kind)),
             embed(marked_token(*find_token_type("dt0c01"), source, index++), kind).text);
  }
  std::string several;
  for (const std::string_view prefix : {"dt0c01", "dt0g02", "dt0s01"}) {
    several += "token: " + marked_token(*find_token_type(prefix), source, index++) + "\n";
  }
  add_seed("text-several", std::move(several));
  add_seed("text-adjacent", marked_token(*find_token_type("dt0g02"), source, index) +
                                marked_token(*find_token_type("dt0c01"), source, index + 1));
  return files;
}

}  // namespace dtoken::cli
