// Dynatrace's own TypeScript SDK (@dynatrace-sdk/client-classic-environment-v2, its
// accessTokensApiTokensClient) as a real client of dtoken-mock: list, create, get, update,
// lookup and delete, each checked.
// Usage: node sdk_client_test.js PATH/TO/dtoken-mock NODE_MODULES_DIR
"use strict";
const { spawn } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const assert = require("assert/strict");

const [binary, modules] = process.argv.slice(2);
// The SDK's own HTTP client, pointed at the mock with an Api-Token header.
const { PlatformHttpClient: HttpClient } = require(path.join(modules, "@dynatrace-sdk/http-client"));
const { AccessTokensApiTokensClient } = require(
  path.join(modules, "@dynatrace-sdk/client-classic-environment-v2"));

async function main() {
  const dir = fs.mkdtempSync(path.join(process.env.DTOKEN_TEST_ARTIFACTS || os.tmpdir(), "sdk-"));
  const portFile = path.join(dir, "port");
  // The request log goes to a file that mock_secrets_sweep scans for secrets.
  const log = fs.openSync(path.join(dir, "log"), "w");
  const server = spawn(binary, ["--port", "0", "--port-file", portFile],
                       { stdio: ["ignore", "pipe", log] });
  let banner = "";
  server.stdout.on("data", (chunk) => { banner += chunk; });
  for (let i = 0; i < 200 && !(fs.existsSync(portFile) && /admin token/.test(banner)); ++i) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const port = fs.readFileSync(portFile, "utf8").trim();
  const admin = /admin token \(shown once, every scope\): (\S+)/.exec(banner)[1];
  const client = (token) => new AccessTokensApiTokensClient(new HttpClient({
    baseUrl: `http://127.0.0.1:${port}`,
    defaultHeaders: { Authorization: `Api-Token ${token}` },
  }));
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
  } finally {
    server.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error("FAIL", error);
  process.exit(1);
});
