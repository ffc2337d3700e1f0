#include "http_codec.h"

#include <random>
#include <sstream>

namespace dtoken::mock {

namespace beast = boost::beast;
namespace http = beast::http;

void configure(http::request_parser<http::string_body>& parser) {
  parser.header_limit(header_limit);
  parser.body_limit(body_limit);
}

request to_request(const http_request& incoming, std::string remote_address) {
  request call;
  call.method = std::string(incoming.method_string());
  call.target = std::string(incoming.target());
  for (const auto& field : incoming) {
    call.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  call.body = incoming.body();
  call.remote_address = std::move(remote_address);
  return call;
}

http_response to_http(response answer, unsigned version, bool keep_alive) {
  http_response out{static_cast<http::status>(answer.status), version};
  out.set(http::field::server, "dtoken-mock");
  if (!answer.content_type.empty()) out.set(http::field::content_type, answer.content_type);
  for (const auto& [name, value] : answer.headers) out.set(name, value);
  out.body() = std::move(answer.body);
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

http_response parse_error_response(beast::error_code error) {
  unsigned status = 400;
  std::string message = "Malformed HTTP request: " + error.message();
  if (error == http::error::body_limit) {
    status = 413;
    message = "The request body is larger than 1 MB";
  } else if (error == http::error::header_limit) {
    status = 431;
    message = "The request headers are larger than 8 KiB";
  }
  return to_http(error_response(status, message), 11, false);
}

std::optional<http_response> protocol_error(const http_request& incoming) {
  const std::size_t hosts = incoming.count(http::field::host);
  const char* broken = nullptr;
  if (hosts == 0 && incoming.version() >= 11) broken = "Missing Host header: HTTP/1.1 requires one";
  if (hosts > 1) broken = "More than one Host header";
  if (incoming.count(http::field::transfer_encoding) != 0 && !incoming.chunked()) {
    broken = "Transfer-Encoding must end with chunked";
  }
  if (broken == nullptr) return std::nullopt;
  return to_http(error_response(400, broken), incoming.version(), false);
}

std::vector<http_response> serve_bytes(mock_service& service, std::string_view bytes) {
  std::vector<http_response> answers;
  while (!bytes.empty()) {
    http::request_parser<http::string_body> parser;
    configure(parser);
    beast::error_code error;
    while (!parser.is_done()) {
      const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), error);
      bytes.remove_prefix(used);
      if (error && error != http::error::need_more) {
        answers.push_back(parse_error_response(error));
        return answers;
      }
      // Nothing more can be parsed from what there is: the client would send the rest.
      if (used == 0 || (error == http::error::need_more && bytes.empty())) return answers;
      error = {};
    }
    const http_request& incoming = parser.get();
    if (auto refused = protocol_error(incoming)) {
      answers.push_back(std::move(*refused));
      return answers;
    }
    response answer = service.handle(to_request(incoming, "127.0.0.1"));
    if (answer.fault != wire_fault::none) return answers;  // (the wire faults: server.cc)
    answers.push_back(to_http(std::move(answer), incoming.version(), incoming.keep_alive()));
    if (!incoming.keep_alive()) return answers;
  }
  return answers;
}

std::string wire_fault_bytes(const response& answer, unsigned version) {
  switch (answer.fault) {
    case wire_fault::malformed_chunk:
      return "HTTP/1.1 " + std::to_string(answer.status) +
             " OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
             "ZZ\r\n{\"broken\r\n";
    case wire_fault::random_bytes: {
      std::mt19937_64 random(answer.fault_seed);
      std::string out(answer.fault_bytes, '\0');
      for (char& c : out) c = static_cast<char>(random() & 0xffU);
      return out;
    }
    case wire_fault::truncated:
    case wire_fault::slow_body: {
      response whole = answer;
      whole.fault = wire_fault::none;
      std::ostringstream text;
      text << to_http(std::move(whole), version, false);
      std::string out = text.str();
      if (answer.fault == wire_fault::slow_body) return out;
      // The head says the whole length; half the body follows (an empty body claims 16 bytes).
      const std::size_t head = out.find("\r\n\r\n") + 4;
      if (answer.body.empty()) {
        const std::size_t length = out.find("Content-Length: 0\r\n");
        if (length < head) out.replace(length, 17, "Content-Length: 16");
        return out;
      }
      out.resize(head + answer.body.size() / 2);
      return out;
    }
    default:
      return {};
  }
}

}  // namespace dtoken::mock
