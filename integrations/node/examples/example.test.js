const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const { startMock, generateToken } = require("dtoken-testing");

let mock;
before(async () => { mock = await startMock(); });
after(() => mock.stop());

test("my client survives a reset connection", async () => {
  const token = generateToken({ label: "node-example" });
  await mock.seed({ token, scopes: ["apiTokens.read"] });
  await mock.fault({ kind: "reset", path: "/api/v2/apiTokens", count: 1 });
  const get = () => fetch(`${mock.url}/api/v2/apiTokens`, { headers: { Authorization: `Api-Token ${token}` } });
  await assert.rejects(get(), (e) => e.cause.code === "ECONNRESET");  // your client would retry
  assert.equal((await get()).status, 200);
  assert.equal(await mock.count({ token_id: token.slice(0, 31) }), 2);
});
