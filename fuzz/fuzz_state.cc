// Fuzzes the mock's token store through its API: the input is decoded into a sequence of calls
// (create, get, update, delete by ID or by secret, lookup, list, the base or the test clock moving
// on, a seed with its own scopes, flags and expiry, reset), made by tokens the sequence itself
// created, seeded, deleted, disabled or let expire. Oracle: a reference
// model of the store, a few lines per rule of dynatrace-token-facts.md, predicts every status and
// every token's fields; after each call the list agrees with the model.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "api.h"
#include "dtoken/validate.h"
#include "scopes.h"
#include "seeds.h"
#include "time_format.h"
#include "token_bodies.h"

namespace {

namespace json = boost::json;
using dtoken::mock::millis;

constexpr millis hour = 3'600'000;

// The scopes the sequence grants, by bit; the last is unknown to the API.
constexpr std::string_view palette[] = {"apiTokens.read", "apiTokens.write", "metrics.read",
                                        "logs.ingest",    "DataExport",      "no.such.scope"};

struct model_token {
  std::string token;  // the whole text (the model may keep secrets; the mock may not)
  std::string id;
  std::string name;
  std::string owner;
  std::vector<std::string> scopes;
  bool enabled = true;
  bool personal = false;
  std::optional<millis> expiration;

  [[nodiscard]] bool has(std::string_view scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  }
};

// Reads the input a byte at a time; zeros once it is used up.
class reader {
 public:
  explicit reader(std::string_view bytes) : bytes_(bytes) {}
  [[nodiscard]] bool done() const { return at_ >= bytes_.size(); }
  unsigned byte() { return done() ? 0U : static_cast<unsigned char>(bytes_[at_++]); }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

[[noreturn]] void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "fuzz_state: %s\n%.2000s\n", what, detail.c_str());
  std::abort();
}

class session {
 public:
  session() : api_(options(now_)) {
    live_.push_back(seeded("admin"));
    live_.push_back(seeded("bob"));
    api_.mark_seeded();
    initial_ = live_;
  }

  void run(reader& in) {
    // (the seeds of the last input leave the start state)
    for (const model_token& seed : seeded_) {
      if (seed.owner == "carol" && !api_.remove_seed(seed.id)) fail("a seed not removed", seed.id);
    }
    api_.reset();
    now_ = start;
    offset_ = 0;
    live_ = seeded_ = initial_;
    gone_.clear();
    while (!in.done()) {
      switch (in.byte() % 9) {
        case 0:
          create(in);
          break;
        case 1:
          get(in);
          break;
        case 2:
          update(in);
          break;
        case 3:
          remove(in);
          break;
        case 4:
          lookup(in);
          break;
        case 5:
          list(in);
          break;
        case 6:
          move_clock(in);
          break;
        case 7:
          seed(in);
          break;
        default:  // reset: the start state (seeds included), the real clock
          api_.reset();
          offset_ = 0;
          live_ = seeded_;
          gone_.clear();
          break;
      }
    }
  }

 private:
  static constexpr millis start = 1'764'331'200'000;  // 2025-11-28T12:00:00.000Z

  static dtoken::mock::api_options options(millis& clock) {
    dtoken::mock::api_options out;
    out.clock = [&clock] { return clock; };
    return out;
  }

  model_token seeded(const std::string& owner) {
    model_token token;
    token.token = api_.create_admin_token(owner);
    token.id = token.token.substr(0, token.token.size() - 65);
    token.name = "dtoken-mock admin";
    token.owner = owner;
    for (const dtoken::mock::scope_info& scope : dtoken::mock::known_scopes())
      token.scopes.emplace_back(scope.name);
    return token;
  }

  // A caller: a live token, or now and then one that was deleted.
  const model_token& caller(reader& in) {
    const unsigned pick = in.byte();
    if (!gone_.empty() && pick >= 240) return gone_[pick % gone_.size()];
    return live_[pick % live_.size()];
  }

