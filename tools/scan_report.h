// dtoken scan: how findings are written (text, JSON, JSON Lines, SARIF 2.1.0), their fingerprints,
// and baseline files of known findings.
#ifndef DTOKEN_TOOLS_SCAN_REPORT_H
#define DTOKEN_TOOLS_SCAN_REPORT_H

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "dtoken/scan.h"

namespace dtoken::cli {

// A path as reports show it: without a leading "./".
std::string_view report_path(std::string_view path);

// The stable identity of a finding: 32 hex digits of SHA-256 over the report path, the token ID
// and which occurrence of that token ID in that file it is (0, 1, ...). It stays the same when
// lines are added or removed around the token, and never depends on the secret.
std::string fingerprint(std::string_view path, std::string_view token_id, std::uint64_t occurrence);

// Numbers the occurrences of each token ID within one file, for fingerprint().
class occurrence_counter {
 public:
  std::uint64_t next(std::string_view token_id) { return counts_[std::string(token_id)]++; }

 private:
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

// Writes findings in one format. Text and JSON Lines go out one finding at a time; JSON and SARIF
// are one document, closed by finish().
class report_writer {
 public:
  report_writer(std::ostream& out, output_format format, profile rules, bool show_secret);
  void add(std::string_view path, const finding& found, const std::string& fingerprint);
  void finish();

 private:
  std::ostream& out_;
  output_format format_;
  profile rules_;
  bool show_secret_;
  bool first_ = true;
  boost::json::array sarif_results_;
};

// A known finding, as a baseline file records it.
struct baseline_entry {
  std::string fingerprint;
  std::string path;
  std::uint64_t line = 0;
  std::string token_id;
};

// The fingerprints of a baseline file: one written by write_baseline(), or a SARIF log written by
// `dtoken scan --format sarif`. Throws usage_error when it cannot be read or is not one of these.
std::set<std::string, std::less<>> read_baseline(const std::string& path);

// Writes `entries` as a baseline file (JSON; no secrets), atomically. Throws std::runtime_error.
void write_baseline(const std::string& path, const std::vector<baseline_entry>& entries);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_REPORT_H
