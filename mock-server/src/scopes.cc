// The scopes the mock knows: every value of ApiTokenCreate.scopes in today's (2026) docs, with
// the label Dynatrace shows for it (empty where no source gives one; the label of
// TenantTokenManagement comes from dynatrace-token-facts.md section 2.6). Generated
// once from ../shared/dynatrace-openapi/token-scopes.json; tests/mock/contract_test.py checks that
// this table still matches that file (the admin token holds every scope of it).
// AppMonIntegration, creatable in the 1.254 spec, is not here: today's docs dropped it, and the
// schema of Dynatrace's current TypeScript SDK rejects a token that holds it. A seed or state
// file that names it still works (unknown names are interned, see scope_list).
#include "scopes.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <mutex>
#include <unordered_map>

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
};
}  // namespace

std::span<const scope_info> known_scopes() noexcept { return table; }

const scope_info* find_scope(std::string_view name) noexcept {
  for (const scope_info& scope : table) {
    if (scope.name == name) return &scope;
  }
  return nullptr;
}

namespace {

// Names beyond the known scopes, numbered from the table's size on; never removed, so views of
// them stay valid. Few: only seed tokens and state files bring unknown names.
struct interned_names {
  std::mutex mutex;
  std::deque<std::string> names;
  std::unordered_map<std::string_view, std::uint16_t> numbers;  // views into `names`
};

interned_names& interned() {
  static interned_names names;
  return names;
}

// The number of a name; interned when `intern` is set, else nullopt for a name never seen.
std::optional<std::uint16_t> number_of(std::string_view name, bool intern) {
  if (const scope_info* known = find_scope(name)) {
    return static_cast<std::uint16_t>(known - std::data(table));
  }
  interned_names& extra = interned();
  const std::lock_guard lock(extra.mutex);
  if (const auto it = extra.numbers.find(name); it != extra.numbers.end()) return it->second;
  const std::size_t number = std::size(table) + extra.names.size();
  if (!intern || number > std::numeric_limits<std::uint16_t>::max()) return std::nullopt;
  const std::string& stored = extra.names.emplace_back(name);
  extra.numbers.emplace(stored, static_cast<std::uint16_t>(number));
  return static_cast<std::uint16_t>(number);
}

std::string_view name_of(std::uint16_t number) {
  if (number < std::size(table)) return table[number].name;
  interned_names& extra = interned();
  const std::lock_guard lock(extra.mutex);
  return extra.names[number - std::size(table)];
}

}  // namespace

std::optional<scope_list> scope_list::of(const std::vector<std::string>& names) {
  scope_list out;
  out.ids_.reserve(names.size());
  for (const std::string& name : names) {
    const std::optional<std::uint16_t> number = number_of(name, true);
    if (!number) return std::nullopt;
    out.ids_.push_back(*number);
  }
  return out;
}

scope_list scope_list::every_known() {
  scope_list out;
  for (std::size_t i = 0; i < std::size(table); ++i)
    out.ids_.push_back(static_cast<std::uint16_t>(i));
  return out;
}

bool scope_list::contains(std::string_view name) const {
  const std::optional<std::uint16_t> number = number_of(name, false);
  return number && std::find(ids_.begin(), ids_.end(), *number) != ids_.end();
}

std::string_view scope_list::operator[](std::size_t index) const { return name_of(ids_[index]); }

std::vector<std::string> scope_list::names() const { return {begin(), end()}; }

std::string_view scope_list::iterator::operator*() const { return name_of(*at_); }

}  // namespace dtoken::mock
