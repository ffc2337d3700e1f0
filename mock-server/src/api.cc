#include "api.h"

#include <algorithm>
#include <chrono>

#include "dtoken/validate.h"
#include "masking.h"
#include "route_table.h"
#include "scopes.h"
#include "tenant_token.h"
#include "text.h"
#include "token_bodies.h"
#include "url.h"

namespace dtoken::mock {

namespace {

response method_not_allowed(const std::string& method, const std::string& allowed) {
  response out = error_response(405, "Method " + printable(method) + " is not allowed here");
  out.headers.emplace_back("Allow", allowed);
  return out;
}

}  // namespace

token_api::token_api(api_options options)
    : options_(std::move(options)), limiter_(options_.rate_limit) {
  store_.restore_tenant({new_tenant_token(), std::nullopt});
}

millis token_api::base_now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

millis token_api::now() const {
  if (frozen_.load()) return frozen_at_.load();
  return base_now() + clock_offset_.load();
}

void token_api::set_clock(millis time, bool freeze) {
  if (freeze) {
    frozen_at_ = time;
    frozen_ = true;
  } else {
    clock_offset_ = time - base_now();
    frozen_ = false;
  }
}

void token_api::advance_clock(millis by) {
  if (frozen_.load()) {
    frozen_at_ += by;
  } else {
    clock_offset_ += by;
  }
}

void token_api::real_clock() {
  frozen_ = false;
  clock_offset_ = 0;
}

clock_setting token_api::clock() const {
  clock_setting out;
  out.offset = clock_offset_.load();
  if (frozen_.load()) out.frozen_at = frozen_at_.load();
  return out;
}

std::string token_api::create_admin_token(const std::string& owner) {
  const std::string token = random_token("dt0c01");
  if (token.empty()) return {};
  std::vector<std::string> scopes;
  for (const scope_info& scope : known_scopes()) scopes.emplace_back(scope.name);
  if (!seed(token, "dtoken-mock admin", owner, scopes)) return {};
  return token;
}

bool token_api::seed(std::string_view token, const std::string& name, const std::string& owner,
                     const std::vector<std::string>& scopes) {
  seed_spec spec;
  spec.token = std::string(token);
  spec.name = name;
  spec.owner = owner;
  if (!scopes.empty()) spec.scopes = scopes;
  return !seed(spec).has_value();
}

std::optional<std::string> token_api::seed(const seed_spec& spec) {
  return seed(std::span<const seed_spec>(&spec, 1));
}

std::optional<std::string> token_api::seed(std::span<const seed_spec> batch) {
  const millis time = now();
  // (a batch of more than one names the seed a message is about)
  const auto which = [&](std::size_t i) {
    return batch.size() > 1 ? "seed " + std::to_string(i) + ": " : std::string();
  };
  std::vector<token_record> records;
  for (const seed_spec& spec : batch) {
    auto made = seed_record(spec, time);
    if (auto* problem = std::get_if<std::string>(&made)) {
      return which(records.size()) + *problem;
    }
    records.push_back(std::move(std::get<token_record>(made)));
  }
  const std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string& id = records[i].id;
    const bool repeated = std::any_of(records.begin(), records.begin() + static_cast<long>(i),
                                      [&](const token_record& other) { return other.id == id; });
    if (repeated || store_.find_any(id) != nullptr ||
        (started_ && seeded_store_.find_any(id) != nullptr)) {
      return which(i) + "a token with the ID " + id + " exists";
    }
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    seed_ids_.push_back(records[i].id);
    if (started_) seeded_store_.add(batch[i].token, records[i]);
    store_.add(batch[i].token, std::move(records[i]));
  }
  seeded_store_.take_changes();
  const change_set changes = store_.take_changes();
  if (state_ != nullptr) state_->write(store_, changes);
  return std::nullopt;
}

bool token_api::adopt_seed(std::string_view token) {
  const std::lock_guard lock(mutex_);
  const token_record* held = store_.find_by_secret(token, token_kind::api);
  if (held == nullptr) held = store_.find_by_secret(token, token_kind::active_gate);
  if (held == nullptr) return false;
  if (std::find(seed_ids_.begin(), seed_ids_.end(), held->id) == seed_ids_.end()) {
    seed_ids_.push_back(held->id);
  }
  return true;
}

std::vector<token_record> token_api::seeds() const {
  const std::shared_lock lock(mutex_);
  const token_store& start = started_ ? seeded_store_ : store_;
  std::vector<token_record> out;
  for (const std::string& id : seed_ids_) {
    if (const token_record* record = start.find_any(id)) out.push_back(*record);
  }
  return out;
}

bool token_api::remove_seed(std::string_view id) {
  const std::lock_guard lock(mutex_);
  const auto found = std::find(seed_ids_.begin(), seed_ids_.end(), id);
  if (found == seed_ids_.end()) return false;
  seed_ids_.erase(found);
  seeded_store_.erase(id);
  seeded_store_.take_changes();
  store_.erase(id);
  const change_set changes = store_.take_changes();
  if (state_ != nullptr) state_->write(store_, changes);
  return true;
}

void token_api::configure_settings(std::optional<bool> new_format,
                                   std::optional<bool> pat_enabled) {
  const std::lock_guard lock(mutex_);
  token_settings& settings = store_.edit_settings();
  settings.new_format = new_format.value_or(settings.new_format);
  settings.pat_enabled = pat_enabled.value_or(settings.pat_enabled);
  if (started_) {  // (a seed: part of the start state too)
    seeded_store_.edit_settings() = settings;
    seeded_store_.take_changes();
  }
  const change_set changes = store_.take_changes();
  if (state_ != nullptr) state_->write(store_, changes);
}

