#include "token_store.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "detail/sha256.h"
#include "dtoken/validate.h"

namespace dtoken::mock {

secret_hash hash_secret(std::string_view token) {
  secret_hash hash{};
  detail::sha256(token, hash);  // (zeros if OpenSSL failed: then no secret matches it)
  return hash;
}

token_store::token_store(const token_store& other)
    : next_sequence_(other.next_sequence_),
      creation_ordered_(other.creation_ordered_),
      tenant_(other.tenant_),
      settings_(other.settings_) {
  records_.reserve(other.records_.size());
  by_id_.reserve(other.records_.size());
  for (const auto& record : other.records_) {
    records_.push_back(std::make_unique<token_record>(*record));
    index(records_.back().get());
  }
}

void token_store::index(token_record* record) {
  by_id_.emplace(record->id, record);
  ++counts_[static_cast<std::size_t>(record->kind)];
  if (record->old_format) {
    old_by_hash_.emplace(std::string(record->hash.begin(), record->hash.end()), record);
  }
}

void token_store::unindex(const token_record& record) {
  if (record.old_format) old_by_hash_.erase(std::string(record.hash.begin(), record.hash.end()));
  by_id_.erase(record.id);
  --counts_[static_cast<std::size_t>(record.kind)];
}

token_store& token_store::operator=(const token_store& other) {
  if (this != &other) *this = token_store(other);
  return *this;
}

bool token_store::add(std::string_view token, token_record record) {
  if (by_id_.contains(record.id)) return false;
  record.hash = hash_secret(token);
  record.sequence = next_sequence_++;
  if (!records_.empty() && record.creation < records_.back()->creation) creation_ordered_ = false;
  records_.push_back(std::make_unique<token_record>(std::move(record)));
  index(records_.back().get());
  changes_.removed.erase(records_.back()->id);
  changes_.written.emplace(records_.back()->id);
  return true;
}

const token_record* token_store::find_by_secret(std::string_view token, token_kind kind) const {
  // The record of the token's ID; the secret's hash is compared in constant time. An old-format
  // token is found by its hash.
  const std::string_view id = token_id_of(token, profile::family);
  if (id.empty()) {
    if (!validate_legacy(token).ok()) return nullptr;
    const secret_hash hash = hash_secret(token);
    const auto it = old_by_hash_.find(std::string(hash.begin(), hash.end()));
    return it == old_by_hash_.end() || it->second->kind != kind ? nullptr : it->second;
  }
  const token_record* record = find(id, kind);
  if (record == nullptr) return nullptr;
  const secret_hash hash = hash_secret(token);
  return CRYPTO_memcmp(hash.data(), record->hash.data(), hash.size()) == 0 ? record : nullptr;
}

const token_record* token_store::find(std::string_view id, token_kind kind) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() || it->second->kind != kind ? nullptr : it->second;
}

const token_record* token_store::find_any(std::string_view id) const {
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

token_record* token_store::edit(std::string_view id) {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return nullptr;
  changes_.written.emplace(id);
  return it->second;
}

void token_store::note_use(std::string_view id, millis when, const std::string& address) const {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  const std::lock_guard uses(*uses_mutex_);
  it->second->last_used = when;
  it->second->last_used_ip = address;
}

tenant_tokens& token_store::edit_tenant() {
  changes_.tenant = true;
  return tenant_;
}

token_settings& token_store::edit_settings() {
  changes_.settings = true;
  return settings_;
}

change_set token_store::take_changes() { return std::exchange(changes_, {}); }

// The position of the record with this sequence number in records_ (which is sorted by it).
static auto position_of(std::vector<std::unique_ptr<token_record>>& records,
                        std::uint64_t sequence) {
  return std::lower_bound(
      records.begin(), records.end(), sequence,
      [](const std::unique_ptr<token_record>& r, std::uint64_t s) { return r->sequence < s; });
}

void token_store::restore(token_record record) {
  next_sequence_ = std::max(next_sequence_, record.sequence + 1);
  if (const auto found = by_id_.find(record.id); found != by_id_.end()) {
    const token_record* existing = found->second;
    unindex(*existing);
    records_.erase(position_of(records_, existing->sequence));
  }
  auto stored = std::make_unique<token_record>(std::move(record));
  token_record* raw = stored.get();
  const auto at = records_.insert(position_of(records_, raw->sequence), std::move(stored));
  index(raw);
  if ((at != records_.begin() && (*std::prev(at))->creation > raw->creation) ||
      (std::next(at) != records_.end() && (*std::next(at))->creation < raw->creation)) {
    creation_ordered_ = false;
  }
}

bool token_store::erase(std::string_view id) {
  const auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  const std::uint64_t sequence = it->second->sequence;
  if (const auto written = changes_.written.find(id); written != changes_.written.end()) {
    changes_.written.erase(written);
  }
  changes_.removed.emplace(id);
  unindex(*it->second);  // (before the record, whose ID the key views, goes)
  records_.erase(position_of(records_, sequence));
  return true;
}

void token_store::clear() {
  by_id_.clear();
  old_by_hash_.clear();
  counts_ = {};
  records_.clear();
  creation_ordered_ = true;
}

}  // namespace dtoken::mock
