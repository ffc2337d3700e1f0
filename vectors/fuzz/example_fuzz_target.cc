// An example libFuzzer target for a project of your own that masks Dynatrace access tokens in
// logs: start it from this directory's seeds and dictionary (vectors/README.md shows how).
//
// `mask_tokens` stands for your code. The target checks what a masker promises: the output is as
// long as the input, every byte outside a token is kept, and no token of the documented shape
// (Dynatrace's published regex, run by std::regex as the oracle) is left in clear text.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>

namespace {

bool is_upper_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// Whether `text` holds a documented token at `at`: dt0, a letter, 2 digits, '.', 24 upper-case
// letters or digits, '.', 64 more.
bool token_at(std::string_view text, std::size_t at) {
  if (text.size() - at < 96 || text.substr(at, 3) != "dt0") return false;
  const auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!letter(text[at + 3]) || !digit(text[at + 4]) || !digit(text[at + 5])) return false;
  if (text[at + 6] != '.' || text[at + 31] != '.') return false;
  for (std::size_t i = 7; i < 96; ++i) {
    if (i != 31 && !is_upper_alnum(text[at + i])) return false;
  }
  return true;
}

// Your code: masks the secret of each token (the last 64 characters) with '*'.
std::string mask_tokens(std::string_view text) {
  std::string out(text);
  for (std::size_t at = 0; at + 96 <= text.size();) {
    if (token_at(text, at)) {
      out.replace(at + 32, 64, 64, '*');
      at += 96;
    } else {
      ++at;
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::regex published(R"(dt0[a-zA-Z]{1}[0-9]{2}\.[A-Z0-9]{24}\.[A-Z0-9]{64})");
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string output = mask_tokens(input);
  if (output.size() != input.size()) std::abort();
  for (std::size_t i = 0; i < input.size(); ++i) {
    if (output[i] != input[i] && output[i] != '*') std::abort();  // only '*' comes in
  }
  if (std::regex_search(output, published)) std::abort();  // a token left in clear text
  return 0;
}
