// Fuzzes dtoken-mock from raw bytes: HTTP parsing with the server's limits, routing, the control
// API and every handler, through mock_service, without sockets. The mock's sources are compiled
// into this target so that libFuzzer sees their coverage.
// Oracles: every answer is an HTTP status from 200 to 599; every error (400 and up) is the JSON
// error envelope with its own status as code and the JSON content type; no 5xx but those a fault
// rule asked for; no answer holds the secret of the seeded admin token (a secret is shown only
// by the create that makes it).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "control.h"
#include "http_codec.h"

namespace {

// The seeded admin token (the dictionary has it) and the control key, so that the fuzzer can
// reach past authentication and into the control API.
constexpr std::string_view admin =
    "dt0c01.DTOKENFIXTUREUBRCJ4DTPWL."
    "SPZU25JOW7F6K7GJXS3FXXIGL6XKF3ZMSBGFJNWNFKCSFIVLCEGHH5DUDHAXIQFB";

[[noreturn]] void fail(const char* what, std::string_view input, const std::string& answer) {
  std::fprintf(stderr, "fuzz_http: %s\nanswer: %.600s\ninput: %.600s\n", what, answer.c_str(),
               std::string(input).c_str());
  std::abort();
}

struct world {
  dtoken::mock::token_api api;
  dtoken::mock::mock_service service{api, "fuzz"};
  world() {
    if (!api.seed(admin, "admin", "admin")) std::abort();
    api.mark_seeded();
  }
};

// Whether `value` is how the settings objects API answers a write's error, as the spec declares:
// a SettingsObjectResponse {code, error} whose code is the status, or an array of them whose
// greatest code is the status.
bool settings_object_responses(const boost::json::value& value, unsigned status) {
  const auto code_of = [](const boost::json::value& item) -> std::int64_t {
    const auto* object = item.if_object();
    const auto* code = object != nullptr ? object->if_contains("code") : nullptr;
    const auto* error = object != nullptr ? object->if_contains("error") : nullptr;
    if (code == nullptr || !code->is_int64()) return -1;
    if (code->as_int64() >= 400 && (error == nullptr || !error->is_object())) return -1;
    return code->as_int64();
  };
  if (value.is_object()) return value.as_object().contains("error") && code_of(value) == status;
  if (!value.is_array() || value.as_array().empty()) return false;
  std::int64_t worst = 0;
  for (const auto& item : value.as_array()) {
    const std::int64_t code = code_of(item);
    if (code < 0) return false;
    worst = std::max(worst, code);
  }
  return worst == status;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static world the;
  the.api.reset();  // every input starts from the seeded state (bounded memory, reproducible)
  the.service.handle({"POST", "/_dtoken/reset", {{"X-Dtoken-Control-Key", "fuzz"}}, {}, {}});
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (const dtoken::mock::http_response& answer : dtoken::mock::serve_bytes(the.service, input)) {
    const unsigned status = answer.result_int();
    const std::string& body = answer.body();
    if (status < 200 || status > 599) fail("status out of range", input, body);
    if (body.find(admin.substr(32)) != std::string::npos)
      fail("a secret in an answer", input, body);
    if (status < 400) continue;
    boost::system::error_code failure;
    const boost::json::value parsed = boost::json::parse(body, failure);
    if (!failure && settings_object_responses(parsed, status)) continue;
    const auto* object = !failure && parsed.is_object() ? &parsed.as_object() : nullptr;
    const auto* error = object != nullptr ? object->if_contains("error") : nullptr;
    if (error == nullptr || !error->is_object()) fail("an error without the envelope", input, body);
    const auto* code = error->as_object().if_contains("code");
    if (code == nullptr || !code->is_int64() || code->as_int64() != status) {
      fail("an envelope whose code is not the status", input, body);
    }
    if (answer[boost::beast::http::field::content_type] != "application/json;charset=utf-8") {
      fail("an error without the JSON content type", input, body);
    }
    const auto* message = error->as_object().if_contains("message");
    const std::string_view text =
        message != nullptr && message->is_string() ? std::string_view(message->as_string()) : "";
    // (501: the /communication endpoint, which says it does not speak the agents' protocol)
    const bool expected = text.find("injected") != std::string_view::npos ||
                          (status == 501 && text.find("communication protocol") != text.npos);
    if (status >= 500 && !expected) fail("a 5xx no fault rule asked for", input, body);
  }
  return 0;
}
