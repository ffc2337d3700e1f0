// /api/v1/deployment: connection info, versions, and the synthetic installers, called directly.
#include <gtest/gtest.h>

#include <boost/crc.hpp>

#include "api_fixture.h"
#include "token_store.h"

namespace dtoken::mock {
namespace {

class deployment_test : public api_test {
 protected:
  response get(const std::string& path, const std::string& extra_header = {}) {
    request in;
    in.method = "GET";
    in.target = "/api/v1/deployment/installer/" + path;
    in.headers = {{"Authorization", "Api-Token " + admin}, {"Host", "mock.test:8080"}};
    if (!extra_header.empty()) in.headers.emplace_back("If-None-Match", extra_header);
    return api.handle(in);
  }
  std::string tenant_token() {
    return std::string(body_of(get("agent/connectioninfo")).at("tenantToken").as_string());
  }
  static std::string header(const response& out, const std::string& name) {
    for (const auto& [key, value] : out.headers) {
      if (key == name) return value;
    }
    return {};
  }
  const std::string latest = "1.329.42.20261113-094512";
};

TEST_F(deployment_test, connection_info_and_endpoints_follow_the_network_zone) {
  const json::object info = body_of(get("agent/connectioninfo"));
  EXPECT_EQ(info.at("tenantUUID").as_string(), "mock00001");
  EXPECT_EQ(info.at("formattedCommunicationEndpoints").as_string(),
            "http://mock.test:8080/communication");
  EXPECT_EQ(get("agent/connectioninfo?networkZone=default").status, 200U);
  expect_error(get("agent/connectioninfo?networkZone=zone-b"), 400,
               "Network zone zone-b not found");
  EXPECT_EQ(get("agent/connectioninfo?networkZone=zone-b&defaultZoneFallback=true").status, 200U);
  const response endpoints = get("agent/connectioninfo/endpoints");
  EXPECT_EQ(endpoints.content_type, "text/plain;charset=utf-8");
  EXPECT_EQ(endpoints.body, "http://mock.test:8080/communication");
  expect_error(get("agent/connectioninfo/endpoints?networkZone=zone-b"), 404, "not found");
  const json::object gateway = body_of(get("gateway/connectioninfo"));
  EXPECT_EQ(gateway.at("communicationEndpoints").as_string(),
            "http://mock.test:8080/communication");
  EXPECT_EQ(gateway.at("tenantToken").as_string(), info.at("tenantToken").as_string());
}

TEST_F(deployment_test, versions_newest_first_and_the_latest) {
  const json::object versions = body_of(get("agent/versions/unix/default"));
  ASSERT_EQ(versions.at("availableVersions").as_array().size(), 3U);
  EXPECT_EQ(versions.at("availableVersions").as_array()[0].as_string(), latest);
  EXPECT_EQ(body_of(get("gateway/versions/unix")).at("availableVersions"),
            versions.at("availableVersions"));
  EXPECT_EQ(body_of(get("agent/unix/default/latest/metainfo")).at("latestAgentVersion").as_string(),
            latest);
}

TEST_F(deployment_test, a_unix_installer_is_a_harmless_script_with_the_tenant_token_in_force) {
  const response out = get("agent/unix/default/latest");
  ASSERT_EQ(out.status, 200U) << out.body;
  EXPECT_EQ(out.content_type, "application/octet-stream");
  EXPECT_EQ(header(out, "Content-Disposition"),
            "attachment; filename=\"Dynatrace-OneAgent-Linux-" + latest + ".sh\"");
  EXPECT_TRUE(out.body.starts_with("#!/bin/sh\n"));
  EXPECT_TRUE(out.body.ends_with("exit 0\n"));
  EXPECT_NE(out.body.find("DT_TENANT_TOKEN='" + tenant_token() + "'"), std::string::npos);
  EXPECT_NE(out.body.find("DT_ENVIRONMENT_URL='http://mock.test:8080/e/mock00001'"),
            std::string::npos);
  EXPECT_NE(out.body.find("DT_VERSION='" + latest + "'"), std::string::npos);
  // The same bytes again; 304 for its ETag; a rotation reaches the next download.
  EXPECT_EQ(get("agent/unix/default/version/" + latest).body, out.body);
  const std::string etag = header(out, "ETag");
  ASSERT_FALSE(etag.empty());
  const response again = get("agent/unix/default/latest", etag);
  EXPECT_EQ(again.status, 304U);
  EXPECT_TRUE(again.body.empty());
  const std::string before = tenant_token();
  ASSERT_EQ(call("POST", "/api/v2/tenantTokenRotation/start").status, 200U);
  const response rotated = get("agent/unix/default/latest", etag);
  ASSERT_EQ(rotated.status, 200U);  // the bytes changed
  EXPECT_EQ(rotated.body.find(before), std::string::npos);
  EXPECT_NE(rotated.body.find(tenant_token()), std::string::npos);
}

TEST_F(deployment_test, paas_installers_are_archives_and_the_checksum_agrees) {
  const response zip = get("agent/unix/paas/version/" + latest +
                           "?include=java&include=nodejs&flavor=musl&arch=arm");
  ASSERT_EQ(zip.status, 200U) << zip.body;
  EXPECT_TRUE(zip.body.starts_with("PK\x03\x04"));
  EXPECT_NE(zip.body.find("manifest.json"), std::string::npos);
  EXPECT_NE(zip.body.find(R"("technologies":["java","nodejs"])"), std::string::npos);
  EXPECT_NE(zip.body.find("tenanttoken " + tenant_token()), std::string::npos);
  // Without metadata the archive holds no tenant token; the checksum is of those bytes.
  const std::string query = "?skipMetadata=true&include=java";
  const response bare = get("agent/unix/paas/version/" + latest + query);
  EXPECT_EQ(bare.body.find(tenant_token()), std::string::npos);
  const std::string checksum(body_of(get("agent/unix/paas/version/" + latest + "/checksum" + query))
                                 .at("sha256")
                                 .as_string());
  std::string expected;
  for (const unsigned char byte : hash_secret(bare.body)) {
    static constexpr char hex[] = "0123456789abcdef";
    expected += hex[byte >> 4];
    expected += hex[byte & 15];
  }
  EXPECT_EQ(checksum, expected);
  expect_error(get("agent/unix/paas/version/" + latest + "/checksum"), 400, "Constraints");
  expect_error(get("agent/unix/default/version/" + latest + "/checksum?skipMetadata=true"), 400,
               "Constraints");
  // The CRC of each stored file is right: the archive's first entry checks out.
  const auto little_endian = [&](std::size_t at, std::size_t bytes) {
    std::uint32_t value = 0;
    for (std::size_t i = bytes; i-- > 0;) {
      value =
          value << 8 | static_cast<std::uint32_t>(static_cast<unsigned char>(bare.body[at + i]));
    }
    return value;
  };
  const std::uint32_t size = little_endian(18, 4);
  const std::uint32_t name_length = little_endian(26, 2);
  boost::crc_32_type crc;
  crc.process_bytes(bare.body.data() + 30 + name_length, size);
  const std::uint32_t stored = little_endian(14, 4);
  EXPECT_EQ(crc.checksum(), stored);
  // Other shapes: a shell script for paas-sh, a JAR for z/OS, a ZIP for the unattended Windows one.
  EXPECT_TRUE(get("agent/unix/paas-sh/latest").body.starts_with("#!/bin/sh\n"));
  EXPECT_NE(header(get("agent/zos/paas/latest"), "Content-Disposition").find(".jar\""),
            std::string::npos);
  const response unattended = get("agent/windows/default-unattended/latest");
  EXPECT_NE(header(unattended, "Content-Disposition").find(".zip\""), std::string::npos);
  EXPECT_TRUE(get("agent/windows/default/latest").body.starts_with("MZ"));
}

TEST_F(deployment_test, gateway_installers) {
  const response unix_gateway = get("gateway/unix/latest");
  ASSERT_EQ(unix_gateway.status, 200U);
  EXPECT_EQ(header(unix_gateway, "Content-Disposition"),
            "attachment; filename=\"Dynatrace-ActiveGate-Linux-" + latest + ".sh\"");
  EXPECT_NE(unix_gateway.body.find(tenant_token()), std::string::npos);
  EXPECT_EQ(get("gateway/windows/version/1.325.61.20260925-085110").status, 200U);
  EXPECT_EQ(get("gateway/unix/latest", header(unix_gateway, "ETag")).status, 304U);
}

TEST_F(deployment_test, bad_parameters_get_clear_errors) {
  expect_error(get("agent/beos/default/latest"), 400, "Constraints");
  expect_error(get("agent/unix/msi/latest"), 400, "Constraints");
  expect_error(get("agent/unix/default-unattended/latest"), 400, "Constraints");
  expect_error(get("agent/unix/paas/latest?flavor=glibc"), 400, "Constraints");
  expect_error(get("agent/unix/paas/latest?include=java%27%3Brm"), 400, "Constraints");
  expect_error(get("agent/unix/default/version/1.0.0"), 404, "No installer of version 1.0.0");
  expect_error(get("gateway/aix/latest"), 400, "Constraints");
  expect_error(get("agent/unix/default/latest?networkZone=nowhere"), 400, "Network zone");
  // A PaaS token needs InstallerDownload; the process module config answers 304 when current.
  const std::string other = create("no download", R"(["metrics.read"])");
  expect_error(call("GET", "/api/v1/deployment/installer/agent/unix/default/latest", "", other),
               403, "InstallerDownload");
  EXPECT_EQ(body_of(get("agent/processmoduleconfig")).at("revision").as_int64(), 1);
  EXPECT_EQ(get("agent/processmoduleconfig?revision=1").status, 304U);
}

TEST_F(deployment_test, a_hostile_host_header_never_reaches_the_script) {
  request in;
  in.method = "GET";
  in.target = "/api/v1/deployment/installer/agent/unix/default/latest";
  in.headers = {{"Authorization", "Api-Token " + admin}, {"Host", "x';rm -rf ~;'"}};
  const response out = api.handle(in);
  ASSERT_EQ(out.status, 200U);
  EXPECT_EQ(out.body.find("rm -rf"), std::string::npos);
  EXPECT_NE(out.body.find("DT_ENVIRONMENT_URL='http://localhost/e/mock00001'"), std::string::npos);
  in.headers.back().second = "[::1]:8080";
  EXPECT_NE(api.handle(in).body.find("http://[::1]:8080/e/mock00001"), std::string::npos);
}

TEST_F(deployment_test, the_api_token_parameter_authenticates_a_download) {
  request in;
  in.method = "GET";
  in.target = "/api/v1/deployment/installer/agent/unix/default/latest?Api-Token=" + admin;
  EXPECT_EQ(api.handle(in).status, 200U);
}

}  // namespace
}  // namespace dtoken::mock
