#include "git_process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace dtoken::cli {

constexpr int pipe_size = 1 << 20;

git_process::git_process(const std::string& repository, const std::vector<std::string>& args,
                         const std::string& input_file) {
  std::array<int, 2> pipe_ends{};
  std::FILE* errors = std::tmpfile();
  if (errors == nullptr || ::pipe2(pipe_ends.data(), O_CLOEXEC) != 0) {
    if (errors != nullptr) std::fclose(errors);
    throw std::runtime_error(std::string("cannot run git: ") + std::strerror(errno));
  }
  errors_ = ::dup(::fileno(errors));
  std::fclose(errors);
  // A larger pipe (1 MiB, Linux's default limit for an unprivileged process; silently left at
  // 64 KiB where it is lower): git writes blobs in fewer turns, with fewer context switches.
  ::fcntl(pipe_ends[0], F_SETPIPE_SZ, pipe_size);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, input_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, errors_, STDERR_FILENO);
  std::vector<std::string> words = {"git", "-C", repository};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  const int spawned = ::posix_spawnp(&child_, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[1]);
  output_ = pipe_ends[0];
  if (spawned != 0) {
    finished_ = true;
    throw std::runtime_error(std::string("cannot run git: ") + std::strerror(spawned));
  }
}

git_process::~git_process() {
  if (output_ >= 0) ::close(output_);
  if (!finished_) {
    int status = 0;
    while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
    }
  }
  if (errors_ >= 0) ::close(errors_);
}

bool git_process::fill() {
  if (begin_ < end_) return true;
  for (;;) {
    const ssize_t got = ::read(output_, buffer_.data(), buffer_.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    begin_ = 0;
    end_ = static_cast<std::size_t>(got);
    return true;
  }
}

bool git_process::read_until(char delimiter, std::string& out) {
  out.clear();
  while (fill()) {
    const char* start = buffer_.data() + begin_;
    const auto* found = static_cast<const char*>(std::memchr(start, delimiter, end_ - begin_));
    if (found != nullptr) {
      out.append(start, found);
      begin_ += static_cast<std::size_t>(found - start) + 1;
      return true;
    }
    out.append(start, end_ - begin_);
    begin_ = end_;
  }
  return !out.empty();
}

std::optional<std::string_view> git_process::read_exact(std::size_t count) {
  if (count == 0) return std::string_view();
  if (count > block_capacity_) {
    block_capacity_ = std::max(count, 2 * block_capacity_);
    block_.reset(new char[block_capacity_]);  // (not value-initialised: nothing is zeroed)
  }
  // What is buffered first; the rest straight from the pipe (a blob is copied once, in reads as
  // large as the pipe gives).
  const std::size_t buffered = std::min(count, end_ - begin_);
  std::memcpy(block_.get(), buffer_.data() + begin_, buffered);
  begin_ += buffered;
  for (std::size_t at = buffered; at < count;) {
    const ssize_t got = ::read(output_, block_.get() + at, count - at);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return std::nullopt;
    at += static_cast<std::size_t>(got);
  }
  return std::string_view(block_.get(), count);
}

bool git_process::skip(std::size_t count) {
  while (count > 0 && fill()) {
    const std::size_t take = std::min(count, end_ - begin_);
    begin_ += take;
    count -= take;
  }
  return count == 0;
}

void git_process::finish() {
  ::close(output_);
  output_ = -1;
  int status = 0;
  while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
  }
  finished_ = true;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  std::string message;
  std::array<char, 4096> text{};
  const ssize_t got = ::pread(errors_, text.data(), text.size() - 1, 0);
  if (got > 0) message.assign(text.data(), static_cast<std::size_t>(got));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  throw std::runtime_error(message.empty() ? "git failed" : message);
}

}  // namespace dtoken::cli
