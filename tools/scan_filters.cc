#include "scan_filters.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cli.h"
#include "detail/sha256.h"

namespace dtoken::cli {

std::string_view report_path(std::string_view path) {
  while (path.starts_with("./") && path.size() > 2) path.remove_prefix(2);
  return path;
}

void fingerprint(std::string_view path, std::string_view token_id, std::uint64_t occurrence,
                 fingerprint_text& out) {
  static constexpr char hex[] = "0123456789abcdef";
  thread_local std::string material;
  material.assign("dtoken fingerprint v1\n");
  material.append(report_path(path)).append("\n").append(token_id).append("\n");
  std::array<char, 20> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), occurrence).ptr;
  material.append(digits.data(), end);
  detail::sha256_digest digest{};
  if (!detail::sha256(material, digest)) throw std::runtime_error("SHA-256 failed");
  for (std::size_t i = 0; i < out.size() / 2; ++i) {
    out[2 * i] = hex[digest[i] >> 4U];
    out[2 * i + 1] = hex[digest[i] & 15U];
  }
}

std::string fingerprint(std::string_view path, std::string_view token_id,
                        std::uint64_t occurrence) {
  fingerprint_text text{};
  fingerprint(path, token_id, occurrence, text);
  return {text.data(), text.size()};
}

line_view line_around(std::string_view text, std::size_t at, std::size_t length,
                      bool text_starts_line, bool text_ends_line) {
  const std::size_t from = at > allow_reach ? at - allow_reach : 0;
  const std::size_t to = std::min(text.size(), at + length + allow_reach);
  // (glibc's memrchr and memchr, vectorized: string_view::rfind walks back byte by byte)
  const auto* line_break = static_cast<const char*>(::memrchr(text.data() + from, '\n', at - from));
  const auto* line_end =
      static_cast<const char*>(std::memchr(text.data() + at + length, '\n', to - at - length));
  const std::size_t begin =
      line_break == nullptr ? from : static_cast<std::size_t>(line_break - text.data()) + 1;
  const std::size_t end =
      line_end == nullptr ? to : static_cast<std::size_t>(line_end - text.data());
  const bool start_known = line_break != nullptr || from > 0 || text_starts_line;
  const bool end_known = line_end != nullptr || to == at + length + allow_reach || text_ends_line;
  return {text.substr(begin, end - begin), start_known && end_known};
}

bool has_allow_marker(std::string_view line) {
  return line.find("dtoken:allow") != std::string_view::npos;
}

std::set<std::string, std::less<>> read_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw usage_error("cannot read baseline " + path);
  boost::system::error_code error;
  const boost::json::value document = boost::json::parse(text.str(), error);
  const auto fail = [&] {
    return usage_error("baseline " + path +
                       " is neither a dtoken baseline nor a SARIF log of dtoken scan");
  };
  if (error || !document.is_object()) throw fail();
  std::set<std::string, std::less<>> known;
  const auto take = [&](const boost::json::value* value) {
    if (value == nullptr || !value->is_string()) throw fail();
    known.emplace(value->as_string());
  };
  const boost::json::object& root = document.as_object();
  if (const auto* findings = root.if_contains("findings"); findings != nullptr) {
    if (!findings->is_array()) throw fail();
    for (const auto& entry : findings->as_array()) {
      if (!entry.is_object()) throw fail();
      take(entry.as_object().if_contains("fingerprint"));
    }
    return known;
  }
  const auto* runs = root.if_contains("runs");
  if (runs == nullptr || !runs->is_array()) throw fail();
  for (const auto& run : runs->as_array()) {
    const auto* results = run.is_object() ? run.as_object().if_contains("results") : nullptr;
    if (results == nullptr || !results->is_array()) throw fail();
    for (const auto& result : results->as_array()) {
      const auto* prints =
          result.is_object() ? result.as_object().if_contains("partialFingerprints") : nullptr;
      if (prints == nullptr || !prints->is_object()) throw fail();
      take(prints->as_object().if_contains(fingerprint_key));
    }
  }
  return known;
}

void write_baseline(const std::string& path, const std::vector<baseline_entry>& entries) {
  boost::json::array findings;
  for (const baseline_entry& entry : entries) {
    findings.push_back({{"fingerprint", entry.fingerprint},
                        {"path", valid_utf8(entry.path)},
                        {"line", entry.line},
                        {"token_id", entry.token_id}});
  }
  std::string text = "{\"dtoken_baseline\": 1, \"findings\": [";
  for (std::size_t i = 0; i < findings.size(); ++i) {
    text.append(i == 0 ? "\n  " : ",\n  ").append(boost::json::serialize(findings[i]));
  }
  text.append(findings.empty() ? "]}\n" : "\n]}\n");
  // Atomically: a temporary file beside the target, fsync, rename.
  const std::string temporary = path + ".dtoken-tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  bool ok = fd >= 0;
  std::size_t written = 0;
  while (ok && written < text.size()) {
    const ssize_t put = ::write(fd, text.data() + written, text.size() - written);
    ok = put > 0 || (put < 0 && errno == EINTR);
    if (put > 0) written += static_cast<std::size_t>(put);
  }
  ok = ok && ::fsync(fd) == 0;
  if (fd >= 0) ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temporary.c_str(), path.c_str()) == 0;
  if (!ok) {
    const std::string reason = std::strerror(errno);
    ::unlink(temporary.c_str());
    throw std::runtime_error("cannot write baseline " + path + ": " + reason);
  }
}

}  // namespace dtoken::cli
