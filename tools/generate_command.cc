// dtoken generate: synthetic tokens, streamed, in constant memory whatever --count is.
#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <cctype>
#include <iostream>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli.h"
#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/version.h"
#include "fixture_tree.h"
#include "record_writer.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken generate [--type T] [--count N] [--seed S] [--label L] [--start I] [--random]\n"
    "                       [--marked] [--invalid CODE [--profile P]]\n"
    "                       [--embed SYNTAX[,SYNTAX...]|all [--out-dir DIR]]\n"
    "                       [--format text|json|jsonl|csv|env]\n"
    "\n"
    "Writes N synthetic tokens of type T (a registered prefix such as dt0c01, or legacy, or\n"
    "legacy-id). By default they are deterministic: token I of (seed S, label L) is the same on\n"
    "every machine and release. --random draws them from the operating system's CSPRNG.\n"
    "--marked puts the fixture marker in the public part. --invalid CODE writes, instead, a\n"
    "variant of each token that fails under --profile with CODE; --embed SYNTAX writes each token\n"
    "inside a file of that syntax (of each, for a list or all); with --out-dir DIR, as a tree\n"
    "of files (DIR/SYNTAX/TYPE-INDEX.EXT) and DIR/manifest.json with each file's token and "
    "offset.\n"
    "--list types|codes|syntaxes|profiles prints the values.\n"
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

// --embed: one syntax, several separated by commas, or all of them.
std::vector<syntax> parse_syntaxes(const std::string& names) {
  std::vector<syntax> syntaxes;
  if (names == "all") {
    for (std::size_t i = 0; i < syntax_count; ++i) syntaxes.push_back(static_cast<syntax>(i));
    return syntaxes;
  }
  std::string_view rest = names;
  while (!rest.empty() || syntaxes.empty()) {
    const std::string_view name = rest.substr(0, rest.find(','));
    rest.remove_prefix(std::min(rest.size(), name.size() + 1));
    const std::optional<syntax> kind = syntax_from_string(name);
    if (!kind) {
      throw usage_error("unknown syntax '" + std::string(name) + "' (choose all, or " +
                        named_values("syntaxes") + ", separated by commas)");
    }
    syntaxes.push_back(*kind);
  }
  return syntaxes;
}

// What the command line asks for, checked.
struct generate_plan {
  generate_request request;
  const token_type* type = nullptr;  // null for legacy and legacy-id
  bool legacy = false;
  bool legacy_id = false;
  output_format format = output_format::text;
  std::optional<error_code> invalid_code;
  profile rules = profile::documented;
  std::vector<syntax> syntaxes;  // --embed
  std::string out_dir;           // --out-dir: a fixture tree instead of standard output
};

// The options, or nullopt when --help or --list has been answered on `out`.
std::optional<generate_plan> plan_generate(const arguments& args, std::ostream& out) {
  generate_plan plan;
  generate_request& request = plan.request;
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
      "profile of --invalid")(
      "embed", po::value(&request.embed),
      "write each token inside a file of this syntax (several: a,b; every one: all)")(
      "out-dir,o", po::value(&plan.out_dir),
      "with --embed: write a fixture tree and its manifest.json here")(
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
  if (!parse_arguments(args, options, nullptr, usage_text, out)) return std::nullopt;
  if (!list.empty()) {
    for (const std::string& value : listed_values(list)) out << value << '\n';
    return std::nullopt;
  }

  request.count = parse_number(count, "count");
  // --seed and --label choose a deterministic sequence; with --random they would be ignored.
  if (request.random && (!seed.empty() || !label.empty())) {
    throw usage_error("--random draws from the CSPRNG: --seed and --label do not apply to it");
  }
  request.seed = seed.empty() ? 0 : parse_number(seed, "seed");
  if (!label.empty()) request.label = label;
  request.start = parse_number(start, "start");
  plan.legacy = request.type_name == "legacy";
  plan.legacy_id = request.type_name == "legacy-id";
  plan.type = find_token_type(request.type_name);
  if (plan.type == nullptr && !plan.legacy && !plan.legacy_id) {
    throw usage_error("unknown type '" + request.type_name + "' (choose " + named_values("types") +
                      ")");
  }
  plan.format =
      parse_format(request.format, {output_format::text, output_format::json, output_format::jsonl,
                                    output_format::csv, output_format::env});
  plan.rules = parse_profile(request.profile_name);
  if (!request.invalid.empty()) {
    plan.invalid_code = error_code_from_string(request.invalid);
    if (!plan.invalid_code || *plan.invalid_code == error_code::ok) {
      throw usage_error("unknown error code '" + request.invalid + "' (choose " +
                        named_values("codes") + ")");
    }
  }
  if (!request.embed.empty()) plan.syntaxes = parse_syntaxes(request.embed);
  if (!plan.syntaxes.empty() && plan.invalid_code) {
    throw usage_error(
        "--embed writes valid tokens into files; --invalid variants cannot be "
        "embedded: choose one");
  }
  if (!plan.out_dir.empty() && plan.syntaxes.empty()) {
    throw usage_error("--out-dir writes the files of --embed: name a syntax (or all)");
  }
  if (!plan.out_dir.empty() && request.format != "text") {
    throw usage_error("--out-dir writes its own manifest.json: --format does not apply to it");
  }
  if (request.start > std::numeric_limits<std::uint64_t>::max() - request.count) {
    throw usage_error("--start plus --count overflows");
  }
  return plan;
}

