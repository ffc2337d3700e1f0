// dtoken generate: synthetic tokens, streamed, in constant memory whatever --count is.
#include <array>
#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "cli.h"
#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/version.h"
#include "record_writer.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken generate [--type T] [--count N] [--seed S] [--label L] [--start I] [--random]\n"
    "                       [--marked] [--invalid CODE [--profile P]] [--embed SYNTAX]\n"
    "                       [--format text|json|jsonl|csv|env]\n"
    "\n"
    "Writes N synthetic tokens of type T (a registered prefix such as dt0c01, or legacy, or\n"
    "legacy-id). By default they are deterministic: token I of (seed S, label L) is the same on\n"
    "every machine and release. --random draws them from the operating system's CSPRNG.\n"
    "--marked puts the fixture marker in the public part. --invalid CODE writes, instead, a\n"
    "variant of each token that fails under --profile with CODE; --embed SYNTAX writes each token\n"
    "inside a file of that syntax. --list types|codes|syntaxes|profiles prints the values.\n"
    "\n"
    "Exit codes: 0 done, 2 usage error, 3 I/O error.\n";

// Collects output and writes it in large blocks: generation is bound by output, not by syscalls.
class block_writer {
 public:
  explicit block_writer(std::ostream& out) : out_(out) { buffer_.reserve(capacity); }
  ~block_writer() { flush(); }
  block_writer(const block_writer&) = delete;
  block_writer& operator=(const block_writer&) = delete;

  block_writer& operator<<(std::string_view text) {
    buffer_.append(text);
    if (buffer_.size() >= capacity) flush();
    return *this;
  }
  void flush() {
    out_.write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
  }
  [[nodiscard]] bool failed() const { return !out_; }

 private:
  static constexpr std::size_t capacity = 1 << 20;
  std::ostream& out_;
  std::string buffer_;
};

struct generate_request {
  std::string type_name = "dt0c01";
  std::uint64_t count = 1;
  std::uint64_t seed = 0;
  std::string label = "dtoken";
  std::uint64_t start = 0;
  bool random = false;
  bool marked = false;
  std::string invalid;
  std::string profile_name = "documented";
  std::string embed;
  std::string format = "text";
};

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// A value for a shell or .env file: single-quoted when it holds anything but [A-Za-z0-9._-].
std::string env_value(std::string_view text) {
  if (text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
      std::string_view::npos) {
    return std::string(text);
  }
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string env_name(std::string_view type, std::uint64_t index) {
  std::string name = "DTOKEN_";
  for (const char c : type) name += c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return name + "_" + std::to_string(index);
}

// The values of an enumeration that --list names, one a line: what completions and people need.
std::vector<std::string> listed_values(const std::string& kind) {
  std::vector<std::string> values;
  if (kind == "types") {
    for (const token_type& type : token_types()) values.emplace_back(type.prefix);
    values.emplace_back("legacy");
    values.emplace_back("legacy-id");
  } else if (kind == "codes") {
    for (std::size_t i = 1; i < error_code_count; ++i) {
      values.emplace_back(to_string(static_cast<error_code>(i)));
    }
  } else if (kind == "syntaxes") {
    for (std::size_t i = 0; i < syntax_count; ++i) {
      values.emplace_back(to_string(static_cast<syntax>(i)));
    }
  } else if (kind == "profiles") {
    for (std::size_t i = 0; i < profile_count; ++i) {
      values.emplace_back(to_string(static_cast<profile>(i)));
    }
  } else {
    throw usage_error("--list takes types, codes, syntaxes or profiles, not '" + kind + "'");
  }
  return values;
}

// "a, b or c": the valid values, for an error message.
std::string named_values(const std::string& kind) {
  const std::vector<std::string> values = listed_values(kind);
  std::string text;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) text += i + 1 == values.size() ? " or " : ", ";
    text += values[i];
  }
  return text;
}

}  // namespace

