// What the deployment handlers share (deployment.cc: connection info and versions;
// installers.cc: downloads): network zones, communication endpoints, versions.
#ifndef DTOKEN_MOCK_DEPLOYMENT_H
#define DTOKEN_MOCK_DEPLOYMENT_H

#include <optional>
#include <string>

#include "api_call.h"

namespace dtoken::mock {

// The networkZone parameter, checked: nullopt when it is absent or known, or unknown but
// defaultZoneFallback=true is given (and `fallback` allows it); else the error to answer, with
// `status` (400 for connectioninfo, 404 for its endpoints, as the facts and the spec say).
std::optional<response> check_network_zone(const api_call& call, unsigned status,
                                           bool fallback = true);

// The URL of the mock's own /communication endpoint, as the client reached the mock: its scheme
// and Host. (dtoken-mock answers it with a 501 envelope: it does not speak the agents' protocol.)
std::string communication_endpoint(const request& in);

// The environment's URL as the client reached the mock: scheme, Host and /e/{environment}.
std::string environment_url(const api_call& call);

// The greatest of the configured installer versions (compared number by number).
std::string latest_version(const api_call& call);
// Whether `version` is one of the configured installer versions.
bool offers_version(const api_call& call, const std::string& version);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_DEPLOYMENT_H
