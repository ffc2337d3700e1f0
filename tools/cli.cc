#include "cli.h"

#include "detail/sha256.h"
#include "dtoken/version.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <fstream>
#include <limits>

namespace dtoken::cli {

bool parse_arguments(const arguments& args,
                     const boost::program_options::options_description& options,
                     std::vector<std::string>* operands, std::string_view usage,
                     std::ostream& out) {
  namespace po = boost::program_options;
  po::options_description all;
  all.add(options);
  po::positional_options_description positional;
  if (operands != nullptr) {
    all.add_options()("operand", po::value(operands), "");
    positional.add("operand", -1);
  }
  po::variables_map values;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), values);
  po::notify(values);
  if (values.count("help")) {
    out << "dtoken " DTOKEN_VERSION_STRING "\n" << usage << '\n' << options;
    return false;
  }
  return true;
}

std::uint64_t parse_size(const std::string& text, std::string_view option) {
  const auto fail = [&] {
    return usage_error(
        "--" + std::string(option) +
        " takes a size: bytes (1048576), or a number with K, M, G or T (10M), not '" + text + "'");
  };
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop == text.data()) throw fail();
  std::string unit(stop, end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const std::string_view suffix : {"IB", "B"}) {
    if (unit.size() > suffix.size() && unit.ends_with(suffix)) {
      unit.resize(unit.size() - suffix.size());
      break;
    }
  }
  constexpr std::string_view units = "KMGT";
  if (unit.empty()) return value;
  const std::size_t power = units.find(unit);
  if (unit.size() != 1 || power == std::string_view::npos) throw fail();
  const unsigned shift = 10 * (static_cast<unsigned>(power) + 1);
  if (value > (std::numeric_limits<std::uint64_t>::max() >> shift)) throw fail();
  return value << shift;
}

std::uint64_t parse_number(const std::string& text, std::string_view option) {
  std::uint64_t value = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || stop != end) {
    throw usage_error("--" + std::string(option) + " takes a whole number from 0 to " +
                      std::to_string(std::numeric_limits<std::uint64_t>::max()) + ", not '" + text +
                      "'");
  }
  return value;
}

profile parse_profile(const std::string& name) {
  if (const auto value = profile_from_string(name)) return *value;
  throw usage_error("unknown profile '" + name + "' (choose documented, strict or family)");
}

output_format parse_format(const std::string& name, std::initializer_list<output_format> allowed) {
  static constexpr std::pair<std::string_view, output_format> names[] = {
      {"text", output_format::text},   {"json", output_format::json},
      {"jsonl", output_format::jsonl}, {"sarif", output_format::sarif},
      {"csv", output_format::csv},     {"env", output_format::env}};
  std::vector<std::string_view> choices;
  for (const auto& [format_name, format] : names) {
    if (std::find(allowed.begin(), allowed.end(), format) == allowed.end()) continue;
    if (format_name == name) return format;
    choices.push_back(format_name);
  }
  // "text, json or jsonl", as the other choices say it
  std::string listed;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    listed.append(i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ").append(choices[i]);
  }
  throw usage_error("unknown format '" + name + "' (choose " + listed + ")");
}

std::string valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    // The length of the sequence `lead` starts, and the range its second byte must be in
    // (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF).
    std::size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    }
    bool ok = length != 0 && i + length <= bytes.size();
    for (std::size_t k = 1; ok && k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      ok = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
    }
    if (ok) {
      out.append(bytes.substr(i, length));
      i += length;
    } else {
      out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    }
  }
  return out;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::string sha256_hex(std::string_view bytes) {
  dtoken::detail::sha256_digest digest{};
  if (!dtoken::detail::sha256(bytes, digest)) throw std::runtime_error("SHA-256 failed");
  return dtoken::detail::to_hex(digest);
}

std::string display_form(std::string_view candidate, std::size_t reveal, std::size_t limit) {
  const std::size_t first_dot = candidate.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : candidate.find('.', first_dot + 1);
  std::string shown;
  const std::size_t shown_size = std::min(candidate.size(), limit);
  shown.reserve(shown_size + 3);
  for (std::size_t i = 0; i < shown_size; ++i) {
    const auto byte = static_cast<unsigned char>(candidate[i]);
    const bool in_secret = second_dot != std::string_view::npos && i > second_dot;
    if (byte < 0x20 || byte > 0x7e) {
      shown += '?';
    } else if (in_secret && i != reveal) {
      shown += '*';
    } else {
      shown += static_cast<char>(byte);
    }
  }
  if (candidate.size() > limit) shown += "...";
  return shown;
}

boost::json::object validation_json(std::string_view candidate, profile rules) {
  const parse_result parsed = parse(candidate, rules);
  boost::json::object object;
  object["valid"] = parsed.ok();
  object["error"] = parsed.ok() ? boost::json::value(nullptr)
                                : boost::json::value(to_string(parsed.status.error));
  object["position"] = parsed.status.position;
  object["token_id"] =
      parsed.ok() ? boost::json::value(parsed.value.token_id()) : boost::json::value(nullptr);
  object["type"] =
      parsed.ok() ? boost::json::value(parsed.value.prefix) : boost::json::value(nullptr);
  object["type_name"] = parsed.ok() && parsed.value.type != nullptr
                            ? boost::json::value(parsed.value.type->name)
                            : boost::json::value(nullptr);
  return object;
}

}  // namespace dtoken::cli
