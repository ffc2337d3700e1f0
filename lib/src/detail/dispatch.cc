// Run-time kernel choice, as simdutf does it: the active kernel is an atomic pointer that starts
// at a "detecting" kernel. Its first call picks the widest kernel the CPU runs and swaps it in, so
// that every later call costs one relaxed load and an indirect call, with no initialisation guard.
// Safe from static initialisers and from many threads (they all pick the same kernel).
#include <atomic>

#include "detail/kernel.h"

namespace dtoken::detail {
namespace {

const kernel& widest_kernel() noexcept {
  if (const kernel* widest = avx512_vbmi_kernel()) return *widest;
  if (const kernel* wide = avx512_kernel()) return *wide;
  if (const kernel* wide = avx2_kernel()) return *wide;
  return scalar_kernel;
}

std::size_t detect_span(const char* data, std::size_t size, alphabet part) noexcept;
std::size_t detect_documented_span(const char* data, std::size_t size) noexcept;
std::size_t detect_find_prefix(const char* data, std::size_t size, std::size_t from,
                               std::size_t count_from, std::size_t count_end, newline_tally& lines,
                               prefix_filter filter) noexcept;
layout_stop detect_layout_span(const char* data, std::size_t size,
                               const token_layout& layout) noexcept;
void detect_classify(const char* data, std::size_t size, const alphabet_triple& parts,
                     position_bits_triple& bits) noexcept;
std::size_t detect_count_newlines(const char* data, std::size_t size) noexcept;
std::size_t detect_find_encoded(const char* data, std::size_t size, std::size_t from) noexcept;

constinit const kernel detecting{"detecting",
                                 detect_span,
                                 detect_documented_span,
                                 detect_find_prefix,
                                 detect_layout_span,
                                 detect_classify,
                                 detect_count_newlines,
                                 detect_find_encoded,
                                 nullptr};  // (the first search marks no pairs: it reads all)

const kernel& activate() noexcept {
  const kernel& chosen = widest_kernel();
  active_kernel_pointer.store(&chosen, std::memory_order_relaxed);
  return chosen;
}

std::size_t detect_span(const char* data, std::size_t size, alphabet part) noexcept {
  return activate().span(data, size, part);
}

std::size_t detect_documented_span(const char* data, std::size_t size) noexcept {
  return activate().documented_span(data, size);
}

std::size_t detect_find_prefix(const char* data, std::size_t size, std::size_t from,
                               std::size_t count_from, std::size_t count_end, newline_tally& lines,
                               prefix_filter filter) noexcept {
  return activate().find_prefix(data, size, from, count_from, count_end, lines, filter);
}

layout_stop detect_layout_span(const char* data, std::size_t size,
                               const token_layout& layout) noexcept {
  return activate().layout_span(data, size, layout);
}

void detect_classify(const char* data, std::size_t size, const alphabet_triple& parts,
                     position_bits_triple& bits) noexcept {
  activate().classify(data, size, parts, bits);
}

std::size_t detect_count_newlines(const char* data, std::size_t size) noexcept {
  return activate().count_newlines(data, size);
}

std::size_t detect_find_encoded(const char* data, std::size_t size, std::size_t from) noexcept {
  return activate().find_encoded(data, size, from);
}

}  // namespace

constinit std::atomic<const kernel*> active_kernel_pointer{&detecting};

const kernel& chosen_kernel() noexcept {
  const kernel* current = active_kernel_pointer.load(std::memory_order_relaxed);
  return current == &detecting ? activate() : *current;
}

}  // namespace dtoken::detail
