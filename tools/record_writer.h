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
  void add(const boost::json::object& record) {
    if (format_ == output_format::json) out_ << std::string_view(first_ ? "\n  " : ",\n  ");
    out_ << std::string_view(boost::json::serialize(record));
    if (format_ == output_format::jsonl) out_ << std::string_view("\n");
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
