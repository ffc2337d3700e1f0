// dtoken scan: how findings are written (text, JSON, JSON Lines, SARIF 2.1.0), their fingerprints,
// and baseline files of known findings.
#ifndef DTOKEN_TOOLS_SCAN_REPORT_H
#define DTOKEN_TOOLS_SCAN_REPORT_H

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli.h"
#include "dtoken/scan.h"
#include "git_history.h"
#include "record_writer.h"
#include "scan_filters.h"

namespace dtoken::cli {

// A relative path as a URI reference: '/' separated, every byte outside RFC 3986's unreserved
// set and '/' percent-encoded. Absolute paths become file:// URIs.
std::string path_uri(std::string_view path);

// One finding to report.
struct report_item {
  std::string_view path;      // as the scan was given it ("-": standard input)
  std::string_view identity;  // relative to its scan root: SARIF URIs (fingerprints use it)
  const finding& found;
  std::string_view fingerprint;        // empty when none was computed
  bool fixture = false;                // a marked fixture (dtoken generate --marked)
  const git_commit* commit = nullptr;  // a history finding's commit (dtoken scan --git)
};

// The repository a history scan read, for SARIF's versionControlProvenance.
struct scan_provenance {
  std::string repository_uri;
  std::string revision;  // the commit HEAD named
};

// Renders findings in one format: each finding's record (with what separates it from the record
// before), from any thread, into a string of the caller's.
class report_renderer {
 public:
  report_renderer(output_format format, profile rules, bool show_secret)
      : format_(format), rules_(rules), show_secret_(show_secret) {}
  void render(std::string& records, const report_item& item) const;
  [[nodiscard]] output_format format() const { return format_; }
  [[nodiscard]] profile rules() const { return rules_; }
  // A history scan's repository, for SARIF.
  std::optional<scan_provenance> provenance;

 private:
  output_format format_;
  profile rules_;
  bool show_secret_;
};

// Writes rendered records, in order, on one thread. JSON and SARIF are one document, opened by
// the constructor and closed by finish(). Records go out in batches of batch_size bytes: the
// stream's own buffer (8 KiB) made a system call for each 30 records of JSON Lines.
class report_writer {
 public:
  static constexpr std::size_t batch_size = 64 << 10;

  report_writer(std::ostream& out, const report_renderer& renderer);
  // Renders one finding; it goes out with its batch, or at flush() or finish().
  void add(const report_item& item);
  // Writes the records added so far, and flushes the stream.
  void flush();
  void finish();
  // Whether each record can go out on its own (text, JSON Lines), not as part of one document.
  [[nodiscard]] bool streams() const {
    return renderer_.format() == output_format::text || renderer_.format() == output_format::jsonl;
  }

 private:
  void write_batch();

  std::ostream& out_;
  const report_renderer& renderer_;
  record_writer<std::ostream> records_;
  std::string batch_;  // records rendered, not yet written
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_REPORT_H
