// Between Beast's HTTP messages and the mock's plain request and response: the limits every
// connection has, and a socket-free way to serve raw bytes (for the fuzzer and tests).
#ifndef DTOKEN_MOCK_HTTP_CODEC_H
#define DTOKEN_MOCK_HTTP_CODEC_H

#include <boost/beast/http.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control.h"

namespace dtoken::mock {

inline constexpr std::size_t header_limit = 8 * 1024;   // 431 beyond
inline constexpr std::size_t body_limit = 1024 * 1024;  // 413 beyond

using http_request = boost::beast::http::request<boost::beast::http::string_body>;
using http_response = boost::beast::http::response<boost::beast::http::string_body>;

// A parser with the limits above.
void configure(boost::beast::http::request_parser<boost::beast::http::string_body>& parser);

request to_request(const http_request& incoming, std::string remote_address);
http_response to_http(response answer, unsigned version, bool keep_alive);

// The bytes a wire fault sends (message.h's wire_fault: malformed_chunk, random_bytes, truncated,
// slow_body; empty for the others): after them the connection closes.
std::string wire_fault_bytes(const response& answer, unsigned version);

// The answer to a request that could not be parsed (400, 413 or 431, by the error), as an error
// envelope; the connection closes after it.
http_response parse_error_response(boost::beast::error_code error);

// The answer to a request that parsed but breaks a rule of HTTP/1.1 that Beast leaves to the
// server: an HTTP/1.1 request without a Host header, or any request with more than one (RFC 9112
// 3.2); a Transfer-Encoding whose last coding is not chunked (RFC 9112 6.3: the length of such a
// request cannot be known). 400, and the connection closes. nullopt for a request that keeps them.
std::optional<http_response> protocol_error(const http_request& incoming);

// Serves `bytes` as one connection would receive them: each complete request is answered in
// turn, a malformed one gets its error and ends the connection, an incomplete one at the end is
// left unanswered (a connection would wait for the rest).
std::vector<http_response> serve_bytes(mock_service& service, std::string_view bytes);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_HTTP_CODEC_H
