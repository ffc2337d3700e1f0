// Each fault kind as Node's fetch (undici) sees it, through the dtoken-testing helper: a reset is
// ECONNRESET, an empty answer, a bad chunk, random bytes and a short body are socket or parser
// errors, the real-answer kinds arrive late, slowly or changed; and the helper's members.
// Usage: node --test tests/integrations/node_fault_kinds.test.js (DTOKEN_MOCK, DTOKEN set)
"use strict";
const { test, before, after, beforeEach } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { startMock, generateToken } = require(path.join(__dirname, "../../integrations/node"));

let mock;
before(async () => { mock = await startMock(); });
after(() => mock.stop());
beforeEach(() => mock.reset());

const get = (query = "") => fetch(`${mock.url}/api/v2/apiTokens${query}`,
                                  { headers: { Authorization: `Api-Token ${mock.adminToken}` } });
// The error code fetch reports: its cause's code (or the cause's cause's).
async function failure(read = true) {
  try {
    const answer = await get();
    if (read) await answer.text();
  } catch (error) {
    return error.cause?.code || error.code || error.cause?.cause?.code || String(error);
  }
  return "no error";
}

test("reset is ECONNRESET", async () => {
  await mock.fault({ kind: "reset" });
  assert.equal(await failure(), "ECONNRESET");
});

test("an empty answer closes the socket", async () => {
  await mock.fault({ kind: "empty", latency_ms: 30 });
  assert.equal(await failure(), "UND_ERR_SOCKET");
});

test("a malformed chunk is a parser error", async () => {
  await mock.fault({ kind: "malformed_chunk" });
  assert.equal(await failure(), "HPE_INVALID_CHUNK_SIZE");
});

test("random bytes are a parser error", async () => {
  await mock.fault({ kind: "random_bytes", bytes: 256, seed: 1 });
  assert.match(await failure(), /^HPE_/);
});

test("a truncated body fails while it is read", async () => {
  await mock.fault({ kind: "truncated" });
  const answer = await get();
  assert.equal(answer.status, 200);
  await assert.rejects(answer.text(), (e) => e.cause?.code === "UND_ERR_SOCKET" || /terminated/.test(e.message));
});

test("a slow body arrives whole", async () => {
  const real = await (await get()).text();
  await mock.fault({ kind: "slow_body", bytes_per_second: 1000, count: 1 });
  const started = Date.now();
  assert.equal(await (await get()).text(), real);
  assert.ok(Date.now() - started >= (real.length / 1000 - 0.1) * 1000);  // the mock's own waits
});

test("custom, status and rate_limit answers", async () => {
  await mock.fault({ kind: "custom", status: 200, body: "{\"apiTokens\": [", count: 1 });
  await assert.rejects((await get()).json(), SyntaxError);
  await mock.fault({ kind: "status", status: 503, count: 1 });
  const failed = await get();
  assert.equal(failed.status, 503);
  assert.equal((await failed.json()).error.code, 503);
  await mock.fault({ kind: "rate_limit", retry_after: 4, limit: 100, count: 1 });
  const limited = await get();
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "4");
  assert.equal(limited.headers.get("x-ratelimit-limit"), "100");
  assert.equal(limited.headers.get("x-ratelimit-remaining"), "0");
});

test("latency delays the real answer; mutate changes it and replays from its seed", async () => {
  await mock.fault({ kind: "latency", latency_ms: 150, count: 1 });
  const started = Date.now();
  assert.equal((await get()).status, 200);
  assert.ok(Date.now() - started >= 150);
  const real = await (await get("?fields=%2Bscopes")).text();
  const rule = await mock.fault({ kind: "mutate", seed: 8, count: 1 });
  const mutated = await (await get("?fields=%2Bscopes")).text();
  assert.notEqual(mutated, real);
  const [entry] = await mock.journal({ fault: rule.id });
  assert.ok(entry.fault.mutation.pointer !== undefined);
  await mock.fault({ kind: "mutate", mutation_seed: entry.fault.seed, count: 1 });
  assert.equal(await (await get("?fields=%2Bscopes")).text(), mutated);
});

test("seeds, the journal's filters and the clock", async () => {
  const token = generateToken({ label: "node-helper" });
  await mock.seed({ token, scopes: ["apiTokens.read"], expirationDate: "now+1d" });
  const headers = { Authorization: `Api-Token ${token}` };
  assert.equal((await fetch(`${mock.url}/api/v2/apiTokens?pageSize=500`, { headers })).status, 200);
  assert.equal(await mock.count({ query: { pageSize: "500" }, token_id: token.slice(0, 31) }), 1);
  await mock.advance("25h");
  assert.equal((await fetch(`${mock.url}/api/v2/apiTokens`, { headers })).status, 401);
  await assert.rejects(mock.seed({ token: generateToken({ index: 1 }), scopes: ["nope"] }),
                       /unknown scope 'nope'/);
  assert.deepEqual((await mock.seeds()).map((s) => s.id).slice(-1), [token.slice(0, 31)]);
});
