// JSON text written straight into a string, byte for byte as boost::json::serialize writes the
// same values (no spaces; the same escapes), without building a tree: for the records that
// `dtoken scan` writes by the thousand, where a boost::json::object per finding cost 2 µs and the
// SARIF log's tree of results 13 µs (bench/scan_cli.sh). tests/cli/json_text_test.cc holds it to
// boost::json::serialize.
#ifndef DTOKEN_TOOLS_JSON_TEXT_H
#define DTOKEN_TOOLS_JSON_TEXT_H

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace dtoken::cli {

// A member's name written in the source, checked as it is compiled: it needs no escape, so it
// is written as it is (json_text::key), where a name made at run time is checked byte by byte. It
// is kept quoted and followed by ':', as it is written: one append per member. (`dtoken scan
// --format jsonl` of the dense 256 MiB corpus, 81,328 records, two runs of 21 alternating: 86.5
// and 90.2 ms with three appends per name, 72.0 and 82.5 ms with one; SARIF 3% faster.)
class literal_key {
 public:
  template <std::size_t Size>
  consteval literal_key(const char (&name)[Size])  // NOLINT(google-explicit-constructor)
      : literal_key(std::string_view(name, Size - 1)) {}
  consteval literal_key(std::string_view name)  // NOLINT(google-explicit-constructor)
      : size_(name.size() + 3) {
    if (size_ > quoted_.size()) throw "a member name written in the source must be short";
    for (const char c : name) {
      if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
        throw "a member name written in the source must need no escape";
      }
    }
    quoted_[0] = '"';
    for (std::size_t i = 0; i < name.size(); ++i) quoted_[i + 1] = name[i];
    quoted_[name.size() + 1] = '"';
    quoted_[name.size() + 2] = ':';
  }
  // "name":
  [[nodiscard]] constexpr std::string_view quoted() const noexcept {
    return {quoted_.data(), size_};
  }

 private:
  std::array<char, 32> quoted_{};
  std::size_t size_;
};

// `text` as the inside of a JSON string, '"', '\\' and the control characters escaped (the quotes
// left to the caller: json_text::quote(), or a string written in pieces).
void append_escaped(std::string& out, std::string_view text);

class json_text {
 public:
  explicit json_text(std::string& out) : out_(out) {}

  json_text& open_object() { return open('{'); }
  json_text& close_object() { return close('}'); }
  json_text& open_array() { return open('['); }
  json_text& close_array() { return close(']'); }

  // A member's name; its value comes next.
  json_text& key(const literal_key& name) {
    separate();
    out_ += name.quoted();
    after_key_ = true;
    return *this;
  }
  json_text& key_text(std::string_view name) {  // (a name made at run time)
    separate();
    quote(name);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  json_text& value(std::string_view text) {
    separate();
    quote(text);
    return *this;
  }
  json_text& value(const char* text) { return value(std::string_view(text)); }
  json_text& value(std::uint64_t number) {
    separate();
    std::array<char, 20> digits{};
    out_.append(digits.data(),
                std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr);
    return *this;
  }
  json_text& value(bool flag) {
    separate();
    out_ += flag ? "true" : "false";
    return *this;
  }
  json_text& null() {
    separate();
    out_ += "null";
    return *this;
  }
  // JSON text written elsewhere (a serialized value), as the next value.
  json_text& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }

  // `text` as a JSON string: quoted, with '"', '\\' and the control characters escaped.
  void quote(std::string_view text);

 private:
  json_text& open(char bracket) {
    separate();
    out_ += bracket;
    first_[++depth_] = true;
    return *this;
  }
  json_text& close(char bracket) {
    out_ += bracket;
    --depth_;
    return *this;
  }
  // The comma before a value or member, unless it is the first of its container.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (!first_[depth_]) out_ += ',';
    first_[depth_] = false;
  }

  std::string& out_;
  std::array<bool, 32> first_{true};  // per depth: nothing written in the container yet
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_JSON_TEXT_H
