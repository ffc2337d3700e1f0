// Base32 encoding of generator words, 12 characters a word (bits 0-59, low bits first): a
// portable kernel and a BMI2 one (pdep), which generate_test.cc checks against each other.
#ifndef DTOKEN_DETAIL_BASE32_STREAM_H
#define DTOKEN_DETAIL_BASE32_STREAM_H

#include <cstddef>
#include <cstdint>

namespace dtoken::detail {

// Writes 12 * word_count characters for words[0 .. word_count).
using base32_encoder = void (*)(const std::uint64_t* words, std::size_t word_count,
                                char* out) noexcept;

void encode_base32_portable(const std::uint64_t* words, std::size_t word_count, char* out) noexcept;

// nullptr when the CPU lacks BMI2.
base32_encoder bmi2_base32_encoder() noexcept;

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_BASE32_STREAM_H
