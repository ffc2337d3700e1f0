// The token API's operations, one row each: method, path pattern, the scope it needs, and its
// handler. A new endpoint is one row here (route_table.cc) and one handler in its family's file.
#ifndef DTOKEN_MOCK_ROUTE_TABLE_H
#define DTOKEN_MOCK_ROUTE_TABLE_H

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api_call.h"

namespace dtoken::mock {

struct route {
  std::string_view method;   // "GET"
  std::string_view pattern;  // after the API prefix: "v2/apiTokens/{id}"; {x} is one segment
  std::string_view scope;    // the scopes that allow it, separated by spaces (one of them is
                             // enough); "" for any valid token
  handler handle;
};

// Whether an operation only reads the state (a GET, or a lookup by secret): its handler runs
// under a shared lock and must not change the store.
bool reads_only(const route& operation);

// Every operation, in matching order: the first pattern that matches a path wins, and its rows
// name the methods allowed there.
std::span<const route> token_api_routes();

// The outcome of matching a path and method.
struct route_match {
  const route* found = nullptr;     // the row, when the method is allowed
  std::string allowed;              // "GET, POST" when the path matched but the method did not
  std::vector<std::string> params;  // the decoded {parameters}
};

// Matches `path` (after the API prefix; trailing slashes ignored) and `method` against `routes`.
// found == nullptr and allowed empty: no pattern matches (404).
route_match match_route(std::span<const route> routes, std::string_view path,
                        std::string_view method);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_ROUTE_TABLE_H
