// A progress line on standard error for long work: files and bytes done, and throughput.
#ifndef DTOKEN_TOOLS_PROGRESS_H
#define DTOKEN_TOOLS_PROGRESS_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace dtoken::cli {

enum class progress_mode {
  automatic,  // on a terminal, once the work has lasted a second
  always,     // from the start, terminal or not (one line per update when not a terminal)
  never,
};

// --progress auto|always|never, or a usage_error.
progress_mode parse_progress(const std::string& name);

// Counts work done from any thread (relaxed atomics) and, while it lives, redraws one line on
// `err` five times a second. Off when the mode says so, or in automatic mode when file descriptor
// 2 is not a terminal. The destructor stops the thread and clears the line.
class progress_meter {
 public:
  progress_meter(progress_mode mode, std::ostream& err, std::uint64_t files_total);
  ~progress_meter();
  progress_meter(const progress_meter&) = delete;
  progress_meter& operator=(const progress_meter&) = delete;

  void add_bytes(std::uint64_t count) noexcept {
    bytes_.fetch_add(count, std::memory_order_relaxed);
  }
  void add_file() noexcept { files_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void run();
  void draw(std::chrono::steady_clock::duration elapsed);

  std::ostream& err_;
  const bool terminal_;
  const std::chrono::steady_clock::duration delay_;
  const std::uint64_t files_total_;
  std::atomic<std::uint64_t> bytes_{0};
  std::atomic<std::uint64_t> files_{0};
  const std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  bool drawn_ = false;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_PROGRESS_H
