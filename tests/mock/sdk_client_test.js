// Dynatrace's own TypeScript SDK (@dynatrace-sdk/client-classic-environment-v2) as a real client
// of dtoken-mock, each result checked: its API-tokens client (list, create, get, update, lookup,
// delete), its ActiveGate-tokens client (list, create, get, revoke) and token enforcement, its
// settings-objects client reading and changing the token settings, and the SDK's own scope enum
// (ApiTokenScopesItem) against every token the admin token can list; and the deployment client of
// @dynatrace-sdk/client-classic-environment-v1 (connection info, versions, downloads).
// Usage: node sdk_client_test.js PATH/TO/dtoken-mock NODE_MODULES_DIR
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const assert = require("assert/strict");

const [binary, modules] = process.argv.slice(2);
const { startMock } = require(path.join(__dirname, "../../integrations/node"));
// The SDK's own HTTP client, pointed at the mock with an Api-Token header.
const { PlatformHttpClient: HttpClient } = require(path.join(modules, "@dynatrace-sdk/http-client"));
const {
  AccessTokensApiTokensClient, AccessTokensActiveGateTokensClient, AccessTokensTenantTokensClient,
  ActiveGatesActiveGateTokensEnforcementClient, SettingsObjectsClient, ApiTokenScopesItem,
} = require(path.join(modules, "@dynatrace-sdk/client-classic-environment-v2"));
const { DeploymentClient } = require(path.join(modules, "@dynatrace-sdk/client-classic-environment-v1"));

// The deployment client of @dynatrace-sdk/client-classic-environment-v1: connection info,
// installer versions, a download that carries the tenant token in force, after a rotation too.
async function deployment(http) {
  const deploy = new DeploymentClient(http);
  const info = await deploy.getAgentInstallerConnectionInfo();
  assert.equal(info.tenantUUID, "mock00001");
  assert.match(info.tenantToken, /^[a-z0-9]{20}$/);
  const versions = await deploy.getAgentInstallerAvailableVersions({ osType: "unix", installerType: "default" });
  assert.equal(versions.availableVersions.length, 3);
  const text = async (binary) => (typeof binary.get === "function" ? binary.get("text")
    : binary instanceof Blob ? binary.text() : Buffer.from(binary).toString());
  const script = await text(await deploy.downloadLatestAgentInstaller({ osType: "unix", installerType: "default" }));
  assert.ok(script.startsWith("#!/bin/sh\n"), script.slice(0, 40));
  assert.ok(script.includes(`DT_TENANT_TOKEN='${info.tenantToken}'`), "the tenant token in force");
  assert.ok(script.includes(`DT_VERSION='${versions.availableVersions[0]}'`), "the latest version");
  await new AccessTokensTenantTokensClient(http).startRotation();
  const rotated = await deploy.getAgentInstallerConnectionInfo();
  assert.notEqual(rotated.tenantToken, info.tenantToken);
  const next = await text(await deploy.downloadLatestAgentInstaller({ osType: "unix", installerType: "default" }));
  assert.ok(next.includes(`DT_TENANT_TOKEN='${rotated.tenantToken}'`), "the rotation reaches the download");
}

// The ActiveGate-tokens client: list, create, get, revoke.
async function activeGateTokens(http) {
  const gates = new AccessTokensActiveGateTokensClient(http);
  const created = await gates.createToken({
    body: { name: "sdk gate", activeGateType: "ENVIRONMENT", expirationDate: "now+30d" },
  });
  assert.match(created.token, /^dt0g02\.[A-Z2-7]{8}\.[A-Z2-7]{64}$/);
  assert.equal(created.id, created.token.slice(0, 15));
  const list = await gates.listTokens({ pageSize: 100 });
  assert.equal(list.totalCount, 1);
  assert.equal(list.activeGateTokens[0].id, created.id);
  const got = await gates.getToken({ activeGateTokenIdentifier: created.id });
  assert.equal(got.name, "sdk gate");
  assert.equal(got.activeGateType, "ENVIRONMENT");
  assert.equal(JSON.stringify(got).includes(created.token.slice(16)), false, "no secret in get");
  await gates.revokeToken({ activeGateTokenIdentifier: created.id });
  await assert.rejects(gates.getToken({ activeGateTokenIdentifier: created.id }),
    (e) => e.response.status === 404);
  const enforcement = await new ActiveGatesActiveGateTokensEnforcementClient(http).getTokenEnforcement();
  assert.equal(typeof enforcement.autoEnforced, "boolean");
}

