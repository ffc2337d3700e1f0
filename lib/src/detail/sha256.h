// SHA-256 through OpenSSL, for the library, the CLI and the mock alike (an internal header: the
// public API exposes no OpenSSL type). sha256.cc says which of OpenSSL's interfaces, and why.
#ifndef DTOKEN_DETAIL_SHA256_H
#define DTOKEN_DETAIL_SHA256_H

#include <array>
#include <string>
#include <string_view>

namespace dtoken::detail {

using sha256_digest = std::array<unsigned char, 32>;

// The SHA-256 of `bytes` into `out`; false (and `out` zeroed) when OpenSSL fails.
bool sha256(std::string_view bytes, sha256_digest& out) noexcept;

// The digest as 64 lower-case hex digits.
std::string to_hex(const sha256_digest& digest);

}  // namespace dtoken::detail

#endif  // DTOKEN_DETAIL_SHA256_H
