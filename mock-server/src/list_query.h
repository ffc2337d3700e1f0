// The grammar of list queries (GET /api/v2/apiTokens and the lists like it), as pure functions:
// apiTokenSelector, fields, sort, pageSize and nextPageKey. Each parser gives nullopt on text it
// does not take; the handler turns that into a 400 constraint violation naming the parameter.
// ../shared/reference/dynatrace-token-facts.md section 2.2 has the rules.
#ifndef DTOKEN_MOCK_LIST_QUERY_H
#define DTOKEN_MOCK_LIST_QUERY_H

#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "message.h"
#include "url.h"

namespace dtoken::mock {

// apiTokenSelector: owner("x"), personalAccessToken(true|false), scope("a","b") (any of them);
// criteria separated by commas all hold.
struct token_selector {
  std::optional<std::string> owner;
  std::optional<bool> personal;
  std::vector<std::string> scopes;
};
std::optional<token_selector> parse_selector(std::string_view text);

// Splits "a(x,y),b(z)" at the commas outside parentheses and quotes.
std::vector<std::string_view> split_criteria(std::string_view text);

using field_set = std::set<std::string, std::less<>>;
// fields: an exact list ("name,owner") or changes to `defaults` ("+scopes,-owner"), of names in
// `known`; "id" is always in. nullopt for an unknown name or signed and unsigned names mixed.
std::optional<field_set> parse_fields(std::string_view text, const field_set& defaults,
                                      std::span<const std::string_view> known);

// sort: a key of `keys`, '+' (the default) ascending or '-' descending.
struct sort_order {
  std::string key;
  bool ascending = true;
};
std::optional<sort_order> parse_sort(std::string_view text, std::span<const std::string_view> keys);

// pageSize: a whole number from `low` to `high`.
std::optional<std::uint64_t> parse_page_size(std::string_view text, std::uint64_t low,
                                             std::uint64_t high);

// A page key holds the query it continues (without api-token) and the offset of its first row,
// as base64 of {"q":"...","o":N}. The client must send it alone.
struct page_position {
  query_list query;
  std::uint64_t offset = 0;
};
std::string encode_page_key(const query_list& query, std::uint64_t offset);
std::optional<page_position> decode_page_key(std::string_view key);

// Where a list request starts: the query its nextPageKey continues (which must come alone, the
// api-token parameter aside), or its own query from the first row; or the 400 to answer.
std::variant<page_position, response> continued_query(const query_list& query);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_LIST_QUERY_H
