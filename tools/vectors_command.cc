// dtoken vectors: writes the test-vector set (vectors/README.md describes it) reproducibly: the
// same seed gives the same bytes.

#include <array>
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli.h"
#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/redact.h"
#include "dtoken/scan.h"
#include "dtoken/version.h"
#include "record_writer.h"
#include "vector_documents.h"
#include "vectors_fuzz.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken vectors [--out DIR] [--seed S]\n"
    "\n"
    "Writes the test vectors (valid, invalid, legacy, near misses, scanner and redaction cases),\n"
    "a fuzzing dictionary and seed corpus (fuzz/) and their manifest to DIR (default: vectors).\n"
    "The committed vectors/ are this command's\n"
    "output with the default seed; every token in them is a marked fixture.\n"
    "\n"
    "Exit codes: 0 done, 2 usage error, 3 I/O error.\n";

constexpr std::string_view vector_label = "dtoken-vectors";
constexpr std::uint64_t tokens_per_type = 4;
// Types whose tokens the scanner and redaction cases embed: one per shape.
constexpr std::array<std::string_view, 4> embedded_types = {"dt0c01", "dt0s16", "dt0g02", "dt0a01"};
constexpr profile all_profiles[] = {profile::documented, profile::strict, profile::family};

std::string token_of(const token_type& type, std::uint64_t seed, std::uint64_t index) {
  std::array<char, max_token_length> buffer{};
  const std::size_t length =
      generate(type, token_source::deterministic(seed, vector_label), index, buffer, true);
  return std::string(buffer.data(), length);
}

boost::json::object verdict(const result& value) {
  return {{"valid", value.ok()},
          {"error",
           value.ok() ? boost::json::value(nullptr) : boost::json::value(to_string(value.error))},
          {"position", value.position}};
}

// One JSON Lines file in the making.
struct vector_file {
  std::string name;
  std::string schema;
  std::string content;
  std::size_t records = 0;

  void add(const boost::json::object& record) {
    content += json_document(record);
    ++records;
  }
};

vector_file valid_vectors(std::uint64_t seed) {
  vector_file file{"valid.jsonl", "schema/valid.schema.json", {}, 0};
  for (const token_type& type : token_types()) {
    for (std::uint64_t index = 0; index < tokens_per_type; ++index) {
      const std::string token = token_of(type, seed, index);
      const parse_result parsed = parse(token, profile::strict);
      boost::json::object record{
          {"type", type.prefix},
          {"index", index},
          {"token", token},
          {"token_id", parsed.value.token_id()},
          {"public_part", parsed.value.public_part},
          {"client_id", type.has_client_id_form ? boost::json::value(parsed.value.token_id())
                                                : boost::json::value(nullptr)},
          // By construction: strict and family take every generated
          // token, documented the 96-byte ones.
          {"documented", token.size() == 96},
          {"strict", true},
          {"family", true}};
      file.add(record);
    }
  }
  return file;
}

vector_file invalid_vectors(std::uint64_t seed) {
  vector_file file{"invalid.jsonl", "schema/invalid.schema.json", {}, 0};
  for (const token_type& type : token_types()) {
    const std::string token = token_of(type, seed, 0);
    for (const profile rules : all_profiles) {
      for (std::size_t c = 1; c < error_code_count; ++c) {
        const auto variant = make_invalid(token, rules, static_cast<error_code>(c));
        if (!variant) continue;
        file.add({{"profile", to_string(rules)},
                  {"error", to_string(variant->expected.error)},
                  {"position", variant->expected.position},
                  {"base_type", type.prefix},
                  {"candidate", variant->candidate},
                  {"description", variant->description}});
      }
    }
  }
  return file;
}

vector_file legacy_vectors(std::uint64_t seed) {
  vector_file file{"legacy.jsonl", "schema/legacy.schema.json", {}, 0};
  const token_source source = token_source::deterministic(seed, vector_label);
  std::array<char, legacy_token_id_length> buffer{};
  for (std::uint64_t index = 0; index < tokens_per_type; ++index) {
    const std::size_t length = generate_legacy(source, index, buffer);
    const std::string token(buffer.data(), length);
    file.add({{"kind", "token"},
              {"candidate", token},
              {"valid", true},
              {"error", nullptr},
              {"position", length},
              {"description", "an old-format token"}});
    const std::size_t id_length = generate_legacy_id(source, index, buffer);
    file.add({{"kind", "token_id"},
              {"candidate", std::string(buffer.data(), id_length)},
              {"valid", false},
              {"error", to_string(error_code::trailing_data)},
              {"position", legacy_token_length},
              {"description", "the UUID that names an old-format token; not a token"}});
  }
  const std::size_t length = generate_legacy(source, 0, buffer);
  for (const error_code code : {error_code::empty_input, error_code::legacy_bad_character,
                                error_code::legacy_too_short, error_code::trailing_data}) {
    const auto variant = make_invalid_legacy(std::string_view(buffer.data(), length), code);
    file.add({{"kind", "invalid"},
              {"candidate", variant->candidate},
              {"valid", false},
              {"error", to_string(code)},
              {"position", variant->expected.position},
              {"description", variant->description}});
  }
  return file;
}

