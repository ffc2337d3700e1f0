#include "scan_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cerrno>
#include <utility>

#include "mapped_file.h"

namespace dtoken::cli {

constexpr std::uint64_t map_threshold = 4 << 20;  // files this large are mapped

void file_result::sort_by_offset() {
  const auto by_offset = [](const finding& a, const finding& b) { return a.offset < b.offset; };
  if (std::is_sorted(findings.begin(), findings.end(), by_offset)) return;
  std::vector<std::size_t> order(findings.size());
  for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return by_offset(findings[a], findings[b]);
  });
  std::vector<finding> sorted_findings;
  std::vector<std::uint8_t> sorted_fixture;
  sorted_findings.reserve(order.size());
  sorted_fixture.reserve(order.size());
  for (const std::size_t k : order) {
    sorted_findings.push_back(findings[k]);
    sorted_fixture.push_back(fixture[k]);
  }
  findings = std::move(sorted_findings);
  fixture = std::move(sorted_fixture);
}

std::string stream_cut_message(std::uint64_t limit) {
  return "stopped after " + std::to_string(limit) + " bytes (--max-size); the rest was not scanned";
}

namespace {

// What one slice of a file holds: its findings (numbered by the library from the slice's start)
// and its newlines.
struct slice_result {
  file_result found;
  part_lines lines;
  bool done = false;  // false: a SIGBUS stopped it (the mapped file shrank)
};

// Scans the findings that start in [begin, end) of `text`, the whole file (mapped when `mapped`:
// then a SIGBUS stops the slice instead of the process), with the allow policies. Their tokens go
// into `arena`, the thread's: an arena per slice touched a fresh page for each slice with a token
// (1,100 of the 3,300 page faults of a 256 MiB file with 4,000 tokens; `perf stat`).
void scan_slice(std::string_view text, std::size_t begin, std::size_t end, bool mapped,
                const scan_options& options, token_arena& arena, slice_result& slice) {
  const auto keep = [&](const finding& found) {
    if (options.allowed_ids.contains(found.token_id())) return;
    const std::size_t at = static_cast<std::size_t>(found.offset);
    if (has_allow_marker(line_around(text, at, found.length, true, true).part)) return;
    slice.found.take(found, options, arena);
  };
  const auto scan = [&] {
    if (options.decode) {
      // (the plain findings come first, then the encoded ones: in order of offset, all of them)
      slice.lines = scan_part_with_encoded(text, begin, end, options.rules, keep);
      slice.found.sort_by_offset();
    } else {
      slice.lines = scan_part(text, begin, end, options.rules, keep);
    }
    slice.done = true;
  };
  if (mapped) {
    guarded(text, scan);
  } else {
    scan();
  }
  if (options.progress != nullptr) options.progress->add_bytes(end - begin);
}

// Puts the slices' findings together, a slice at a time in order, with the lines and columns of
// the whole file. A slice stopped by a SIGBUS ends the file: what came before it stays.
class slice_joiner {
 public:
  slice_joiner(file_result& whole, std::size_t slices) : whole_(whole), slices_(slices) {}

  // Adds the next slice's findings; false once the file has ended (at this slice or before).
  bool add(slice_result& slice) {
    if (ended_) return false;
    file_result& part = slice.found;
    if (first_ && slice.done) {  // (the first slice's findings need no renumbering: moved)
      std::swap(whole_.findings, part.findings);
      std::swap(whole_.fixture, part.fixture);
    }
    first_ = false;
    // (a SIGBUS between a finding and its fixture flag leaves one flag short: that finding goes)
    const std::size_t kept = std::min(part.findings.size(), part.fixture.size());
    make_room(kept);
    for (std::size_t k = 0; k < kept; ++k) {
      finding entry = part.findings[k];
      numbering_.place(entry);
      whole_.findings.push_back(entry);
      whole_.fixture.push_back(part.fixture[k]);
    }
    whole_.fixtures_skipped += part.fixtures_skipped;
    if (!slice.done) {
      whole_.warning = "the file shrank while it was being scanned";
      ended_ = true;
      return false;
    }
    numbering_.skip(slice.lines);
    return true;
  }

 private:
  // Room for `adding` more findings and, at a time, for as many as the file's slices will likely
  // give, projected from those joined so far (but at most 8 times those joined, as a first slice
  // full of tokens says little of a huge file): not a copy of all the findings (and new pages) at
  // every doubling.
  void make_room(std::size_t adding) {
    ++joined_;
    const std::size_t needed = whole_.findings.size() + adding;
    if (needed <= whole_.findings.capacity()) return;
    const std::size_t projected = needed * slices_ / joined_ + needed / 4;
    const std::size_t room =
        std::max(std::min(projected, 8 * needed), 2 * whole_.findings.capacity());
    whole_.findings.reserve(room);
    whole_.fixture.reserve(room);
  }

