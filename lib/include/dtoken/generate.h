// Synthetic tokens: valid tokens of every registered type, OAuth client ID and secret pairs,
// old-format tokens and token IDs, deterministic or from the operating system's CSPRNG.
//
// Deterministic mode. The same (seed, label, index) gives the same token on every platform and
// in every release; a change to this algorithm is a breaking change and shows up as a diff of the
// committed vectors/. The algorithm, so that other languages can reproduce it:
//
//   mix(z)        = z ^= z >> 30; z *= 0xbf58476d1ce4e5b9; z ^= z >> 27; z *= 0x94d049bb133111eb;
//                   z ^ (z >> 31)                         (the SplitMix64 finaliser, mod 2^64)
//   fnv1a(label)  = FNV-1a 64 of the label's bytes (offset 0xcbf29ce484222325, prime 0x100000001b3)
//   stream        = mix(seed ^ mix(fnv1a(label)))
//   token_key     = mix(stream ^ mix(index + 0x9e3779b97f4a7c15))
//   word(j)       = mix(token_key + (j + 1) * 0x9e3779b97f4a7c15),  j = 0, 1, 2, ...
//
// The words are consumed in order: the public part first, then the secret. Each character takes
// the low bits of the current word, which is then shifted right: 5 bits per base32 character
// ("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 4 per hex digit ("0123456789abcdef"), 6 per legacy
// character ("A-Za-z0-9_-" in that order); a word is replaced by the next one when fewer than
// those bits remain of its 64 (12 base32 characters, 16 hex digits or 10 legacy characters a
// word). A dt0a01 public part (an environment ID, "abc12345") takes 3 letters (word % 26, then
// word /= 26) and 5 digits (word % 10, word /= 10) from one word.
//
// Random mode draws the same words from getrandom(2) instead; such tokens cannot be guessed.
//
// Marked fixtures. With `marked`, the public part starts with a fixed marker, so that a scanner
// can tell a fixture from a leak: "DTOKENFIXTURE" in a 24-character public part, "FXTR" in an
// 8-character one, "fxt" (the environment ID's letters) for dt0a01. is_marked_fixture() tests it.
//
// Nothing here throws or prints; functions that write return 0 when they cannot.

#ifndef DTOKEN_GENERATE_H
#define DTOKEN_GENERATE_H

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "dtoken/token.h"

namespace dtoken {

/// The largest token generate() writes (6 + 1 + 24 + 1 + 64).
inline constexpr std::size_t max_token_length = longest_token_length;
/// Length of an old-format token ID: a UUID, "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".
inline constexpr std::size_t legacy_token_id_length = 36;

/// Where generated characters come from. Cheap to copy; holds no reference to the label.
struct token_source {
  /// Deterministic: every token is a function of (seed, label, index) as described above.
  static constexpr token_source deterministic(std::uint64_t seed, std::string_view label) noexcept {
    return {false, stream_of(seed, label)};
  }
  /// The operating system's CSPRNG (getrandom); `index` is ignored.
  static constexpr token_source random() noexcept { return {true, 0}; }

  bool from_csprng = false;
  std::uint64_t stream = 0;  ///< mix(seed ^ mix(fnv1a(label))), computed once.

 private:
  static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  static constexpr std::uint64_t stream_of(std::uint64_t seed, std::string_view label) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : label) {
      hash ^= static_cast<unsigned char>(c);
      hash *= 0x100000001b3ULL;
    }
    return mix(seed ^ mix(hash));
  }
};

/// The public-part length generate() uses for `type`: its shortest admissible length (24 for
/// dt0c01 and dt0s01, 8 for the others).
[[nodiscard]] std::size_t generated_public_length(const token_type& type) noexcept;

/// The length of the tokens generate() writes for `type` (80 or 96).
[[nodiscard]] std::size_t generated_length(const token_type& type) noexcept;

/// Writes token number `index` of `type` from `source` into `out`, in the shape strict validation
/// accepts for that type. For an OAuth client type, the token is the client secret and its
/// token_id() the client ID.
/// @return the number of bytes written (generated_length(type)), or 0, writing nothing, when
///         `out` is too short or the CSPRNG fails.
[[nodiscard]] std::size_t generate(const token_type& type, const token_source& source,
                                   std::uint64_t index, std::span<char> out,
                                   bool marked = false) noexcept;

/// Writes an old-format token (21 characters of [A-Za-z0-9_-]). Returns 21, or 0 as generate().
[[nodiscard]] std::size_t generate_legacy(const token_source& source, std::uint64_t index,
                                          std::span<char> out) noexcept;

/// Writes an old-format token ID: a version-4 UUID in lower-case hex. Returns 36, or 0.
[[nodiscard]] std::size_t generate_legacy_id(const token_source& source, std::uint64_t index,
                                             std::span<char> out) noexcept;

/// Whether the public part of `value` carries the fixture marker that `marked` generation puts
/// there.
[[nodiscard]] bool is_marked_fixture(const token& value) noexcept;

}  // namespace dtoken

#endif  // DTOKEN_GENERATE_H
