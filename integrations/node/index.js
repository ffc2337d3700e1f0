// Thin helpers over the real dtoken-mock and dtoken binaries, for node:test, Jest and Vitest:
// startMock() starts dtoken-mock on a free port, waits until GET /_dtoken/health answers, and
// wraps its control API (/_dtoken/: seeds, faults, journal, clock, reset). No dependencies.
"use strict";
const { spawn, execFileSync } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

class DtokenError extends Error {}

function findBinary(name, variable) {
  if (process.env[variable]) return process.env[variable];
  for (const dir of (process.env.PATH || "").split(path.delimiter)) {
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new DtokenError(`${name} not found: put it on PATH or set ${variable}`);
}

function randomAdminToken() {
  const part = (n) => Array.from(crypto.randomBytes(n), (b) => BASE32[b & 31]).join("");
  return `dt0c01.${part(24)}.${part(64)}`;
}

// A deterministic fixture token from `dtoken generate` (the same on every machine).
function generateToken({ type = "dt0c01", index = 0, seed = 0, label = "dtoken", marked = true,
                         dtoken } = {}) {
  const args = ["generate", "--type", type, "--start", String(index), "--seed", String(seed),
                "--label", label];
  if (marked) args.push("--marked");
  return execFileSync(dtoken || findBinary("dtoken", "DTOKEN"), args, { encoding: "utf8" }).trim();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function filterQuery(filters = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) {
    if ((name === "query" || name === "header") && typeof value === "object") {
      for (const [key, wanted] of Object.entries(value)) {
        query.append(name, wanted === true ? key : `${key}=${wanted}`);
      }
    } else if (value !== undefined && value !== null) {
      query.append(name, String(value));
    }
  }
  const text = query.toString();
  return text ? `?${text}` : "";
}

// Starts dtoken-mock. Options: args (more arguments), binary, environment, timeoutMs.
async function startMock({ args = [], binary, environment = "mock00001", timeoutMs = 10000 } = {}) {
  const executable = binary || findBinary("dtoken-mock", "DTOKEN_MOCK");
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "dtoken-mock-"));
  const portFile = path.join(directory, "port");
  const logPath = path.join(directory, "log");
  const adminToken = randomAdminToken();
  const controlKey = crypto.randomBytes(16).toString("hex");
  const log = fs.openSync(logPath, "w");
  const child = spawn(executable, ["--port", "0", "--port-file", portFile,
                                   "--admin-token", adminToken, "--control-key", controlKey,
                                   "--environment-id", environment, ...args],
                      { stdio: ["ignore", "ignore", log] });
  fs.closeSync(log);
  let exited = null;
  const done = new Promise((resolve) => child.on("exit", (code, signal) => {
    exited = code ?? signal;
    resolve();
  }));
  let url;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited !== null) {
      throw new DtokenError(`dtoken-mock exited with ${exited}: ${fs.readFileSync(logPath, "utf8")}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new DtokenError(`dtoken-mock did not become healthy in ${timeoutMs} ms`);
    }
    const port = fs.existsSync(portFile) ? fs.readFileSync(portFile, "utf8").trim() : "";
    if (port) {
      url = `http://127.0.0.1:${port}`;
      try {
        if ((await fetch(`${url}/_dtoken/health`)).status === 200) break;
      } catch {
        // not listening yet
      }
    }
    await sleep(20);
  }

  async function control(method, what, body) {
    const answer = await fetch(`${url}/_dtoken/${what}`, {
      method,
      headers: { "X-Dtoken-Control-Key": controlKey, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    if (!answer.ok) throw new DtokenError(`${method} /_dtoken/${what}: ${answer.status} ${text}`);
    return JSON.parse(text);
  }

  return {
    url,
    environmentUrl: `${url}/e/${environment}`,
    adminToken,
    controlKey,
    logPath,
    control,
    // Seeds: objects ({token, scopes, ...}) or token strings; all or none are added.
    seed: (...seeds) => control("POST", "seeds", seeds.map((s) => (typeof s === "string" ? { token: s } : s))),
    seeds: async () => (await control("GET", "seeds")).seeds,
    removeSeed: (id) => control("DELETE", `seeds/${encodeURIComponent(id)}`),
    fault: (rule) => control("POST", "faults", rule),
    clearFaults: () => control("DELETE", "faults"),
    journal: async (filters) => (await control("GET", `journal${filterQuery(filters)}`)).entries,
    count: async (filters) => (await control("GET", `journal/count${filterQuery(filters)}`)).count,
    // "25h", "90m", "1d", or seconds as a number.
    advance: (duration) => control("POST", "clock", typeof duration === "number"
      ? { advance_ms: Math.round(duration * 1000) } : { advance: duration }),
    setTime: (time, freeze = false) => control("POST", "clock", { time, freeze }),
    realTime: () => control("DELETE", "clock"),
    reset: () => control("POST", "reset"),
    async stop() {
      if (exited === null) {
        child.kill("SIGTERM");
        await done;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

module.exports = { startMock, generateToken, findBinary, DtokenError };
