// Fault rules: validation, matching (paths with or without the API prefix, methods in any case,
// query, token ID, body, after N), every kind's answer or wire fault, the bytes the wire faults
// send, structure-aware mutations and their replay; and that no fault changes the state.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <map>
#include <string>

#include "control_fixture.h"
#include "http_codec.h"
#include "mutation.h"

namespace dtoken::mock {
namespace {

const std::string create_body = R"({"name":"t","scopes":["metrics.read"]})";

class fault_test : public control_test {
 protected:
  std::uint64_t add(const std::string& rule) {
    const response out = control("POST", "faults", rule);
    EXPECT_EQ(out.status, 201U) << rule << "\n" << out.body;
    return out.status == 201 ? body_of(out).at("id").to_number<std::uint64_t>() : 0;
  }
  json::object last_fault() {
    const json::array all = body_of(control("GET", "journal")).at("entries").as_array();
    return all.back().at("fault").as_object();
  }
};

TEST_F(fault_test, rules_are_validated_with_the_reason) {
  const auto refused = [&](const std::string& rule, const std::string& says) {
    const response out = control("POST", "faults", rule);
    EXPECT_EQ(out.status, 400U) << rule;
    EXPECT_NE(out.body.find(says), std::string::npos) << rule << "\n" << out.body;
  };
  refused(R"({"kind":"explode"})", "none of status, rate_limit");
  refused(R"({"kind":"status","status":503,"method":"FETCH"})", "none of GET, POST");
  refused(R"({"kind":"reset","bytes":10})", "'bytes' does not apply to kind reset");
  refused(R"({"kind":"status"})", "needs a status");
  refused(R"({"kind":"mutate","mutation":"scramble"})", "none of drop_field");
  refused(R"({"kind":"custom","status":700})", "from 100 to 599");
  refused(R"({"kind":"empty","colour":"red"})", "'colour' is not a field");
  refused(R"({"kind":"status","status":503,"drop":true})", "true is the kind empty");
  refused(R"({"kind":"status","status":503,"query":{"pageSize":5}})", "not a string or true");
  EXPECT_TRUE(body_of(control("GET", "faults")).at("faults").as_array().empty());
}

TEST_F(fault_test, a_path_matches_with_or_without_the_api_prefix_and_methods_in_any_case) {
  for (const char* path :
       {"/api/v2/apiTokens", "api/v2/apiTokens", "/v2/apiTokens", "v2/apiTokens",
        "/e/mock00001/api/v2/apiTokens", "/platform/classic/environment-api/v2/apiTokens"}) {
    control("DELETE", "faults");
    add(std::string(R"({"kind":"status","status":503,"method":"get","path":")") + path + "\"}");
    EXPECT_EQ(call("GET", "/api/v2/apiTokens").status, 503U) << path;
    EXPECT_EQ(call("GET", "/e/mock00001/api/v2/apiTokens").status, 503U) << path;
    EXPECT_EQ(call("GET", "/api/v1/config/clusterversion").status, 200U) << path;
  }
}

TEST_F(fault_test, rules_match_on_query_token_body_and_let_the_first_n_through) {
  add(R"({"kind":"status","status":500,"query":{"nextPageKey":true}})");
  add(R"({"kind":"status","status":502,"query":{"pageSize":"500"}})");
  add(R"({"kind":"status","status":503,"body_contains":"ci-token"})");
  add(R"({"kind":"status","status":504,"token_id":")" + fixture.substr(0, 31) + "\"}");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens?nextPageKey=abc").status, 500U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens?pageSize=500").status, 502U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens?pageSize=100").status, 200U);
  EXPECT_EQ(
      call("POST", "/api/v2/apiTokens", R"({"name":"ci-token","scopes":["metrics.read"]})").status,
      503U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens", {}, false, fixture).status, 504U);
  control("DELETE", "faults");
  // "page 2 fails": the first matching request passes, the next one fails, then no more.
  add(R"({"kind":"status","status":503,"path":"v2/apiTokens","after":1,"count":1})");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").status, 200U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").status, 503U);
  EXPECT_EQ(call("GET", "/api/v2/apiTokens").status, 200U);
  const json::object rule = body_of(control("GET", "faults")).at("faults").at(0).as_object();
  EXPECT_EQ(rule.at("matched").as_int64(), 3);
  EXPECT_EQ(rule.at("applied").as_int64(), 1);
}

TEST_F(fault_test, an_injected_429_has_sensible_rate_limit_headers) {
  add(R"({"kind":"rate_limit","retry_after":3})");
  const response out = call("GET", "/api/v2/apiTokens");
  std::map<std::string, std::string> headers(out.headers.begin(), out.headers.end());
  EXPECT_EQ(out.status, 429U);
  EXPECT_EQ(headers["Retry-After"], "3");
  EXPECT_EQ(headers["X-RateLimit-Limit"], "50");  // no --rate-limit: the default
  EXPECT_EQ(headers["X-RateLimit-Remaining"], "0");
  EXPECT_EQ(headers["X-RateLimit-Reset"], std::to_string((clock + 3000) * 1000));
  control("DELETE", "faults");
  add(R"({"kind":"rate_limit","limit":600})");
  const response limited = call("GET", "/api/v2/apiTokens");
  std::map<std::string, std::string> given(limited.headers.begin(), limited.headers.end());
  EXPECT_EQ(given["X-RateLimit-Limit"], "600");
}

