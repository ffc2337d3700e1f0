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
#include <exception>
#include <iostream>
#include <limits>
#include <memory>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cli.h"
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
  bool fingerprints = false;  // computed: a structured format, or a baseline to read or write
  const std::set<std::string, std::less<>>* known = nullptr;  // fingerprints not to report
};

// Runs work(k) for each k in [0, parts): the last on this thread, the others on threads of their
// own. An exception thrown by one is thrown again here, once all have ended.
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
  {
    std::vector<std::jthread> helpers;
    for (std::size_t k = 0; k + 1 < parts; ++k) helpers.emplace_back(guarded_work, k);
    if (parts > 0) guarded_work(parts - 1);
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

struct file_result {
  file_result() = default;
  explicit file_result(std::string name) : path(std::move(name)) {}

  std::string path;
  std::vector<finding> findings;  // their tokens point into `tokens`
  token_arena tokens;
  std::string warning;  // non-empty: the file could not be scanned
  std::string note;     // non-empty: the file was skipped on purpose (e.g. by size)

  std::vector<fingerprint_text> prints;  // one per finding, when options.fingerprints

  void add(finding found) {
    found.token = tokens.keep(found.token);
    findings.push_back(found);
  }
};

// The fingerprints of a file's findings (when options.fingerprints): their occurrences counted
// in order, then the SHA-256s, on options.part_threads threads when there are many. (The records
// themselves are rendered as they are written, on one thread, into one reused buffer: rendered
// on several threads, 2.5 MB of JSON Lines for 9,848 findings touched fresh pages that cost
// more than the rendering, in this machine's page faults.)
void fingerprint_file(file_result& file, const scan_options& options) {
  if (!options.fingerprints) return;
  const std::size_t count = file.findings.size();
  std::vector<std::uint64_t> occurrence(count);
  // (the token IDs are views into file.tokens, which outlives the map)
  std::unordered_map<std::string_view, std::uint64_t> seen;
  seen.reserve(count);
  for (std::size_t i = 0; i < count; ++i) occurrence[i] = seen[file.findings[i].token_id()]++;
  file.prints.resize(count);
  const std::size_t parts = count >= 1024 ? options.part_threads : 1;
  run_parts(parts, [&](std::size_t k) {
    for (std::size_t i = count * k / parts; i < count * (k + 1) / parts; ++i) {
      fingerprint(file.path, file.findings[i].token_id(), occurrence[i], file.prints[i]);
    }
  });
}

constexpr std::uint64_t map_threshold = 4 << 20;  // files this large are mapped
constexpr std::size_t slice_size = 16 << 20;      // a file is scanned in slices this large
constexpr std::size_t stream_block = 1 << 20;     // bytes of a stream read at a time

std::string stream_cut_message(std::uint64_t limit) {
  return "stopped after " + std::to_string(limit) + " bytes (--max-size); the rest was not scanned";
}

// What one slice of a file holds: its findings (numbered by the library from the slice's start)
// and its newlines.
struct slice_result {
  file_result found;
  part_lines lines;
  bool done = false;  // false: a SIGBUS stopped it (the mapped file shrank)
};

// Scans the findings that start in [begin, end) of `text`, the whole file (mapped when `mapped`:
// then a SIGBUS stops the slice instead of the process), with the allow policies.
void scan_slice(std::string_view text, std::size_t begin, std::size_t end, bool mapped,
                const scan_options& options, slice_result& slice) {
  const auto keep = [&](const finding& found) {
    if (options.allowed_ids.contains(found.token_id())) return;
    const std::size_t at = static_cast<std::size_t>(found.offset);
    if (has_allow_marker(line_around(text, at, found.length, true, true).part)) return;
    slice.found.add(found);
  };
  const auto scan = [&] {
    slice.lines = scan_part(text, begin, end, options.rules, keep);
    slice.done = true;
  };
  if (mapped) {
    guarded(text, scan);
  } else {
    scan();
  }
  if (options.progress != nullptr) options.progress->add_bytes(end - begin);
}

// The slices' findings in order, with the lines and columns of the whole file. A slice stopped by
// a SIGBUS ends the file: what came before it stays.
file_result join_slices(std::vector<slice_result>& slices) {
  if (slices.size() == 1 && slices.front().done) return std::move(slices.front().found);
  file_result whole;
  std::size_t count = 0;
  for (const slice_result& slice : slices) count += slice.found.findings.size();
  whole.findings.reserve(count);
  part_numbering numbering;
  for (slice_result& slice : slices) {
    whole.tokens.take(std::move(slice.found.tokens));  // the findings' views stay valid
    for (finding entry : slice.found.findings) {
      numbering.place(entry);
      whole.findings.push_back(entry);
    }
    if (!slice.done) {
      whole.warning = "the file shrank while it was being scanned";
      break;
    }
    numbering.skip(slice.lines);
  }
  return whole;
}

// Scans `text`, a whole file, in slices of 16 MiB that options.part_threads threads take in turn.
file_result scan_text(std::string_view text, bool mapped, const scan_options& options) {
  const std::size_t count = std::max<std::size_t>(1, (text.size() + slice_size - 1) / slice_size);
  std::vector<slice_result> slices(count);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t k = next++; k < count; k = next++) {
      scan_slice(text, k * slice_size, std::min(text.size(), (k + 1) * slice_size), mapped, options,
                 slices[k]);
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (std::size_t t = 1; t < std::min<std::size_t>(options.part_threads, count); ++t) {
      helpers.emplace_back(work);
    }
    work();
  }
  return join_slices(slices);
}