  file_result& whole_;
  std::size_t slices_;      // in the file
  std::size_t joined_ = 0;  // slices joined so far
  part_numbering numbering_;
  bool first_ = true;
  bool ended_ = false;
};

// The fingerprints of a file's findings in order, each with its token ID's occurrences so far:
// extend() adds those of the findings added since the last call.
class fingerprinter {
 public:
  void extend(file_result& file) {
    std::size_t i = file.prints.size();
    // (room for slice_joiner's projection: growing the map step by step, rehashing it each time,
    // took 7% of a dense scan's samples)
    file.prints.reserve(file.findings.capacity());
    if (seen_.size() + (file.findings.size() - i) > room_) {
      room_ = file.findings.capacity();
      seen_.reserve(room_);
    }
    file.prints.resize(file.findings.size());
    for (; i < file.findings.size(); ++i) {
      const std::string_view id = file.findings[i].token_id();
      fingerprint(file.identity, id, seen_[id]++, file.prints[i]);
    }
  }

 private:
  // (the token IDs are views into file.tokens. Boost's open-addressing map, new in 1.81, keeps its
  // entries in one array: std::unordered_map's lookups, its nodes from one monotonic buffer, took
  // 7% of the samples of a jsonl scan of 81,000 findings)
  boost::unordered_flat_map<std::string_view, std::uint64_t> seen_;
  std::size_t room_ = 0;  // what seen_ was last reserved for
};

// The slices of a file, joined in order as they are done, by the scanning thread that finishes
// the one next in line while the others go on scanning: their findings numbered (slice_joiner),
// fingerprinted and given to options.on_findings, so that the report is written while the rest of
// the file is scanned: the scanning threads wait on memory, and a busy loop of 1 and 2 ms beside
// them made a scan of 256 MiB 0.3 and 0.6 ms longer. `dtoken scan --format jsonl` of 256 MiB took
// 9.6-9.8 ms instead of 10.1-10.3 (6 rounds of 31 alternating runs); text and SARIF as before
// (8.5-9.1 and 10.4-11.0 ms, with the record writers of that day; report_records.h since). The
// caller's own thread, woken for each slice instead, ran late (after a scanning thread's time
// slice) and saved less.
class ordered_join {
 public:
  ordered_join(std::vector<slice_result>& slices, file_result& whole, const scan_options& options)
      : slices_(slices),
        ready_(slices.size()),
        whole_(whole),
        joiner_(whole, slices.size()),
        options_(options) {}

  // Slice k is done (or stopped): joins the slices ready in order, unless another thread is at it
  // (that one looks again before it stops).
  void done(std::size_t k) noexcept {
    ready_[k].store(true);
    for (;;) {
      if (joining_.exchange(true)) return;
      try {
        join_ready();
      } catch (...) {  // (std::bad_alloc, or the report's own: thrown again by finish())
        error_ = std::current_exception();
        joined_.store(slices_.size());
      }
      joining_.store(false);
      const std::size_t next = joined_.load();
      if (next >= slices_.size() || !ready_[next].load()) return;
    }
  }

  // Once the scanning threads have ended: throws what the joining threw, if anything, else joins
  // what is left (nothing, as done() leaves no slice ready behind).
  void finish() {
    if (error_) std::rethrow_exception(error_);
    join_ready();
  }

 private:
  // Joins the slices ready from the next in line on (one thread at a time).
  void join_ready() {
    const std::size_t count = slices_.size();
    const std::size_t first = joined_.load();
    std::size_t k = first;
    bool going = true;
    for (; going && k < count && ready_[k].load(); ++k) going = joiner_.add(slices_[k]);
    joined_.store(going ? k : count);  // (the file ended: nothing more to join)
    if (k == first) return;
    if (options_.fingerprints) prints_.extend(whole_);
    if (options_.on_findings && whole_.streamed < whole_.findings.size()) {
      options_.on_findings(whole_, whole_.streamed);
      whole_.streamed = whole_.findings.size();
    }
  }