vector_file near_miss_vectors(std::uint64_t seed) {
  vector_file file{"near_misses.jsonl", "schema/near_misses.schema.json", {}, 0};
  for (const near_miss& miss : near_misses(token_of(*find_token_type("dt0c01"), seed, 0))) {
    file.add({{"candidate", miss.candidate},
              {"description", miss.description},
              {"documented", verdict(miss.documented)},
              {"strict", verdict(miss.strict)},
              {"family", verdict(miss.family)}});
  }
  return file;
}

// The profiles under which `token` is a finding.
boost::json::array profiles_of(std::string_view token) {
  boost::json::array profiles;
  for (const profile rules : all_profiles) {
    if (is_valid(token, rules)) profiles.emplace_back(to_string(rules));
  }
  return profiles;
}

// A text with the tokens planted at their offsets, for scanner.jsonl: findings in order.
struct composed_text {
  std::string text;
  boost::json::array findings;
  void add(std::string_view before, const std::string& token) {
    text += before;
    findings.push_back({{"offset", text.size()},
                        {"length", token.size()},
                        {"token_id", parse(token, profile::family).value.token_id()},
                        {"profiles", profiles_of(token)}});
    text += token;
  }
};

// Texts beyond one token in one file syntax: no token at all (near misses only), several tokens,
// tokens glued to letters, tokens back to back, and one text for each registered type.
std::vector<std::pair<std::string, composed_text>> composed_vectors(std::uint64_t seed) {
  std::vector<std::pair<std::string, composed_text>> cases;
  const auto token = [seed](std::string_view prefix, std::uint64_t index) {
    return token_of(*find_token_type(prefix), seed, 300 + index);
  };
  composed_text none;
  for (const near_miss& miss : near_misses(token("dt0c01", 0))) {
    std::size_t found = 0;  // (a glued near miss holds a token: it belongs to no negative case)
    for (const profile rules : all_profiles) {
      scan(miss.candidate, rules, [&found](const finding&) { ++found; });
    }
    if (found > 0) continue;
    none.text += "value: " + miss.candidate + "\n";
  }
  none.text += "see https://docs.dynatrace.com for dt0c01 tokens\n";
  cases.emplace_back("no_token", std::move(none));
  composed_text several;
  several.add("api: ", token("dt0c01", 1));
  several.add("\ngate: ", token("dt0g02", 2));
  several.add("\naccount: ", token("dt0s01", 3));
  several.text += "\n";
  cases.emplace_back("several", std::move(several));
  composed_text glued;
  glued.add("xyz", token("dt0c01", 4));
  glued.text += "abc\n";
  cases.emplace_back("glued", std::move(glued));
  composed_text adjacent;
  adjacent.add("", token("dt0g02", 5));
  adjacent.add("", token("dt0c01", 6));
  adjacent.add("", token("dt0s02", 7));
  cases.emplace_back("adjacent", std::move(adjacent));
  std::uint64_t index = 10;
  for (const token_type& type : token_types()) {
    composed_text one;
    one.add("token: ", token_of(type, seed, 300 + index++));
    one.text += "\n";
    cases.emplace_back("type_" + std::string(type.prefix), std::move(one));
  }
  return cases;
}

