// A git command, run without a shell (posix_spawnp: no argument is ever interpreted), whose
// standard output is read as a stream. Standard input comes from a file (or /dev/null), so that
// reading never waits on writing; standard error goes to a temporary file, for the message of a
// failure.
#ifndef DTOKEN_TOOLS_GIT_PROCESS_H
#define DTOKEN_TOOLS_GIT_PROCESS_H

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dtoken::cli {

class git_process {
 public:
  // Starts `git -C repository ARGS...`; throws std::runtime_error when git cannot be started.
  git_process(const std::string& repository, const std::vector<std::string>& args,
              const std::string& input_file = "/dev/null");
  ~git_process();
  git_process(const git_process&) = delete;
  git_process& operator=(const git_process&) = delete;

  // The next bytes up to `delimiter` (not included) into `out`; false at the end of the output.
  bool read_until(char delimiter, std::string& out);
  // Exactly `count` bytes, in a buffer of this object's (filled straight from the pipe, never
  // zeroed), valid until the next read; nullopt when the output ends first.
  std::optional<std::string_view> read_exact(std::size_t count);
  // Skips `count` bytes.
  bool skip(std::size_t count);

  // Waits for git to end. Throws std::runtime_error, with git's own message, when it failed.
  void finish();

 private:
  bool fill();

  int output_ = -1;
  int errors_ = -1;  // the temporary file of standard error
  pid_t child_ = 0;
  bool finished_ = false;
  std::array<char, 1 << 16> buffer_{};
  std::unique_ptr<char[]> block_;  // read_exact()'s
  std::size_t block_capacity_ = 0;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

}  // namespace dtoken::cli

#endif  // DTOKEN_TOOLS_GIT_PROCESS_H
