// dtoken scan's reading: files (read whole, or mapped and scanned in slices on several threads)
// and streams (standard input, pipes, devices, through the streaming scanner), with the allow and
// fixture policies, and the fingerprints of each file's findings. No output: scan_command.cc
// reports what these find.
#ifndef DTOKEN_TOOLS_SCAN_FILES_H
#define DTOKEN_TOOLS_SCAN_FILES_H

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "dtoken/generate.h"
#include "dtoken/scan.h"
#include "progress.h"
#include "scan_filters.h"

namespace dtoken::cli {

// A file is scanned in slices this large, which the threads take in turn: the 2 MiB that one page
// table maps (x86-64, 4 KiB pages; Linux maps a file this large at a 2 MiB boundary), so that no
// two threads fault pages in under one page table's lock (neighbouring slices of 256 KiB had them
// wait for each other: 3.6-4.7% of a scan's samples in the kernel's spin lock). Slices of 2 MiB
// instead of runs of 256 KiB slices: `dtoken scan` of 256 MiB in the page cache took 7.9-8.2 ms
// instead of 8.7-8.9 (fewer slices to set up, mark and join; the dense corpus 22.6-24.9 ms instead
// of 24.4-25.8, its encoded pass reading marked ranges, not whole slices).
inline constexpr std::size_t file_slice_size = 2 << 20;

// What happens to a marked fixture (dtoken generate --marked): skipped and counted, or reported
// with "fixture": true.
enum class fixture_policy { skip, report };

struct file_result;

struct scan_options {
  profile rules = profile::family;
  fixture_policy fixtures = fixture_policy::skip;
  std::uint64_t max_size = 0;  // files: skip larger ones; streams: stop there (0: no limit)
  bool binary = false;         // scan files that look binary too
  std::set<std::string, std::less<>> allowed_ids;
  progress_meter* progress = nullptr;
  unsigned part_threads = 1;  // threads that share one large file
  bool fingerprints = false;  // computed: a structured format, or a baseline to read or write
  bool decode = true;         // also find tokens in base64 and percent-encoding (files and blobs)
  const std::set<std::string, std::less<>>* known = nullptr;  // fingerprints not to report
  // When set, a file scanned in slices gives its findings to it as they come, on the thread that
  // called scan_file(), in order: each call, findings [from, file.findings.size()) are new, their
  // slices and all before them scanned, numbered and fingerprinted. (dtoken scan writes them while
  // the rest of the file is scanned.) file_result::streamed counts those given.
  std::function<void(const file_result& file, std::size_t from)> on_findings;
};

// Runs work(k) for each k in [0, parts): one part on this thread, more each on a thread of its own
// while this one waits. An exception thrown by one is thrown again here, once all have ended.
// (A thread started by one that kept working waited 1.5-3 ms for a core on this 2-core VM, queued
// behind its creator until the scheduler moved it; two started by one that waits both ran within
// 0.1 ms. `dtoken scan` of a 256 MiB file in the page cache took 8.6 ms instead of 9.3.)
template <typename Work>
void run_parts(std::size_t parts, Work&& work) {
  std::vector<std::exception_ptr> errors(parts);
  const auto guarded_work = [&](std::size_t k) {
    try {
      work(k);
    } catch (...) {
      errors[k] = std::current_exception();
    }
  };
  if (parts == 1) {
    guarded_work(0);
  } else {
    std::vector<std::jthread> helpers;
    for (std::size_t k = 0; k < parts; ++k) helpers.emplace_back(guarded_work, k);
  }
  for (const std::exception_ptr& error : errors) {
    if (error) std::rethrow_exception(error);
  }
}

// The bytes of findings' tokens, in blocks that never move: a view into them stays valid while
// the arena grows and when it is moved, so nothing is copied twice (a growing string moved its
// bytes at each growth: 9,848 tokens cost 2 MB of copying and the page faults of each new block).
class token_arena {
 public:
  // A copy of `bytes`. A fault while reading them (a mapped file that shrank) leaves the arena
  // as it was, but for a block it may have added.
  std::string_view keep(std::string_view bytes) {
    if (blocks_.empty() || used_ + bytes.size() > block_size) {
      blocks_.push_back(std::make_unique_for_overwrite<char[]>(std::max(block_size, bytes.size())));
      used_ = 0;
    }
    char* at = blocks_.back().get() + used_;
    std::memcpy(at, bytes.data(), bytes.size());
    used_ += bytes.size();
    return {at, bytes.size()};
  }
  // Takes over `other`'s blocks: views into them stay valid.
  void take(token_arena&& other) {
    for (auto& block : other.blocks_) blocks_.push_back(std::move(block));
    other.blocks_.clear();
    used_ = block_size;  // the next token starts a block of its own
  }

