// Fuzzes the generator and the fixtures with oracles. Any type, seed, label, index and marking
// gives a token that strict and family validation accept (documented exactly the 96-byte ones),
// the same inputs give the same token, every invalid variant fails with its stated code and
// position, and every embedding puts the token at its stated offset.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "dtoken/fixtures.h"
#include "dtoken/generate.h"
#include "dtoken/validate.h"

namespace {

// Reads the fuzzer's bytes as a sequence of choices; past the end every choice is 0.
class choices {
 public:
  choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint64_t number(std::size_t bytes) {
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < bytes; ++i)
      value = (value << 8) | (next_ < size_ ? data_[next_++] : 0);
    return value;
  }
  std::string_view rest() {
    const auto* begin = reinterpret_cast<const char*>(data_ + next_);
    const std::size_t left = size_ - next_;
    next_ = size_;
    return {begin, left};
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t next_ = 0;
};

[[noreturn]] void fail(const char* what, std::string_view token) {
  std::fprintf(stderr, "fuzz_generate: %s: \"%.*s\"\n", what, static_cast<int>(token.size()),
               token.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dtoken;
  if (size > 1024) return 0;
  choices pick(data, size);
  const auto types = token_types();
  const token_type& type = types[pick.number(1) % types.size()];
  const std::uint64_t seed = pick.number(8);
  const std::uint64_t index = pick.number(8);
  const bool marked = pick.number(1) & 1;
  const auto rules = static_cast<profile>(pick.number(1) % profile_count);
  const auto code = static_cast<error_code>(pick.number(1) % error_code_count);
  const auto kind = static_cast<syntax>(pick.number(1) % syntax_count);
  const std::string_view label = pick.rest();

  const auto source = token_source::deterministic(seed, label);
  std::array<char, max_token_length> buffer{};
  const std::size_t length = generate(type, source, index, buffer, marked);
  const std::string token(buffer.data(), length);
  if (length != generated_length(type)) fail("wrong length", token);
  if (!validate(token, profile::strict).ok()) fail("strict rejects a generated token", token);
  if (!validate(token, profile::family).ok()) fail("family rejects a generated token", token);
  if (validate(token).ok() != (length == 96)) fail("documented verdict is off", token);
  if (marked && !is_marked_fixture(parse(token, profile::strict).value)) fail("marker lost", token);
  std::array<char, max_token_length> again{};
  if (generate(type, source, index, again, marked) != length ||
      std::memcmp(again.data(), buffer.data(), length) != 0) {
    fail("same inputs, different token", token);
  }

  if (const auto variant = make_invalid(token, rules, code)) {
    if (validate(variant->candidate, rules) != variant->expected) {
      fail("an invalid variant fails otherwise than stated", variant->candidate);
    }
  }
  const embedded_sample sample = embed(token, kind);
  if (sample.text.compare(sample.offset, sample.length, token) != 0) {
    fail("the embedded token is not at its offset", sample.text);
  }

  std::array<char, legacy_token_id_length> legacy{};
  if (generate_legacy(source, index, legacy) != legacy_token_length ||
      !validate_legacy(std::string_view(legacy.data(), legacy_token_length)).ok()) {
    fail("a legacy token does not validate", std::string_view(legacy.data(), legacy.size()));
  }
  return 0;
}