int run_generate(const arguments& args, std::ostream& out, std::ostream& err) {
  generate_request request;
  std::string count = "1";
  std::string seed;  // empty: not given (0)
  std::string start = "0";
  std::string list;
  std::string label;  // empty: not given
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "type,t", po::value(&request.type_name)->default_value(request.type_name),
      "token type: a registered prefix, legacy or legacy-id")(
      "count,n", po::value(&count)->default_value(count), "how many tokens")(
      "seed,s", po::value(&seed), "seed (deterministic mode; default 0)")(
      "label,l", po::value(&label),
      "label (deterministic mode; default dtoken): name your fixtures")(
      "start", po::value(&start)->default_value(start), "index of the first token")(
      "random", po::bool_switch(&request.random), "draw from the CSPRNG instead")(
      "marked", po::bool_switch(&request.marked), "put the fixture marker in the public part")(
      "invalid", po::value(&request.invalid), "write variants failing with this error code")(
      "profile,p", po::value(&request.profile_name)->default_value(request.profile_name),
      "profile of --invalid")("embed", po::value(&request.embed),
                              "write each token inside a file of this syntax")(
      "format,f", po::value(&request.format)->default_value(request.format),
      "text, json, jsonl, csv or env")(
      "list", po::value(&list),
      "print the values of types, codes, syntaxes or profiles, one a line, and exit");
  std::string usage_text = usage;
  usage_text += "\nSyntaxes for --embed:";
  for (std::size_t i = 0; i < syntax_count; ++i) {
    usage_text.append(" ").append(to_string(static_cast<syntax>(i)));
  }
  usage_text += "\n";
  if (!parse_arguments(args, options, nullptr, usage_text, out)) return exit_ok;
  if (!list.empty()) {
    for (const std::string& value : listed_values(list)) out << value << '\n';
    return out ? exit_ok : exit_io;
  }

  request.count = parse_number(count, "count");
  // --seed and --label choose a deterministic sequence; with --random they would be ignored.
  if (request.random && (!seed.empty() || !label.empty())) {
    throw usage_error("--random draws from the CSPRNG: --seed and --label do not apply to it");
  }
  request.seed = seed.empty() ? 0 : parse_number(seed, "seed");
  if (!label.empty()) request.label = label;
  request.start = parse_number(start, "start");
  const bool legacy = request.type_name == "legacy";
  const bool legacy_id = request.type_name == "legacy-id";
  const token_type* type = find_token_type(request.type_name);
  if (type == nullptr && !legacy && !legacy_id) {
    throw usage_error("unknown type '" + request.type_name + "' (choose " + named_values("types") +
                      ")");
  }
  const output_format format =
      parse_format(request.format, {output_format::text, output_format::json, output_format::jsonl,
                                    output_format::csv, output_format::env});
  std::optional<error_code> invalid_code;
  const profile rules = parse_profile(request.profile_name);
  if (!request.invalid.empty()) {
    invalid_code = error_code_from_string(request.invalid);
    if (!invalid_code || *invalid_code == error_code::ok) {
      throw usage_error("unknown error code '" + request.invalid + "' (choose " +
                        named_values("codes") + ")");
    }
  }
  std::optional<syntax> embedding;
  if (!request.embed.empty()) {
    embedding = syntax_from_string(request.embed);
    if (!embedding) {
      throw usage_error("unknown syntax '" + request.embed + "' (choose " +
                        named_values("syntaxes") + ")");
    }
  }
  if (embedding && invalid_code) {
    throw usage_error(
        "--embed writes valid tokens into files; --invalid variants cannot be "
        "embedded: choose one");
  }
  if (request.start > std::numeric_limits<std::uint64_t>::max() - request.count) {
    throw usage_error("--start plus --count overflows");
  }

  const token_source source = request.random
                                  ? token_source::random()
                                  : token_source::deterministic(request.seed, request.label);
  block_writer writer(out);
  record_writer<block_writer> records(writer, format);
  if (format == output_format::csv) writer << "index,type,token,token_id\n";
  const bool structured = records.structured();
  const bool plain_tokens = !invalid_code && !embedding;
  std::array<char, max_token_length> buffer{};
  std::string text;
  for (std::uint64_t n = 0; n < request.count; ++n) {
    const std::uint64_t index = request.start + n;
    std::size_t length = 0;
    if (legacy) {
      length = generate_legacy(source, index, buffer);
    } else if (legacy_id) {
      length = generate_legacy_id(source, index, buffer);
    } else {
      length = generate(*type, source, index, buffer, request.marked);
    }
    if (length == 0) {
      err << "dtoken generate: the operating system's random generator failed\n";
      return exit_io;
    }
    const std::string_view token(buffer.data(), length);

    // The hot path: plain tokens as text, one a line, with no parsing and no JSON.
    if (plain_tokens && format == output_format::text) {
      writer << token << "\n";
      continue;
    }

    // What this record carries: the token, a variant of it, or a file around it.
    const parse_result parsed = parse(token, profile::strict);
    boost::json::object record;
    if (structured) {
      record["index"] = index;
      record["type"] = request.type_name;
    }
    if (invalid_code) {
      const auto variant = legacy ? make_invalid_legacy(token, *invalid_code)
                                  : make_invalid(token, rules, *invalid_code);
      if (!variant) {
        throw usage_error(std::string(to_string(*invalid_code)) + " cannot occur under profile " +
                          std::string(to_string(rules)) + " for type " + request.type_name);
      }
      text = variant->candidate;
      if (structured) {
        record["candidate"] = variant->candidate;
        record["profile"] = legacy ? "legacy" : to_string(rules);
        record["error"] = to_string(variant->expected.error);
        record["position"] = variant->expected.position;
        record["description"] = variant->description;
      }
    } else if (embedding) {
      embedded_sample sample = embed(token, *embedding);
      if (structured) {
        record["syntax"] = to_string(*embedding);
        record["offset"] = sample.offset;
        record["length"] = sample.length;
        record["token"] = token;
        record["text"] = sample.text;
      }
      text = std::move(sample.text);
    } else {
      text = token;
      if (structured) {
        record["token"] = token;
        if (parsed.ok()) {
          record["token_id"] = parsed.value.token_id();
          if (type->has_client_id_form) record["client_id"] = parsed.value.token_id();
        }
      }
    }

    if (format == output_format::text) {
      writer << text;
      if (!text.ends_with('\n')) writer << "\n";
    } else if (format == output_format::env) {
      writer << env_name(request.type_name, index) << "=" << env_value(text) << "\n";
    } else if (format == output_format::csv) {
      writer << std::to_string(index) << "," << request.type_name << "," << csv_field(text) << ","
             << (parsed.ok() ? parsed.value.token_id() : std::string_view()) << "\n";
    } else {
      records.add(record);
    }
  }
  records.finish();
  writer.flush();
  if (writer.failed()) {
    err << "dtoken generate: cannot write the output\n";
    return exit_io;
  }
  return exit_ok;
}

}  // namespace dtoken::cli