// Reads `size` bytes of the open file (fewer if it shrank) into this thread's buffer.
std::string_view read_whole(int fd, std::uint64_t size, std::string& warning) {
  thread_local std::vector<char> buffer;
  if (buffer.size() < size) buffer.resize(static_cast<std::size_t>(size));
  std::size_t got = 0;
  while (got < size) {
    const ssize_t read = ::pread(fd, buffer.data() + got, static_cast<std::size_t>(size) - got,
                                 static_cast<off_t>(got));
    if (read < 0 && errno == EINTR) continue;
    if (read < 0) warning = std::strerror(errno);
    if (read <= 0) break;
    got += static_cast<std::size_t>(read);
  }
  return {buffer.data(), got};
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

// A stream (standard input, a pipe, a device), read by `read(buffer, failed)` in chunks of up to
// 1 MiB through the streaming scanner: constant memory whatever its size. `report` gets each
// finding once its line (within allow_reach) has been read; --max-size stops the stream there.
template <typename Read, typename Report>
file_result scan_stream(std::string path, Read&& read, const scan_options& options,
                        Report&& report) {
  file_result result(std::move(path));
  scanner stream(options.rules);
  stream_allow_filter filter;
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
    if (options.progress != nullptr) options.progress->add_bytes(got);
    if (!result.warning.empty()) break;
  }
  stream.finish(hold);
  filter.settle({}, true, report);
  if (failed && result.warning.empty()) result.warning = "read error";
  return result;
}

// Whether the open file looks binary, as git decides: a NUL byte in its first 8 KiB.
bool looks_binary(int fd) {
  std::array<char, 8192> head{};
  const ssize_t size = ::pread(fd, head.data(), head.size(), 0);
  return size > 0 && std::string_view(head.data(), static_cast<std::size_t>(size)).find('\0') !=
                         std::string_view::npos;
}

// Scans the open file `fd` (`info` its fstat). A regular file of 4 MiB or more is mapped, which
// saves copying it: 256 MiB in the page cache, 1 thread, went from 87 to 73 ms (`perf stat dtoken
// scan -j 1 FILE`); a smaller one is read whole. Anything else (a FIFO, as <(command) gives; a
// device) is a stream, read to its end or to --max-size.
file_result scan_open_file(int fd, const struct stat& info, const std::string& path,
                           const scan_options& options) {
  if (!S_ISREG(info.st_mode)) {
    const auto read = [fd](std::vector<char>& buffer, bool& failed) -> std::size_t {
      for (;;) {
        const ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got < 0 && errno == EINTR) continue;
        failed = got < 0;
        return got > 0 ? static_cast<std::size_t>(got) : 0;
      }
    };
    file_result result(path);
    file_result streamed =
        scan_stream(path, read, options, [&](const finding& found) { result.add(found); });
    result.warning = std::move(streamed.warning);
    return result;
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const mapped_file map(fd, size >= map_threshold ? static_cast<std::size_t>(size) : 0);
  std::string warning;
  const std::string_view text = map.empty() ? read_whole(fd, size, warning) : map.bytes();
  file_result result = scan_text(text, !map.empty(), options);
  result.path = path;
  if (!warning.empty()) result.warning = warning;
  return result;
}

// Scans one file. A binary file is skipped unless it was `named` on the command line or
// options.binary is set; a file over --max-size is skipped with a note.
file_result scan_file(const std::string& path, const scan_options& options, bool named) {
  file_result result(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    result.warning = std::strerror(errno);
    return result;
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    result.warning = std::strerror(errno);
  } else if (const auto size = static_cast<std::uint64_t>(info.st_size);
             S_ISREG(info.st_mode) && options.max_size != 0 && size > options.max_size) {
    result.note = "skipped: " + std::to_string(size) + " bytes, over --max-size";
  } else if (named || options.binary || !looks_binary(fd)) {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    result = scan_open_file(fd, info, path, options);
  }
  ::close(fd);
  return result;
}