 private:
  static constexpr std::size_t block_size = 64 << 10;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0;
};

// The fixture policy, for every kind of input: std::nullopt when `found` is a marked fixture to
// skip (counted in `skipped`), else whether it is a marked fixture (reported as such).
inline std::optional<bool> fixture_verdict(const finding& found, const scan_options& options,
                                           std::size_t& skipped) {
  const bool is_fixture = is_marked_fixture(found.parts());
  if (is_fixture && options.fixtures == fixture_policy::skip) {
    ++skipped;
    return std::nullopt;
  }
  return is_fixture;
}

struct file_result {
  file_result() = default;
  explicit file_result(std::string name) : path(std::move(name)) {}

  std::string path;
  std::string identity;  // the path relative to its scan root (scan_roots.h), for fingerprints
  std::vector<finding> findings;      // their tokens point into `tokens`
  std::vector<std::uint8_t> fixture;  // per finding: a marked fixture (reported by policy)
  token_arena tokens;
  std::string warning;  // non-empty: the file could not be scanned
  std::string note;     // non-empty: the file was skipped on purpose (e.g. by size)
  std::vector<fingerprint_text> prints;  // one per finding, when options.fingerprints
  std::size_t fixtures_skipped = 0;
  std::uint64_t bytes = 0;   // bytes scanned
  std::size_t streamed = 0;  // findings given to scan_options::on_findings already

  // Adds a finding, its token kept in `arena` (`tokens`, or one that the caller moves into
  // `tokens` later).
  void add(finding found, bool is_fixture, token_arena& arena) {
    found.token = arena.keep(found.token);
    findings.push_back(found);
    fixture.push_back(is_fixture ? 1 : 0);
  }
  void add(const finding& found, bool is_fixture) { add(found, is_fixture, tokens); }
  // Puts the findings in order of offset (stable), unless they are in order already: the encoded
  // ones, found after the plain ones, among them. (Before fingerprints: `prints` is not
  // reordered.)
  void sort_by_offset();
  // Takes a finding that the allow policies let through, unless it is a fixture to skip.
  void take(const finding& found, const scan_options& options, token_arena& arena) {
    if (const auto is_fixture = fixture_verdict(found, options, fixtures_skipped)) {
      add(found, *is_fixture, arena);
    }
  }
  void take(const finding& found, const scan_options& options) { take(found, options, tokens); }
};

constexpr std::size_t stream_block = 1 << 20;  // bytes of a stream read at a time

// The warning for a stream cut at --max-size.
std::string stream_cut_message(std::uint64_t limit);

// The encoded tokens of a stream, line by line (a base64 or percent run holds no newline): the
// complete lines each chunk ends, with the partial line before them, go through
// scan_encoded_part(). A line longer than a stream block is dropped from this search (its
// encoded runs are not found); plain tokens are the streaming scanner's.
class stream_decoder {
 public:
  // `emit` gets each encoded finding of the lines `chunk` completes (all, `at_end`) that the allow
  // policies let through, with its offset and line in the whole stream.
  template <typename Emit>
  void feed(std::string_view chunk, bool at_end, const scan_options& options, Emit&& emit) {
    const std::size_t last_newline = chunk.rfind('\n');
    const std::size_t complete = at_end                                   ? chunk.size()
                                 : last_newline == std::string_view::npos ? 0
                                                                          : last_newline + 1;
    if (complete == 0 && !at_end) {
      if (partial_.size() + chunk.size() <= stream_block) {
        partial_.append(chunk);
      } else {  // too long a line: counted, not searched
        base_ += partial_.size() + chunk.size();
        partial_.clear();
      }
      return;
    }
    segment_.assign(partial_).append(chunk.substr(0, complete));
    scan_encoded_part(segment_, 0, segment_.size(), options.rules, [&](const finding& found) {
      if (options.allowed_ids.contains(found.token_id())) return;
      const auto at = static_cast<std::size_t>(found.offset);
      if (has_allow_marker(line_around(segment_, at, found.length, true, true).part)) return;
      finding placed = found;
      placed.offset += base_;
      placed.line += line_ - 1;
      emit(placed);
    });
    line_ += static_cast<std::uint64_t>(std::count(segment_.begin(), segment_.end(), '\n'));
    base_ += segment_.size();
    partial_.assign(chunk.substr(complete));
  }

