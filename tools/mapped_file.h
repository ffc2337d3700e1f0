// A file mapped read-only into memory, and a guard for reading it: if the file shrinks while it is
// mapped, reading past its new end raises SIGBUS; inside guarded(), that ends the work with false
// instead of killing the process.
#ifndef DTOKEN_CLI_MAPPED_FILE_H
#define DTOKEN_CLI_MAPPED_FILE_H

#include <cstddef>
#include <string_view>

namespace dtoken::cli {

class mapped_file {
 public:
  // Maps `size` bytes of the open file `fd`. Empty when mmap fails; the caller then reads the file
  // instead. The page tables are filled as the threads that read the file fault (16 pages at a
  // time), each on its own part: MAP_POPULATE fills them all at once, but on one thread, before
  // any work starts (256 MiB on 2 threads: 44 ms with it, 34 without; the limit, map + memchr,
  // 27 ms; `perf stat -r 10`, alternating).
  mapped_file(int fd, std::size_t size) noexcept;
  // Unmaps the file: one of 64 MiB or more on a thread of its own, which nothing waits for.
  ~mapped_file();
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;

  [[nodiscard]] bool empty() const noexcept { return data_ == nullptr; }
  [[nodiscard]] std::string_view bytes() const noexcept { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  std::size_t size_ = 0;
};

// Runs work(context) on this thread; a SIGBUS from reading `region` during it stops it and makes
// guarded() return false (true when it ran to its end). What `work` had in progress is abandoned
// without unwinding: it must keep only trivially destructible state of its own, and write to
// outside objects only what a stop at any point leaves usable.
bool guarded(std::string_view region, void (*work)(void*), void* context);

template <typename Work>
bool guarded(std::string_view region, Work& work) {
  return guarded(
      region, [](void* context) { (*static_cast<Work*>(context))(); },
      const_cast<void*>(static_cast<const void*>(&work)));
}

}  // namespace dtoken::cli

#endif  // DTOKEN_CLI_MAPPED_FILE_H
