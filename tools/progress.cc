#include "progress.h"

#include <unistd.h>

#include <array>
#include <cstdio>

#include "cli.h"

namespace dtoken::cli {
namespace {

// 1536 -> "1.5 KiB"
std::string human_bytes(double bytes) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  std::size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(units)) {
    bytes /= 1024;
    ++unit;
  }
  std::array<char, 32> text{};
  std::snprintf(text.data(), text.size(), unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text.data();
}

}  // namespace

progress_mode parse_progress(const std::string& name) {
  if (name == "auto") return progress_mode::automatic;
  if (name == "always") return progress_mode::always;
  if (name == "never") return progress_mode::never;
  throw usage_error("unknown progress mode '" + name + "' (choose auto, always or never)");
}

progress_meter::progress_meter(progress_mode mode, std::ostream& err, std::uint64_t files_total)
    : err_(err),
      terminal_(::isatty(STDERR_FILENO) == 1),
      delay_(mode == progress_mode::always ? std::chrono::seconds(0) : std::chrono::seconds(1)),
      files_total_(files_total) {
  if (mode == progress_mode::always || (mode == progress_mode::automatic && terminal_)) {
    thread_ = std::thread([this] { run(); });
  }
}

progress_meter::~progress_meter() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  if (!drawn_) return;
  if (terminal_) {
    err_ << "\r\033[K" << std::flush;  // the line goes away
  } else {
    draw(std::chrono::steady_clock::now() - start_);  // the final figures stay
  }
}

void progress_meter::run() {
  std::unique_lock lock(mutex_);
  do {
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    if (elapsed >= delay_) draw(elapsed);
  } while (!wake_.wait_for(lock, std::chrono::milliseconds(200), [this] { return stopping_; }));
}

void progress_meter::draw(std::chrono::steady_clock::duration elapsed) {
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const auto bytes = bytes_.load(std::memory_order_relaxed);
  const std::string line =
      "scanning: " + std::to_string(files_.load(std::memory_order_relaxed)) + "/" +
      std::to_string(files_total_) + " files, " + human_bytes(static_cast<double>(bytes)) + ", " +
      human_bytes(seconds > 0 ? static_cast<double>(bytes) / seconds : 0) + "/s";
  err_ << (terminal_ ? "\r\033[K" : "") << line << (terminal_ ? "" : "\n") << std::flush;
  drawn_ = true;
}

}  // namespace dtoken::cli
