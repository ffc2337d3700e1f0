// The fast record writers of tools/report_records.h write what the general ones (json_text) write,
// byte for byte: random findings of every type (or none), with tokens, paths and fingerprints of
// any byte (quotes, control characters, invalid UTF-8), standard input's "-", either level, every
// encoding and profile, with and without secrets, several in a row from a few files (the fast
// writers keep pieces from one record to the next).
#include "report_records.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "dtoken/token.h"

namespace dtoken::cli {
namespace {

std::string random_bytes() {
  const auto bytes = *rc::gen::container<std::string>(rc::gen::arbitrary<char>());
  const std::string suffix =
      *rc::gen::element<std::string>("", "é", "\xe2\x82\xac", "\"\\", "\xff");
  return bytes + suffix;
}

// A token of 80 or 96 bytes (its ID all but the last 65), of any byte or the shape of a real one,
// of `type` (as the scanner finds them) or of another.
std::string random_token(const token_type* type) {
  const std::size_t length = *rc::gen::element<std::size_t>(80, 96);
  if (*rc::gen::arbitrary<bool>()) {
    return *rc::gen::container<std::string>(length, rc::gen::arbitrary<char>());
  }
  std::string token = type != nullptr && *rc::gen::arbitrary<bool>()
                          ? std::string(type->prefix)
                          : *rc::gen::element<std::string>("dt0c01", "dt0s16", "dt0x99");
  token += '.';
  token += std::string(length - 72, 'A');
  token += '.';
  token += std::string(64, 'B');
  return token;
}

RC_GTEST_PROP(report_records_property, fast_writers_write_what_the_general_ones_write, ()) {
  const std::vector<std::string> paths = {"logs/app.log", random_bytes(), "-"};
  const auto count = *rc::gen::inRange<std::size_t>(1, 8);
  for (std::size_t k = 0; k < count; ++k) {
    const std::size_t type = *rc::gen::inRange<std::size_t>(0, token_types().size() + 1);
    const token_type* registered = type < token_types().size() ? &token_types()[type] : nullptr;
    const std::string token = random_token(registered);
    const std::string print =
        *rc::gen::element<std::string>("0123456789abcdef0123456789abcdef", random_bytes());
    finding found;
    found.token = token;
    found.offset = *rc::gen::arbitrary<std::uint64_t>();
    found.length = *rc::gen::inRange<std::size_t>(80, 200);
    found.line = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
    found.column = *rc::gen::inRange<std::uint64_t>(1, 1'000'000);
    found.bounded = *rc::gen::arbitrary<bool>();
    found.type = registered;
    found.encoded =
        *rc::gen::element(encoding::none, encoding::base64, encoding::percent, encoding::none);
    const std::string& path = *rc::gen::elementOf(paths);
    const report_item item{path, path, found, print, *rc::gen::arbitrary<bool>()};
    const profile rules = *rc::gen::element(profile::documented, profile::strict, profile::family);
    const bool show_secret = *rc::gen::arbitrary<bool>();

    std::string fast;
    std::string general;
    write_sarif_result(fast, item);
    write_sarif_result_general(general, item);
    RC_ASSERT(fast == general);
    fast.clear();
    general.clear();
    write_json_record(fast, item, rules, show_secret);
    write_json_record_general(general, item, rules, show_secret);
    RC_ASSERT(fast == general);
  }
}

}  // namespace
}  // namespace dtoken::cli