// Token `index` of the plan into `buffer`; its length, 0 when the CSPRNG failed.
std::size_t make_token(const generate_plan& plan, const token_source& source, std::uint64_t index,
                       std::span<char> buffer) {
  if (plan.legacy) return generate_legacy(source, index, buffer);
  if (plan.legacy_id) return generate_legacy_id(source, index, buffer);
  return generate(*plan.type, source, index, buffer, plan.request.marked);
}

// Writes the records of one token to standard output: the token, its invalid variant, or a file of
// each syntax around it.
class generate_output {
 public:
  generate_output(const generate_plan& plan, std::ostream& out)
      : plan_(plan), writer_(out), records_(writer_, plan.format, "index,type,token,token_id\n") {}

  void add(std::string_view token, std::uint64_t index) {
    // The hot path: plain tokens as text, one a line, with no parsing and no JSON.
    if (!plan_.invalid_code && plan_.syntaxes.empty() && plan_.format == output_format::text) {
      records_.add_record(token, "\n");
      return;
    }
    const parse_result parsed = parse(token, profile::strict);
    if (plan_.invalid_code) {
      add_variant(token, index, parsed);
    } else if (!plan_.syntaxes.empty()) {
      for (const syntax kind : plan_.syntaxes) add_embedded(token, index, parsed, kind);
    } else {
      boost::json::object record = head(index);
      if (records_.structured()) {
        record["token"] = token;
        if (parsed.ok()) {
          record["token_id"] = parsed.value.token_id();
          if (plan_.type->has_client_id_form) record["client_id"] = parsed.value.token_id();
        }
      }
      emit(token, index, parsed, record);
    }
  }

  // Ends the output; false when it could not be written.
  bool finish() {
    records_.finish();
    writer_.flush();
    return !writer_.failed();
  }

 private:
  boost::json::object head(std::uint64_t index) const {
    if (!records_.structured()) return {};
    return {{"index", index}, {"type", plan_.request.type_name}};
  }

  void add_variant(std::string_view token, std::uint64_t index, const parse_result& parsed) {
    const auto variant = plan_.legacy ? make_invalid_legacy(token, *plan_.invalid_code)
                                      : make_invalid(token, plan_.rules, *plan_.invalid_code);
    if (!variant) {
      throw usage_error(std::string(to_string(*plan_.invalid_code)) +
                        " cannot occur under profile " + std::string(to_string(plan_.rules)) +
                        " for type " + plan_.request.type_name);
    }
    boost::json::object record = head(index);
    if (records_.structured()) {
      record["candidate"] = variant->candidate;
      record["profile"] = plan_.legacy ? "legacy" : to_string(plan_.rules);
      record["error"] = to_string(variant->expected.error);
      record["position"] = variant->expected.position;
      record["description"] = variant->description;
    }
    emit(variant->candidate, index, parsed, record);
  }

  void add_embedded(std::string_view token, std::uint64_t index, const parse_result& parsed,
                    syntax kind) {
    const embedded_sample sample = embed(token, kind);
    boost::json::object record = head(index);
    if (records_.structured()) {
      record["syntax"] = to_string(kind);
      record["offset"] = sample.offset;
      record["length"] = sample.length;
      record["token"] = token;
      record["text"] = sample.text;
    }
    emit(sample.text, index, parsed, record);
  }

  void emit(std::string_view text, std::uint64_t index, const parse_result& parsed,
            const boost::json::object& record) {
    if (plan_.format == output_format::text) {
      records_.add_record(text, text.ends_with('\n') ? "" : "\n");
    } else if (plan_.format == output_format::env) {
      records_.add_record(env_name(plan_.request.type_name, index), "=", env_value(text), "\n");
    } else if (plan_.format == output_format::csv) {
      records_.add_record(std::to_string(index), ",", plan_.request.type_name, ",", csv_field(text),
                          ",", parsed.ok() ? parsed.value.token_id() : std::string_view(), "\n");
    } else {
      records_.add(record);
    }
  }

  const generate_plan& plan_;
  block_writer writer_;
  record_writer<block_writer> records_;
};

}  // namespace

int run_generate(const arguments& args, std::ostream& out, std::ostream& err) {
  const std::optional<generate_plan> plan = plan_generate(args, out);
  if (!plan) return out ? exit_ok : exit_io;
  const generate_request& request = plan->request;
  const token_source source = request.random
                                  ? token_source::random()
                                  : token_source::deterministic(request.seed, request.label);
  std::optional<fixture_tree> tree;
  std::optional<generate_output> output;
  try {
    if (plan->out_dir.empty()) {
      output.emplace(*plan, out);
    } else {
      tree.emplace(plan->out_dir, plan->syntaxes);
    }
    std::array<char, max_token_length> buffer{};
    for (std::uint64_t n = 0; n < request.count; ++n) {
      const std::uint64_t index = request.start + n;
      const std::size_t length = make_token(*plan, source, index, buffer);
      if (length == 0) {
        err << "dtoken generate: the operating system's random generator failed\n";
        return exit_io;
      }
      const std::string_view token(buffer.data(), length);
      if (tree) {
        tree->add(token, request.type_name, index);
      } else {
        output->add(token, index);
      }
    }
    if (tree) {
      const std::size_t files = tree->finish();
      out << "wrote " << files << " fixture files and manifest.json to " << plan->out_dir << "\n";
      return out ? exit_ok : exit_io;
    }
  } catch (const usage_error&) {
    throw;
  } catch (const std::runtime_error& error) {
    err << "dtoken generate: " << error.what() << '\n';
    return exit_io;
  }
  if (!output->finish()) {
    err << "dtoken generate: cannot write the output\n";
    return exit_io;
  }
  return exit_ok;
}

}  // namespace dtoken::cli
