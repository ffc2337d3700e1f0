// dtoken scan's repository configuration: .dtoken.toml, read with toml++ (Debian's
// libtomlplusplus-dev). It is found at the scan root (scan_roots.h: the repository's root, or the
// scanned directory) of the first PATH, or named with --config; --no-config ignores it.
//
//   profile = "family"                 # documented, strict or family
//   exclude = ["vendor/", "*.min.js"]  # globs, see excluded()
//   allow = ["dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX"]   # token IDs
//   fixtures = "skip"                  # skip or report
//   baseline = ".dtoken-baseline.json" # relative to the config file's directory
//   max-size = "10M"                   # or a number of bytes
//
// The command line wins over the file; excludes and allows add up.
#ifndef DTOKEN_TOOLS_SCAN_CONFIG_H
#define DTOKEN_TOOLS_SCAN_CONFIG_H

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtoken::cli {

struct scan_config {
  std::string path;  // the file read; empty when there was none
  std::optional<std::string> profile;
  std::vector<std::string> exclude;
  std::vector<std::string> allow;
  std::optional<std::string> fixtures;
  std::optional<std::string> baseline;  // resolved against the file's directory
  std::optional<std::string> max_size;
};

// Reads the config file at `path`. An unreadable file, invalid TOML, an unknown key or a value
// of the wrong type throws usage_error naming the file, the line and the reason.
scan_config read_scan_config(const std::string& path);

// Whether `identity` (a '/'-separated path from the scan root) matches one of the globs: a glob
// with a '/' is matched against the whole path with fnmatch(3) ('*' crosses '/'; a trailing '/'
// stands for everything under that directory), one without against each name along the path
// ("*.log", "vendor").
bool excluded(std::string_view identity, const std::vector<std::string>& globs);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_CONFIG_H
