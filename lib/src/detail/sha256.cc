#include "detail/sha256.h"

#include <openssl/evp.h>

namespace dtoken::detail {

namespace {

const EVP_MD* algorithm() noexcept {
  static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  return fetched != nullptr ? fetched : EVP_sha256();
}

}  // namespace

bool sha256(std::string_view bytes, sha256_digest& out) noexcept {
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &size, algorithm(), nullptr) != 1 ||
      size != out.size()) {
    out.fill(0);
    return false;
  }
  return true;
}

std::string to_hex(const sha256_digest& digest) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * digest.size());
  for (const unsigned char byte : digest) {
    text += hex[byte >> 4U];
    text += hex[byte & 15U];
  }
  return text;
}

}  // namespace dtoken::detail
