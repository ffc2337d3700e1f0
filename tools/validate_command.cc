// dtoken validate: candidates from the arguments, or one per line from standard input.
#include <array>
#include <boost/program_options.hpp>
#include <cstring>
#include <iostream>

#include "cli.h"
#include "dtoken/version.h"
#include "record_writer.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

// Reads lines of any length in constant memory. Only the first `kept_bytes` of a line are kept:
// validate() never reads past byte 97 of a candidate (the longest token is 96 bytes), so a
// longer line gets the same verdict from its head as from the whole line.
class line_reader {
 public:
  static constexpr std::size_t kept_bytes = 256;

  explicit line_reader(std::istream& in) : in_(in) {}

  // The next line without its final LF (a last line without LF counts); false at the end.
  bool next(std::string& line) {
    line.clear();
    bool any = false;
    for (;;) {
      if (begin_ == end_ && !refill()) return any;
      any = true;
      const char* start = buffer_.data() + begin_;
      const auto* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
      const std::size_t length =
          newline != nullptr ? static_cast<std::size_t>(newline - start) : end_ - begin_;
      if (line.size() < kept_bytes) line.append(start, std::min(length, kept_bytes - line.size()));
      begin_ += length;
      if (newline != nullptr) {
        ++begin_;
        return true;
      }
    }
  }

  [[nodiscard]] bool failed() const { return in_.bad(); }

 private:
  bool refill() {
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    begin_ = 0;
    end_ = static_cast<std::size_t>(in_.gcount());
    return end_ > 0;
  }

  std::istream& in_;
  std::array<char, 1 << 16> buffer_{};
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

constexpr const char* usage =
    "Usage: dtoken validate [--profile P] [--format F] [TOKEN ...]\n"
    "\n"
    "Validates each TOKEN, or each line of standard input when no TOKEN is given (the line\n"
    "without its final LF is the candidate; nothing else is stripped). Prints one verdict per\n"
    "candidate, in input order; never a secret part.\n"
    "\n"
    "Exit codes: 0 all valid, 1 some candidate invalid, 2 usage error, 3 I/O error.\n";

class reporter {
 public:
  reporter(std::ostream& out, profile rules, output_format format)
      : rules_(rules), format_(format), records_(out, format) {}

  void report(std::string_view source, std::size_t number, std::string_view candidate) {
    const parse_result parsed = parse(candidate, rules_);
    all_valid_ = all_valid_ && parsed.ok();
    if (format_ == output_format::text) {
      std::string line(source);
      line.append(" ").append(std::to_string(number)).append(": ");
      if (parsed.ok()) {
        line.append("valid ").append(parsed.value.token_id()).append(" (");
        line.append(parsed.value.prefix);
        if (parsed.value.type != nullptr) line.append(", ").append(parsed.value.type->name);
        line.append(")\n");
      } else {
        line.append("invalid: ").append(to_string(parsed.status.error)).append(" at byte ");
        line.append(std::to_string(parsed.status.position)).append(" (");
        line.append(describe(parsed.status.error)).append(")\n");
      }
      records_.add_record(line);
      return;
    }
    boost::json::object object;
    object["source"] = source;
    object["index"] = number;
    object["profile"] = to_string(rules_);
    for (auto& field : validation_json(candidate, rules_)) object[field.key()] = field.value();
    records_.add(object);
  }

  void end() { records_.finish(); }

  [[nodiscard]] bool all_valid() const { return all_valid_; }

 private:
  profile rules_;
  output_format format_;
  record_writer<std::ostream> records_;
  bool all_valid_ = true;
};

}  // namespace

int run_validate(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err) {
  std::string profile_name;
  std::string format_name;
  po::options_description options("Options");
  options.add_options()("help,h", "show this help and exit")(
      "profile,p", po::value(&profile_name)->default_value("documented"),
      "documented (the published regex), strict (a known type's exact shape) or family (every "
      "real shape)")("format,f", po::value(&format_name)->default_value("text"),
                     "text, json (one array) or jsonl (one object per line)");
  std::vector<std::string> tokens;
  if (!parse_arguments(args, options, &tokens, usage, out)) return exit_ok;
  const profile rules = parse_profile(profile_name);
  const output_format format =
      parse_format(format_name, {output_format::text, output_format::json, output_format::jsonl});

  reporter report(out, rules, format);
  if (!tokens.empty()) {
    std::size_t number = 0;
    for (const std::string& token : tokens) {
      report.report("argument", ++number, token);
    }
  } else {
    line_reader lines(in);
    std::string line;
    std::size_t number = 0;
    while (lines.next(line)) report.report("line", ++number, line);
    if (lines.failed()) {
      report.end();
      err << "dtoken validate: cannot read standard input\n";
      return exit_io;
    }
  }
  report.end();
  return report.all_valid() ? exit_ok : exit_findings;
}

}  // namespace dtoken::cli
