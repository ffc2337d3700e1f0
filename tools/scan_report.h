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
#include "record_writer.h"
#include "scan_filters.h"

namespace dtoken::cli {

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
  record_writer<std::ostream> records_;
  boost::json::array sarif_results_;
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_REPORT_H
