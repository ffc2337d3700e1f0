// /api/v2/tenantTokenRotation: start, finish, cancel (facts section 3.2). During a rotation the
// old and the new tenant token are both valid; TenantTokenConfig {active, old} answers each.
#include <openssl/rand.h>

#include <array>
#include <boost/json.hpp>

#include "handlers.h"
#include "tenant_token.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

response tenant_config(const std::string& active, const std::optional<std::string>& old) {
  json::value old_value = old ? json::value(json::string(*old)) : json::value(nullptr);
  return json_response(200, json::object{{"active", {{"value", active}}},
                                         {"old", {{"value", std::move(old_value)}}}});
}

}  // namespace

std::string new_tenant_token() {
  static constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::array<unsigned char, 20> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) return {};
  std::string out;
  for (const unsigned char byte : bytes) out += alphabet[byte % alphabet.size()];
  return out;
}

response start_tenant_rotation(api_call& call) {
  if (call.store.tenant().old) {
    return error_response(400, "Another rotation process is already in progress.");
  }
  std::string fresh = new_tenant_token();
  if (fresh.empty()) return error_response(500, "The CSPRNG failed");
  tenant_tokens& tenant = call.store.edit_tenant();
  tenant.old = std::exchange(tenant.active, std::move(fresh));
  return tenant_config(tenant.active, tenant.old);
}

response finish_tenant_rotation(api_call& call) {
  if (!call.store.tenant().old) return error_response(400, "No ongoing rotation process.");
  tenant_tokens& tenant = call.store.edit_tenant();
  const std::optional<std::string> old = std::exchange(tenant.old, std::nullopt);
  return tenant_config(tenant.active, old);
}

response cancel_tenant_rotation(api_call& call) {
  if (!call.store.tenant().old) return error_response(400, "There is no ongoing rotation process.");
  tenant_tokens& tenant = call.store.edit_tenant();
  tenant.active = *std::exchange(tenant.old, std::nullopt);
  return tenant_config(tenant.active, std::nullopt);
}

}  // namespace dtoken::mock
