#include "detail/kernel.h"

namespace dtoken::detail {

const kernel& active_kernel() noexcept {
  // Chosen once; a function-local static so that a call from another static initialiser is safe.
  static const kernel& chosen = []() -> const kernel& {
    if (const kernel* widest = avx512_kernel()) return *widest;
    if (const kernel* wide = avx2_kernel()) return *wide;
    return scalar_kernel;
  }();
  return chosen;
}

}  // namespace dtoken::detail
