// The generator. generate.h documents the deterministic algorithm; this file must follow it to
// the bit, as the committed vectors depend on it.
#include "dtoken/generate.h"

#include "detail/base32_stream.h"

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

constexpr std::string_view base32_digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view hex_digits = "0123456789abcdef";
constexpr std::string_view legacy_digits =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// The words of one token, in order, and the bits left of the current one. Deterministic words
// are computed when first needed; CSPRNG words are drawn all at once.
class word_stream {
 public:
  // Enough words for any token: 88 base32 characters need 8.
  static constexpr std::size_t capacity = 8;

  // False when the CSPRNG fails.
  bool start(const token_source& source, std::uint64_t index) noexcept {
    from_csprng_ = source.from_csprng;
    if (from_csprng_) {
      auto* bytes = reinterpret_cast<unsigned char*>(words_.data());
      std::size_t filled = 0;
      while (filled < sizeof(words_)) {
        const ssize_t got = getrandom(bytes + filled, sizeof(words_) - filled, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return false;
        filled += static_cast<std::size_t>(got);
      }
    } else {
      token_key_ = mix(source.stream ^ mix(index + golden_gamma));
    }
    next_ = 0;
    bits_left_ = 0;
    return true;
  }

  // Word j of the token.
  [[nodiscard]] std::uint64_t word(std::size_t j) const noexcept {
    return from_csprng_ ? words_[j] : mix(token_key_ + (j + 1) * golden_gamma);
  }

  // The next `bits` bits of the stream, from the low end of the current word.
  std::uint64_t take(unsigned bits) noexcept {
    if (bits_left_ < bits) {
      current_ = word(next_++);
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
    return word(next_++);
  }

 private:
  std::array<std::uint64_t, capacity> words_;  // CSPRNG words; filled by start()
  std::uint64_t token_key_ = 0;
  bool from_csprng_ = false;
  std::size_t next_ = 0;
  std::uint64_t current_ = 0;
  unsigned bits_left_ = 0;
};

// The first `count` base32 characters of the stream, 12 a word, exactly as take(5) would give
// them, but a whole word at a time: the hot path of generate() for base32 types.
void write_base32_stream(const word_stream& words, char* out, std::size_t count) noexcept {
  static const detail::base32_encoder encode = [] {
    const detail::base32_encoder fast = detail::bmi2_base32_encoder();
    return fast != nullptr ? fast : detail::encode_base32_portable;
  }();
  constexpr std::size_t max_words = word_stream::capacity;
  const std::size_t word_count = (count + 11) / 12;
  std::array<std::uint64_t, max_words> values;
  for (std::size_t j = 0; j < word_count; ++j) values[j] = words.word(j);
  std::array<char, 12 * max_words> characters;
  encode(values.data(), word_count, characters.data());
  std::memcpy(out, characters.data(), count);
}

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
  if (type.public_alphabet == alphabet::base32 && type.secret_alphabet == alphabet::base32) {
    // One run of base32 characters: the public part, then (after the '.') the secret.
    std::array<char, 12 * word_stream::capacity> characters;
    write_base32_stream(words, characters.data(), public_length + secret_length);
    std::memcpy(cursor, characters.data(), public_length);
    cursor[public_length] = '.';
    std::memcpy(cursor + public_length + 1, characters.data() + public_length, secret_length);
  } else {
    write_part(words, type.public_alphabet, cursor, public_length);
    cursor[public_length] = '.';
    write_part(words, type.secret_alphabet, cursor + public_length + 1, secret_length);
  }
  if (marked) {
    const std::string_view marker = marker_for(type, public_length);
    std::memcpy(cursor, marker.data(), marker.size());
  }
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
