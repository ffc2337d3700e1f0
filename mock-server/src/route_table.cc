#include "route_table.h"

#include "handlers.h"

namespace dtoken::mock {

namespace {

// Scopes: facts sections 2.1, 3.1 to 3.3 (x-token-scopes of the spec).
constexpr route routes[] = {
    // Access tokens - API tokens (v2)
    {"GET", "v2/apiTokens", "apiTokens.read", list_api_tokens},
    {"POST", "v2/apiTokens", "apiTokens.write", create_api_token},
    {"POST", "v2/apiTokens/lookup", "", lookup_api_token},
    {"GET", "v2/apiTokens/{id}", "apiTokens.read", get_api_token},
    {"PUT", "v2/apiTokens/{id}", "apiTokens.write", update_api_token},
    {"DELETE", "v2/apiTokens/{id}", "apiTokens.write", delete_api_token},
    // Access tokens - ActiveGate tokens
    {"GET", "v2/activeGateTokens", "activeGateTokenManagement.read", list_active_gate_tokens},
    {"POST", "v2/activeGateTokens",
     "activeGateTokenManagement.create activeGateTokenManagement.write", create_active_gate_token},
    {"GET", "v2/activeGateTokens/{activeGateTokenIdentifier}", "activeGateTokenManagement.read",
     get_active_gate_token},
    {"DELETE", "v2/activeGateTokens/{activeGateTokenIdentifier}", "activeGateTokenManagement.write",
     delete_active_gate_token},
    {"GET", "v2/activeGates/tokenEnforcement", "activeGates.read", active_gate_token_enforcement},
    // Settings 2.0, for builtin:tokens.token-settings
    {"GET", "v2/settings/objects", "settings.read", list_settings_objects},
    {"POST", "v2/settings/objects", "settings.write", create_settings_objects},
    {"GET", "v2/settings/objects/{objectId}", "settings.read", get_settings_object},
    {"PUT", "v2/settings/objects/{objectId}", "settings.write", update_settings_object},
    {"GET", "v2/settings/schemas/{schemaId}", "settings.read", get_settings_schema},
    {"GET", "v2/settings/effectiveValues", "settings.read", list_effective_settings},
    // Access tokens - Tenant tokens
    {"POST", "v2/tenantTokenRotation/start", "tenantTokenRotation.write", start_tenant_rotation},
    {"POST", "v2/tenantTokenRotation/finish", "tenantTokenRotation.write", finish_tenant_rotation},
    {"POST", "v2/tenantTokenRotation/cancel", "tenantTokenRotation.write", cancel_tenant_rotation},
    // Tokens API v1
    {"GET", "v1/tokens", "TenantTokenManagement", list_tokens_v1},
    {"POST", "v1/tokens", "TenantTokenManagement", create_token_v1},
    {"POST", "v1/tokens/lookup", "", lookup_token_v1},
    {"GET", "v1/tokens/{id}", "TenantTokenManagement", get_token_v1},
    {"PUT", "v1/tokens/{id}", "TenantTokenManagement", update_token_v1},
    {"DELETE", "v1/tokens/{id}", "TenantTokenManagement", delete_token_v1},
    // Deployment (literal paths before the patterns whose parameters would match them)
    {"GET", "v1/deployment/installer/agent/connectioninfo", "InstallerDownload",
     agent_connection_info},
    {"GET", "v1/deployment/installer/agent/connectioninfo/endpoints", "InstallerDownload",
     agent_connection_endpoints},
    {"GET", "v1/deployment/installer/agent/processmoduleconfig", "InstallerDownload",
     process_module_config},
    {"GET", "v1/deployment/installer/agent/versions/{osType}/{installerType}", "InstallerDownload",
     installer_versions},
    {"GET", "v1/deployment/installer/agent/{osType}/{installerType}/latest", "InstallerDownload",
     agent_installer_latest},
    {"GET", "v1/deployment/installer/agent/{osType}/{installerType}/latest/metainfo",
     "InstallerDownload", agent_installer_metainfo},
    {"GET", "v1/deployment/installer/agent/{osType}/{installerType}/version/{version}",
     "InstallerDownload", agent_installer_version},
    {"GET", "v1/deployment/installer/agent/{osType}/{installerType}/version/{version}/checksum",
     "InstallerDownload", agent_installer_checksum},
    {"GET", "v1/deployment/installer/gateway/connectioninfo", "InstallerDownload",
     gateway_connection_info},
    {"GET", "v1/deployment/installer/gateway/versions/{osType}", "InstallerDownload",
     installer_versions},
    {"GET", "v1/deployment/installer/gateway/{osType}/latest", "InstallerDownload",
     gateway_installer_latest},
    {"GET", "v1/deployment/installer/gateway/{osType}/version/{version}", "InstallerDownload",
     gateway_installer_version},
    // Cluster
    {"GET", "v1/config/clusterversion", "DataExport", cluster_version},
};

// The decoded {parameters} of `path` when it matches `pattern`.
std::optional<std::vector<std::string>> match_pattern(std::string_view pattern,
                                                      std::string_view path) {
  std::vector<std::string> params;
  while (true) {
    const std::size_t pattern_end = std::min(pattern.find('/'), pattern.size());
    const std::size_t path_end = std::min(path.find('/'), path.size());
    const std::string_view expected = pattern.substr(0, pattern_end);
    const std::string_view segment = path.substr(0, path_end);
    if (expected.starts_with('{')) {
      if (segment.empty()) return std::nullopt;
      params.push_back(url_decode(segment).value_or(std::string(segment)));
    } else if (expected != segment) {
      return std::nullopt;
    }
    const bool pattern_done = pattern_end == pattern.size();
    const bool path_done = path_end == path.size();
    if (pattern_done || path_done) {
      if (pattern_done && path_done) return params;
      return std::nullopt;
    }
    pattern.remove_prefix(pattern_end + 1);
    path.remove_prefix(path_end + 1);
  }
}

}  // namespace

std::span<const route> token_api_routes() { return routes; }

bool reads_only(const route& operation) {
  return operation.method == "GET" || operation.pattern.ends_with("/lookup");
}

route_match match_route(std::span<const route> table, std::string_view path,
                        std::string_view method) {
  while (path.ends_with('/')) path.remove_suffix(1);
  route_match out;
  std::string_view matched;  // the first pattern that matches
  for (const route& row : table) {
    if (!matched.empty() && row.pattern != matched) continue;
    if (matched.empty()) {
      auto params = match_pattern(row.pattern, path);
      if (!params) continue;
      matched = row.pattern;
      out.params = std::move(*params);
    }
    if (row.method == method) {
      out.found = &row;
      out.allowed.clear();
      return out;
    }
    out.allowed.append(out.allowed.empty() ? "" : ", ").append(row.method);
  }
  return out;
}

}  // namespace dtoken::mock