  // The status authentication gives `who` for a route that needs `scope`; 0 when it passes.
  [[nodiscard]] unsigned auth_status(const model_token& who, std::string_view scope) const {
    const bool exists = std::any_of(live_.begin(), live_.end(),
                                    [&](const model_token& t) { return t.id == who.id; });
    if (!exists) return 401;
    if (who.expiration && *who.expiration <= now()) return 401;
    if (!who.enabled) return 401;
    if (!scope.empty() && !who.has(scope)) return 403;
    return 0;
  }

  dtoken::mock::response call(const model_token& who, std::string method, std::string target,
                              std::string body = {}) {
    dtoken::mock::request request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers.emplace_back("Authorization", "Api-Token " + who.token);
    return api_.handle(request);
  }

  void expect(const dtoken::mock::response& got, unsigned status, const char* what) {
    if (got.status != status) {
      fail(what, "expected " + std::to_string(status) + ", got " + std::to_string(got.status) +
                     ": " + got.body);
    }
  }

  // A target: a live token (index), or an unknown ID.
  std::optional<std::size_t> target(reader& in) {
    const unsigned pick = in.byte();
    if (pick >= 250) return std::nullopt;
    return pick % live_.size();
  }

  std::vector<std::string> scopes(reader& in) {
    const unsigned mask = in.byte();
    std::vector<std::string> out;
    for (std::size_t bit = 0; bit < std::size(palette); ++bit)
      if ((mask >> bit & 1U) != 0) out.emplace_back(palette[bit]);
    return out;
  }

  // What the API says of a scope list for a token (personal or not); empty when it is fine.
  static bool scopes_valid(const std::vector<std::string>& scopes, bool personal) {
    if (scopes.empty()) return false;
    return std::all_of(scopes.begin(), scopes.end(), [&](const std::string& name) {
      const dtoken::mock::scope_info* info = dtoken::mock::find_scope(name);
      return info != nullptr && (!personal || info->personal);
    });
  }

  static json::array to_json(const std::vector<std::string>& scopes) {
    json::array out;
    for (const std::string& s : scopes) out.emplace_back(s);
    return out;
  }

  void create(reader& in) {
    const model_token& who = caller(in);
    model_token made;
    made.name = "name " + std::to_string(in.byte() % 4);
    made.scopes = scopes(in);
    const unsigned flags = in.byte();
    made.personal = (flags & 1U) != 0;
    json::object body{{"name", made.name}, {"scopes", to_json(made.scopes)}};
    if (made.personal) body["personalAccessToken"] = true;
    bool past = false;
    switch (flags >> 1 & 3U) {
      case 1: {
        const unsigned hours = 1 + in.byte() % 48;
        body["expirationDate"] = "now+" + std::to_string(hours) + "h";
        made.expiration = now() + hours * hour;
        break;
      }
      case 2:
        body["expirationDate"] = "now-1h";
        past = true;
        break;
      default:
        break;
    }
    const auto got = call(who, "POST", "/api/v2/apiTokens", json::serialize(body));
    unsigned expected = auth_status(who, "apiTokens.write");
    if (expected == 0) expected = !scopes_valid(made.scopes, made.personal) || past ? 400 : 201;
    expect(got, expected, "create");
    if (expected != 201) return;
    const json::object answer = json::parse(got.body).as_object();
    made.token = std::string(answer.at("token").as_string());
    made.id = std::string(answer.at("id").as_string());
    made.owner = who.owner;
    if (!dtoken::is_valid(made.token, dtoken::profile::documented) ||
        made.token.substr(0, made.id.size() + 1) != made.id + ".") {
      fail("create: a token not of the documented form, or an ID not its prefix", got.body);
    }
    live_.push_back(std::move(made));
  }

  // Time moves on: the base clock, or the test clock (POST /_dtoken/clock), which reset undoes.
  void move_clock(reader& in) {
    const unsigned step = in.byte();
    const millis by = static_cast<millis>(step >> 1U) * hour / 2;
    if ((step & 1U) != 0) {
      api_.advance_clock(by);
      offset_ += by;
    } else {
      now_ += by;
    }
    if (api_.now() != now()) fail("the test clock is not the model's", std::to_string(api_.now()));
  }

