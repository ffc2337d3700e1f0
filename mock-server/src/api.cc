#include "api.h"

#include <chrono>

#include "dtoken/redact.h"
#include "dtoken/validate.h"
#include "route_table.h"
#include "scopes.h"
#include "tenant_token.h"
#include "text.h"
#include "token_bodies.h"
#include "url.h"

namespace dtoken::mock {

namespace {

// `path` with every token's secret masked (family profile: every real shape), and every segment
// shaped as an old-format token (21 characters of [A-Za-z0-9_-]) masked whole: DELETE takes a
// secret in the path.
std::string without_secrets(std::string_view path) {
  std::string out;
  redactor filter(profile::family, redact_mode::mask_secret);
  const auto append = [](void* context, std::string_view bytes) noexcept {
    static_cast<std::string*>(context)->append(bytes);
  };
  filter.feed(path, append, &out);
  filter.finish(append, &out);
  for (std::size_t begin = 0; begin < out.size();) {
    const std::size_t end = std::min(out.find('/', begin), out.size());
    if (validate_legacy(std::string_view(out).substr(begin, end - begin)).ok()) {
      out.replace(begin, end - begin, end - begin, '*');
    }
    begin = end + 1;
  }
  return out;
}

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

millis token_api::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
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
  const std::string_view id = token_id_of(token);
  if (id.empty()) return false;
  token_record record;
  record.id = std::string(id);
  record.name = name;
  record.owner = owner;
  if (id.starts_with("dt0g")) {
    // An ActiveGate token: of an environment ActiveGate, with no scopes.
    record.kind = token_kind::active_gate;
    record.active_gate_type = "ENVIRONMENT";
  } else if (scopes.empty()) {
    record.scopes = scope_list::every_known();
  } else if (auto list = scope_list::of(scopes)) {
    record.scopes = std::move(*list);
  } else {
    return false;  // more distinct scope names than the mock can number
  }
  record.creation = now();
  const std::lock_guard lock(mutex_);
  if (!store_.add(token, std::move(record))) return false;
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
  const change_set changes = store_.take_changes();
  if (state_ != nullptr) state_->write(store_, changes);
}

void token_api::mark_seeded() {
  const std::lock_guard lock(mutex_);
  seeded_store_ = store_;
}

void token_api::reset() {
  const std::lock_guard lock(mutex_);
  store_ = seeded_store_;
  limiter_.clear();
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

response token_api::handle(const request& incoming, request_record* logged) {
  request_record record;
  record.method = printable(incoming.method);
  // (A DELETE by secret carries the secret in its path: the record masks it.)
  record.path = printable(without_secrets(split_target(incoming.target).path));
  response out;
  try {
    // Routing, authentication and an operation that only reads run under the shared lock, in
    // parallel; an operation that changes the state takes the lock exclusively.
    std::shared_lock shared(mutex_);
    record.time = now();
    auto prepared = prepare(incoming, record);
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
  } catch (const std::exception&) {
    const std::unique_lock exclusive(mutex_);
    store_.take_changes();
    out = error_response(500, "Internal error of the mock");
  }
  record.status = out.status;
  if (logged != nullptr) *logged = std::move(record);
  return out;
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
                                                                    request_record& record) {
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
  if (auto limited = limiter_.admit(caller->id, record.time)) return std::move(*limited);
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
