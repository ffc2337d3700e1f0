// The framing of every command's output, in one place for every format: what comes before the
// first record, before each record, after each, and after the last. The commands render their
// records (a JSON object, a text or CSV line); the writer puts them together:
//   text, env   each record as rendered (a line)
//   csv         a header line (the head), then each record as rendered (a line)
//   json        one array, a record a line: "[\n  {...},\n  {...}\n]\n" ("[]\n" when empty)
//   jsonl       "{...}\n" each
//   sarif       the log's head, the results joined by ',', the log's tail (scan_report.cc)
// A command whose output is one JSON document (inspect, a manifest) writes it as one JSON Lines
// record. A new format is one enum value (cli.h) and its branch in lead(), trail() and finish().
// `Out` is anything that takes `<< std::string_view`: a std::ostream, generate's block writer, or
// a string_sink.
#ifndef DTOKEN_TOOLS_RECORD_WRITER_H
#define DTOKEN_TOOLS_RECORD_WRITER_H

#include <boost/json.hpp>
#include <string>
#include <string_view>
#include <utility>

#include "cli.h"

namespace dtoken::cli {

// An `Out` that appends to a string (a file in the making).
struct string_sink {
  std::string& text;
  string_sink& operator<<(std::string_view bytes) {
    text.append(bytes);
    return *this;
  }
};

template <typename Out>
class record_writer {
 public:
  // Writes what opens the output: the array's '[' for json, `head` for csv (its header line) and
  // sarif (the log up to its results); `tail` closes a sarif log.
  record_writer(Out& out, output_format format, std::string_view head = {}, std::string tail = {})
      : out_(out), format_(format), tail_(std::move(tail)) {
    if (format_ == output_format::json) out_ << std::string_view("[");
    if (format_ == output_format::csv || format_ == output_format::sarif) out_ << head;
  }

  // Whether records are JSON objects (an array or JSON Lines).
  [[nodiscard]] bool structured() const {
    return format_ == output_format::json || format_ == output_format::jsonl;
  }

  // One JSON record (json, jsonl; a sarif result).
  void add(const boost::json::object& record) { add_record(boost::json::serialize(record)); }

  // One record already rendered, perhaps in pieces: JSON text (json_text.h), or a line of text,
  // CSV or env.
  template <typename... Pieces>
  void add_record(const Pieces&... pieces) {
    const std::string_view before = lead(format_);
    out_ << (first_ ? before.substr(before.empty() ? 0 : 1) : before);
    (out_ << ... << std::string_view(pieces));
    out_ << trail(format_);
    first_ = false;
  }

  // What comes before and after each record in the format. Records joined with these (perhaps
  // rendered elsewhere, as dtoken scan does) go out together with add_joined().
  static std::string_view lead(output_format format) {
    switch (format) {
      case output_format::json:
        return ",\n  ";
      case output_format::sarif:
        return ",";
      case output_format::text:
      case output_format::jsonl:
      case output_format::csv:
      case output_format::env:
        break;
    }
    return "";
  }
  static std::string_view trail(output_format format) {
    return format == output_format::jsonl ? "\n" : "";
  }
  void add_joined(std::string_view records) {
    if (records.empty()) return;
    if (first_ && !lead(format_).empty()) records.remove_prefix(1);  // the first lead's comma
    out_ << records;
    first_ = false;
  }

  // Writes what closes the output: the array's ']' for json, the log's tail for sarif.
  void finish() {
    if (format_ == output_format::json) out_ << std::string_view(first_ ? "]\n" : "\n]\n");
    if (format_ == output_format::sarif) out_ << std::string_view(tail_);
  }

 private:
  Out& out_;
  output_format format_;
  std::string tail_;
  bool first_ = true;
};

// One JSON document (a manifest), as one JSON Lines record: the object and a newline.
inline std::string json_document(const boost::json::object& document) {
  std::string text;
  string_sink sink{text};
  record_writer<string_sink>(sink, output_format::jsonl).add(document);
  return text;
}

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_RECORD_WRITER_H
