#include "state_file.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <cstring>

namespace dtoken::mock {
namespace {

// 2 added the token kind (API or ActiveGate), the ActiveGate fields and the token settings; a
// file of version 1 is migrated when it is opened.
constexpr int schema_version = 2;

constexpr const char* create_tables =
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS tokens (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
    " owner TEXT NOT NULL, scopes TEXT NOT NULL, enabled INTEGER NOT NULL,"
    " personal INTEGER NOT NULL, creation INTEGER NOT NULL, expiration INTEGER,"
    " last_used INTEGER, last_ip TEXT NOT NULL, modified INTEGER, sequence INTEGER NOT NULL,"
    " hash BLOB NOT NULL, kind TEXT NOT NULL DEFAULT 'api', ag_type TEXT NOT NULL DEFAULT '',"
    " seed_token INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE IF NOT EXISTS tenant (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " active TEXT NOT NULL, old TEXT);"
    "CREATE TABLE IF NOT EXISTS settings (id INTEGER PRIMARY KEY CHECK (id = 1),"
    " new_format INTEGER NOT NULL, pat_enabled INTEGER NOT NULL, revision INTEGER NOT NULL,"
    " created INTEGER NOT NULL, modified INTEGER NOT NULL, author TEXT NOT NULL);"
    "INSERT OR IGNORE INTO meta VALUES ('dtoken-mock-schema', 2);";

constexpr const char* migrate_from_1 =
    "BEGIN IMMEDIATE;"
    "ALTER TABLE tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';"
    "ALTER TABLE tokens ADD COLUMN ag_type TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE tokens ADD COLUMN seed_token INTEGER NOT NULL DEFAULT 0;"
    "UPDATE meta SET value = 2 WHERE key = 'dtoken-mock-schema';"
    "COMMIT;";

// A prepared statement, finalised on scope exit.
class statement {
 public:
  statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &handle_, nullptr) != SQLITE_OK) {
      throw state_error(std::string("state file: ") + sqlite3_errmsg(db));
    }
  }
  ~statement() { sqlite3_finalize(handle_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;
  sqlite3_stmt* get() const { return handle_; }

 private:
  sqlite3_stmt* handle_ = nullptr;
};

std::string text_column(sqlite3_stmt* row, int column) {
  const auto* text = sqlite3_column_text(row, column);
  return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text));
}

std::optional<millis> time_column(sqlite3_stmt* row, int column) {
  if (sqlite3_column_type(row, column) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(row, column);
}

void bind_time(sqlite3_stmt* row, int column, const std::optional<millis>& value) {
  if (value) {
    sqlite3_bind_int64(row, column, *value);
  } else {
    sqlite3_bind_null(row, column);
  }
}

}  // namespace

state_file::state_file(const std::string& path) : path_(path) {
  struct stat info {};
  existed_ = ::stat(path.c_str(), &info) == 0 && info.st_size > 0;
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    const std::string reason = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw state_error("cannot open state file " + path + ": " + reason);
  }
  sqlite3_busy_timeout(db_, 5000);
  try {
    // A damaged or foreign file fails here, before anything is written to it.
    if (existed_) {
      statement check(db_, "PRAGMA quick_check");
      if (sqlite3_step(check.get()) != SQLITE_ROW || text_column(check.get(), 0) != "ok") {
        throw state_error("the integrity check failed");
      }
      statement tables(db_, "SELECT count(*) FROM sqlite_master WHERE name = 'meta'");
      if (sqlite3_step(tables.get()) != SQLITE_ROW || sqlite3_column_int(tables.get(), 0) != 1) {
        throw state_error("not a dtoken-mock state (it has no table meta)");
      }
      statement meta(db_, "SELECT value FROM meta WHERE key = 'dtoken-mock-schema'");
      const int version =
          sqlite3_step(meta.get()) == SQLITE_ROW ? sqlite3_column_int(meta.get(), 0) : 0;
      if (version != 1 && version != schema_version) {
        throw state_error("not a dtoken-mock state of version 1 or " +
                          std::to_string(schema_version));
      }
      if (version == 1) execute(migrate_from_1);
    }
    execute("PRAGMA journal_mode = WAL");
    execute("PRAGMA synchronous = FULL");
    execute(create_tables);
  } catch (const state_error& error) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw state_error("state file " + path + " cannot be used: " + error.what() +
                      " (move it away to start afresh)");
  }
}

