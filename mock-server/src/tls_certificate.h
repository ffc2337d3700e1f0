// A self-signed certificate for --tls-self-signed, made at start with OpenSSL.
#ifndef DTOKEN_MOCK_TLS_CERTIFICATE_H
#define DTOKEN_MOCK_TLS_CERTIFICATE_H

#include <string>

namespace dtoken::mock {

struct pem_pair {
  std::string certificate;
  std::string key;
};

// An ECDSA P-256 key and a certificate for it, valid for 30 days, for the names localhost and
// `host` (an IP address or a DNS name). Throws std::runtime_error when OpenSSL fails.
pem_pair make_self_signed(const std::string& host);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TLS_CERTIFICATE_H
