// The framing of every output format (tools/record_writer.h): what opens and closes the output and
// what goes around each record, for no record, one and several; records joined ahead of time
// (dtoken scan renders them on its own) frame as records added one by one.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "record_writer.h"

namespace dtoken::cli {
namespace {

const std::vector<output_format> every_format = {output_format::text,  output_format::json,
                                                 output_format::jsonl, output_format::sarif,
                                                 output_format::csv,   output_format::env};

// The output of a writer in `format` given `records` one by one.
std::string framed(output_format format, const std::vector<std::string>& records) {
  std::string text;
  string_sink sink{text};
  record_writer<string_sink> writer(sink, format, "HEAD\n", "TAIL\n");
  for (const std::string& record : records) writer.add_record(record);
  writer.finish();
  return text;
}

TEST(record_writer_test, json_is_one_array_with_a_record_a_line) {
  EXPECT_EQ(framed(output_format::json, {}), "[]\n");
  EXPECT_EQ(framed(output_format::json, {"{\"a\":1}"}), "[\n  {\"a\":1}\n]\n");
  EXPECT_EQ(framed(output_format::json, {"{\"a\":1}", "{\"b\":2}"}),
            "[\n  {\"a\":1},\n  {\"b\":2}\n]\n");
}

TEST(record_writer_test, json_lines_end_each_record_with_a_newline) {
  EXPECT_EQ(framed(output_format::jsonl, {}), "");
  EXPECT_EQ(framed(output_format::jsonl, {"{}", "[1]"}), "{}\n[1]\n");
}

TEST(record_writer_test, sarif_joins_its_results_between_the_logs_head_and_tail) {
  EXPECT_EQ(framed(output_format::sarif, {}), "HEAD\nTAIL\n");
  EXPECT_EQ(framed(output_format::sarif, {"{\"r\":1}", "{\"r\":2}"}),
            "HEAD\n{\"r\":1},{\"r\":2}TAIL\n");
}

TEST(record_writer_test, csv_has_its_header_and_text_and_env_write_records_as_rendered) {
  EXPECT_EQ(framed(output_format::csv, {}), "HEAD\n");
  EXPECT_EQ(framed(output_format::csv, {"1,a\n", "2,b\n"}), "HEAD\n1,a\n2,b\n");
  EXPECT_EQ(framed(output_format::text, {",x\n", "y\n"}), ",x\ny\n");
  EXPECT_EQ(framed(output_format::env, {"A=1\n"}), "A=1\n");
}

TEST(record_writer_test, records_joined_ahead_frame_as_records_added_one_by_one) {
  const std::vector<std::string> records = {",first\n", "{\"second\":2}", "third\n"};
  for (const output_format format : every_format) {
    for (std::size_t split = 0; split <= records.size(); ++split) {
      std::string joined_text;
      string_sink sink{joined_text};
      record_writer<string_sink> writer(sink, format, "HEAD\n", "TAIL\n");
      std::string batch;  // records [0, split), then the rest, each batch joined
      for (std::size_t i = 0; i < records.size(); ++i) {
        if (i == split) {
          writer.add_joined(batch);
          batch.clear();
        }
        batch.append(record_writer<string_sink>::lead(format)).append(records[i]);
        batch.append(record_writer<string_sink>::trail(format));
      }
      writer.add_joined(batch);
      writer.finish();
      EXPECT_EQ(joined_text, framed(format, records))
          << "format " << static_cast<int>(format) << ", split " << split;
    }
  }
}

TEST(record_writer_test, a_json_object_is_serialized_as_boost_json_writes_it) {
  std::string text;
  string_sink sink{text};
  record_writer<string_sink> writer(sink, output_format::jsonl);
  const boost::json::object record{{"token_id", "dt0c01.ABC"}, {"n", 2}};
  writer.add(record);
  EXPECT_EQ(text, boost::json::serialize(record) + "\n");
}

TEST(record_writer_test, a_record_can_come_in_pieces) {
  std::string text;
  string_sink sink{text};
  record_writer<string_sink> writer(sink, output_format::json);
  writer.add_record("{\"a\":", std::string("1"), "}");
  writer.add_record("{}");
  writer.finish();
  EXPECT_EQ(text, "[\n  {\"a\":1},\n  {}\n]\n");
}

}  // namespace
}  // namespace dtoken::cli