// The settings-objects client: read the token settings, turn the new format off, see a v2 create
// issue an old-format token, turn it back on.
async function tokenSettings(http, tokens) {
  const settings = new SettingsObjectsClient(http);
  const schemaIds = "builtin:tokens.token-settings";
  const list = await settings.getSettingsObjects({ schemaIds, fields: "objectId,value,updateToken" });
  assert.equal(list.items.length, 1);
  const object = list.items[0];
  assert.deepEqual(object.value, { newDynatraceTokenFormatEnabled: true, patEnabled: true });
  const answer = await settings.putSettingsObjectByObjectId({
    objectId: object.objectId,
    body: { value: { newDynatraceTokenFormatEnabled: false, patEnabled: true }, updateToken: object.updateToken },
  });
  assert.equal(answer.code, 200);
  const old = await tokens.createApiToken({ body: { name: "old format", scopes: ["metrics.read"] } });
  assert.match(old.token, /^[A-Za-z0-9_-]{21}$/);
  assert.match(old.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const effective = await settings.getEffectiveSettingsValues({ schemaIds });
  assert.equal(effective.items[0].value.newDynatraceTokenFormatEnabled, false);
  await settings.postSettingsObjects({
    body: [{ schemaId: schemaIds, scope: "environment",
             value: { newDynatraceTokenFormatEnabled: true, patEnabled: true } }],
  });
  const fresh = await tokens.createApiToken({ body: { name: "new format", scopes: ["metrics.read"] } });
  assert.match(fresh.token, /^dt0c01\./);
  await tokens.deleteApiToken({ id: old.id });
  await tokens.deleteApiToken({ id: fresh.id });
}

// The SDK's scope enum: every scope of every token the admin token lists is one of its values
// (a strict client fails on any other, such as the dropped AppMonIntegration).
async function scopesKnownToTheSdk(tokens) {
  const known = new Set(Object.values(ApiTokenScopesItem));
  assert.ok(known.size > 90, `the SDK names ${known.size} scopes`);
  const list = await tokens.listApiTokens({ pageSize: 10000, fields: "+scopes" });
  assert.ok(list.apiTokens.length >= 1);
  for (const token of list.apiTokens) {
    const unknown = token.scopes.filter((scope) => !known.has(scope));
    assert.deepEqual(unknown, [], `${token.id} holds scopes the SDK does not know`);
  }
}

async function main() {
  // The mock through the Node helper of integrations/node, as a user's test suite starts it.
  const mock = await startMock({ binary });
  const port = new URL(mock.url).port;
  const admin = mock.adminToken;
  const http = (token) => new HttpClient({
    baseUrl: `http://127.0.0.1:${port}`,
    defaultHeaders: { Authorization: `Api-Token ${token}` },
  });
  const client = (token) => new AccessTokensApiTokensClient(http(token));
  const tokens = client(admin);
  try {
    const created = await tokens.createApiToken({
      body: { name: "sdk test", scopes: ["metrics.read", "apiTokens.read"], expirationDate: "now+14d" },
    });
    assert.match(created.token, /^dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}$/);
    assert.equal(created.id, created.token.slice(0, 31));
    assert.ok(!Number.isNaN(new Date(created.expirationDate).getTime()), "a date");

    const list = await tokens.listApiTokens({ pageSize: 100, fields: "+scopes,+expirationDate", sort: "name" });
    assert.equal(list.totalCount, 2);
    assert.deepEqual(list.apiTokens.map((t) => t.name), ["dtoken-mock admin", "sdk test"]);
    assert.match(String(list.apiTokens[1].creationDate), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const got = await tokens.getApiToken({ id: created.id });
    assert.equal(got.name, "sdk test");
    assert.deepEqual(got.scopes, ["metrics.read", "apiTokens.read"]);
    assert.equal(JSON.stringify(got).includes(created.token.slice(32)), false, "no secret in get");

    await tokens.updateApiToken({ id: created.id, body: { name: "renamed", scopes: ["apiTokens.read"] } });
    const updated = await tokens.getApiToken({ id: created.id });
    assert.equal(updated.name, "renamed");
    assert.deepEqual(updated.scopes, ["apiTokens.read"]);
    assert.match(String(updated.modifiedDate), /^\d{4}-\d\d-\d\dT/);

    // The new token is a client too: it may read, not write.
    const own = client(created.token);
    const looked = await own.lookupApiToken({ body: { token: created.token } });
    assert.equal(looked.id, created.id);
    await assert.rejects(own.createApiToken({ body: { name: "x", scopes: ["metrics.read"] } }),
      (e) => e.response.status === 403 && /missing required scope/.test(e.body.error.message));

    await tokens.deleteApiToken({ id: created.id });
    await assert.rejects(tokens.getApiToken({ id: created.id }), (e) => e.response.status === 404);
    await assert.rejects(tokens.deleteApiToken({ id: admin.slice(0, 31) }),
      (e) => e.response.status === 400 && /can't delete the token/.test(e.body.error.message));
    console.log("sdk_client_test: list, create, get, update, lookup and delete work through the SDK");
    await scopesKnownToTheSdk(tokens);
    await activeGateTokens(http(admin));
    await tokenSettings(http(admin), tokens);
    await deployment(http(admin));
    console.log("sdk_client_test: ActiveGate tokens, token enforcement, token settings, the SDK's "
                + "scope enum and the v1 deployment client work through the SDK");
  } finally {
    // The request log goes to the artifacts, which mock_secrets_sweep scans for secrets.
    const dir = fs.mkdtempSync(path.join(process.env.DTOKEN_TEST_ARTIFACTS || os.tmpdir(), "sdk-"));
    fs.copyFileSync(mock.logPath, path.join(dir, "log"));
    await mock.stop();
  }
}

main().catch((error) => {
  console.error("FAIL", error);
  process.exit(1);
});