void token_api::mark_seeded() {
  const std::lock_guard lock(mutex_);
  seeded_store_ = store_;
  seeded_store_.take_changes();
  started_ = true;
}

void token_api::reset() {
  const std::lock_guard lock(mutex_);
  store_ = seeded_store_;
  limiter_.clear();
  real_clock();
  if (state_ != nullptr) state_->replace(store_);
}

void token_api::attach_state(state_file& file) {
  const std::lock_guard lock(mutex_);
  state_ = &file;
  if (file.existed()) {
    file.load(store_);
  } else {
    file.replace(store_);
  }
  store_.take_changes();
}

response token_api::handle(const request& incoming, request_record* logged, effect changes) {
  request_record record;
  record.method = printable(incoming.method);
  // (A DELETE by secret carries the secret in its path: the record masks it.)
  record.path = printable(mask_secrets(split_target(incoming.target).path));
  response out;
  try {
    if (changes == effect::discard) {
      const std::unique_lock exclusive(mutex_);
      out = answer_on_copy(incoming, record);
    } else {
      // Routing, authentication and an operation that only reads run under the shared lock, in
      // parallel; an operation that changes the state takes the lock exclusively.
      std::shared_lock shared(mutex_);
      record.time = now();
      auto prepared = prepare(incoming, record, changes);
      if (auto* answer = std::get_if<response>(&prepared)) {
        out = std::move(*answer);
      } else if (reads_only(*std::get<prepared_call>(prepared).operation)) {
        out = run(incoming, std::get<prepared_call>(prepared), record.time);
      } else {
        shared.unlock();
        const std::unique_lock exclusive(mutex_);
        out = run(incoming, std::get<prepared_call>(prepared), record.time);
        if (auto failure = persist(record.token_id)) out = std::move(*failure);
      }
    }
  } catch (const std::exception&) {
    const std::unique_lock exclusive(mutex_);
    store_.take_changes();
    out = error_response(500, "Internal error of the mock");
  }
  record.status = out.status;
  if (logged != nullptr) *logged = std::move(record);
  return out;
}

response token_api::answer_on_copy(const request& incoming, request_record& record) {
  token_store saved = store_;
  struct restore {
    token_store& store;
    token_store& saved;
    ~restore() { store = std::move(saved); }
  } guard{store_, saved};
  record.time = now();
  auto prepared = prepare(incoming, record, effect::discard);
  if (auto* answer = std::get_if<response>(&prepared)) return std::move(*answer);
  return run(incoming, std::get<prepared_call>(prepared), record.time);
}

std::optional<response> token_api::persist(const std::string& caller_id) {
  change_set changes = store_.take_changes();
  if (state_ == nullptr || changes.empty()) return std::nullopt;
  // Durable before it is acknowledged. The caller's row goes too: its last use changed.
  if (!caller_id.empty() && store_.find(caller_id) != nullptr) changes.written.insert(caller_id);
  try {
    state_->write(store_, changes);
  } catch (const state_error& failure) {
    return error_response(
        503, std::string("The mock could not write its state file: ") + failure.what());
  }
  return std::nullopt;
}

std::variant<token_api::prepared_call, response> token_api::prepare(const request& in,
                                                                    request_record& record,
                                                                    effect changes) {
  const target_parts target = split_target(in.target);
  std::optional<query_list> query = parse_query(target.query);
  if (!query) return error_response(400, "The query string is not valid URL encoding");
  const std::optional<api_location> location = locate_api(target.path);
  if (!location &&
      (target.path == "/communication" || target.path.starts_with("/communication/"))) {
    return error_response(
        501,
        "dtoken-mock does not speak the OneAgent and ActiveGate communication "
        "protocol; this endpoint exists so that connection info points somewhere");
  }
  if (!location) return error_response(404, "Not found");
  if (!location->environment.empty() && location->environment != options_.environment_id) {
    // A Managed cluster that does not host this environment: 404, before any authentication.
    std::string message = "Environment ";
    message.append(printable(location->environment)).append(" not found on this cluster");
    return error_response(404, message);
  }
  route_match matched = match_route(token_api_routes(), location->path, in.method);
  if (matched.found == nullptr) {
    if (matched.allowed.empty()) return error_response(404, "Not found");
    return method_not_allowed(in.method, matched.allowed);
  }
  auto presented = presented_token(in, *query);
  if (auto* failure = std::get_if<response>(&presented)) return std::move(*failure);
  const token_record* caller = store_.find_by_secret(std::get<std::string>(presented));
  if (caller != nullptr) record.token_id = caller->id;
  if (auto refused = refusal(caller, record.time, store_.settings())) return std::move(*refused);
  store_.note_use(caller->id, record.time, in.remote_address);
  if (changes == effect::apply) {
    if (auto limited = limiter_.admit(caller->id, record.time)) return std::move(*limited);
  }
  const route& operation = *matched.found;
  if (!operation.scope.empty() && !has_any_scope(*caller, operation.scope)) {
    return missing_scope(operation.scope);
  }
  return prepared_call{&operation, std::move(matched.params), std::move(*query), caller->id};
}

response token_api::run(const request& in, prepared_call& prepared, millis now) {
  // (Under a shared lock another request may have deleted the caller in between: 401, as it
  // would have been a moment later.)
  const token_record* caller = store_.find(prepared.caller_id);
  if (caller == nullptr) return error_response(401, "Token Authentication failed");
  api_call call{in, prepared.query, std::move(prepared.params), *caller, now, store_, options_};
  return prepared.operation->handle(call);
}

}  // namespace dtoken::mock
