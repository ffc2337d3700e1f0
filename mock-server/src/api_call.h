// What a handler of the token API gets: the request, its decoded query and path parameters, the
// authenticated caller, the time, and the store to read and change. A handler is a plain
// function `response (api_call&)`: tests call it without sockets.
#ifndef DTOKEN_MOCK_API_CALL_H
#define DTOKEN_MOCK_API_CALL_H

#include <string>
#include <vector>

#include "message.h"
#include "token_store.h"
#include "url.h"

namespace dtoken::mock {

struct api_options;

struct api_call {
  const request& in;
  const query_list& query;
  std::vector<std::string> params;  // the path's {parameters}, decoded, in the pattern's order
  const token_record& caller;       // the token that authenticated the request
  millis now;
  token_store& store;  // changes made through it are written to the state file
  const api_options& options;
};

using handler = response (*)(api_call&);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_API_CALL_H
