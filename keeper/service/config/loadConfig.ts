import fs from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import type { z } from "zod";
import { keeperConfigSchema, type KeeperConfig } from "./schema";
import { isEnsembleSpec, resolveEnsembleSpecPaths } from "../../supervised/ensembleSpec";

/** Start-up configuration problem; `problems` lists one "field: what is wrong" line each. */
export class ConfigError extends Error {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super(`invalid keeper config (${source}):\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

/** Names that must never appear in the file: the key comes from the environment only. */
const SECRET_FIELD = /^(private_?key|keeper_?key|key|secret|mnemonic|seed_?phrase)$/i;
const PRIVATE_KEY_VALUE = /^(0x)?[0-9a-fA-F]{64}$/;

export interface ConfigOverrides {
  readonly dryRun?: boolean;
  /** The CLI's --network; must match the file's `network` when it has one. */
  readonly network?: string;
  /** RPC URL the --network name stands for; replaces the file's rpcUrl (DAMM_RPC_URL still wins). */
  readonly rpcUrl?: string;
  /** The markets section from a deployment file (--markets / out/deploy/<network>.markets.json). */
  readonly markets?: unknown;
}

/**
 * Read, validate and resolve the keeper config. Fails fast with every problem at once,
 * each naming its field. Environment: DAMM_KEEPER_KEY (required unless dry-run with
 * DAMM_KEEPER_ADDRESS), DAMM_RPC_URL, DAMM_JOURNAL_PATH, DAMM_METRICS_PORT override the file;
 * DAMM_JOURNAL_URL is the shared journal's PostgreSQL URL (required with journalBackend "postgres").
 */
export function loadConfig(configPath: string, env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): KeeperConfig {
  const absPath = path.resolve(configPath);
  let text: string;
  try {
    text = fs.readFileSync(absPath, "utf8");
  } catch (e) {
    throw new ConfigError(absPath, [`file: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(absPath, [`file: not valid JSON (${(e as Error).message})`]);
  }
  return parseConfig(raw, absPath, env, overrides);
}

/** Validate an already-parsed config object (`source` is the file path, for messages and relative paths). */
export function parseConfig(raw: unknown, source: string, env: NodeJS.ProcessEnv = process.env, overrides: ConfigOverrides = {}): KeeperConfig {
  const problems = findSecrets(raw, []);
  if (problems.length > 0) throw new ConfigError(source, problems);

  const withEnv = applyEnv(raw, env, overrides, problems);
  const parsed = keeperConfigSchema.safeParse(withEnv);
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues));
  // The key is checked even when the file is bad, so one run reports every problem.
  const dryRun = parsed.success ? parsed.data.dryRun : (withEnv as { dryRun?: unknown } | null)?.dryRun === true;
  const { keeperKey, keeperAddress } = readKeeperIdentity(env, dryRun, problems);
  if (!parsed.success || problems.length > 0) throw new ConfigError(source, problems);

  const cfg = parsed.data;
  const journalUrl = env.DAMM_JOURNAL_URL?.trim() || undefined;
  if (cfg.journalBackend === "postgres" && !journalUrl) {
    problems.push('DAMM_JOURNAL_URL: missing; journalBackend "postgres" needs the shared journal\'s URL (postgres://user@host:port/db) in the environment');
  } else if (journalUrl && !/^postgres(ql)?:\/\/\S+$/.test(journalUrl)) {
    problems.push("DAMM_JOURNAL_URL: must be a postgres:// or postgresql:// URL"); // never echo it: it may hold a password
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  if (overrides.network !== undefined && cfg.network !== undefined && cfg.network !== overrides.network) {
    problems.push(`network: the file is for "${cfg.network}" but --network is "${overrides.network}"`);
    throw new ConfigError(source, problems);
  }

  const baseDir = path.dirname(source);
  return {
    ...cfg,
    // A baseline name ("static") stays a name; a file path resolves against the config's directory.
    // "ensemble:<inner>" (keeper/supervised/ensembleSpec.ts) keeps its prefix; its inner path resolves the same way.
    policyPath: isEnsembleSpec(cfg.policyPath)
      ? resolveEnsembleSpecPaths(cfg.policyPath, baseDir)
      : /[\\/]|\.json$/.test(cfg.policyPath) ? path.resolve(baseDir, cfg.policyPath) : cfg.policyPath,
    journalPath: cfg.journalPath === ":memory:" ? cfg.journalPath : path.resolve(baseDir, cfg.journalPath),
    keeperKey,
    keeperAddress,
    configPath: source,
    ...(cfg.journalBackend === "postgres" ? { journalUrl } : {}),
  };
}