 private:
  std::string partial_;     // the last line, not yet complete
  std::string segment_;     // the lines being searched
  std::uint64_t base_ = 0;  // stream offset of partial_'s first byte
  std::uint64_t line_ = 1;  // its line
};

// A stream (standard input, a pipe, a device), read by `read(buffer, failed)` in chunks of up to
// 1 MiB through the streaming scanner: constant memory whatever its size. `report` gets each
// finding once its line (within allow_reach) has been read; --max-size stops the stream there.
template <typename Read, typename Report>
file_result scan_stream(std::string path, Read&& read, const scan_options& options,
                        Report&& report) {
  file_result result(std::move(path));
  scanner stream(options.rules);
  stream_allow_filter filter;
  stream_decoder decoder;
  std::vector<char> buffer(stream_block);
  const auto hold = [&](const finding& found) {
    if (!options.allowed_ids.contains(found.token_id())) filter.hold(found);
  };
  bool failed = false;
  std::uint64_t total = 0;
  for (;;) {
    std::size_t got = read(buffer, failed);
    if (got == 0) break;
    if (options.max_size != 0 && total + got > options.max_size) {
      got = static_cast<std::size_t>(options.max_size - total);
      result.warning = stream_cut_message(options.max_size);
    }
    total += got;
    const std::string_view chunk(buffer.data(), got);
    stream.feed(chunk, hold);
    filter.settle(chunk, false, report);
    if (options.decode) decoder.feed(chunk, false, options, report);
    if (options.progress != nullptr) options.progress->add_bytes(got);
    if (!result.warning.empty()) break;
  }
  stream.finish(hold);
  filter.settle({}, true, report);
  if (options.decode) decoder.feed({}, true, options, report);
  if (failed && result.warning.empty()) result.warning = "read error";
  result.bytes = total;
  return result;
}

// A file to scan: its path as given, its identity (scan_roots.h), and whether it was named on the
// command line (then it is scanned even when it looks binary, and skipping it for its size makes
// the scan incomplete).
struct scan_target {
  std::string path;
  std::string identity;
  bool named = false;
};

// Scans one file: a binary file is skipped unless it was named or options.binary is set; a file
// over --max-size is skipped with a note (a warning when it was named).
file_result scan_file(const scan_target& target, const scan_options& options);

// The fingerprints of a file's findings, when options.fingerprints.
void fingerprint_file(file_result& file, const scan_options& options);

// Scans the targets (standard input, "-", is left to the caller) on `threads` threads, each into
// its own result, fingerprinted there. One file alone shares the threads, in slices.
std::vector<file_result> scan_files(const std::vector<scan_target>& targets, scan_options options,
                                    std::uint64_t threads, progress_mode progress,
                                    std::ostream& err);

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_SCAN_FILES_H
