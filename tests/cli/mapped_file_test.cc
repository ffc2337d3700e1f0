// tools/mapped_file.h: a mapping holds the file's bytes, and it is released when it is destroyed,
// on a thread of its own for a large file (it must then leave /proc/self/maps soon after).
#include "mapped_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

namespace dtoken::cli {
namespace {

// Whether the file at `path` is mapped into this process (by its name in /proc/self/maps, which
// an address would not tell: another mapping may take the place of one that went).
bool is_mapped(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.ends_with(" " + path)) return true;
  }
  return false;
}

// A file of `size` bytes in a directory of its own: `text` and then zeros (a sparse file).
class sparse_file {
 public:
  sparse_file(const std::string& text, std::uint64_t size)
      : directory_(std::filesystem::temp_directory_path() /
                   ("mapped_file_test." + std::to_string(::getpid()))) {
    std::filesystem::create_directories(directory_);
    path_ = (directory_ / "file").string();
    std::ofstream(path_, std::ios::binary) << text;
    std::filesystem::resize_file(path_, size);
    fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  }
  ~sparse_file() {
    ::close(fd_);
    std::filesystem::remove_all(directory_);
  }
  sparse_file(const sparse_file&) = delete;
  sparse_file& operator=(const sparse_file&) = delete;
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::filesystem::path directory_;
  std::string path_;
  int fd_ = -1;
};

// Destroys `map` of `file` and waits (up to 10 s) until the file has left the memory map.
bool released_after_destruction(std::unique_ptr<mapped_file> map, const sparse_file& file) {
  map.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (is_mapped(file.path())) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

TEST(mapped_file_test, a_small_file_is_read_and_unmapped_at_once) {
  const sparse_file file("hello", 4096);
  auto map = std::make_unique<mapped_file>(file.fd(), 4096);
  ASSERT_FALSE(map->empty());
  EXPECT_EQ(map->bytes().substr(0, 5), "hello");
  EXPECT_EQ(map->bytes().size(), 4096U);
  EXPECT_TRUE(is_mapped(file.path()));
  map.reset();
  EXPECT_FALSE(is_mapped(file.path()));
}

TEST(mapped_file_test, a_large_file_is_unmapped_on_a_thread_of_its_own) {
  constexpr std::uint64_t size = std::uint64_t{96} << 20;  // over the 64 MiB of mapped_file.cc
  const sparse_file file("large", size);
  auto map = std::make_unique<mapped_file>(file.fd(), size);
  ASSERT_FALSE(map->empty());
  EXPECT_EQ(map->bytes().substr(0, 5), "large");
  EXPECT_EQ(map->bytes()[size - 1], '\0');
  EXPECT_TRUE(is_mapped(file.path()));
  EXPECT_TRUE(released_after_destruction(std::move(map), file));
}

// This process's address space, from /proc/self/status (VmSize), in bytes.
std::uint64_t address_space() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("VmSize:")) return std::stoull(line.substr(7)) * 1024;
  }
  return 0;
}

TEST(mapped_file_test, a_large_file_is_unmapped_at_once_when_no_thread_can_start) {
  constexpr std::uint64_t size = std::uint64_t{96} << 20;
  const sparse_file file("large", size);
  // In a child whose address space cannot grow by a thread's stack: the unmapping thread cannot
  // start, and the mapping must be gone when the destructor returns (not the process). (New
  // threads get stacks of 256 MiB, larger than any that glibc keeps from threads that ended.)
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto map = std::make_unique<mapped_file>(file.fd(), size);
    pthread_attr_t attributes;
    const rlimit limit{address_space() + (1U << 20), RLIM_INFINITY};
    if (map->empty() || ::pthread_attr_init(&attributes) != 0 ||
        ::pthread_attr_setstacksize(&attributes, std::size_t{256} << 20) != 0 ||
        ::pthread_setattr_default_np(&attributes) != 0 || ::setrlimit(RLIMIT_AS, &limit) != 0) {
      ::_exit(2);
    }
    map.reset();
    ::_exit(is_mapped(file.path()) ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(mapped_file_test, an_empty_request_maps_nothing) {
  const sparse_file file("", 0);
  const mapped_file map(file.fd(), 0);
  EXPECT_TRUE(map.empty());
  EXPECT_TRUE(map.bytes().empty());
}

}  // namespace
}  // namespace dtoken::cli