// Scans `files` (standard input, "-", is left to scan_standard_input()) on `threads` threads,
// each file into its own result, rendered there. One file alone shares the threads, in parts.
std::vector<file_result> scan_files(const std::vector<std::string>& files,
                                    const std::vector<std::string>& paths, scan_options options,
                                    std::uint64_t threads, progress_mode progress,
                                    std::ostream& err) {
  std::vector<file_result> results(files.size());
  options.part_threads =
      files.size() == 1 ? static_cast<unsigned>(std::min<std::uint64_t>(threads, 64)) : 1;
  progress_meter meter(progress, err, files.size());
  options.progress = &meter;
  std::atomic<std::size_t> next{0};
  run_parts(std::max<std::size_t>(1, std::min<std::uint64_t>(threads, files.size())),
            [&](std::size_t) {
              for (std::size_t i = next++; i < files.size(); i = next++) {
                if (files[i] != "-") {
                  const bool named = std::find(paths.begin(), paths.end(), files[i]) != paths.end();
                  results[i] = scan_file(files[i], options, named);
                  fingerprint_file(results[i], options);
                }
                meter.add_file();
              }
            });
  return results;
}

// What the report counts: the findings reported, and every finding for --write-baseline.
struct report_tally {
  std::size_t reported = 0;
  bool record_seen = false;  // --write-baseline
  std::vector<baseline_entry> seen;
};

// Standard input, scanned after the files, on this thread, and written as it streams (and
// flushed after each finding, but in one-document formats).
file_result scan_standard_input(std::istream& in, std::ostream& out, report_writer& writer,
                                const scan_options& options, report_tally& tally) {
  occurrence_counter occurrences;
  const auto read = [&in](std::vector<char>& buffer, bool& failed) {
    return read_some(in, buffer, failed);
  };
  return scan_stream("-", read, options, [&](const finding& found) {
    fingerprint_text print{};
    std::string_view shown;
    if (options.fingerprints) {
      fingerprint("-", found.token_id(), occurrences.next(found.token_id()), print);
      shown = std::string_view(print.data(), print.size());
    }
    if (tally.record_seen) {
      tally.seen.push_back({std::string(shown), "-", found.line, std::string(found.token_id())});
    }
    if (options.known->contains(shown)) return;
    writer.add("-", found, shown);
    ++tally.reported;
    if (writer.streams()) out.flush();
  });
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

  const bool fingerprints_needed =
      format != output_format::text || !baseline_path.empty() || !write_baseline_path.empty();
  const report_renderer renderer(format, options.rules, show_secret);
  options.fingerprints = fingerprints_needed;
  options.known = &known;

  std::vector<path_problem> problems;
  const std::vector<std::string> files = expand_paths(paths, !no_ignore, problems);
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  std::vector<file_result> results = scan_files(files, paths, options, threads, progress, err);

  report_writer writer(out, renderer);
  bool incomplete = false;
  for (const path_problem& problem : problems) {
    err << "dtoken scan: warning: " << problem.path << ": " << problem.message << '\n';
    incomplete = true;
  }
  report_tally tally;
  tally.record_seen = !write_baseline_path.empty();
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i] == "-") results[i] = scan_standard_input(in, out, writer, options, tally);
    const file_result& file = results[i];
    if (!file.note.empty()) err << "dtoken scan: note: " << file.path << ": " << file.note << '\n';
    if (!file.warning.empty()) {
      err << "dtoken scan: warning: " << file.path << ": " << file.warning << '\n';
      incomplete = true;
    }
    for (std::size_t k = 0; k < file.findings.size(); ++k) {
      const finding& found = file.findings[k];
      const std::string_view print =
          options.fingerprints ? std::string_view(file.prints[k].data(), file.prints[k].size())
                               : std::string_view();
      if (tally.record_seen) {
        tally.seen.push_back({std::string(print), std::string(report_path(file.path)), found.line,
                              std::string(found.token_id())});
      }
      if (known.contains(print)) continue;
      writer.add(file.path, found, print);
      ++tally.reported;
    }
  }
  writer.finish();
  if (tally.record_seen) write_baseline(write_baseline_path, tally.seen);
  if (incomplete) {
    err << "dtoken scan: the scan is incomplete: some paths could not be read\n";
    return exit_incomplete;
  }
  return tally.reported > 0 ? static_cast<int>(found_code) : exit_ok;
}

}  // namespace dtoken::cli