state_file::~state_file() { sqlite3_close(db_); }

void state_file::execute(const char* sql) const {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    const std::string reason = message != nullptr ? message : sqlite3_errmsg(db_);
    sqlite3_free(message);
    throw state_error(reason);
  }
}

void state_file::load(token_store& store) const {
  store.clear();
  statement rows(db_,
                 "SELECT id, name, owner, scopes, enabled, personal, creation, expiration, "
                 "last_used, last_ip, modified, sequence, hash, kind, ag_type, seed_token "
                 "FROM tokens ORDER BY sequence");
  int status = 0;
  while ((status = sqlite3_step(rows.get())) == SQLITE_ROW) {
    sqlite3_stmt* row = rows.get();
    token_record record;
    record.id = text_column(row, 0);
    record.name = text_column(row, 1);
    record.owner = text_column(row, 2);
    boost::system::error_code failure;
    const boost::json::value scopes = boost::json::parse(text_column(row, 3), failure);
    if (failure || !scopes.is_array()) throw state_error("state file: bad scopes of " + record.id);
    std::vector<std::string> names;
    for (const auto& scope : scopes.as_array()) {
      if (scope.is_string()) names.emplace_back(scope.as_string());
    }
    std::optional<scope_list> list = scope_list::of(names);
    if (!list) throw state_error("state file: too many distinct scope names, at " + record.id);
    record.scopes = std::move(*list);
    record.enabled = sqlite3_column_int(row, 4) != 0;
    record.personal_access_token = sqlite3_column_int(row, 5) != 0;
    record.creation = sqlite3_column_int64(row, 6);
    record.expiration = time_column(row, 7);
    record.last_used = time_column(row, 8);
    record.last_used_ip = text_column(row, 9);
    record.modified = time_column(row, 10);
    record.sequence = static_cast<std::uint64_t>(sqlite3_column_int64(row, 11));
    if (sqlite3_column_bytes(row, 12) != static_cast<int>(record.hash.size())) {
      throw state_error("state file: bad hash of " + record.id);
    }
    std::memcpy(record.hash.data(), sqlite3_column_blob(row, 12), record.hash.size());
    const std::string kind = text_column(row, 13);
    if (kind != "api" && kind != "active_gate") {
      throw state_error("state file: unknown kind of token " + record.id);
    }
    record.kind = kind == "api" ? token_kind::api : token_kind::active_gate;
    record.active_gate_type = text_column(row, 14);
    record.seed_token = sqlite3_column_int(row, 15) != 0;
    record.old_format = !record.id.starts_with("dt0");  // its ID is a UUID
    store.restore(std::move(record));
  }
  if (status != SQLITE_DONE) throw state_error(std::string("state file: ") + sqlite3_errmsg(db_));
  statement tenant_row(db_, "SELECT active, old FROM tenant WHERE id = 1");
  if (sqlite3_step(tenant_row.get()) == SQLITE_ROW) {
    tenant_tokens tenant;
    tenant.active = text_column(tenant_row.get(), 0);
    if (sqlite3_column_type(tenant_row.get(), 1) == SQLITE_NULL) {
      tenant.old.reset();
    } else {
      tenant.old = text_column(tenant_row.get(), 1);
    }
    store.restore_tenant(std::move(tenant));
  }
  statement settings_row(db_,
                         "SELECT new_format, pat_enabled, revision, created, modified, author "
                         "FROM settings WHERE id = 1");
  if (sqlite3_step(settings_row.get()) == SQLITE_ROW) {
    sqlite3_stmt* row = settings_row.get();
    store.restore_settings({sqlite3_column_int(row, 0) != 0, sqlite3_column_int(row, 1) != 0,
                            static_cast<std::uint64_t>(sqlite3_column_int64(row, 2)),
                            sqlite3_column_int64(row, 3), sqlite3_column_int64(row, 4),
                            text_column(row, 5)});
  }
}

