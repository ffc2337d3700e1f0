// Path expansion for dtoken scan: a recursive walk, or git's own list of files that are not
// ignored. git is run without a shell (posix_spawnp), so no path is ever interpreted.
#include "scan_paths.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <optional>
#include <system_error>

extern char** environ;

namespace fs = std::filesystem;

namespace dtoken::cli {
namespace {

// The NUL-separated output of `git -C directory ls-files ...`, or nullopt when git fails (not a
// work tree, or no git at all).
std::optional<std::string> git_listing(const std::string& directory) {
  std::array<int, 2> pipe_ends{};
  if (::pipe(pipe_ends.data()) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, pipe_ends[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[0]);
  posix_spawn_file_actions_addclose(&actions, pipe_ends[1]);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  std::string dir = directory;
  std::array<char*, 10> argv{const_cast<char*>("git"),
                             const_cast<char*>("-C"),
                             dir.data(),
                             const_cast<char*>("ls-files"),
                             const_cast<char*>("-z"),
                             const_cast<char*>("--cached"),
                             const_cast<char*>("--others"),
                             const_cast<char*>("--exclude-standard"),
                             const_cast<char*>("--deduplicate"),
                             nullptr};
  pid_t child = 0;
  const int spawned = ::posix_spawnp(&child, "git", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_ends[1]);
  if (spawned != 0) {
    ::close(pipe_ends[0]);
    return std::nullopt;
  }
  std::string listing;
  std::array<char, 65536> buffer{};
  for (;;) {
    const ssize_t got = ::read(pipe_ends[0], buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    listing.append(buffer.data(), static_cast<std::size_t>(got));
  }
  ::close(pipe_ends[0]);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return listing;
}

// The files under `directory` by a plain recursive walk, skipping .git.
void walk(const std::string& directory, std::vector<std::string>& files,
          std::vector<path_problem>& problems) {
  std::error_code error;
  fs::recursive_directory_iterator it(directory, fs::directory_options::skip_permission_denied,
                                      error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    // Only the error_code forms: a link that loops ("Too many levels of symbolic links") makes
    // the throwing forms throw (hostile_test found dtoken scan terminating on one).
    std::error_code type_error;
    if (it->is_directory(type_error) && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(type_error)) {
      files.push_back(it->path().string());
    } else if (it->is_symlink(type_error)) {
      std::error_code target_error;
      if (!fs::exists(it->path(), target_error)) {
        problems.push_back(
            {it->path().string(), target_error ? target_error.message() : "broken symbolic link"});
      }
    }
  }
  if (error) problems.push_back({directory, error.message()});
}

// The files git lists under `directory`, or false when git cannot list them. Entries that are no
// longer regular files (a tracked file deleted from the work tree, a submodule) are left out;
// a broken symbolic link is a problem, as in the walk.
bool list_with_git(const std::string& directory, std::vector<std::string>& files,
                   std::vector<path_problem>& problems) {
  const std::optional<std::string> listing = git_listing(directory);
  if (!listing) return false;
  const std::string base = directory.ends_with('/') ? directory : directory + '/';
  std::size_t at = 0;
  while (at < listing->size()) {
    const std::size_t end = listing->find('\0', at);
    const std::string entry = base + listing->substr(at, end - at);
    at = end == std::string::npos ? listing->size() : end + 1;
    std::error_code error;
    const fs::file_status target = fs::status(entry, error);
    if (fs::is_regular_file(target)) {
      files.push_back(entry);
    } else if (fs::is_symlink(fs::symlink_status(entry, error)) && !fs::exists(target)) {
      problems.push_back({entry, "broken symbolic link"});
    }
  }
  return true;
}

}  // namespace

std::vector<std::string> expand_paths(const std::vector<std::string>& operands, bool honour_ignores,
                                      std::vector<path_problem>& problems) {
  std::vector<std::string> files;
  for (const std::string& path : operands) {
    if (path == "-") {
      files.push_back(path);
      continue;
    }
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      problems.push_back({path, error ? error.message() : "no such file or directory"});
      continue;
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    if (!honour_ignores || !list_with_git(path, found, problems)) walk(path, found, problems);
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

}  // namespace dtoken::cli
