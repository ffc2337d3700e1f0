// Masking tokens in a stream of text. Built on the scanner (scan.h): what the scanner finds under
// the chosen profile is masked, and nothing else changes.
//
// Modes:
//   mask_secret  each byte of the secret part becomes '*'; the token ID stays, so logs keep saying
//                which token was used (dt0c01.ST2EY72KQINMH574WMNVI7YN.****...). The default.
//   mask_token   every byte of the token becomes '*'.
//   digest       the token ID stays and the secret becomes "sha256:" and the first 16 hex digits
//                of the SHA-256 of the whole token (dt0c01.ST2EY72KQINMH574WMNVI7YN.sha256:
//                3b0c44298fc1c149): the same token gets the same digest in every log, so its uses
//                can be correlated, while 64 bits of a hash reveal nothing of a 64-character
//                secret. The digest is computed with OpenSSL's libcrypto.
// mask_secret and mask_token keep the output exactly as long as the input, so offsets, line and
// column numbers stay true; digest shortens each secret from 64 to 23 bytes.
//
// The redactor allocates nothing and holds back at most the last 96 bytes of the stream (a token
// may still be completing there): everything before that is written to the sink as soon as it is
// fed. Not thread-safe; separate objects are independent. Nothing here throws or prints.

#ifndef DTOKEN_REDACT_H
#define DTOKEN_REDACT_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "dtoken/callback.h"
#include "dtoken/scan.h"

namespace dtoken {

enum class redact_mode : std::uint8_t {
  mask_secret,  ///< Keep the token ID, mask the secret.
  mask_token,   ///< Mask the whole token.
  digest,       ///< Keep the token ID, replace the secret with a short SHA-256 digest.
};

/// The replacement of `token`'s secret in digest mode: "sha256:" and 16 lower-case hex digits.
inline constexpr std::size_t digest_length = 23;
/// Writes the digest-mode replacement for `token` (a whole token) to `out`. Returns false (and
/// leaves `out` unspecified) only if libcrypto fails.
[[nodiscard]] bool secret_digest(std::string_view token,
                                 std::array<char, digest_length>& out) noexcept;

/// "mask_secret", "mask_token" or "digest".
[[nodiscard]] std::string_view to_string(redact_mode mode) noexcept;
/// The mode named `name`, or nullopt.
[[nodiscard]] std::optional<redact_mode> redact_mode_from_string(std::string_view name) noexcept;

/// Receives the redacted output, in order, in pieces of any size.
using output_sink = void (*)(void* context, std::string_view bytes) noexcept;

class redactor {
 public:
  explicit redactor(profile rules = profile::documented,
                    redact_mode mode = redact_mode::mask_secret) noexcept
      : scanner_(rules), mode_(mode) {}

  /// Redacts the next chunk; writes what is settled to `sink`.
  void feed(std::string_view chunk, output_sink sink, void* context) noexcept;
  /// The input has ended: writes the rest. The redactor can then be reused.
  void finish(output_sink sink, void* context) noexcept;

  /// The same, with any callable taking `std::string_view` (a lambda that appends to a string).
  template <typename Sink>
  void feed(std::string_view chunk, Sink&& sink) noexcept {
    feed(chunk, &detail::trampoline<std::remove_reference_t<Sink>, std::string_view>,
         detail::context_of(sink));
  }
  template <typename Sink>
  void finish(Sink&& sink) noexcept {
    finish(&detail::trampoline<std::remove_reference_t<Sink>, std::string_view>,
           detail::context_of(sink));
  }

  /// Tokens masked so far, over every input.
  [[nodiscard]] std::uint64_t tokens_masked() const noexcept { return masked_; }

 private:
  static constexpr std::size_t held_back = longest_token_length;

  static void on_finding(void* context, const finding& found) noexcept;
  // Writes stream bytes [emitted_, until) unchanged, from the held-back bytes and the chunk.
  void pass(std::uint64_t until) noexcept;
  // Writes `count` bytes of '*'.
  void stars(std::size_t count) noexcept;

  scanner scanner_;
  redact_mode mode_;
  std::array<char, held_back> held_{};
  std::size_t held_size_ = 0;
  std::uint64_t emitted_ = 0;  // stream bytes before this offset are written
  std::uint64_t end_ = 0;      // stream bytes fed
  std::uint64_t masked_ = 0;
  // During feed() and finish(): where the bytes are, and where they go.
  std::string_view chunk_;
  std::uint64_t chunk_base_ = 0;
  output_sink sink_ = nullptr;
  void* context_ = nullptr;
};

/// `text` redacted whole, as one redactor fed `text` in one chunk writes it. For streams and for
/// output without a string of its own, use redactor.
[[nodiscard]] std::string redact(std::string_view text, profile rules = profile::documented,
                                 redact_mode mode = redact_mode::mask_secret);

/// Masks, in place, every run of `text` that holds a token in base64 or percent-encoding
/// (scan_encoded_part() under `rules`): each byte of the run becomes '*', so the text keeps its
/// length, but for the bytes of plain tokens inside or glued to the run, which are left for a
/// redactor to mask in its mode. Returns how many encoded tokens were found. A run is masked only
/// when it lies whole in `text`: give it whole lines (a base64 or percent run holds no newline).
/// Allocates nothing.
std::size_t mask_encoded(std::span<char> text, profile rules) noexcept;

}  // namespace dtoken

#endif  // DTOKEN_REDACT_H
