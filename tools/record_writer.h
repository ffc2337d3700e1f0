// The framing of structured output, one place for every command: a JSON array with one record a
// line ("[\n  {...},\n  {...}\n]\n", "[]\n" when empty) or JSON Lines ("{...}\n" each). Text,
// CSV, env and SARIF are the commands' own (their records are no JSON objects, or one document).
// `Out` is anything that takes `<< std::string_view`: a std::ostream, or generate's block writer.
#ifndef DTOKEN_TOOLS_RECORD_WRITER_H
#define DTOKEN_TOOLS_RECORD_WRITER_H

#include <boost/json.hpp>
#include <string_view>

#include "cli.h"

namespace dtoken::cli {

template <typename Out>
class record_writer {
 public:
  // Opens the array for output_format::json; nothing for the others.
  record_writer(Out& out, output_format format) : out_(out), format_(format) {
    if (format_ == output_format::json) out_ << std::string_view("[");
  }

  // Whether records go out as JSON (an array or JSON Lines).
  [[nodiscard]] bool structured() const {
    return format_ == output_format::json || format_ == output_format::jsonl;
  }

  // One record, for output_format::json or jsonl.
  void add(const boost::json::object& record) { add_json(boost::json::serialize(record)); }

  // One record already written as JSON text (json_text.h).
  void add_json(std::string_view record) {
    const std::string_view before = lead(format_);
    out_ << (first_ && !before.empty() ? before.substr(1) : before) << record << trail(format_);
    first_ = false;
  }

  // What comes before and after each record in the format. Records joined with these (joined(),
  // perhaps written apart on several threads) go out together with add_joined().
  static std::string_view lead(output_format format) {
    return format == output_format::json ? ",\n  " : "";
  }
  static std::string_view trail(output_format format) {
    return format == output_format::jsonl ? "\n" : "";
  }
  void add_joined(std::string_view records) {
    if (records.empty()) return;
    if (first_ && records.starts_with(',')) records.remove_prefix(1);  // the first lead's comma
    out_ << records;
    first_ = false;
  }

  // Closes the array for output_format::json.
  void finish() {
    if (format_ == output_format::json) out_ << std::string_view(first_ ? "]\n" : "\n]\n");
  }

 private:
  Out& out_;
  output_format format_;
  bool first_ = true;
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_RECORD_WRITER_H
