#include "tls_certificate.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>
#include <memory>
#include <stdexcept>

namespace dtoken::mock {
namespace {

template <typename T, void (*Free)(T*)>
struct deleter {
  void operator()(T* value) const { Free(value); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using certificate_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using bio_ptr = std::unique_ptr<BIO, deleter<BIO, BIO_free_all>>;
using extension_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

void require(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("cannot make a self-signed certificate: ") + what);
}

std::string pem_of(const std::function<int(BIO*)>& write) {
  bio_ptr bio(BIO_new(BIO_s_mem()));
  require(bio != nullptr && write(bio.get()) == 1, "PEM output");
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace

pem_pair make_self_signed(const std::string& host) {
  key_ptr key(EVP_EC_gen("P-256"));
  require(key != nullptr, "key generation");
  certificate_ptr certificate(X509_new());
  require(certificate != nullptr, "X509_new");
  X509_set_version(certificate.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(certificate.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(certificate.get()), 30L * 24 * 3600);
  require(X509_set_pubkey(certificate.get(), key.get()) == 1, "public key");
  X509_NAME* name = X509_get_subject_name(certificate.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("dtoken-mock"), -1, -1, 0);
  X509_set_issuer_name(certificate.get(), name);
  const bool is_address = host.find_first_not_of("0123456789.:") == std::string::npos;
  const std::string names = "DNS:localhost," + std::string(is_address ? "IP:" : "DNS:") + host;
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
  extension_ptr alternative(
      X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, names.c_str()));
  require(alternative != nullptr && X509_add_ext(certificate.get(), alternative.get(), -1) == 1,
          "subjectAltName");
  require(X509_sign(certificate.get(), key.get(), EVP_sha256()) > 0, "signature");
  return {pem_of([&](BIO* out) { return PEM_write_bio_X509(out, certificate.get()); }),
          pem_of([&](BIO* out) {
            return PEM_write_bio_PrivateKey(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
          })};
}

}  // namespace dtoken::mock
