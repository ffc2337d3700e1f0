// json_text writes what boost::json::serialize writes for the same values, byte for byte: random
// trees of objects, arrays, strings of any byte (control characters, quotes, backslashes, UTF-8),
// numbers, booleans and null.
#include "json_text.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace dtoken::cli {
namespace {

// Writes a random value to `text` and returns the same value as a boost::json::value.
boost::json::value write_random(json_text& text, int depth) {
  const int kind = *rc::gen::inRange(0, depth > 2 ? 4 : 6);
  switch (kind) {
    case 0: {
      const auto bytes = *rc::gen::container<std::string>(rc::gen::inRange<char>(0, 127));
      const std::string suffix = *rc::gen::element<std::string>("", "é", "\xe2\x82\xac", "/");
      text.value(bytes + suffix);
      return boost::json::string(bytes + suffix);
    }
    case 1: {
      const auto number = *rc::gen::arbitrary<std::uint64_t>();
      text.value(number);
      return number;
    }
    case 2: {
      const bool flag = *rc::gen::arbitrary<bool>();
      text.value(flag);
      return flag;
    }
    case 3:
      text.null();
      return nullptr;
    case 4: {
      boost::json::object object;
      text.open_object();
      const int members = *rc::gen::inRange(0, 4);
      for (int i = 0; i < members; ++i) {
        const std::string name = *rc::gen::container<std::string>(rc::gen::inRange<char>(0, 127));
        if (object.contains(name)) continue;
        text.key_text(name);
        object[name] = write_random(text, depth + 1);
      }
      text.close_object();
      return object;
    }
    default: {
      boost::json::array array;
      text.open_array();
      const int elements = *rc::gen::inRange(0, 4);
      for (int i = 0; i < elements; ++i) array.push_back(write_random(text, depth + 1));
      text.close_array();
      return array;
    }
  }
}

RC_GTEST_PROP(json_text_property, writes_what_boost_json_serializes, ()) {
  std::string out;
  json_text text(out);
  const boost::json::value expected = write_random(text, 0);
  RC_ASSERT(out == boost::json::serialize(expected));
}

TEST(json_text_test, escapes_as_boost_json_does) {
  std::string out;
  json_text(out)
      .open_object()
      .key_text("a\"b")
      .value("\x01\t\n\\/\x7f")
      .key("n")
      .null()
      .close_object();
  EXPECT_EQ(out, R"({"a\"b":"\u0001\t\n\\/)"
                 "\x7f"
                 R"(","n":null})");
  EXPECT_EQ(out, boost::json::serialize(
                     boost::json::object{{"a\"b", "\x01\t\n\\/\x7f"}, {"n", nullptr}}));
}

// quote() checks eight bytes at a time, the last word overlapping the one before it and a short
// text padded: one byte to escape at each position of texts of every length up to 24, and none.
TEST(json_text_test, finds_a_byte_to_escape_at_every_position) {
  for (std::size_t length = 0; length <= 24; ++length) {
    for (std::size_t at = 0; at <= length; ++at) {  // (at == length: nothing to escape)
      for (const char special : {'"', '\\', '\x1f', '\0'}) {
        std::string bytes(length, 'x');
        if (at < length) bytes[at] = special;
        std::string out;
        json_text(out).value(bytes);
        ASSERT_EQ(out, boost::json::serialize(boost::json::string(bytes)))
            << length << " " << at << " " << int{special};
      }
    }
  }
}

}  // namespace
}  // namespace dtoken::cli
