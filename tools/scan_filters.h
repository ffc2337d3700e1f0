// dtoken scan's policies on findings, apart from reading files and writing reports: the inline
// allow marker ("dtoken:allow" on the token's line, within allow_reach bytes of it), for a file
// and for a stream; fingerprints, the stable identity of a finding; and baseline files of known
// findings. Unit-tested in tests/cli/scan_filters_test.cc.
#ifndef DTOKEN_TOOLS_SCAN_FILTERS_H
#define DTOKEN_TOOLS_SCAN_FILTERS_H

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "dtoken/scan.h"

namespace dtoken::cli {

// The key of a finding's fingerprint in SARIF's partialFingerprints.
inline constexpr std::string_view fingerprint_key = "dtoken/v1";

// A path as reports show it: without a leading "./".
std::string_view report_path(std::string_view path);

// The stable identity of a finding: 32 hex digits of SHA-256 over the report path, the token ID
// and which occurrence of that token ID in that file it is (0, 1, ...). It stays the same when
// lines are added or removed around the token, and never depends on the secret.
std::string fingerprint(std::string_view path, std::string_view token_id, std::uint64_t occurrence);

// The same, into a fixed buffer, with no allocation once a thread has made its first: for the
// scan's thousands of findings.
using fingerprint_text = std::array<char, 32>;
void fingerprint(std::string_view path, std::string_view token_id, std::uint64_t occurrence,
                 fingerprint_text& out);

// Numbers the occurrences of each token ID within one file, for fingerprint().
class occurrence_counter {
 public:
  std::uint64_t next(std::string_view token_id) { return counts_[std::string(token_id)]++; }

 private:
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

// How far from the token, on its line, the inline allow marker is looked for.
constexpr std::size_t allow_reach = 4096;

// The part of the line of `text` around the token at [at, at + length) that lies within
// allow_reach bytes of it, and whether all of that part is in `text`: the part ends at a '\n' or
// at the reach on each side (or at the ends of `text` when `text_starts_line` or
// `text_ends_line` says the line does too).
struct line_view {
  std::string_view part;
  bool complete;
};
line_view line_around(std::string_view text, std::size_t at, std::size_t length,
                      bool text_starts_line, bool text_ends_line);

// Whether `line` carries the inline allow marker.
bool has_allow_marker(std::string_view line);

// Holds each finding of a stream until the part of its line within allow_reach of it has been
// read, then passes on those without the inline allow marker, in order. It keeps the stream's
// last bytes: from allow_reach before the oldest pending finding, or before the end, whichever
// is earlier; so its memory is bounded by the chunk size plus a few KiB.
class stream_allow_filter {
 public:
  // Takes a finding reported during feed() or finish() of the scanner.
  void hold(const finding& found) { pending_.push_back({found, std::string(found.token)}); }

  // The chunk just fed to the scanner: passes on the findings that are now settled.
  template <typename Emit>
  void settle(std::string_view chunk, bool at_end, Emit&& emit) {
    window_.append(chunk);
    while (!pending_.empty()) {
      reported& next = pending_.front();
      const line_view line =
          line_around(window_, static_cast<std::size_t>(next.where.offset - window_base_),
                      next.where.length, window_base_ == 0, at_end);
      if (!line.complete) break;
      if (!has_allow_marker(line.part)) {
        next.where.token = next.token_text;
        emit(next.where);
      }
      pending_.pop_front();
    }
    // Keep what a pending or a future finding may still need (a future one starts at most 97
    // bytes before the end).
    const std::uint64_t end = window_base_ + window_.size();
    std::uint64_t keep_from = end > allow_reach + 128 ? end - allow_reach - 128 : 0;
    if (!pending_.empty()) {
      const std::uint64_t first = pending_.front().where.offset;
      keep_from = std::min(keep_from, first > allow_reach ? first - allow_reach : 0);
    }
    if (keep_from > window_base_) {
      window_.erase(0, static_cast<std::size_t>(keep_from - window_base_));
      window_base_ = keep_from;
    }
  }

 private:
  // A finding held, with its own copy of the token.
  struct reported {
    finding where;  // token points into `token_text`
    std::string token_text;
  };
  std::deque<reported> pending_;
  std::string window_;
  std::uint64_t window_base_ = 0;  // the stream offset of window_[0]
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

#endif  // DTOKEN_TOOLS_SCAN_FILTERS_H
