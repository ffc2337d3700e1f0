// The scopes the mock knows: every value of ApiTokenCreate.scopes in the 1.254 spec and in the
// 2026 docs, with the label Dynatrace shows for it (empty where no source gives one; the label of
// TenantTokenManagement comes from dynatrace-token-facts.md section 2.6). Generated
// once from ../shared/dynatrace-openapi/token-scopes.json; tests/mock/scopes_test.sh checks that
// this table still matches that file.
#include "scopes.h"

namespace dtoken::mock {

namespace {
constexpr scope_info table[] = {
    {"InstallerDownload", "Download OneAgent and ActiveGate installers", false},
    {"DataExport", "Access problems and event feed, metrics, and topology", false},
    {"PluginUpload", "Upload plugins using the command line", false},
    {"SupportAlert", "Create support alerts", false},
    {"AdvancedSyntheticIntegration", "", false},
    {"ExternalSyntheticIntegration", "Create and read synthetic monitors, locations, and nodes",
     false},
    {"RumBrowserExtension", "", false},
    {"LogExport", "Read log content", false},
    {"ReadConfig", "Read configuration", false},
    {"WriteConfig", "Write configuration", false},
    {"DTAQLAccess", "User sessions", false},
    {"UserSessionAnonymization", "Anonymize user sessions for data privacy reasons", false},
    {"DataPrivacy", "Change data privacy settings", false},
    {"CaptureRequestData", "Capture request data", false},
    {"Davis", "", false},
    {"DssFileManagement", "Mobile symbol file management", false},
    {"RumJavaScriptTagManagement", "Real User Monitoring JavaScript tag management", false},
    {"TenantTokenManagement", "Token management", false},
    {"ActiveGateCertManagement", "ActiveGate certificate management", false},
    {"RestRequestForwarding", "Fetch data from a remote environment", false},
    {"ReadSyntheticData", "Read synthetic monitors, locations, and nodes", false},
    {"DataImport", "", false},
    {"syntheticExecutions.write", "Write synthetic monitor execution results", false},
    {"syntheticExecutions.read", "Read synthetic monitor execution results", false},
    {"auditLogs.read", "Read audit logs", false},
    {"metrics.read", "Read metrics", true},
    {"metrics.write", "Write metrics", true},
    {"entities.read", "Read entities", true},
    {"entities.write", "Write entities", true},
    {"problems.read", "Read problems", true},
    {"problems.write", "Write problems", true},
    {"events.read", "Read events", true},
    {"events.ingest", "Ingest events", true},
    {"openpipeline.events", "OpenPipeline - Ingest Events", false},
    {"openpipeline.events.custom", "OpenPipeline - Ingest Events (Custom)", false},
    {"openpipeline.events_security", "OpenPipeline - Ingest Security Events (Built-in)", false},
    {"openpipeline.events_security.custom", "OpenPipeline - Ingest Security Events (Custom)",
     false},
    {"openpipeline.events_sdlc", "OpenPipeline - Ingest Events, Software Development Lifecycle",
     false},
    {"openpipeline.events_sdlc.custom",
     "OpenPipeline - Ingest Events, Software Development Lifecycle (Custom)", false},
    {"openpipeline.events_smartscape", "OpenPipeline - Ingest Smartscape Events", false},
    {"bizevents.ingest", "", false},
    {"networkZones.read", "Read network zones", true},
    {"networkZones.write", "Write network zones", true},
    {"activeGates.read", "Read ActiveGates", true},
    {"activeGates.write", "Write ActiveGates", true},
    {"activeGateTokenManagement.read", "Read ActiveGate tokens", false},
    {"activeGateTokenManagement.create", "Create ActiveGate tokens", false},
    {"activeGateTokenManagement.write", "Write ActiveGate tokens", false},
    {"agentTokenManagement.read", "", false},
    {"credentialVault.read", "Read credential vault entries", false},
    {"credentialVault.write", "Write credential vault entries", false},
    {"extensions.read", "Read extensions", true},
    {"extensions.write", "Write extensions", true},
    {"extensionConfigurations.read", "Read extensions monitoring configuration", true},
    {"extensionConfigurations.write", "Write extensions monitoring configuration", true},
    {"extensionEnvironment.read", "Read extensions environment configuration", false},
    {"extensionEnvironment.write", "Write extensions environment configuration", false},
    {"metrics.ingest", "Ingest metrics", false},
    {"attacks.read", "Read attacks", true},
    {"attacks.write", "Write Application Protection settings", true},
    {"securityProblems.read", "Read security problems", true},
    {"securityProblems.write", "Write security problems", true},
    {"syntheticLocations.read", "Read synthetic locations", false},
    {"syntheticLocations.write", "Write synthetic locations", false},
    {"settings.read", "Read settings", true},
    {"settings.write", "Write settings", true},
    {"tenantTokenRotation.write", "Tenant token rotation", false},
    {"slo.read", "Read SLO", true},
    {"slo.write", "Write SLO", true},
    {"releases.read", "Read releases", true},
    {"apiTokens.read", "Read API tokens", true},
    {"apiTokens.write", "Write API tokens", true},
    {"openTelemetryTrace.ingest", "Ingest OpenTelemetry traces", false},
    {"logs.read", "Read logs", false},
    {"logs.ingest", "Ingest logs", false},
    {"geographicRegions.read", "Read Geographic regions", true},
    {"oneAgents.read", "Read OneAgents", true},
    {"oneAgents.write", "Write OneAgents", true},
    {"traces.lookup", "Look up a single trace", true},
    {"unifiedAnalysis.read", "Read Unified Analysis page", true},
    {"hub.read", "Read Hub related data", true},
    {"hub.write", "Manage metadata of Hub items", true},
    {"hub.install", "Install and update Hub items", true},
    {"javaScriptMappingFiles.read", "Read JavaScript mapping files", true},
    {"javaScriptMappingFiles.write", "Write JavaScript mapping files", true},
    {"extensionConfigurationActions.write", "Actions for extension monitoring configurations",
     true},
    {"rumCookieNames.read", "Read RUM cookie names", true},
    {"adaptiveTrafficManagement.read", "", false},
    {"rumManualInsertionTags.read", "", false},
    {"extensionDiscoveryJmx.read", "", false},
    {"extensionDiscoveryPmi.read", "", false},
    {"AppMonIntegration", "", false},
};
}  // namespace

std::span<const scope_info> known_scopes() noexcept { return table; }

const scope_info* find_scope(std::string_view name) noexcept {
  for (const scope_info& scope : table) {
    if (scope.name == name) return &scope;
  }
  return nullptr;
}

}  // namespace dtoken::mock
