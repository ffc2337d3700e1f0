// The mock's state: API tokens with their metadata and the SHA-256 of their secrets (never the
// secrets), plus the tenant token rotation. Not thread-safe: the API layer holds a lock.
//
// The store is also the unit of work of a request: every change made through add(), edit(),
// erase() and edit_tenant() is recorded, and the API layer takes the record (take_changes())
// after each request to write it to the state file. A handler cannot change a record without
// that being written: find() gives only const records.
#ifndef DTOKEN_MOCK_TOKEN_STORE_H
#define DTOKEN_MOCK_TOKEN_STORE_H

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "scopes.h"
#include "time_format.h"

namespace dtoken::mock {

using secret_hash = std::array<unsigned char, 32>;

// SHA-256 of a token's full text.
secret_hash hash_secret(std::string_view token);

// Which API a token belongs to: API tokens (v1 and v2, also personal access and PaaS tokens)
// authenticate API calls; ActiveGate tokens (dt0g02, /v2/activeGateTokens) only ActiveGates.
enum class token_kind : std::uint8_t { api, active_gate };

struct token_record {
  std::string id;  // prefix '.' public part; a UUID for an old-format token
  token_kind kind = token_kind::api;
  bool old_format = false;  // 21 characters of [A-Za-z0-9_-], made while the new format was off
  std::string name;
  std::string owner;
  scope_list scopes;
  bool enabled = true;
  bool personal_access_token = false;
  millis creation = 0;
  std::optional<millis> expiration;
  std::optional<millis> last_used;
  std::string last_used_ip;
  std::optional<millis> modified;
  std::uint64_t sequence = 0;  // creation order, for stable sorting and paging
  secret_hash hash{};
  // ActiveGate tokens only:
  std::string active_gate_type;  // ENVIRONMENT or CLUSTER
  bool seed_token = false;

  [[nodiscard]] bool expired(millis now) const { return expiration && *expiration <= now; }
  [[nodiscard]] bool has_scope(std::string_view scope) const { return scopes.contains(scope); }
};

// The tenant token and its rotation (POST /api/v2/tenantTokenRotation/start|finish|cancel).
struct tenant_tokens {
  std::string active;
  std::optional<std::string> old;  // set while a rotation is in progress
};

// The environment's token settings (Settings 2.0 schema builtin:tokens.token-settings, facts
// section 3.5).
struct token_settings {
  bool new_format = true;   // newDynatraceTokenFormatEnabled: new tokens are dt0c01, else old
  bool pat_enabled = true;  // patEnabled: personal access tokens may be created and used
  // The settings object's metadata: how often it was written (its updateToken), when, by whom.
  std::uint64_t revision = 0;
  millis created = 0;
  millis modified = 0;
  std::string author = "dtoken-mock";
  bool operator==(const token_settings&) const = default;
};

// What changed since the last take_changes(): the IDs to write and to remove, and whether the
// tenant token or the settings changed.
struct change_set {
  std::set<std::string, std::less<>> written;
  std::set<std::string, std::less<>> removed;
  bool tenant = false;
  bool settings = false;
  [[nodiscard]] bool empty() const {
    return written.empty() && removed.empty() && !tenant && !settings;
  }
};

// The records in creation order (a list call walks them in that order and, for the default
// order, sorts nothing), and a hash index by ID.
class token_store {
 public:
  token_store() = default;
  token_store(const token_store& other);
  token_store& operator=(const token_store& other);
  token_store(token_store&&) noexcept = default;
  token_store& operator=(token_store&&) noexcept = default;
  ~token_store() = default;

  // Adds a token whose full text is `token` (validated by the caller); false if its ID exists.
  bool add(std::string_view token, token_record record);
  // The record of this kind whose secret is exactly `token`, compared in constant time; nullptr
  // if none.
  [[nodiscard]] const token_record* find_by_secret(std::string_view token,
                                                   token_kind kind = token_kind::api) const;
  // The record of this kind with this ID; nullptr if none.
  [[nodiscard]] const token_record* find(std::string_view id,
                                         token_kind kind = token_kind::api) const;
  // The record with this ID, of any kind; nullptr if none.
  [[nodiscard]] const token_record* find_any(std::string_view id) const;
  // The record with this ID, to change it: recorded as written. nullptr if none.
  token_record* edit(std::string_view id);
  bool erase(std::string_view id);
  // Notes a use of the token (last use, its address) without recording a change: a use alone
  // is not worth a durable write; it is written with the next change. Safe while other threads
  // only read the store: it takes the lock of the uses, which a reader of last_used and
  // last_used_ip holds (lock_uses()) while it reads them.
  void note_use(std::string_view id, millis when, const std::string& address) const;
  [[nodiscard]] std::unique_lock<std::mutex> lock_uses() const {
    return std::unique_lock(*uses_mutex_);
  }

  [[nodiscard]] const tenant_tokens& tenant() const { return tenant_; }
  // The tenant tokens, to change them: recorded.
  tenant_tokens& edit_tenant();

  [[nodiscard]] const token_settings& settings() const { return settings_; }
  // The settings, to change them: recorded.
  token_settings& edit_settings();

  // The changes since the last call, which it clears.
  change_set take_changes();

  // Puts back a record read from a state file, hash and sequence included (not recorded).
  void restore(token_record record);
  void restore_tenant(tenant_tokens tenant) { tenant_ = std::move(tenant); }
  void restore_settings(token_settings settings) { settings_ = settings; }
  // Removes every record (not recorded).
  void clear();

  // Every record, in creation order (of `sequence`).
  [[nodiscard]] std::span<const std::unique_ptr<token_record>> all() const { return records_; }
  [[nodiscard]] std::size_t size() const { return records_.size(); }
  // How many records of this kind there are.
  [[nodiscard]] std::size_t count(token_kind kind) const {
    return counts_[static_cast<std::size_t>(kind)];
  }
  // Whether creation dates never decrease along all(), so that it is also the order of creation
  // dates (true unless restored or seeded records came with earlier dates than older ones).
  [[nodiscard]] bool creation_ordered() const { return creation_ordered_; }

 private:
  std::vector<std::unique_ptr<token_record>> records_;         // by sequence
  std::unordered_map<std::string_view, token_record*> by_id_;  // keys view the records' IDs
  // Old-format tokens hold no ID to look them up by: they are found by their secret's hash.
  std::unordered_map<std::string, token_record*> old_by_hash_;
  void index(token_record* record);
  void unindex(const token_record& record);
  std::uint64_t next_sequence_ = 0;
  bool creation_ordered_ = true;
  std::array<std::size_t, 2> counts_{};  // by token_kind
  // Guards last_used and last_used_ip while the API's lock is shared (see note_use).
  std::unique_ptr<std::mutex> uses_mutex_ = std::make_unique<std::mutex>();
  tenant_tokens tenant_;
  token_settings settings_;
  change_set changes_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_TOKEN_STORE_H
