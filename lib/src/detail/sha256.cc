// OpenSSL's own SHA-256 functions (SHA256_Init, _Update, _Final), not its EVP interface.
//
// Deviation, measured: OpenSSL 3.0 marks these deprecated in favour of EVP, but EVP readies its
// configuration and default provider on first use, 0.8-1.5 ms of each process (EVP_MD_fetch, 20
// runs), and each digest then costs twice as much (10,000 short digests: 1.1 ms with a reused
// EVP context, 0.6 ms here). A scan at the page-cache limit takes 15-20 ms, so the EVP start-up
// alone was 5-10% of a `dtoken scan --format jsonl` run (the fingerprints need SHA-256). These
// functions run the same assembly (SHA-NI where the CPU has it) with no start-up. Should a later
// OpenSSL drop them (OPENSSL_NO_DEPRECATED_3_0), EVP_Digest with EVP_sha256() is the replacement.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "detail/sha256.h"

#include <openssl/sha.h>

namespace dtoken::detail {

bool sha256(std::string_view bytes, sha256_digest& out) noexcept {
  static_assert(sha256_digest{}.size() == SHA256_DIGEST_LENGTH);
  SHA256_CTX context;
  if (SHA256_Init(&context) != 1 || SHA256_Update(&context, bytes.data(), bytes.size()) != 1 ||
      SHA256_Final(out.data(), &context) != 1) {
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