// Scanner fixtures and, from the same files, redaction cases (every mode for the composed texts).
std::pair<vector_file, vector_file> embedded_vectors(std::uint64_t seed) {
  vector_file scanner{"scanner.jsonl", "schema/scanner.schema.json", {}, 0};
  vector_file redaction{"redaction.jsonl", "schema/redaction.schema.json", {}, 0};
  std::uint64_t index = 0;
  for (const std::string_view prefix : embedded_types) {
    const token_type& type = *find_token_type(prefix);
    for (std::size_t k = 0; k < syntax_count; ++k) {
      const auto kind = static_cast<syntax>(k);
      const std::string token = token_of(type, seed, 100 + index++);
      const parse_result parsed = parse(token, profile::strict);
      const embedded_sample sample = embed(token, kind);
      scanner.add({{"syntax", to_string(kind)},
                   {"type", type.prefix},
                   {"text", sample.text},
                   {"findings",
                    boost::json::array{boost::json::object{{"offset", sample.offset},
                                                           {"length", sample.length},
                                                           {"token_id", parsed.value.token_id()},
                                                           {"profiles", profiles_of(token)}}}}});
      std::string output = sample.text;
      const std::string hidden = masked(parsed.value);
      output.replace(sample.offset, sample.length, hidden);
      redaction.add({{"syntax", to_string(kind)},
                     {"mode", "mask_secret"},
                     {"input", sample.text},
                     {"output", output}});
    }
  }
  for (auto& [name, composed] : composed_vectors(seed)) {
    scanner.add({{"syntax", "text"},
                 {"case", name},
                 {"text", composed.text},
                 {"findings", composed.findings}});
    for (const redact_mode mode :
         {redact_mode::mask_secret, redact_mode::mask_token, redact_mode::digest}) {
      redaction.add({{"syntax", "text"},
                     {"case", name},
                     {"mode", to_string(mode)},
                     {"input", composed.text},
                     {"output", redact(composed.text, profile::strict, mode)}});
    }
  }
  return {std::move(scanner), std::move(redaction)};
}

}  // namespace

int run_vectors(const arguments& args, std::ostream& out, std::ostream& err) {
  std::string directory = "vectors";
  std::string seed_text = "1";
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "out,o", po::value(&directory)->default_value(directory), "directory to write")(
      "seed,s", po::value(&seed_text)->default_value(seed_text), "seed of every token");
  if (!parse_arguments(args, options, nullptr, usage, out)) return exit_ok;
  const std::uint64_t seed = parse_number(seed_text, "seed");

  std::vector<vector_file> files;
  files.push_back(valid_vectors(seed));
  files.push_back(invalid_vectors(seed));
  files.push_back(legacy_vectors(seed));
  files.push_back(near_miss_vectors(seed));
  auto [scanner, redaction] = embedded_vectors(seed);
  files.push_back(std::move(scanner));
  files.push_back(std::move(redaction));

  boost::json::object listed;
  for (const vector_file& file : files) {
    listed[file.name] = {
        {"schema", file.schema}, {"records", file.records}, {"sha256", sha256_hex(file.content)}};
  }
  // The README and the schemas, written beside the vectors: the manifest covers every file.
  boost::json::object documents;
  for (const vector_document& document : vector_documents) {
    documents[document.path] = {{"sha256", sha256_hex(document.content)}};
  }
  const std::vector<fuzz_vector_file> fuzz_files = fuzz_vectors(seed, vector_label);
  boost::json::object fuzz;
  for (const fuzz_vector_file& file : fuzz_files) {
    fuzz[file.path] = {{"kind", file.kind}, {"sha256", sha256_hex(file.content)}};
  }
  const boost::json::object manifest{{"generator", "dtoken " DTOKEN_VERSION_STRING},
                                     {"algorithm", "generate.h: SplitMix64 over FNV-1a, version 1"},
                                     {"seed", seed},
                                     {"label", vector_label},
                                     {"marked", true},
                                     {"files", listed},
                                     {"documents", documents},
                                     {"fuzz", fuzz}};
  try {
    fs::create_directories(fs::path(directory) / "schema");
    fs::create_directories(fs::path(directory) / "fuzz" / "seeds");
    for (const vector_file& file : files) {
      write_file((fs::path(directory) / file.name).string(), file.content);
    }
    for (const vector_document& document : vector_documents) {
      write_file((fs::path(directory) / document.path).string(), document.content);
    }
    for (const fuzz_vector_file& file : fuzz_files) {
      write_file((fs::path(directory) / file.path).string(), file.content);
    }
    write_file((fs::path(directory) / "manifest.json").string(), json_document(manifest));
  } catch (const std::exception& error) {
    err << "dtoken vectors: " << error.what() << '\n';
    return exit_io;
  }
  std::size_t records = 0;
  for (const vector_file& file : files) records += file.records;
  out << "wrote " << records << " vectors in " << files.size() << " files, "
      << fuzz_files.size() - 1
      << " fuzzing seeds and a dictionary, their README, schemas and example, and manifest.json to "
      << directory << "\n";
  return exit_ok;
}

}  // namespace dtoken::cli
