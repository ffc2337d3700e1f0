// The handlers of the token API, by family; each family's file has its own. route_table.cc
// puts them in the table with their methods, paths and scopes.
#ifndef DTOKEN_MOCK_HANDLERS_H
#define DTOKEN_MOCK_HANDLERS_H

#include "api_call.h"

namespace dtoken::mock {

// api_tokens_v2.cc: /v2/apiTokens
response list_api_tokens(api_call& call);
response create_api_token(api_call& call);
response get_api_token(api_call& call);
response update_api_token(api_call& call);
response delete_api_token(api_call& call);
response lookup_api_token(api_call& call);

// tokens_v1.cc: /v1/tokens (deprecated since 1.242, still served)
response list_tokens_v1(api_call& call);
response create_token_v1(api_call& call);
response get_token_v1(api_call& call);
response update_token_v1(api_call& call);
response delete_token_v1(api_call& call);
response lookup_token_v1(api_call& call);

// active_gate_tokens.cc: /v2/activeGateTokens, /v2/activeGates/tokenEnforcement
response list_active_gate_tokens(api_call& call);
response create_active_gate_token(api_call& call);
response get_active_gate_token(api_call& call);
response delete_active_gate_token(api_call& call);
response active_gate_token_enforcement(api_call& call);

// token_settings.cc: /v2/settings for the schema builtin:tokens.token-settings
response list_settings_objects(api_call& call);
response get_settings_object(api_call& call);
response update_settings_object(api_call& call);
response create_settings_objects(api_call& call);
response get_settings_schema(api_call& call);
response list_effective_settings(api_call& call);

// tenant_rotation.cc: /v2/tenantTokenRotation
response start_tenant_rotation(api_call& call);
response finish_tenant_rotation(api_call& call);
response cancel_tenant_rotation(api_call& call);

// deployment.cc: /v1/deployment, connection info and versions
response agent_connection_info(api_call& call);
response agent_connection_endpoints(api_call& call);
response gateway_connection_info(api_call& call);
response installer_versions(api_call& call);
response agent_installer_metainfo(api_call& call);
response process_module_config(api_call& call);

// installers.cc: /v1/deployment/installer downloads
response agent_installer_latest(api_call& call);
response agent_installer_version(api_call& call);
response agent_installer_checksum(api_call& call);
response gateway_installer_latest(api_call& call);
response gateway_installer_version(api_call& call);

// cluster.cc: /v1/config
response cluster_version(api_call& call);

}  // namespace dtoken::mock

#endif  // DTOKEN_MOCK_HANDLERS_H
