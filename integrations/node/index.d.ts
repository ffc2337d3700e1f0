// Types of dtoken-testing: helpers over the real dtoken-mock and dtoken binaries.

export class DtokenError extends Error {}

export interface StartOptions {
  /** More arguments for dtoken-mock, e.g. ["--rate-limit", "10"]. */
  args?: string[];
  /** The dtoken-mock binary (default: $DTOKEN_MOCK, else PATH). */
  binary?: string;
  /** The environment ID (default "mock00001"). */
  environment?: string;
  /** How long to wait for /_dtoken/health (default 10000). */
  timeoutMs?: number;
}

/** A seed: a token whose secret the test knows, as POST /_dtoken/seeds takes it. */
export interface Seed {
  token: string;
  name?: string;
  owner?: string;
  scopes?: string[];
  personalAccessToken?: boolean;
  enabled?: boolean;
  expirationDate?: string;
  creationDate?: string;
  lastUsedDate?: string;
}

export type FaultKind =
  | "status" | "rate_limit" | "custom" | "reset" | "empty" | "malformed_chunk"
  | "random_bytes" | "truncated" | "slow_body" | "latency" | "mutate";

export type MutationKind =
  | "drop_field" | "wrong_type" | "huge_string" | "non_ascii" | "unknown_field"
  | "null_value" | "date_format";

export interface FaultRule {
  kind: FaultKind;
  method?: string;
  path?: string;
  query?: Record<string, string | true>;
  token_id?: string;
  body_contains?: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  retry_after?: number;
  limit?: number;
  bytes?: number;
  bytes_per_second?: number;
  latency_ms?: number;
  jitter_ms?: number;
  mutation?: MutationKind;
  mutation_seed?: number;
  after?: number;
  count?: number;
  share?: number;
  seed?: number;
}

export interface JournalFilters {
  method?: string;
  path?: string;
  status?: number;
  token_id?: string;
  body?: string;
  fault?: number;
  query?: Record<string, string | true>;
  header?: Record<string, string | true>;
}

export interface JournalEntry {
  sequence: number;
  time: string;
  method: string;
  path: string;
  query: string;
  headers: [string, string][];
  body: string;
  token_id: string | null;
  status: number;
  response_size: number;
  duration_ms: number;
  fault: null | {
    rule: number; kind: FaultKind; index: number; seed: number; delay_ms: number;
    mutation?: null | { kind: MutationKind; pointer: string };
  };
}

export interface MockServer {
  url: string;
  environmentUrl: string;
  adminToken: string;
  controlKey: string;
  logPath: string;
  control(method: string, what: string, body?: unknown): Promise<any>;
  seed(...seeds: (Seed | string)[]): Promise<{ added: number }>;
  seeds(): Promise<Array<Record<string, unknown>>>;
  removeSeed(id: string): Promise<unknown>;
  fault(rule: FaultRule): Promise<FaultRule & { id: number }>;
  clearFaults(): Promise<unknown>;
  journal(filters?: JournalFilters): Promise<JournalEntry[]>;
  count(filters?: JournalFilters): Promise<number>;
  advance(duration: string | number): Promise<{ now: string; offset_ms: number; frozen: boolean }>;
  setTime(time: string, freeze?: boolean): Promise<unknown>;
  realTime(): Promise<unknown>;
  reset(): Promise<unknown>;
  stop(): Promise<void>;
}

export function startMock(options?: StartOptions): Promise<MockServer>;

export function generateToken(options?: {
  type?: string; index?: number; seed?: number; label?: string; marked?: boolean; dtoken?: string;
}): string;

export function findBinary(name: string, variable: string): string;
