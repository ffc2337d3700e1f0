#include "server.h"

#include "http_codec.h"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace dtoken::mock {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One connection: read a request, answer it, repeat while keep-alive holds. Stream is
// beast::tcp_stream (HTTP) or tls_stream (HTTPS: a handshake first, a TLS shutdown last).
template <typename Stream>
class session : public std::enable_shared_from_this<session<Stream>> {
  static constexpr bool tls = std::is_same_v<Stream, tls_stream>;

 public:
  template <typename... Extra>
  session(tcp::socket socket, mock_service& api, const server_options& options, std::ostream* log,
          std::mutex& log_mutex, Extra&... tls_context)
      : stream_(std::move(socket), tls_context...),
        timer_(stream_.get_executor()),
        api_(api),
        options_(options),
        log_(log),
        log_mutex_(log_mutex) {}

  void start() {
    asio::dispatch(stream_.get_executor(), [self = this->shared_from_this()] {
      if constexpr (tls) {
        beast::get_lowest_layer(self->stream_).expires_after(self->options_.idle_timeout);
        self->stream_.async_handshake(asio::ssl::stream_base::server,
                                      [self](beast::error_code error) {
                                        if (!error) self->read();
                                      });
      } else {
        self->read();
      }
    });
  }

 private:
  void read() {
    parser_.emplace();
    configure(*parser_);
    beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code error, std::size_t) {
                       self->on_read(error);
                     });
  }

  void on_read(beast::error_code error) {
    if (error == http::error::end_of_stream || error == beast::error::timeout ||
        error == asio::error::operation_aborted || error == asio::error::connection_reset ||
        error == asio::error::eof) {
      return close();
    }
    if (error) return write(parse_error_response(error), false);  // 400, 413 or 431

    const http_request& incoming = parser_->get();
    if (auto refused = protocol_error(incoming)) return write(std::move(*refused), false);
    if (!remote_) {  // the client's address, asked of the socket once per connection
      beast::error_code failed;
      const auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(failed);
      remote_ = failed ? "" : remote.address().to_string();
    }
    request_record record;
    request call = to_request(incoming, *remote_);
    call.secure = tls;
    response answer = api_.handle(call, &record);
    log(record);
    const unsigned version = incoming.version();
    const bool keep_alive = incoming.keep_alive();
    if (answer.delay > 0) {  // a latency fault: wait on a timer, not on a worker thread
      timer_.expires_after(std::chrono::milliseconds(answer.delay));
      timer_.async_wait([self = this->shared_from_this(), answer = std::move(answer), version,
                         keep_alive](beast::error_code) mutable {
        self->deliver(std::move(answer), version, keep_alive);
      });
      return;
    }
    deliver(std::move(answer), version, keep_alive);
  }

  // Sends the answer, or does what its wire fault says instead.
  void deliver(response answer, unsigned version, bool keep_alive) {
    beast::error_code ignored;
    auto& socket = beast::get_lowest_layer(stream_).socket();
    switch (answer.fault) {
      case wire_fault::none:
        return write(to_http(std::move(answer), version, keep_alive), keep_alive);
      case wire_fault::reset:  // SO_LINGER 0: close() sends an RST
        socket.set_option(tcp::socket::linger(true, 0), ignored);
        socket.close(ignored);
        return;
      case wire_fault::empty:
        return close();
      default: {
        const std::uint64_t rate = answer.fault == wire_fault::slow_body ? answer.fault_bytes : 0;
        write_raw(std::make_shared<const std::string>(wire_fault_bytes(answer, version)), 0, rate);
      }
    }
  }

  // Writes `bytes` from `at` on, all at once (`per_second` 0) or at `per_second` bytes a second;
  // then closes the connection.
  void write_raw(std::shared_ptr<const std::string> bytes, std::size_t at,
                 std::uint64_t per_second) {
    const std::size_t step =
        per_second == 0 ? bytes->size() - at
                        : std::min<std::size_t>(bytes->size() - at,
                                                std::max<std::uint64_t>(per_second / 10, 1));
    beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    asio::async_write(
        stream_, asio::buffer(bytes->data() + at, step),
        [self = this->shared_from_this(), bytes, at, step, per_second](beast::error_code error,
                                                                       std::size_t) {
          if (error || at + step >= bytes->size()) return self->close();
          // (a step of a tenth of the rate, or of one byte: the wait that keeps to the rate)
          self->timer_.expires_after(std::chrono::milliseconds(step * 1000 / per_second));
          self->timer_.async_wait([self, bytes, next = at + step, per_second](beast::error_code) {
            self->write_raw(bytes, next, per_second);
          });
        });
  }

  void write(http::response<http::string_body> out, bool keep_alive) {
    auto message = std::make_shared<http::response<http::string_body>>(std::move(out));
    beast::get_lowest_layer(stream_).expires_after(options_.idle_timeout);
    http::async_write(stream_, *message,
                      [self = this->shared_from_this(), message, keep_alive](
                          beast::error_code error, std::size_t) {
                        if (error || !keep_alive) return self->close();
                        self->read();
                      });
  }

  // Ends the connection gracefully: no more sending, then what the client still sends is read
  // and dropped (for at most 2 s), so that closing with unread bytes cannot reset the connection
  // before the client has read the answer (a 413 is sent before the body has been read).
  void close() {
    auto& lowest = beast::get_lowest_layer(stream_);
    lowest.expires_after(std::chrono::seconds(2));
    if constexpr (tls) {
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code ignored;
        beast::get_lowest_layer(self->stream_).socket().close(ignored);
      });
    } else {
      beast::error_code ignored;
      lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
      drain();
    }
  }

  void drain() {
    stream_.async_read_some(asio::buffer(scratch_), [self = this->shared_from_this()](
                                                        beast::error_code error, std::size_t) {
      if (!error) self->drain();
    });
  }

  void log(const request_record& record) {
    if (log_ == nullptr) return;
    const std::string line = boost::json::serialize(boost::json::object{
        {"time", format_date(record.time)},
        {"method", record.method},
        {"path", record.path},
        {"token_id", record.token_id.empty() ? boost::json::value(nullptr)
                                             : boost::json::value(record.token_id)},
        {"status", record.status}});
    const std::lock_guard lock(log_mutex_);
    *log_ << line << '\n' << std::flush;
  }

  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::array<char, 4096> scratch_{};
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<std::string> remote_;
  mock_service& api_;
  const server_options& options_;
  std::ostream* log_;
  std::mutex& log_mutex_;
};

}  // namespace

