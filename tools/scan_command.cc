// dtoken scan: finds tokens in files, directories and standard input.
#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/program_options.hpp>
#include <cstring>
#include <deque>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "cli.h"
#include "detail/newlines.h"
#include "dtoken/scan.h"
#include "dtoken/version.h"
#include "mapped_file.h"
#include "progress.h"
#include "scan_filters.h"
#include "scan_paths.h"
#include "scan_report.h"

namespace po = boost::program_options;

namespace dtoken::cli {
namespace {

constexpr const char* usage =
    "Usage: dtoken scan [--profile P] [--format text|json|jsonl|sarif] [--show-secret]\n"
    "                   [--baseline FILE] [--write-baseline FILE] [--allow TOKEN_ID]... [PATH "
    "...]\n"
    "\n"
    "Finds tokens in each PATH: a file, a directory (recursively, skipping .git, binary files\n"
    "and what .gitignore ignores), or - for standard input. Without PATH it scans the current\n"
    "directory. --max-size skips larger files, each with a note, and stops reading a stream\n"
    "(standard input, a pipe, a device) there, with a warning. A file named on the command line\n"
    "is scanned even if it looks binary; --binary scans the binary files of directories too.\n"
    "Prints each finding with path, line, column, type and token ID; never the secret unless\n"
    "--show-secret. Not reported: a finding on a line with 'dtoken:allow' within 4 KiB of the\n"
    "token, one whose token ID is given with --allow, and one whose fingerprint is in the\n"
    "--baseline file. --write-baseline records every finding (but the allowed) as known.\n"
    "\n"
    "Exit codes: 0 nothing found, 1 tokens found (--exit-code changes it), 2 usage error or an\n"
    "incomplete scan (a path could not be read: each gets a warning on stderr, the scan goes "
    "on).\n";

struct scan_options {
  profile rules = profile::documented;
  std::uint64_t max_size = 0;  // files: skip larger ones; streams: stop there (0: no limit)
  bool binary = false;         // scan files that look binary too
  std::set<std::string, std::less<>> allowed_ids;
  progress_meter* progress = nullptr;
  unsigned part_threads = 1;  // threads that share one large file
};

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

struct file_result {
  std::string path;
  std::vector<finding> findings;  // their tokens point into `tokens`
  token_arena tokens;
  std::string warning;  // non-empty: the file could not be scanned
  std::string note;     // non-empty: the file was skipped on purpose (e.g. by size)

