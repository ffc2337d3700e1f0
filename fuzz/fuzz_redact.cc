// Fuzzes the redactor with oracles, in each mode: chunked and whole-input redaction give the same
// output; it is the input with each finding of the scanner's masked part replaced ('*' bytes, or
// the digest), so nothing else changes and no secret survives; the masking modes keep the length.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dtoken/redact.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "fuzz_redact: %s\nconst unsigned char input[] = {", what);
  for (const char c : input) std::fprintf(stderr, "0x%02x,", static_cast<unsigned char>(c));
  std::fprintf(stderr, "};\n");
  std::abort();
}

std::string redact_in_chunks(std::string_view text, dtoken::profile rules, dtoken::redact_mode mode,
                             std::size_t chunk) {
  std::string out;
  const auto append = [&out](std::string_view bytes) noexcept { out.append(bytes); };
  dtoken::redactor filter(rules, mode);
  for (std::size_t at = 0; at < text.size(); at += chunk)
    filter.feed(text.substr(at, chunk), append);
  filter.finish(append);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dtoken;
  if (size < 2 || size > 8192) return 0;
  const auto rules = static_cast<profile>(data[0] % profile_count);
  const auto mode = (data[0] & 0x80) != 0   ? redact_mode::mask_token
                    : (data[0] & 0x40) != 0 ? redact_mode::digest
                                            : redact_mode::mask_secret;
  const std::size_t chunk = 1 + data[1] % 200;
  const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

  const std::string whole = redact_in_chunks(text, rules, mode, text.size() + 1);
  if (redact_in_chunks(text, rules, mode, chunk) != whole) fail("chunked output differs", text);

  // The expected output: the input with each finding's masked part replaced.
  std::string expected;
  std::size_t copied = 0;
  scan(text, rules, [&](const finding& found) {
    const std::size_t end = static_cast<std::size_t>(found.offset) + found.length;
    const std::size_t from = mode == redact_mode::mask_token
                                 ? static_cast<std::size_t>(found.offset)
                                 : end - secret_length;
    expected.append(text.substr(copied, from - copied));
    std::array<char, digest_length> digest{};
    if (mode == redact_mode::digest) {
      if (!secret_digest(found.token, digest)) fail("no digest", text);
      expected.append(digest.data(), digest.size());
    } else {
      expected.append(end - from, '*');
    }
    copied = end;
  });
  expected.append(text.substr(copied));
  if (whole != expected) fail("the output is not the input with each finding masked", text);
  if (mode != redact_mode::digest && whole.size() != text.size()) {
    fail("output length differs from input length", text);
  }
  return 0;
}
