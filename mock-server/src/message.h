// HTTP requests and answers as plain values (server.h carries them over sockets), and the error
// envelope every Dynatrace API answers errors with:
//   {"error":{"code":400,"message":"...","constraintViolations":[...]}}
// (../shared/reference/dynatrace-token-facts.md section 2.3; constraintViolations is left out
// when there are none, as in the bodies Dynatrace sends).
#ifndef DTOKEN_MOCK_MESSAGE_H
#define DTOKEN_MOCK_MESSAGE_H

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "time_format.h"

namespace dtoken::mock {

struct request {
  std::string method;  // "GET"
  std::string target;  // "/api/v2/apiTokens?pageSize=100"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_address = "127.0.0.1";
  bool secure = false;  // it came over TLS (the URLs the mock hands out use https)

  // The first header named `name` (case-insensitive).
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const;
};

// How a fault has the answer go over the wire (fault_rules.h); server.cc carries it out.
enum class wire_fault : std::uint8_t {
  none,             // the answer, as HTTP
  reset,            // no answer: the connection is reset (RST)
  empty,            // no answer: the connection is closed
  malformed_chunk,  // a chunked answer with a bad chunk size, then close
  random_bytes,     // fault_bytes bytes drawn from fault_seed, then close
  truncated,        // the answer's head and half its body (Content-Length says all), then close
  slow_body,        // the answer at fault_bytes bytes per second
};

// Whether the client receives the answer's status line under this fault (else status 0 is
// journaled and logged: no HTTP answer came).
[[nodiscard]] constexpr bool sends_status(wire_fault fault) noexcept {
  return fault == wire_fault::none || fault == wire_fault::truncated ||
         fault == wire_fault::slow_body;
}

struct response {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string content_type = "application/json;charset=utf-8";
  std::string body;  // empty for 204
  millis delay = 0;  // wait this long before answering (a latency fault)
  wire_fault fault = wire_fault::none;
  std::uint64_t fault_bytes = 0;
  std::uint64_t fault_seed = 0;
};

// One entry of constraintViolations.
struct violation {
  std::string path;
  std::string message;
  std::string location;  // QUERY, PAYLOAD_BODY, PATH, HEADER
};

// The error envelope with the JSON content type.
response error_response(unsigned status, const std::string& message,
                        const std::vector<violation>& violations = {});
// 400 "Constraints violated." with these violations.
response constraint_error(const std::vector<violation>& violations);
// `body` as JSON, with the JSON content type.
response json_response(unsigned status, const boost::json::value& body);
// 204 without a body.
response no_content();

// ASCII case-insensitive equality (header names, schemes, query names).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_MESSAGE_H
