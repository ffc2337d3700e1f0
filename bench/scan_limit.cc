// The limit for scanning a file in the page cache: map it (as dtoken scan does: without
// MAP_POPULATE, which fills the page tables on one thread and was slower on 2, 44 against 30 ms
// for 256 MiB) and run memchr for a byte that never occurs, on N threads, each over its share of
// the file. Nothing reads the bytes faster; bench/scan_cli.sh times this program beside dtoken
// scan and ripgrep.
//
//   scan_limit FILE [THREADS]   (default: one per core)   exit 0; prints the bytes it read
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: scan_limit FILE [THREADS]\n");
    return 2;
  }
  const int fd = ::open(argv[1], O_RDONLY | O_CLOEXEC);
  struct stat info {};
  if (fd < 0 || ::fstat(fd, &info) != 0 || info.st_size == 0) {
    std::fprintf(stderr, "scan_limit: %s: cannot read it, or it is empty\n", argv[1]);
    return 2;
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  const unsigned threads = argc == 3 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10))
                                     : std::max(1U, std::thread::hardware_concurrency());
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (mapped == MAP_FAILED) {
    std::perror("scan_limit: mmap");
    return 2;
  }
  const char* bytes = static_cast<const char*>(mapped);
  std::vector<std::size_t> found(threads, 0);
  {
    std::vector<std::jthread> workers;
    for (unsigned k = 0; k < threads; ++k) {
      workers.emplace_back([&, k] {
        const std::size_t begin = size * k / threads;
        const std::size_t end = size * (k + 1) / threads;
        // A byte no text holds: memchr reads every byte of the share.
        found[k] = std::memchr(bytes + begin, '\x01', end - begin) == nullptr ? end - begin : 0;
      });
    }
  }
  std::size_t total = 0;
  for (const std::size_t part : found) total += part;
  std::printf("%zu\n", total);
  ::munmap(mapped, size);
  ::close(fd);
  return 0;
}