function findSecrets(value: unknown, at: (string | number)[]): string[] {
  const out: string[] = [];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...findSecrets(v, [...at, i])));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const field = [...at, k].join(".");
      if (SECRET_FIELD.test(k)) out.push(`${field}: a private key must not be in the config file; set DAMM_KEEPER_KEY in the environment`);
      else out.push(...findSecrets(v, [...at, k]));
    }
  } else if (typeof value === "string" && PRIVATE_KEY_VALUE.test(value)) {
    out.push(`${at.join(".") || "(root)"}: looks like a private key (32-byte hex); keys come only from DAMM_KEEPER_KEY`);
  }
  return out;
}

function applyEnv(raw: unknown, env: NodeJS.ProcessEnv, overrides: ConfigOverrides, problems: string[]): unknown {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw; // the schema reports it
  const out: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  if (overrides.rpcUrl !== undefined) out.rpcUrl = overrides.rpcUrl;
  if (overrides.markets !== undefined) out.markets = overrides.markets;
  if (env.DAMM_RPC_URL) out.rpcUrl = env.DAMM_RPC_URL;
  if (env.DAMM_JOURNAL_PATH) out.journalPath = env.DAMM_JOURNAL_PATH;
  if (env.DAMM_METRICS_PORT !== undefined && env.DAMM_METRICS_PORT !== "") {
    const port = Number(env.DAMM_METRICS_PORT);
    if (!Number.isInteger(port)) problems.push(`DAMM_METRICS_PORT: must be an integer, got "${env.DAMM_METRICS_PORT}"`);
    else out.metricsPort = port;
  }
  if (overrides.dryRun) out.dryRun = true;
  return out;
}

function readKeeperIdentity(env: NodeJS.ProcessEnv, dryRun: boolean, problems: string[]): { keeperKey?: string; keeperAddress?: string } {
  const key = env.DAMM_KEEPER_KEY?.trim();
  if (key) {
    if (!PRIVATE_KEY_VALUE.test(key)) {
      problems.push("DAMM_KEEPER_KEY: must be a 32-byte hex private key (64 hex digits, optional 0x)"); // never echo the value
      return {};
    }
    const keeperKey = key.startsWith("0x") ? key : `0x${key}`;
    try {
      return { keeperKey, keeperAddress: new Wallet(keeperKey).address };
    } catch {
      problems.push("DAMM_KEEPER_KEY: not a valid secp256k1 private key");
      return {};
    }
  }
  const addr = env.DAMM_KEEPER_ADDRESS?.trim();
  if (dryRun && addr) {
    if (!/^0x[0-9a-fA-F]{40}$/.test(addr)) problems.push("DAMM_KEEPER_ADDRESS: must be a 20-byte hex address");
    return { keeperAddress: addr };
  }
  problems.push(
    dryRun
      ? "DAMM_KEEPER_KEY: missing; set it (or DAMM_KEEPER_ADDRESS for a key-less dry run) in the environment"
      : "DAMM_KEEPER_KEY: missing; the keeper's private key must be set in the environment",
  );
  return {};
}

/** One line per field ("intervalMs: must be > 0; must be >= 100"), in the order zod found them. */
function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const byField = new Map<string, string[]>();
  const add = (field: string, message: string): void => {
    const list = byField.get(field) ?? [];
    if (!list.includes(message)) list.push(message);
    byField.set(field, list);
  };
  for (const issue of issues) {
    const at = issue.path.map(String);
    if (issue.code === "unrecognized_keys") issue.keys.forEach((k) => add([...at, k].join("."), "unknown field"));
    else add(at.join(".") || "(root)", issue.message);
  }
  return [...byField].map(([field, messages]) => `${field}: ${messages.join("; ")}`);
}
