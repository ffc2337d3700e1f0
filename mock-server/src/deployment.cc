// /api/v1/deployment: what PaaS tokens (scope InstallerDownload) are for (facts section 3.3).
#include <boost/json.hpp>

#include "api.h"
#include "handlers.h"

namespace dtoken::mock {
namespace json = boost::json;

// The URL of the mock's own /communication endpoint, as the client reached the mock: its scheme
// and Host. (dtoken-mock answers it with a 501 envelope: it does not speak the agents' protocol.)
std::string communication_endpoint(const request& in) {
  const std::string host(in.header("Host").value_or("localhost"));
  return (in.secure ? "https://" : "http://") + host + "/communication";
}

// ConnectionInfo: the environment ID, the tenant token in force, the communication endpoints.
response agent_connection_info(api_call& call) {
  const std::string endpoint = communication_endpoint(call.in);
  return json_response(200,
                       json::object{{"tenantUUID", call.options.environment_id},
                                    {"tenantToken", call.store.tenant().active},
                                    {"communicationEndpoints", json::array{json::string(endpoint)}},
                                    {"formattedCommunicationEndpoints", endpoint}});
}

}  // namespace dtoken::mock
