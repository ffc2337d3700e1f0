// HTTP/1.1 (or HTTPS) over Boost.Beast and Asio: keep-alive, a thread pool, limits on headers (8
// KiB, 431) and bodies (1 MB, 413), idle timeouts, and a JSON log line per request (token IDs,
// never secrets). Requests go to mock_service::handle().
#ifndef DTOKEN_MOCK_SERVER_H
#define DTOKEN_MOCK_SERVER_H

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>
#include <ostream>
#include <string>

#include "control.h"

namespace dtoken::mock {

struct server_options {
  std::string host = "127.0.0.1";
  unsigned short port = 0;  // 0: any free port
  unsigned threads = 2;
  std::chrono::seconds idle_timeout{30};
  // HTTPS when set: the certificate chain and its private key, PEM.
  std::string tls_certificate_pem;
  std::string tls_key_pem;
};

class http_server {
 public:
  // Binds and listens at once (throws boost::system::system_error when it cannot).
  http_server(mock_service& service, const server_options& options, std::ostream* log);
  ~http_server();

  [[nodiscard]] unsigned short port() const;
  // Serves until stop(); stop() may be called from any thread or a signal handler's strand.
  void run();
  void stop();

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_SERVER_H
