// /api/v1/deployment: what PaaS tokens (scope InstallerDownload) are for (facts section 3.3):
// connection info for OneAgents and ActiveGates, their endpoints, the installer versions and the
// process module config. The downloads themselves are in installers.cc.
#include "deployment.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

#include "api.h"
#include "handlers.h"
#include "text.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

// "1.329.42.20261113-094512" -> {1, 329, 42, 20261113, 94512}, for ordering.
std::vector<unsigned long> version_numbers(std::string_view version) {
  std::vector<unsigned long> numbers;
  const char* at = version.data();
  const char* end = version.data() + version.size();
  while (at < end) {
    unsigned long number = 0;
    const auto [next, failure] = std::from_chars(at, end, number);
    numbers.push_back(failure == std::errc{} ? number : 0);
    at = failure == std::errc{} ? next : at + 1;
    if (at < end && (*at == '.' || *at == '-')) ++at;
  }
  return numbers;
}

}  // namespace

std::optional<response> check_network_zone(const api_call& call, unsigned status, bool fallback) {
  const std::string* zone = query_value(call.query, "networkZone");
  if (zone == nullptr) return std::nullopt;
  const auto& known = call.options.network_zones;
  if (std::find(known.begin(), known.end(), *zone) != known.end()) return std::nullopt;
  const std::string* fall_back = query_value(call.query, "defaultZoneFallback");
  if (fallback && fall_back != nullptr && *fall_back == "true") return std::nullopt;
  std::string message = "Network zone ";
  message.append(printable(*zone)).append(" not found");
  if (fallback) message.append(", and defaultZoneFallback is not true");
  return error_response(status, message, {{"networkZone", "unknown network zone", "QUERY"}});
}

// The Host the client used, when it is a plain host name or address with a port; else
// "localhost". (It goes into installer scripts: no quote or other shell text may come through.)
std::string client_host(const request& in) {
  const std::string_view host = in.header("Host").value_or("localhost");
  const bool plain = !host.empty() && host.size() <= 255 &&
                     host.find_first_not_of(
                         "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                         "0123456789.-:[]") == std::string_view::npos;
  return plain ? std::string(host) : "localhost";
}

std::string communication_endpoint(const request& in) {
  return (in.secure ? "https://" : "http://") + client_host(in) + "/communication";
}

std::string environment_url(const api_call& call) {
  return (call.in.secure ? "https://" : "http://") + client_host(call.in) + "/e/" +
         call.options.environment_id;
}

std::string latest_version(const api_call& call) {
  const auto& versions = call.options.installer_versions;
  const auto latest = std::max_element(
      versions.begin(), versions.end(),
      [](const auto& a, const auto& b) { return version_numbers(a) < version_numbers(b); });
  return latest == versions.end() ? std::string() : *latest;
}

bool offers_version(const api_call& call, const std::string& version) {
  const auto& versions = call.options.installer_versions;
  return std::find(versions.begin(), versions.end(), version) != versions.end();
}

// ConnectionInfo: the environment ID, the tenant token in force, the communication endpoints.
response agent_connection_info(api_call& call) {
  if (auto failure = check_network_zone(call, 400)) return std::move(*failure);
  const std::string endpoint = communication_endpoint(call.in);
  return json_response(200,
                       json::object{{"tenantUUID", call.options.environment_id},
                                    {"tenantToken", call.store.tenant().active},
                                    {"communicationEndpoints", json::array{json::string(endpoint)}},
                                    {"formattedCommunicationEndpoints", endpoint}});
}

// The endpoints, highest priority first, separated by semicolons; 404 for an unknown zone.
response agent_connection_endpoints(api_call& call) {
  if (auto failure = check_network_zone(call, 404, false)) return std::move(*failure);
  response out;
  out.content_type = "text/plain;charset=utf-8";
  out.body = communication_endpoint(call.in);
  return out;
}

// ActiveGateConnectionInfo: communicationEndpoints is one string, separated by semicolons.
response gateway_connection_info(api_call& call) {
  if (auto failure = check_network_zone(call, 400, false)) return std::move(*failure);
  return json_response(200,
                       json::object{{"tenantUUID", call.options.environment_id},
                                    {"tenantToken", call.store.tenant().active},
                                    {"communicationEndpoints", communication_endpoint(call.in)}});
}

// AgentInstallerVersions and ActiveGateInstallerVersions: the configured versions, newest first.
response installer_versions(api_call& call) {
  std::vector<std::string> versions = call.options.installer_versions;
  std::sort(versions.begin(), versions.end(),
            [](const auto& a, const auto& b) { return version_numbers(a) > version_numbers(b); });
  json::array list;
  for (const std::string& version : versions) list.emplace_back(version);
  return json_response(200, json::object{{"availableVersions", std::move(list)}});
}

// InstallerMetaInfoDto.
response agent_installer_metainfo(api_call& call) {
  return json_response(200, json::object{{"latestAgentVersion", latest_version(call)}});
}

// AgentProcessModuleConfigResponse: revision 1, a few general properties; 304 when the client
// already has revision 1.
response process_module_config(api_call& call) {
  const std::string* revision = query_value(call.query, "revision");
  if (revision != nullptr && *revision == "1") {
    response out;
    out.status = 304;
    out.content_type.clear();
    return out;
  }
  json::array properties;
  for (const auto& [key, value] :
       {std::pair{"dockerInjection", "on"}, std::pair{"ignoreUnknownHosts", "off"}}) {
    properties.push_back(json::object{{"section", "general"}, {"key", key}, {"value", value}});
  }
  return json_response(200, json::object{{"revision", 1}, {"properties", std::move(properties)}});
}

}  // namespace dtoken::mock
