#include "mapped_file.h"

#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>

#include <exception>
#include <mutex>
#include <thread>

namespace dtoken::cli {

// Files this large are unmapped on a thread of their own (~mapped_file).
constexpr std::size_t background_unmap_size = 64 << 20;

mapped_file::mapped_file(int fd, std::size_t size) noexcept {
  if (size == 0) return;
  void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  if (at == MAP_FAILED) return;
  // (No MADV_SEQUENTIAL: on this kernel, 6.18, it made `dtoken scan` of 256 MiB slower, from the
  // page cache (8.4-8.8 ms against 8.8-8.9) and from disk even more (87 ms against 103-206, after
  // drop_caches).)
  data_ = static_cast<const char*>(at);
  size_ = size;
}

mapped_file::~mapped_file() {
  if (data_ == nullptr) return;
  auto* data = const_cast<char*>(data_);
  if (size_ >= background_unmap_size) {
    // A thread of its own unmaps a large file while the report is written: unmapping 256 MiB
    // took 0.1 ms for a file fresh in the page cache, 8 ms for one this VM had aged (its page
    // tables freed, on one thread). Nothing waits for it: a process that exits first has the
    // kernel finish that system call, and then unmap what is left. (When no thread can be
    // started, std::system_error, or its state not allocated, this one unmaps it.)
    try {
      std::thread([data, size = size_] { ::munmap(data, size); }).detach();
      return;
    } catch (const std::exception&) {
    }
  }
  ::munmap(data, size_);
}

namespace {

// This thread's guarded region and where to jump back to; set only inside guarded().
struct guard {
  const char* begin = nullptr;
  const char* end = nullptr;
  sigjmp_buf* back = nullptr;
};
thread_local guard active;

struct sigaction previous {};

void on_bus_error(int signal, siginfo_t* info, void* context) {
  const char* address = static_cast<const char*>(info->si_addr);
  if (active.back != nullptr && address >= active.begin && address < active.end) {
    siglongjmp(*active.back, 1);
  }
  // Not ours: what was there before (the default ends the process with a core).
  if ((previous.sa_flags & SA_SIGINFO) != 0 && previous.sa_sigaction != nullptr) {
    previous.sa_sigaction(signal, info, context);
  } else if (previous.sa_handler != SIG_IGN && previous.sa_handler != SIG_DFL &&
             previous.sa_handler != nullptr) {
    previous.sa_handler(signal);
  } else {
    ::signal(SIGBUS, SIG_DFL);  // returning re-runs the access, which now ends the process
  }
}

void install_handler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_sigaction = on_bus_error;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGBUS, &action, &previous);
  });
}

}  // namespace

bool guarded(std::string_view region, void (*work)(void*), void* context) {
  install_handler();
  sigjmp_buf back;
  // The signal mask is not saved (0): saving it is a system call per call of guarded(), one per
  // slice of a scanned file (1,024 for 256 MiB), and there is nothing to restore, as the handler
  // runs with SA_NODEFER and an empty sa_mask, so the mask it jumps back with is this one.
  if (sigsetjmp(back, 0) != 0) {
    active = {};
    return false;
  }
  active = {region.data(), region.data() + region.size(), &back};
  work(context);
  active = {};
  return true;
}

}  // namespace dtoken::cli