  std::vector<slice_result>& slices_;
  std::vector<std::atomic<bool>> ready_;  // (sequentially consistent: see done())
  std::atomic<std::size_t> joined_{0};    // the next slice in line
  std::atomic<bool> joining_{false};
  file_result& whole_;
  slice_joiner joiner_;
  fingerprinter prints_;
  const scan_options& options_;
  std::exception_ptr error_;
};

// Scans `text`, the whole of `target`, in slices of file_slice_size that options.part_threads
// threads take in turn, this one waiting (ordered_join puts them together).
file_result scan_text(std::string_view text, bool mapped, const scan_target& target,
                      const scan_options& options) {
  const std::size_t count =
      std::max<std::size_t>(1, (text.size() + file_slice_size - 1) / file_slice_size);
  std::vector<slice_result> slices(count);
  file_result whole(target.path);
  whole.identity = target.identity;
  ordered_join join(slices, whole, options);
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::size_t>(options.part_threads, count));
  std::vector<token_arena> arenas(workers);
  std::atomic<std::size_t> next{0};
  run_parts(workers, [&](std::size_t worker) {
    for (std::size_t k = next++; k < count; k = next++) {
      try {
        scan_slice(text, k * file_slice_size, std::min(text.size(), (k + 1) * file_slice_size),
                   mapped, options, arenas[worker], slices[k]);
      } catch (...) {
        slices[k].done = false;  // (the file ends there for the join; run_parts throws it again)
        next = count;
        join.done(k);
        throw;
      }
      join.done(k);
    }
  });
  join.finish();
  for (token_arena& arena : arenas) whole.tokens.take(std::move(arena));
  return whole;
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
file_result scan_open_file(int fd, const struct stat& info, const scan_target& target,
                           const scan_options& options) {
  const std::string& path = target.path;
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
    file_result streamed = scan_stream(path, read, options,
                                       [&](const finding& found) { result.take(found, options); });
    result.warning = std::move(streamed.warning);
    result.bytes = streamed.bytes;
    return result;
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  const mapped_file map(fd, size >= map_threshold ? static_cast<std::size_t>(size) : 0);
  std::string warning;
  const std::string_view text = map.empty() ? read_whole(fd, size, warning) : map.bytes();
  file_result result = scan_text(text, !map.empty(), target, options);
  result.bytes = text.size();
  if (!warning.empty()) result.warning = warning;
  return result;
}

}  // namespace

file_result scan_file(const scan_target& target, const scan_options& options) {
  const std::string& path = target.path;
  file_result result(path);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    result.warning = std::strerror(errno);
    return result;
  }
  // (closed however the scan ends: options.on_findings may throw)
  const std::unique_ptr<const int, void (*)(const int*)> closer(
      &fd, [](const int* open) { ::close(*open); });
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    result.warning = std::strerror(errno);
  } else if (const auto size = static_cast<std::uint64_t>(info.st_size);
             S_ISREG(info.st_mode) && options.max_size != 0 && size > options.max_size) {
    // A file named on the command line was meant to be scanned: skipping it leaves the scan
    // incomplete, as a stream cut at --max-size does.
    (target.named ? result.warning : result.note) =
        "skipped: " + std::to_string(size) + " bytes, over --max-size";
  } else if (target.named || options.binary || !looks_binary(fd)) {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    result = scan_open_file(fd, info, target, options);
  }
  result.identity = target.identity;
  return result;
}

// The fingerprints of a file's findings (when options.fingerprints and scan_text() has not made
// them), on this thread. (On two threads, the fingerprints of 4,267 findings took 1.0-1.6 ms, of
// which 1.1 ms waiting for the helper thread to end, and 0.43 ms on one. The slices' own threads,
// fingerprinting their findings and a join correcting the occurrences, took 10% more CPU samples
// in all: a map and two vectors per slice.)
void fingerprint_file(file_result& file, const scan_options& options) {
  if (!options.fingerprints || file.prints.size() == file.findings.size()) return;
  fingerprinter().extend(file);
}

std::vector<file_result> scan_files(const std::vector<scan_target>& targets, scan_options options,
                                    std::uint64_t threads, progress_mode progress,
                                    std::ostream& err) {
  std::vector<file_result> results(targets.size());
  options.part_threads =
      targets.size() == 1 ? static_cast<unsigned>(std::min<std::uint64_t>(threads, 64)) : 1;
  if (targets.size() != 1) options.on_findings = nullptr;  // (files on several threads at once)
  progress_meter meter(progress, err, targets.size());
  options.progress = &meter;
  std::atomic<std::size_t> next{0};
  const std::size_t workers =
      std::max<std::size_t>(1, std::min<std::uint64_t>(threads, targets.size()));
  run_parts(workers, [&](std::size_t) {
    for (std::size_t i = next++; i < targets.size(); i = next++) {
      if (targets[i].path != "-") {
        results[i] = scan_file(targets[i], options);
        fingerprint_file(results[i], options);
      }
      meter.add_file();
    }
  });
  return results;
}

}  // namespace dtoken::cli