  // A seed (POST /_dtoken/seeds): refused for an unknown scope or a scope a personal access token
  // may not hold; else usable as it says (disabled, expired, personal), and kept by reset.
  void seed(reader& in) {
    model_token made;
    made.token = dtoken::mock::random_token("dt0c01");
    made.id = made.token.substr(0, made.token.size() - 65);
    made.name = "seed";
    made.owner = "carol";
    made.scopes = scopes(in);
    const unsigned flags = in.byte();
    made.enabled = (flags & 1U) == 0;
    made.personal = (flags & 2U) != 0;
    dtoken::mock::seed_spec spec;
    spec.token = made.token;
    spec.name = made.name;
    spec.owner = made.owner;
    spec.enabled = made.enabled;
    spec.personal_access_token = made.personal;
    if ((flags & 4U) != 0) spec.expiration = made.expiration = now() + (flags >> 3U) * hour;
    if (!made.scopes.empty()) {
      spec.scopes = made.scopes;
    } else {
      for (const dtoken::mock::scope_info& scope : dtoken::mock::known_scopes()) {
        if (!made.personal || scope.personal) made.scopes.emplace_back(scope.name);
      }
    }
    const bool valid = scopes_valid(made.scopes, made.personal);
    const std::optional<std::string> refused = api_.seed(spec);
    if (refused.has_value() == valid)
      fail("seed: refused or accepted against the model", refused.value_or("accepted"));
    if (!valid) return;
    live_.push_back(made);
    seeded_.push_back(std::move(made));
  }

  // The API's view of a token agrees with the model's.
  void compare(const model_token& want, const json::object& got) {
    const auto field = [&](std::string_view name) -> const json::value& {
      const json::value* value = got.if_contains(name);
      if (value == nullptr) fail("a token without a field", std::string(name));
      return *value;
    };
    bool same = field("id").as_string() == want.id && field("name").as_string() == want.name &&
                field("owner").as_string() == want.owner &&
                field("enabled").as_bool() == want.enabled &&
                field("personalAccessToken").as_bool() == want.personal &&
                field("scopes").as_array() == to_json(want.scopes);
    const json::value* expiration = got.if_contains("expirationDate");
    if (want.expiration.has_value() != (expiration != nullptr)) same = false;
    if (same && expiration != nullptr) {
      same = expiration->as_string() == dtoken::mock::format_date(*want.expiration);
    }
    if (!same) fail("a token differs from the model", json::serialize(got) + "\nid " + want.id);
  }

  void get(reader& in) {
    const model_token& who = caller(in);
    const std::optional<std::size_t> which = target(in);
    const std::string id = which ? live_[*which].id : "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA";
    const auto got = call(who, "GET", "/api/v2/apiTokens/" + id);
    unsigned expected = auth_status(who, "apiTokens.read");
    if (expected == 0) expected = which ? 200 : 404;
    expect(got, expected, "get");
    if (expected == 200) compare(live_[*which], json::parse(got.body).as_object());
  }

  void update(reader& in) {
    const model_token& who = caller(in);
    const std::string who_id = who.id;
    const std::optional<std::size_t> which = target(in);
    const unsigned flags = in.byte();
    json::object body;
    std::optional<std::string> name;
    std::optional<bool> enabled;
    std::optional<std::vector<std::string>> new_scopes;
    if ((flags & 1U) != 0) body["name"] = *(name = "renamed " + std::to_string(flags >> 4));
    if ((flags & 2U) != 0) body["enabled"] = *(enabled = (flags & 4U) != 0);
    if ((flags & 8U) != 0) body["scopes"] = to_json(*(new_scopes = scopes(in)));
    const std::string id = which ? live_[*which].id : "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA";
    const auto got = call(who, "PUT", "/api/v2/apiTokens/" + id, json::serialize(body));
    unsigned expected = auth_status(who, "apiTokens.write");
    if (expected == 0 && !which) expected = 404;
    if (expected == 0) {
      model_token& target_token = live_[*which];
      if (new_scopes && !scopes_valid(*new_scopes, target_token.personal)) {
        expected = 400;
      } else if (target_token.id == who_id && enabled == false) {
        expected = 400;
      } else {
        expected = 204;
        if (name) target_token.name = *name;
        if (enabled) target_token.enabled = *enabled;
        if (new_scopes) target_token.scopes = *new_scopes;
      }
    }
    expect(got, expected, "update");
  }