namespace {

// One io_context per thread, each run by its own thread (concurrency hint 1), as nginx has one
// event loop per worker: a connection stays on the context that accepted it for its whole life, so
// nothing of it crosses threads (no strands, no wake-ups of another thread). The first context
// also runs the acceptor, which deals the connections out in turn.
std::vector<std::unique_ptr<asio::io_context>> make_contexts(unsigned count) {
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (unsigned i = 0; i < std::max(count, 1U); ++i)
    contexts.push_back(std::make_unique<asio::io_context>(1));
  return contexts;
}

}  // namespace

struct http_server::state {
  mock_service& api;
  server_options options;
  std::ostream* log;
  std::mutex log_mutex;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::size_t next_context = 0;
  tcp::acceptor acceptor;
  std::optional<asio::ssl::context> tls;  // set for HTTPS
  asio::steady_timer accept_pause{acceptor.get_executor()};

  state(mock_service& api_, const server_options& options_, std::ostream* log_)
      : api(api_),
        options(options_),
        log(log_),
        contexts(make_contexts(options_.threads)),
        acceptor(*contexts.front()) {
    const tcp::endpoint endpoint(asio::ip::make_address(options.host), options.port);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
    if (!options.tls_certificate_pem.empty()) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                       asio::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain(asio::buffer(options.tls_certificate_pem));
      tls->use_private_key(asio::buffer(options.tls_key_pem), asio::ssl::context::pem);
    }
  }

  void accept() {
    asio::io_context& to = *contexts[next_context++ % contexts.size()];
    acceptor.async_accept(to, [this](beast::error_code error, tcp::socket socket) {
      if (error == asio::error::operation_aborted) return;
      if (error) {
        // Out of file descriptors (a flood of connections) or another accept failure: wait a
        // little for connections to close instead of spinning, then go on accepting.
        accept_pause.expires_after(std::chrono::milliseconds(50));
        accept_pause.async_wait([this](beast::error_code paused) {
          if (!paused && acceptor.is_open()) accept();
        });
        return;
      }
      if (tls) {
        std::make_shared<session<tls_stream>>(std::move(socket), api, options, log, log_mutex, *tls)
            ->start();
      } else {
        std::make_shared<session<beast::tcp_stream>>(std::move(socket), api, options, log,
                                                     log_mutex)
            ->start();
      }
      accept();
    });
  }
};

http_server::http_server(mock_service& api, const server_options& options, std::ostream* log)
    : state_(std::make_unique<state>(api, options, log)) {}

http_server::~http_server() = default;

unsigned short http_server::port() const { return state_->acceptor.local_endpoint().port(); }

void http_server::run() {
  state_->accept();
  // (the other contexts have no work until a connection comes: a guard keeps them running)
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> pool;
  for (std::size_t i = 1; i < state_->contexts.size(); ++i) {
    asio::io_context& context = *state_->contexts[i];
    guards.push_back(asio::make_work_guard(context));
    pool.emplace_back([&context] { context.run(); });
  }
  state_->contexts.front()->run();
  for (std::thread& thread : pool) thread.join();
}

// Gracefully: no new connections, then half a second for the answers being written to go out
// (every change is already applied, and written to the state file, before it is answered).
void http_server::stop() {
  asio::post(state_->acceptor.get_executor(), [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
    auto grace = std::make_shared<asio::steady_timer>(*state_->contexts.front(),
                                                      std::chrono::milliseconds(500));
    grace->async_wait([this, grace](beast::error_code) {
      for (const auto& context : state_->contexts) context->stop();
    });
  });
}

}  // namespace dtoken::mock
