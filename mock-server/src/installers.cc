// /api/v1/deployment/installer/{agent,gateway}/...: installer downloads. Each installer is a
// small, deterministic, harmless synthetic file of the type the spec names (a shell script that
// installs nothing and exits 0, an .exe stub, a ZIP or JAR archive). It carries the environment
// URL, the version and the tenant token in force at download time, so that a test can see a
// rotation reach the next download. Content-Type, Content-Disposition, Content-Length, the ETag
// (with If-None-Match and 304) and the checksum endpoint all agree with the bytes.
#include <algorithm>
#include <boost/json.hpp>

#include "api.h"
#include "deployment.h"
#include "detail/sha256.h"
#include "handlers.h"
#include "text.h"
#include "zip_archive.h"

namespace dtoken::mock {
namespace json = boost::json;

namespace {

// What a download asks for, from its path and query.
struct installer_order {
  bool gateway = false;
  std::string os;    // windows, unix, aix, solaris, zos
  std::string type;  // default, default-unattended, paas, paas-sh (agents only)
  std::string version;
  std::string flavor = "default";
  std::string arch;
  std::string bitness = "64";
  std::vector<std::string> include;
  bool skip_metadata = false;
};

struct installer_file {
  std::string name;
  std::string bytes;
};

bool one_of(const std::string& value, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

// Reads an enumerated query parameter into `field`; a violation naming the valid values.
void read_choice(const query_list& query, const char* name, std::string& field,
                 std::initializer_list<std::string_view> allowed,
                 std::vector<violation>& problems) {
  const std::string* value = query_value(query, name);
  if (value == nullptr) return;
  if (!one_of(*value, allowed)) {
    std::string valid;
    for (const std::string_view item : allowed)
      valid.append(valid.empty() ? "" : ", ").append(item);
    problems.push_back({name, "must be one of " + valid, "QUERY"});
    return;
  }
  field = *value;
}

void read_agent_options(const api_call& call, installer_order& order,
                        std::vector<violation>& problems) {
  read_choice(call.query, "flavor", order.flavor, {"default", "multidistro", "musl"}, problems);
  read_choice(call.query, "arch", order.arch,
              {"all", "arm", "ppc", "ppcle", "s390", "sparc", "x86"}, problems);
  read_choice(call.query, "bitness", order.bitness, {"32", "64", "all"}, problems);
  for (const auto& [key, value] : call.query) {
    if (key != "include") continue;
    const bool plain =
        !value.empty() && value.size() <= 32 && std::all_of(value.begin(), value.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        });
    if (!plain) problems.push_back({"include", "must name a code module, such as java", "QUERY"});
    if (plain) order.include.push_back(value);
  }
  if (const std::string* skip = query_value(call.query, "skipMetadata")) {
    order.skip_metadata = *skip == "true";
  }
}

// Sets the order's version: the path parameter `version_param`, or the latest for -1. The 404
// to answer for a version the mock does not offer.
std::optional<response> choose_version(const api_call& call, int version_param,
                                       installer_order& order) {
  order.version = version_param < 0 ? latest_version(call)
                                    : call.params.at(static_cast<std::size_t>(version_param));
  if (offers_version(call, order.version)) return std::nullopt;
  return error_response(404, "No installer of version " + printable(order.version));
}

// The order of an agent download (`version_param`: the path parameter holding the version, or
// -1 for the latest); or the error to answer.
std::variant<installer_order, response> read_agent_order(const api_call& call, int version_param) {
  installer_order order;
  order.os = call.params.at(0);
  order.type = call.params.at(1);
  order.arch = "x86";
  std::vector<violation> problems;
  if (!one_of(order.os, {"windows", "unix", "aix", "solaris", "zos"})) {
    problems.push_back({"osType", "must be one of windows, unix, aix, solaris, zos", "PATH"});
  }
  if (!one_of(order.type, {"default", "default-unattended", "paas", "paas-sh"})) {
    problems.push_back(
        {"installerType", "must be one of default, default-unattended, paas, paas-sh", "PATH"});
  } else if (order.type == "default-unattended" && order.os != "windows") {
    problems.push_back({"installerType", "default-unattended is for windows only", "PATH"});
  } else if (order.os == "zos" && order.type != "paas") {
    problems.push_back({"installerType", "z/OS has only the paas installer", "PATH"});
  }
  read_agent_options(call, order, problems);
  if (!problems.empty()) return constraint_error(problems);
  if (auto failure = choose_version(call, version_param, order)) return std::move(*failure);
  return order;
}

std::string os_label(const std::string& os) {
  if (os == "unix") return "Linux";
  if (os == "aix") return "AIX";
  if (os == "solaris") return "Solaris";
  if (os == "zos") return "zOS";
  return "Windows";
}

// The lines that configure an installer: environment, version, and (unless skipped) where and
// with which tenant token to connect.
std::vector<std::pair<std::string, std::string>> settings_of(const installer_order& order,
                                                             const api_call& call) {
  std::vector<std::pair<std::string, std::string>> out = {
      {"DT_ENVIRONMENT_URL", environment_url(call)},
      {"DT_TENANT", call.options.environment_id},
      {"DT_VERSION", order.version},
      {"DT_INSTALLER", (order.gateway ? "gateway " : "agent ") + order.os + " " + order.type}};
  if (!order.gateway && (order.type == "paas" || order.type == "paas-sh")) {
    std::string include;
    for (const std::string& module : order.include)
      include.append(include.empty() ? "" : ",").append(module);
    out.insert(out.end(), {{"DT_FLAVOR", order.flavor},
                           {"DT_ARCH", order.arch},
                           {"DT_BITNESS", order.bitness},
                           {"DT_INCLUDE", include}});
  }
  if (!order.skip_metadata) {
    out.insert(out.end(), {{"DT_TENANT_TOKEN", call.store.tenant().active},
                           {"DT_CONNECTION_POINT", communication_endpoint(call.in)}});
  }
  return out;
}

std::string shell_script(const installer_order& order, const api_call& call) {
  const char* product = order.gateway ? "ActiveGate" : "OneAgent";
  std::string out = "#!/bin/sh\n# Dynatrace ";
  out.append(product)
      .append(" installer ")
      .append(order.version)
      .append(": a synthetic one made by dtoken-mock.\n# It installs nothing and exits 0.\n");
  // (Every value is the mock's own or checked against a fixed alphabet, the Host too: no quote
  // can occur.)
  for (const auto& [name, value] : settings_of(order, call))
    out.append(name + "='" + value + "'\n");
  out.append("echo \"dtoken-mock: a synthetic Dynatrace ")
      .append(product)
      .append(" installer $DT_VERSION; nothing was installed\" >&2\nexit 0\n");
  return out;
}

// A Windows installer stub: the "MZ" of an executable, then text. Not runnable, harmless.
std::string windows_stub(const installer_order& order, const api_call& call) {
  std::string out =
      "MZ\r\nA synthetic Dynatrace installer made by dtoken-mock. It is no program.\r\n";
  for (const auto& [name, value] : settings_of(order, call))
    out.append(name + "=" + value + "\r\n");
  return out;
}

std::string paas_archive(const installer_order& order, const api_call& call) {
  json::array technologies;
  for (const std::string& module : order.include) technologies.emplace_back(module);
  std::vector<std::pair<std::string, std::string>> files = {
      {"manifest.json", json::serialize(json::object{{"version", order.version},
                                                     {"technologies", std::move(technologies)},
                                                     {"flavor", order.flavor},
                                                     {"arch", order.arch},
                                                     {"generator", "dtoken-mock"}})}};
  if (order.os == "zos")
    files.insert(files.begin(), {"META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\n"});
  if (!order.skip_metadata) {
    files.emplace_back("agent/conf/standalone.conf", "tenant " + call.options.environment_id +
                                                         "\ntenanttoken " +
                                                         call.store.tenant().active + "\nserver " +
                                                         communication_endpoint(call.in) + "\n");
  }
  return zip_archive(files);
}

installer_file build(const installer_order& order, const api_call& call) {
  const std::string product = order.gateway ? "Dynatrace-ActiveGate-" : "Dynatrace-OneAgent-";
  const std::string stem = product + os_label(order.os) + "-" + order.version;
  if (order.os == "windows" && order.type == "default-unattended") {
    return {stem + ".zip",
            zip_archive({{"Dynatrace-OneAgent-Windows.msi", windows_stub(order, call)},
                         {"install.bat",
                          "@echo off\r\nREM dtoken-mock: installs nothing\r\nexit /b 0\r\n"}})};
  }
  if (order.type == "paas")
    return {stem + (order.os == "zos" ? ".jar" : ".zip"), paas_archive(order, call)};
  if (order.os == "windows") return {stem + ".exe", windows_stub(order, call)};
  return {stem + ".sh", shell_script(order, call)};
}

std::string sha256_hex(std::string_view bytes) {
  return detail::to_hex(hash_secret(bytes));  // (SHA-256 of any bytes)
}

// The download: 200 with the file, or 304 when If-None-Match names its ETag.
response download(const installer_order& order, const api_call& call) {
  installer_file file = build(order, call);
  const std::string etag = "\"" + sha256_hex(file.bytes).substr(0, 32) + "\"";
  response out;
  out.headers.emplace_back("ETag", etag);
  if (call.in.header("If-None-Match").value_or("") == etag) {
    out.status = 304;
    out.content_type.clear();
    return out;
  }
  out.content_type = "application/octet-stream";
  out.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + file.name + "\"");
  out.body = std::move(file.bytes);
  return out;
}

std::variant<installer_order, response> read_gateway_order(const api_call& call,
                                                           int version_param) {
  installer_order order;
  order.gateway = true;
  order.os = call.params.at(0);
  order.type = "default";
  order.arch = "amd64";
  std::vector<violation> problems;
  if (!one_of(order.os, {"windows", "unix"})) {
    problems.push_back({"osType", "must be one of windows, unix", "PATH"});
  }
  read_choice(call.query, "arch", order.arch, {"all", "amd64", "s390"}, problems);
  if (!problems.empty()) return constraint_error(problems);
  if (auto failure = choose_version(call, version_param, order)) return std::move(*failure);
  return order;
}

template <typename Reader>
response answer_download(api_call& call, Reader read, int version_param) {
  if (auto failure = check_network_zone(call, 400, false)) return std::move(*failure);
  auto order = read(call, version_param);
  if (auto* failure = std::get_if<response>(&order)) return std::move(*failure);
  return download(std::get<installer_order>(order), call);
}

}  // namespace

response agent_installer_latest(api_call& call) {
  return answer_download(call, read_agent_order, -1);
}

response agent_installer_version(api_call& call) {
  return answer_download(call, read_agent_order, 2);
}

// OneAgentInstallerChecksum {sha256} of the paas installer these parameters download
// (skipMetadata is required, as the spec says).
response agent_installer_checksum(api_call& call) {
  if (call.params.at(1) != "paas") {
    return constraint_error(
        {{"installerType", "the checksum is of the paas installer only", "PATH"}});
  }
  if (query_value(call.query, "skipMetadata") == nullptr) {
    return constraint_error({{"skipMetadata", "is required", "QUERY"}});
  }
  if (auto failure = check_network_zone(call, 400, false)) return std::move(*failure);
  auto order = read_agent_order(call, 2);
  if (auto* failure = std::get_if<response>(&order)) return std::move(*failure);
  const installer_file file = build(std::get<installer_order>(order), call);
  return json_response(200, json::object{{"sha256", sha256_hex(file.bytes)}});
}

response gateway_installer_latest(api_call& call) {
  return answer_download(call, read_gateway_order, -1);
}

response gateway_installer_version(api_call& call) {
  return answer_download(call, read_gateway_order, 1);
}

}  // namespace dtoken::mock
