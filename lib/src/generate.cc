// The generator. generate.h documents the deterministic algorithm; this file must follow it to
// the bit, as the committed vectors depend on it.
#include "dtoken/generate.h"

#include <sys/random.h>

#include <array>
#include <bit>
#include <cerrno>
#include <cstring>

namespace dtoken {
namespace {

constexpr std::uint64_t golden_gamma = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t mix(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t fnv1a(std::string_view bytes) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

constexpr std::string_view base32_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view hex_digits = "0123456789abcdef";
constexpr std::string_view legacy_digits =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// The words of one token, in order, and the bits left of the current one.
class word_stream {
 public:
  // Enough words for any token: 88 base32 characters need 8.
  static constexpr std::size_t capacity = 12;

  // False when the CSPRNG fails.
  bool start(const token_source& source, std::uint64_t index) noexcept {
    if (source.from_csprng) {
      auto* bytes = reinterpret_cast<unsigned char*>(words_.data());
      std::size_t filled = 0;
      while (filled < sizeof(words_)) {
        const ssize_t got = getrandom(bytes + filled, sizeof(words_) - filled, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        filled += static_cast<std::size_t>(got);
      }
    } else {
      const std::uint64_t stream = mix(source.seed ^ mix(fnv1a(source.label)));
      const std::uint64_t token_key = mix(stream ^ mix(index + golden_gamma));
      for (std::size_t j = 0; j < capacity; ++j)
        words_[j] = mix(token_key + (j + 1) * golden_gamma);
    }
    next_ = 0;
    bits_left_ = 0;
    return true;
  }

  // The next `bits` bits of the stream, from the low end of the current word.
  std::uint64_t take(unsigned bits) noexcept {
    if (bits_left_ < bits) {
      current_ = words_[next_++];
      bits_left_ = 64;
    }
    const std::uint64_t value = current_ & ((std::uint64_t{1} << bits) - 1);
    current_ >>= bits;
    bits_left_ -= bits;
    return value;
  }

  // A whole fresh word.
  std::uint64_t take_word() noexcept {
    bits_left_ = 0;
    return words_[next_++];
  }

 private:
  std::array<std::uint64_t, capacity> words_{};
  std::size_t next_ = 0;
  std::uint64_t current_ = 0;
  unsigned bits_left_ = 0;
};

void write_part(word_stream& words, alphabet part, char* out, std::size_t length) noexcept {
  switch (part) {
    case alphabet::lower_hex:
      for (std::size_t i = 0; i < length; ++i) out[i] = hex_digits[words.take(4)];
      return;
    case alphabet::lower_alnum: {
      // An environment ID: three letters and five digits (the shape of SaaS environment IDs).
      std::uint64_t word = words.take_word();
      for (std::size_t i = 0; i < length; ++i) {
        const bool letter = i < 3;
        out[i] = static_cast<char>(letter ? 'a' + word % 26 : '0' + word % 10);
        word /= letter ? 26 : 10;
      }
      return;
    }
    default:
      for (std::size_t i = 0; i < length; ++i) out[i] = base32_digits[words.take(5)];
      return;
  }
}

std::string_view marker_for(const token_type& type, std::size_t public_length) noexcept {
  if (type.public_alphabet == alphabet::lower_alnum) return "fxt";
  return public_length >= 24 ? "DTOKENFIXTURE" : "FXTR";
}

}  // namespace

std::size_t generated_public_length(const token_type& type) noexcept {
  return static_cast<std::size_t>(std::countr_zero(type.public_length_mask));
}

std::size_t generated_length(const token_type& type) noexcept {
  return prefix_length + 1 + generated_public_length(type) + 1 + secret_length;
}

std::size_t generate(const token_type& type, const token_source& source, std::uint64_t index,
                     std::span<char> out, bool marked) noexcept {
  const std::size_t public_length = generated_public_length(type);
  const std::size_t length = generated_length(type);
  word_stream words;
  if (out.size() < length || !words.start(source, index)) return 0;
  char* cursor = out.data();
  std::memcpy(cursor, type.prefix.data(), prefix_length);
  cursor += prefix_length;
  *cursor++ = '.';
  write_part(words, type.public_alphabet, cursor, public_length);
  if (marked) {
    const std::string_view marker = marker_for(type, public_length);
    std::memcpy(cursor, marker.data(), marker.size());
  }
  cursor += public_length;
  *cursor++ = '.';
  write_part(words, type.secret_alphabet, cursor, secret_length);
  return length;
}

std::size_t generate_legacy(const token_source& source, std::uint64_t index,
                            std::span<char> out) noexcept {
  word_stream words;
  if (out.size() < legacy_token_length || !words.start(source, index)) return 0;
  for (std::size_t i = 0; i < legacy_token_length; ++i) out[i] = legacy_digits[words.take(6)];
  return legacy_token_length;
}

std::size_t generate_legacy_id(const token_source& source, std::uint64_t index,
                               std::span<char> out) noexcept {
  word_stream words;
  if (out.size() < legacy_token_id_length || !words.start(source, index)) return 0;
  // 32 hex digits; digit 12 is the version (4), digit 16 the variant (8, 9, a or b).
  std::size_t digit = 0;
  for (std::size_t i = 0; i < legacy_token_id_length; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      out[i] = '-';
      continue;
    }
    const std::uint64_t nibble = words.take(4);
    out[i] = digit == 12 ? '4' : digit == 16 ? hex_digits[8 + (nibble & 3)] : hex_digits[nibble];
    ++digit;
  }
  return legacy_token_id_length;
}

bool is_marked_fixture(const token& value) noexcept {
  if (value.type == nullptr) {
    return value.public_part.starts_with(value.public_part.size() >= 24 ? "DTOKENFIXTURE" : "FXTR");
  }
  return value.public_part.starts_with(marker_for(*value.type, value.public_part.size()));
}

}  // namespace dtoken
