// /api/v1/config/clusterversion.
#include <boost/json.hpp>

#include "api.h"
#include "handlers.h"

namespace dtoken::mock {

response cluster_version(api_call& call) {
  return json_response(200, boost::json::object{{"version", call.options.cluster_version}});
}

}  // namespace dtoken::mock
