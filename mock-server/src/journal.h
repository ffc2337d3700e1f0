// The request journal (GET /_dtoken/journal): every request to the token API, in the order of
// arrival, with what a test needs to verify it (the query string, the headers, the body, the
// answer's status and size, the time taken, the fault that hit it) and never a secret: the
// Authorization header keeps its scheme and token ID, everything else goes through mask_secrets.
#ifndef DTOKEN_MOCK_JOURNAL_H
#define DTOKEN_MOCK_JOURNAL_H

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "api.h"
#include "message.h"
#include "url.h"

namespace dtoken::mock {

struct journal_entry {
  std::uint64_t sequence = 0;  // 1, 2, ...: the order of arrival
  millis time = 0;             // by the mock's clock (the test clock too)
  std::string method;
  std::string path;   // without the query string
  std::string query;  // the query string as sent, secrets masked
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // the request body (at most 64 KiB of it), secrets masked
  std::string token_id;
  unsigned status = 0;  // 0: no HTTP answer (a connection fault)
  std::size_t response_size = 0;
  double duration_ms = 0;    // handling, plus the latency a fault added
  boost::json::value fault;  // the rule that hit it ({"rule", "kind", ...}), or null
};

// What a request keeps in the journal: `record` is what the token API made of it.
journal_entry make_journal_entry(const request& incoming, const request_record& record,
                                 const response& answer);

// The filters of GET /_dtoken/journal and /_dtoken/journal/count; every one given must hold.
struct journal_filter {
  std::optional<std::string> method;  // case-insensitive
  std::optional<std::string> path;    // a substring of the path
  std::optional<unsigned> status;
  std::optional<std::string> token_id;
  // query=NAME (present) or query=NAME=VALUE; header=NAME or header=NAME=VALUE
  std::vector<std::pair<std::string, std::optional<std::string>>> query;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
  std::optional<std::string> body;     // a substring of the (masked) body
  std::optional<std::uint64_t> fault;  // hit by this rule

  [[nodiscard]] bool admits(const journal_entry& entry) const;
};
// The filter of a query string, or what is wrong with it (an unknown filter names the known).
std::variant<journal_filter, std::string> read_journal_filter(const query_list& query);

boost::json::object to_json(const journal_entry& entry);

// The bytes an entry holds (its strings), for the journal's budget.
std::size_t size_of(const journal_entry& entry);

// The last `limit` entries, at most `byte_limit` bytes of them (a flood of large bodies cannot
// take the memory), thread-safe.
class journal {
 public:
  explicit journal(std::size_t limit = 10'000, std::size_t byte_limit = 32 << 20)
      : limit_(limit), byte_limit_(byte_limit) {}
  void add(journal_entry entry);
  [[nodiscard]] boost::json::array select(const journal_filter& filter) const;
  [[nodiscard]] std::size_t count(const journal_filter& filter) const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::deque<journal_entry> entries_;
  std::uint64_t next_sequence_ = 1;
  std::size_t bytes_ = 0;
  std::size_t limit_;
  std::size_t byte_limit_;
};

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_JOURNAL_H