TEST_F(fault_test, a_custom_answer_is_sent_as_given) {
  add(R"({"kind":"custom","status":200,"headers":{"Content-Type":"application/json","X-A":"b"},)"
      R"("body":"{\"apiTokens\":[{"})");
  const response out = call("GET", "/api/v2/apiTokens");
  EXPECT_EQ(out.status, 200U);
  EXPECT_EQ(out.body, R"({"apiTokens":[{)");
  EXPECT_EQ(out.content_type, "application/json");
  EXPECT_EQ(out.headers, (std::vector<std::pair<std::string, std::string>>{{"X-A", "b"}}));
}

TEST_F(fault_test, connection_faults_become_wire_faults_with_latency_and_jitter) {
  const std::pair<const char*, wire_fault> kinds[] = {
      {"reset", wire_fault::reset},
      {"empty", wire_fault::empty},
      {"malformed_chunk", wire_fault::malformed_chunk},
      {"random_bytes", wire_fault::random_bytes}};
  for (const auto& [kind, wire] : kinds) {
    control("DELETE", "faults");
    add(std::string(R"({"kind":")") + kind + R"(","latency_ms":100,"jitter_ms":50,"seed":7})");
    const response out = call("GET", "/api/v2/apiTokens");
    EXPECT_EQ(out.fault, wire) << kind;
    EXPECT_GE(out.delay, 100) << kind;
    EXPECT_LE(out.delay, 150) << kind;
    EXPECT_EQ(last_fault().at("kind").as_string(), kind);
  }
  EXPECT_EQ(body_of(control("GET", "journal?fault=4")).at("entries").at(0).at("status"), 0);
  // "drop" (as rules said before kinds) is the empty answer, and takes latency too.
  control("DELETE", "faults");
  add(R"({"drop":true,"latency_ms":200})");
  const response dropped = call("GET", "/api/v2/apiTokens");
  EXPECT_EQ(dropped.fault, wire_fault::empty);
  EXPECT_EQ(dropped.delay, 200);
  control("DELETE", "faults");
  add(R"({"latency_ms":20,"drop":false})");  // no drop: a latency rule
  const response late = call("GET", "/api/v2/apiTokens");
  EXPECT_EQ(late.fault, wire_fault::none);
  EXPECT_EQ(late.delay, 20);
}

TEST_F(fault_test, wire_fault_bytes_are_reproducible_and_broken_as_promised) {
  response random;
  random.fault = wire_fault::random_bytes;
  random.fault_bytes = 64;
  random.fault_seed = 9;
  EXPECT_EQ(wire_fault_bytes(random, 11).size(), 64U);
  EXPECT_EQ(wire_fault_bytes(random, 11), wire_fault_bytes(random, 11));
  response chunked;
  chunked.fault = wire_fault::malformed_chunk;
  const std::string broken = wire_fault_bytes(chunked, 11);
  EXPECT_NE(broken.find("Transfer-Encoding: chunked\r\n\r\nZZ\r\n"), std::string::npos);
  response truncated = json_response(200, json::object{{"a", std::string(100, 'x')}});
  truncated.fault = wire_fault::truncated;
  const std::string cut = wire_fault_bytes(truncated, 11);
  const std::size_t head = cut.find("\r\n\r\n") + 4;
  EXPECT_NE(cut.find("Content-Length: " + std::to_string(truncated.body.size())),
            std::string::npos);
  EXPECT_EQ(cut.size() - head, truncated.body.size() / 2);
  truncated.fault = wire_fault::slow_body;
  const std::string whole = wire_fault_bytes(truncated, 11);
  EXPECT_EQ(whole.substr(whole.find("\r\n\r\n") + 4), truncated.body);
}

TEST_F(fault_test, real_answer_faults_deliver_it_and_change_nothing) {
  ASSERT_EQ(
      control("POST", "seeds", R"({"token":")" + fixture + R"(","scopes":["apiTokens.read"]})")
          .status,
      201U);
  call("GET", "/api/v2/apiTokens");  // the admin token's last use: now
  const millis last_use = clock;
  clock += 60'000;  // the faulted requests come a minute later
  add(R"({"kind":"latency","method":"POST","latency_ms":30})");
  const response late = call("POST", "/api/v2/apiTokens", create_body);
  EXPECT_EQ(late.status, 201U);
  EXPECT_EQ(late.delay, 30);
  control("DELETE", "faults");
  add(R"({"kind":"truncated","method":"POST"})");
  EXPECT_EQ(call("POST", "/api/v2/apiTokens", create_body).fault, wire_fault::truncated);
  control("DELETE", "faults");
  add(R"({"kind":"slow_body","bytes_per_second":1000,"method":"POST"})");
  const response slow = call("POST", "/api/v2/apiTokens", create_body);
  EXPECT_EQ(slow.fault, wire_fault::slow_body);
  EXPECT_EQ(slow.fault_bytes, 1000U);
  control("DELETE", "faults");
  add(R"({"kind":"status","status":503,"method":"POST"})");
  EXPECT_EQ(call("POST", "/api/v2/apiTokens", create_body).status, 503U);
  control("DELETE", "faults");
  // Nor did the admin token's last use move (asked by the other token, which notes only its own).
  const response admin_seen =
      call("GET", "/api/v2/apiTokens/" + admin.substr(0, 31), {}, false, fixture);
  EXPECT_EQ(body_of(admin_seen).at("lastUsedDate").as_string(), format_date(last_use));
  EXPECT_EQ(token_count(), 2) << "a fault changed the state";
  EXPECT_EQ(call("POST", "/api/v2/apiTokens", create_body).status, 201U);
  EXPECT_EQ(token_count(), 3);
}

TEST_F(fault_test, a_mutation_is_journaled_and_replays_from_its_seed) {
  const std::string real = call("GET", "/api/v2/apiTokens?fields=%2Bscopes").body;
  add(R"({"kind":"mutate","seed":11})");
  std::vector<std::string> answers;
  for (int i = 0; i < 8; ++i) {
    answers.push_back(call("GET", "/api/v2/apiTokens?fields=%2Bscopes").body);
    EXPECT_NE(answers.back(), real) << "hit " << i << " changed nothing";
  }
  const json::object note = last_fault();
  EXPECT_EQ(note.at("index").as_int64(), 7);
  ASSERT_TRUE(note.at("mutation").is_object());
  const std::string kind(note.at("mutation").at("kind").as_string());
  EXPECT_TRUE(mutation_from_string(kind).has_value()) << kind;
  // The same rule seed gives the same sequence; the hit's seed gives the same answer alone.
  control("DELETE", "faults");
  add(R"({"kind":"mutate","seed":11})");
  for (const std::string& answer : answers) {
    EXPECT_EQ(call("GET", "/api/v2/apiTokens?fields=%2Bscopes").body, answer);
  }
  control("DELETE", "faults");
  add(R"({"kind":"mutate","mutation_seed":)" +
      std::to_string(note.at("seed").to_number<std::uint64_t>()) + "}");
  EXPECT_EQ(call("GET", "/api/v2/apiTokens?fields=%2Bscopes").body, answers.back());
  EXPECT_EQ(token_count(), 1);
}

// Each kind of mutation, asked for, does what it says at the place the note names.
TEST(mutation_test, each_kind_changes_the_document_as_it_says) {
  const std::string document =
      R"({"apiTokens":[{"id":"dt0c01.X","name":"a","enabled":true,"count":3,)"
      R"("creationDate":"2025-11-28T12:00:00.000Z"}],"totalCount":1})";
  for (std::size_t i = 0; i < std::size(mutation_names); ++i) {
    const auto kind = static_cast<mutation_kind>(i);
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
      std::string body = document;
      const auto note = mutate_json(body, seed, kind);
      ASSERT_TRUE(note.has_value()) << mutation_names[i];
      EXPECT_EQ(note->kind, kind);
      const json::value before = json::parse(document);
      const json::value after = json::parse(body);
      ASSERT_NE(before, after) << mutation_names[i];
      boost::system::error_code missing;
      const json::value* was = before.find_pointer(note->pointer, missing);
      const json::value* now = after.find_pointer(note->pointer, missing);
      switch (kind) {
        case mutation_kind::drop_field:
          EXPECT_NE(was, nullptr);
          EXPECT_EQ(now, nullptr);
          break;
        case mutation_kind::wrong_type:
          ASSERT_NE(now, nullptr);
          EXPECT_NE(was->kind(), now->kind());
          break;
        case mutation_kind::huge_string:
          EXPECT_EQ(now->as_string().size(), 100'000U);
          break;
        case mutation_kind::non_ascii:
          EXPECT_NE(json::serialize(*now).find("\xe6\x9d\xb1"), std::string::npos);
          break;
        case mutation_kind::unknown_field:
          EXPECT_TRUE(now->as_object().contains("dtokenUnknownField"));
          break;
        case mutation_kind::null_value:
          EXPECT_TRUE(now->is_null());
          break;
        case mutation_kind::date_format:
          EXPECT_EQ(note->pointer, "/apiTokens/0/creationDate");
          EXPECT_TRUE(now->is_int64() || now->as_string() == "Fri, 28 Nov 2025 12:00:00 GMT");
          break;
      }
    }
  }
  std::string not_json = "#!/bin/sh\n";
  EXPECT_FALSE(mutate_json(not_json, 1, std::nullopt).has_value());
  EXPECT_EQ(not_json, "#!/bin/sh\n");
}

}  // namespace
}  // namespace dtoken::mock
