// A callable passed where the library takes a C-style callback, a function pointer and a void*
// context (scanner's finding_sink, redactor's output_sink): the callable travels as the context,
// and trampoline<Callable, Args...> restores its type (and constness) to call it. Used by the
// callable overloads of scanner::feed/finish and redactor::feed/finish.
#ifndef DTOKEN_CALLBACK_H
#define DTOKEN_CALLBACK_H

#include <memory>

namespace dtoken::detail {

template <typename Callable, typename... Args>
void trampoline(void* context, Args... args) noexcept {
  (*static_cast<Callable*>(context))(args...);
}

template <typename Callable>
void* context_of(Callable& callable) noexcept {
  return const_cast<void*>(static_cast<const void*>(std::addressof(callable)));
}

}  // namespace dtoken::detail

#endif  // DTOKEN_CALLBACK_H