void state_file::put(const token_record& record) {
  statement row(db_,
                "INSERT OR REPLACE INTO tokens VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
                "?11, ?12, ?13, ?14, ?15, ?16)");
  boost::json::array scopes;
  for (const std::string_view scope : record.scopes) scopes.push_back(boost::json::string(scope));
  const std::string scope_text = boost::json::serialize(scopes);
  sqlite3_stmt* s = row.get();
  sqlite3_bind_text(s, 1, record.id.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, record.name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 3, record.owner.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 4, scope_text.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s, 5, record.enabled ? 1 : 0);
  sqlite3_bind_int(s, 6, record.personal_access_token ? 1 : 0);
  sqlite3_bind_int64(s, 7, record.creation);
  bind_time(s, 8, record.expiration);
  bind_time(s, 9, record.last_used);
  sqlite3_bind_text(s, 10, record.last_used_ip.c_str(), -1, SQLITE_TRANSIENT);
  bind_time(s, 11, record.modified);
  sqlite3_bind_int64(s, 12, static_cast<sqlite3_int64>(record.sequence));
  sqlite3_bind_blob(s, 13, record.hash.data(), static_cast<int>(record.hash.size()),
                    SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 14, record.kind == token_kind::api ? "api" : "active_gate", -1,
                    SQLITE_STATIC);
  sqlite3_bind_text(s, 15, record.active_gate_type.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s, 16, record.seed_token ? 1 : 0);
  if (sqlite3_step(s) != SQLITE_DONE) throw state_error(sqlite3_errmsg(db_));
}

void state_file::put_tenant(const tenant_tokens& tenant) {
  statement row(db_, "INSERT OR REPLACE INTO tenant VALUES (1, ?1, ?2)");
  sqlite3_bind_text(row.get(), 1, tenant.active.c_str(), -1, SQLITE_TRANSIENT);
  if (tenant.old) {
    sqlite3_bind_text(row.get(), 2, tenant.old->c_str(), -1, SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null(row.get(), 2);
  }
  if (sqlite3_step(row.get()) != SQLITE_DONE) throw state_error(sqlite3_errmsg(db_));
}

void state_file::put_settings(const token_settings& settings) {
  statement row(db_, "INSERT OR REPLACE INTO settings VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)");
  sqlite3_bind_int(row.get(), 1, settings.new_format ? 1 : 0);
  sqlite3_bind_int(row.get(), 2, settings.pat_enabled ? 1 : 0);
  sqlite3_bind_int64(row.get(), 3, static_cast<sqlite3_int64>(settings.revision));
  sqlite3_bind_int64(row.get(), 4, settings.created);
  sqlite3_bind_int64(row.get(), 5, settings.modified);
  sqlite3_bind_text(row.get(), 6, settings.author.c_str(), -1, SQLITE_TRANSIENT);
  if (sqlite3_step(row.get()) != SQLITE_DONE) throw state_error(sqlite3_errmsg(db_));
}

void state_file::write(const token_store& store, const change_set& changes) {
  execute("BEGIN IMMEDIATE");
  try {
    for (const std::string& id : changes.written) {
      if (const token_record* record = store.find_any(id)) put(*record);
    }
    for (const std::string& id : changes.removed) {
      statement row(db_, "DELETE FROM tokens WHERE id = ?1");
      sqlite3_bind_text(row.get(), 1, id.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(row.get()) != SQLITE_DONE) throw state_error(sqlite3_errmsg(db_));
    }
    if (changes.tenant) put_tenant(store.tenant());
    if (changes.settings) put_settings(store.settings());
    execute("COMMIT");
  } catch (const state_error& error) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw state_error("cannot write state file " + path_ + ": " + error.what());
  }
}

void state_file::replace(const token_store& store) {
  execute("BEGIN IMMEDIATE");
  try {
    execute("DELETE FROM tokens");
    for (const auto& record : store.all()) put(*record);
    put_tenant(store.tenant());
    put_settings(store.settings());
    execute("COMMIT");
  } catch (const state_error& error) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw state_error("cannot write state file " + path_ + ": " + error.what());
  }
}

}  // namespace dtoken::mock
