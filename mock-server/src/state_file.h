// Durable state for dtoken-mock (--state FILE): an SQLite database in WAL mode with
// synchronous=FULL. Every create, update and delete is written, in one transaction, before the
// request is answered, so an acknowledged change survives kill -9. A file that is not a
// dtoken-mock state, or fails SQLite's integrity check, is refused with a clear error: never a
// silent reset.
#ifndef DTOKEN_MOCK_STATE_FILE_H
#define DTOKEN_MOCK_STATE_FILE_H

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "token_store.h"

struct sqlite3;

namespace dtoken::mock {

struct state_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class state_file {
 public:
  // Opens (or creates) the state at `path`. Throws state_error.
  explicit state_file(const std::string& path);
  ~state_file();
  state_file(const state_file&) = delete;
  state_file& operator=(const state_file&) = delete;

  // Whether the file held a state when it was opened (false: it was created now).
  [[nodiscard]] bool existed() const { return existed_; }
  // Reads the whole state into `store` (which records no change for it). Throws state_error.
  void load(token_store& store) const;
  // Writes what `changes` names, as `store` holds it now, in one durable transaction. Throws
  // state_error.
  void write(const token_store& store, const change_set& changes);
  // Replaces everything with this state (after a reset). Throws state_error.
  void replace(const token_store& store);

 private:
  void execute(const char* sql) const;
  void put(const token_record& record);
  void put_tenant(const tenant_tokens& tenant);
  void put_settings(const token_settings& settings);

  sqlite3* db_ = nullptr;
  std::string path_;
  bool existed_ = false;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_STATE_FILE_H