  void add(finding found) {
    found.token = tokens.keep(found.token);
    findings.push_back(found);
  }
};

// What the scan of one part of a file found, with what the parts after it need to number lines.
struct part_result {
  file_result found;             // offsets relative to `fed_from`; lines relative to it too
  std::uint64_t fed_from = 0;    // where the part's scanner began
  std::uint64_t newlines = 0;    // '\n' bytes in [fed_from, next part's fed_from)
  std::uint64_t line_start = 0;  // just after the last of them (absolute); 0 if none
  std::uint64_t read_end = 0;    // where reading stopped (absolute)
};

constexpr std::size_t read_block = 1 << 20;       // bytes read (or fed) at a time
constexpr std::uint64_t map_threshold = 4 << 20;  // files this large are mapped

std::string stream_cut_message(std::uint64_t limit) {
  return "stopped after " + std::to_string(limit) + " bytes (--max-size); the rest was not scanned";
}

// Scans the findings that start in [begin, end) of the open file of `size` bytes, in 1 MiB blocks
// through the streaming scanner: blocks of `mapped` (the whole file, mapped) when it is given,
// else read with pread (with `sequential`, read as a stream to its end: a pipe or a device, whose
// size is not known). The scanner is fed from begin - 1 (the byte before a token decides whether
// it is bounded) to end + 97 (a token that starts before `end` may run on), and counts lines from
// there; `count_end` is where the next part's scanner begins.
part_result scan_part(int fd, std::uint64_t begin, std::uint64_t end, std::uint64_t size,
                      const scan_options& options, std::string_view mapped,
                      bool sequential = false) {
  const bool last_part = end == size;  // no part after it needs its newlines
  part_result part;
  part.fed_from = begin > 0 ? begin - 1 : 0;
  const std::uint64_t feed_end = std::min(size, end + 97);
  const std::uint64_t count_end = end < size ? end - 1 : size;
  scanner stream(options.rules);
  const auto buffer = std::make_unique_for_overwrite<char[]>(mapped.empty() ? read_block : 0);
  std::string_view block;                    // the block just read
  std::uint64_t block_base = part.fed_from;  // its offset in the file
  const auto keep = [&](const finding& relative) {
    finding found = relative;
    found.offset += part.fed_from;
    if (found.offset < begin || found.offset >= end) return;  // another part's
    if (options.allowed_ids.contains(found.token_id())) return;
    // The finding's line is usually inside the block just read; else read it from the file.
    const std::uint64_t at = found.offset - block_base;
    const bool in_block = found.offset >= block_base && at + found.length <= block.size();
    const line_view line = in_block ? line_around(block, static_cast<std::size_t>(at), found.length,
                                                  block_base == 0, false)
                                    : line_view{{}, false};
    const bool allowed = line.complete ? has_allow_marker(line.part)
                                       : allowed_inline(fd, found.offset, found.length);
    if (!allowed) part.found.add(relative);
  };
  const auto scan_blocks = [&] {
    for (std::uint64_t at = part.fed_from; at < feed_end;) {
      const auto want =
          static_cast<std::size_t>(std::min<std::uint64_t>(read_block, feed_end - at));
      ssize_t got = 0;
      if (!mapped.empty()) {
        got = static_cast<ssize_t>(std::min<std::uint64_t>(want, mapped.size() - at));
      } else {
        got = sequential ? ::read(fd, buffer.get(), want)
                         : ::pread(fd, buffer.get(), want, static_cast<off_t>(at));
      }
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        part.found.warning = std::strerror(errno);
        break;
      }
      if (got == 0) break;  // the file shrank: scan what there was
      block_base = at;
      block = std::string_view(mapped.empty() ? buffer.get() : mapped.data() + at,
                               static_cast<std::size_t>(got));
      at += block.size();
      part.read_end = at;
      stream.feed(block, keep);
      if (options.progress != nullptr) options.progress->add_bytes(block.size());
      if (last_part) continue;
      // This part's share of the newlines, for the line numbers of the parts after it.
      const std::string_view counted = block.substr(
          0, static_cast<std::size_t>(std::min(at, std::max(count_end, block_base)) - block_base));
      part.newlines += detail::count_newlines(counted);
      if (const std::size_t last = counted.rfind('\n'); last != std::string_view::npos) {
        part.line_start = block_base + last + 1;
      }
    }
  };
  if (mapped.empty()) {
    scan_blocks();
  } else if (!guarded(mapped, scan_blocks)) {
    // SIGBUS: the file shrank under the mapping. What was found before stays; the scanner, cut
    // off in the middle of a block, is not asked for more.
    part.found.warning = "the file shrank while it was being scanned";
    return part;
  }
  stream.finish(keep);
  return part;
}

// Scans one file. A NUL byte in the first 8 KiB marks a binary file, as git decides, and skips
// it, unless the file was `named` on the command line or options.binary is set. A file of 4 MiB or
// more is mapped (MAP_POPULATE), which saves copying it: 256 MiB in the page cache, 1 thread,
// went from 87 to 73 ms (`perf stat dtoken scan -j 1 FILE`); smaller ones are read with pread.
// A file of 64 MiB or more is cut into options.part_threads parts scanned at once, and their
// findings are put back together: offsets, line numbers and columns as if one scanner had read
// the whole file.
file_result scan_file(const std::string& path, const scan_options& options, bool named) {
  file_result result{path, {}, {}, {}, {}};
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    result.warning = std::strerror(errno);
    return result;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    result.warning = std::strerror(errno);
    ::close(fd);
    return result;
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (options.max_size != 0 && size > options.max_size) {
    ::close(fd);
    result.note = "skipped: " + std::to_string(size) + " bytes, over --max-size";
    return result;
  }
  std::array<char, 8192> head{};
  const ssize_t head_size = ::pread(fd, head.data(), head.size(), 0);
  if (!named && !options.binary && head_size > 0 &&
      std::string_view(head.data(), static_cast<std::size_t>(head_size)).find('\0') !=
          std::string_view::npos) {
    ::close(fd);
    return result;
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  if (!S_ISREG(info.st_mode)) {
    // A FIFO (as <(command) gives), a device: one stream to its end, or to --max-size.
    constexpr std::uint64_t unknown = std::numeric_limits<std::uint64_t>::max() - 128;
    const std::uint64_t stop = options.max_size != 0 ? options.max_size : unknown;
    part_result whole = scan_part(fd, 0, stop, stop, options, {}, true);
    char more = 0;
    const bool cut = options.max_size != 0 && whole.read_end >= stop && ::read(fd, &more, 1) > 0;
    ::close(fd);
    whole.found.path = path;
    if (cut) whole.found.warning = stream_cut_message(stop);
    return std::move(whole.found);
  }
  const mapped_file map(fd, size >= map_threshold ? static_cast<std::size_t>(size) : 0);
  const std::uint64_t parts = size >= (std::uint64_t{64} << 20) ? options.part_threads : 1;
  std::vector<part_result> found(parts);
  {
    std::vector<std::jthread> helpers;
    for (std::uint64_t k = 0; k < parts; ++k) {
      const auto scan = [&, k] {
        found[k] =
            scan_part(fd, size * k / parts, size * (k + 1) / parts, size, options, map.bytes());
      };
      if (k + 1 < parts) {
        helpers.emplace_back(scan);
      } else {
        scan();
      }
    }
  }
  ::close(fd);
  if (parts == 1) {  // one part, from the start: its findings are the file's as they are
    file_result& whole = found.front().found;
    whole.path = path;
    return std::move(whole);
  }
  // Lines: a part's scanner numbered them from where it began; the parts before it say how many
  // newlines came first, and where the line it began in started.
  std::uint64_t newlines_before = 0;
  std::uint64_t line_start_before = 0;
  std::size_t count = 0;
  for (const part_result& part : found) count += part.found.findings.size();
  result.findings.reserve(count);
  for (part_result& part : found) {
    if (!part.found.warning.empty()) result.warning = part.found.warning;
    result.tokens.take(std::move(part.found.tokens));  // the findings' views stay valid
    for (finding entry : part.found.findings) {
      entry.offset += part.fed_from;
      // (A finding that overlaps the one before, where two parts meet, cannot be a token: no
      // token contains the start of another. Kept out all the same.)
      if (!result.findings.empty() &&
          entry.offset < result.findings.back().offset + result.findings.back().length) {
        continue;
      }
      if (entry.line == 1) entry.column = entry.offset - line_start_before + 1;
      entry.line += newlines_before;
      result.findings.push_back(entry);
    }
    newlines_before += part.newlines;
    if (part.newlines > 0) line_start_before = part.line_start;
  }
  return result;
}

// Reads what is available, up to `buffer.size()` bytes: from standard input directly (so that a
// pipe's data is scanned as it comes, not once 1 MiB has arrived), else from `in`.
std::size_t read_some(std::istream& in, std::vector<char>& buffer, bool& failed) {
  if (&in == &std::cin) {
    for (;;) {
      const ssize_t got = ::read(STDIN_FILENO, buffer.data(), buffer.size());
      if (got < 0 && errno == EINTR) continue;
      failed = got < 0;
      return got > 0 ? static_cast<std::size_t>(got) : 0;
    }
  }
  in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
  failed = in.bad();
  return static_cast<std::size_t>(in.gcount());
}

// Standard input, streamed in chunks of up to 1 MiB and reported as it goes: constant memory
// whatever its size. A finding is reported once its line (within allow_reach) has been read.
template <typename Report>
file_result scan_stream(std::istream& in, const scan_options& options, Report&& report) {
  file_result result{"-", {}, {}, {}, {}};
  scanner stream(options.rules);
  stream_allow_filter filter;
  std::vector<char> buffer(1 << 20);
  const auto hold = [&](const finding& found) {
    if (!options.allowed_ids.contains(found.token_id())) filter.hold(found);
  };
  bool failed = false;
  std::uint64_t total = 0;
  for (;;) {
    std::size_t got = read_some(in, buffer, failed);
    if (got == 0) break;
    if (options.max_size != 0 && total + got > options.max_size) {
      got = static_cast<std::size_t>(options.max_size - total);
      result.warning = stream_cut_message(options.max_size);
    }
    total += got;
    const std::string_view chunk(buffer.data(), got);
    stream.feed(chunk, hold);
    filter.settle(chunk, false, report);
    if (options.progress != nullptr) options.progress->add_bytes(got);
    if (!result.warning.empty()) break;
  }
  stream.finish(hold);
  filter.settle({}, true, report);
  if (failed && result.warning.empty()) result.warning = "read error";
  return result;
}

}  // namespace

int run_scan(const arguments& args, std::istream& in, std::ostream& out, std::ostream& err) {
  // glibc serves each allocation of 128 KiB or more with its own mmap, and unmaps it when it is
  // freed, so every growth of a file's findings touches fresh pages again; here a page fault
  // costs several microseconds. From the heap, freed memory is used again. (256 MiB with 9,848
  // findings: 1,976 page faults and 59 ms before, 1,560 and 53 ms after; `perf stat`.)
  ::mallopt(M_MMAP_THRESHOLD, 64 << 20);
  std::string profile_name = "documented";
  std::string format_name = "text";
  std::string max_size = "0";
  std::string exit_code_text = "1";
  std::string threads_text = "0";
  std::string progress_name = "auto";
  std::string baseline_path;
  std::string write_baseline_path;
  bool show_secret = false;
  bool no_ignore = false;
  std::vector<std::string> paths;
  std::vector<std::string> allowed;
  scan_options options;
  po::options_description described("Options");
  described.add_options()("help,h", "show this help and exit")(
      "profile,p", po::value(&profile_name)->default_value(profile_name),
      "documented, strict or family")("format,f",
                                      po::value(&format_name)->default_value(format_name),
                                      "text, json, jsonl or sarif (SARIF 2.1.0)")(
      "show-secret", po::bool_switch(&show_secret), "print whole tokens, secrets included")(
      "allow", po::value(&allowed)->composing(), "a token ID not to report (repeatable)")(
      "baseline", po::value(&baseline_path),
      "do not report findings whose fingerprint is in FILE (a baseline or a SARIF log)")(
      "write-baseline", po::value(&write_baseline_path),
      "write every finding's fingerprint to FILE, as known findings")(
      "no-ignore", po::bool_switch(&no_ignore), "scan what .gitignore ignores too")(
      "binary", po::bool_switch(&options.binary),
      "scan the files of directories that look binary too")(
      "max-size", po::value(&max_size)->default_value(max_size),
      "skip files larger than this many bytes (0: no limit)")(
      "exit-code", po::value(&exit_code_text)->default_value(exit_code_text),
      "exit code when tokens are found")(
      "progress", po::value(&progress_name)->default_value(progress_name),
      "auto (on a terminal, for scans over a second), always or never")(
      "threads,j", po::value(&threads_text)->default_value(threads_text),
      "files scanned at once (0: one per core)");
  if (!parse_arguments(args, described, &paths, usage, out)) return exit_ok;
  options.rules = parse_profile(profile_name);
  const output_format format = parse_format(
      format_name,
      {output_format::text, output_format::json, output_format::jsonl, output_format::sarif});
  options.max_size = parse_number(max_size, "max-size");
  const std::uint64_t found_code = parse_number(exit_code_text, "exit-code");
  if (found_code > 255) throw usage_error("--exit-code takes a number from 0 to 255");
  std::uint64_t threads = parse_number(threads_text, "threads");
  const progress_mode progress = parse_progress(progress_name);
  options.allowed_ids.insert(allowed.begin(), allowed.end());
  const std::set<std::string, std::less<>> known =
      baseline_path.empty() ? std::set<std::string, std::less<>>{} : read_baseline(baseline_path);
  if (paths.empty()) paths.push_back(".");

  std::vector<path_problem> problems;
  const std::vector<std::string> files = expand_paths(paths, !no_ignore, problems);
  std::vector<file_result> results(files.size());
  // Files in parallel, each into its own result; standard input is scanned after them, on this
  // thread, and printed as it streams. Output follows the order of `files`.
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  // One file alone shares the threads, in parts, if it is large.
  options.part_threads =
      files.size() == 1 ? static_cast<unsigned>(std::min<std::uint64_t>(threads, 64)) : 1;
  {
    progress_meter meter(progress, err, files.size());
    options.progress = &meter;
    std::atomic<std::size_t> next{0};
    const auto work = [&] {
      for (std::size_t i = next++; i < files.size(); i = next++) {
        if (files[i] != "-") {
          const bool named = std::find(paths.begin(), paths.end(), files[i]) != paths.end();
          results[i] = scan_file(files[i], options, named);
        }
        meter.add_file();
      }
    };
    std::vector<std::jthread> workers;
    for (std::uint64_t t = 1; t < std::min<std::uint64_t>(threads, files.size()); ++t) {
      workers.emplace_back(work);
    }
    work();
    for (std::jthread& worker : workers) worker.join();
    options.progress = nullptr;
  }

  bool incomplete = false;
  for (const path_problem& problem : problems) {
    err << "dtoken scan: warning: " << problem.path << ": " << problem.message << '\n';
    incomplete = true;
  }
  std::size_t count = 0;
  std::vector<baseline_entry> seen;
  const bool fingerprints_needed =
      format != output_format::text || !baseline_path.empty() || !write_baseline_path.empty();
  report_writer writer(out, format, options.rules, show_secret);
  for (std::size_t i = 0; i < files.size(); ++i) {
    occurrence_counter occurrences;
    const auto report = [&](std::string_view path, const finding& found) {
      // Text output without baselines shows no fingerprint: none is computed (a SHA-256 and a
      // map entry per finding).
      std::string print = fingerprints_needed ? fingerprint(path, found.token_id(),
                                                            occurrences.next(found.token_id()))
                                              : std::string();
      if (!write_baseline_path.empty()) {
        seen.push_back(
            {print, std::string(report_path(path)), found.line, std::string(found.token_id())});
      }
      if (known.contains(print)) return;
      writer.add(path, found, print);
      ++count;
    };
    if (files[i] == "-") {
      results[i] = scan_stream(in, options, [&](const finding& found) {
        report("-", found);
        if (format == output_format::text || format == output_format::jsonl) out.flush();
      });
    }
    const file_result& file = results[i];
    if (!file.note.empty()) err << "dtoken scan: note: " << file.path << ": " << file.note << '\n';
    if (!file.warning.empty()) {
      err << "dtoken scan: warning: " << file.path << ": " << file.warning << '\n';
      incomplete = true;
    }
    for (const finding& entry : file.findings) report(file.path, entry);
  }
  writer.finish();
  if (!write_baseline_path.empty()) write_baseline(write_baseline_path, seen);
  if (incomplete) {
    err << "dtoken scan: the scan is incomplete: some paths could not be read\n";
    return exit_incomplete;
  }
  return count > 0 ? static_cast<int>(found_code) : exit_ok;
}

}  // namespace dtoken::cli