  void remove(reader& in) {
    const model_token& who = caller(in);
    const std::optional<std::size_t> which = target(in);
    const bool by_secret = (in.byte() & 1U) != 0;
    std::string key = "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA";
    if (which) key = by_secret ? live_[*which].token : live_[*which].id;
    const auto got = call(who, "DELETE", "/api/v2/apiTokens/" + key);
    unsigned expected = auth_status(who, "apiTokens.write");
    if (expected == 0 && !which) expected = 404;
    if (expected == 0) {
      const model_token& doomed = live_[*which];
      if (doomed.id == who.id) {
        expected = 400;
      } else if (who.personal && doomed.owner != who.owner) {
        expected = 403;
      } else {
        expected = 204;
      }
    }
    expect(got, expected, "delete");
    if (expected == 204) {
      gone_.push_back(live_[*which]);
      live_.erase(live_.begin() + static_cast<std::ptrdiff_t>(*which));
    }
  }

  void lookup(reader& in) {
    const model_token& who = caller(in);
    const unsigned pick = in.byte();
    // A live token, a deleted one, or one never issued.
    std::string token =
        "dt0c01.AAAAAAAAAAAAAAAAAAAAAAAA."
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    std::optional<std::size_t> which;
    if (pick < 200) {
      which = pick % live_.size();
      token = live_[*which].token;
    } else if (pick < 230 && !gone_.empty()) {
      token = gone_[pick % gone_.size()].token;
    }
    const auto got = call(who, "POST", "/api/v2/apiTokens/lookup",
                          json::serialize(json::object{{"token", token}}));
    unsigned expected = auth_status(who, "");
    if (expected == 0) expected = which ? 200 : 404;
    expect(got, expected, "lookup");
    if (expected == 200) compare(live_[*which], json::parse(got.body).as_object());
  }

  void list(reader& in) {
    const model_token& who = caller(in);
    const auto got =
        call(who, "GET",
             "/api/v2/"
             "apiTokens?pageSize=10000&fields=%2Bscopes,%2BpersonalAccessToken,%2BexpirationDate");
    unsigned expected = auth_status(who, "apiTokens.read");
    if (expected == 0) expected = 200;
    expect(got, expected, "list");
    if (expected != 200) return;
    const json::object answer = json::parse(got.body).as_object();
    const json::array& tokens = answer.at("apiTokens").as_array();
    if (answer.at("totalCount").as_int64() != static_cast<std::int64_t>(live_.size()) ||
        tokens.size() != live_.size()) {
      fail("list: not the model's tokens", got.body);
    }
    for (const json::value& token : tokens) {
      const json::object& object = token.as_object();
      const auto same = std::find_if(live_.begin(), live_.end(), [&](const model_token& t) {
        return object.at("id").as_string() == t.id;
      });
      if (same == live_.end()) fail("list: a token the model does not have", got.body);
      compare(*same, object);
    }
  }

  [[nodiscard]] millis now() const { return now_ + offset_; }

  millis now_ = start;  // the base clock
  millis offset_ = 0;   // the test clock's offset
  dtoken::mock::token_api api_;
  std::vector<model_token> live_;     // in creation order
  std::vector<model_token> gone_;     // deleted, still usable as callers
  std::vector<model_token> seeded_;   // what reset() returns to
  std::vector<model_token> initial_;  // the start state before any seed
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static session the;
  reader in(
      std::string_view(reinterpret_cast<const char*>(data), std::min<std::size_t>(size, 4096)));
  the.run(in);
  return 0;
}
