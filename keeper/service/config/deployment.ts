import fs from "node:fs";
import path from "node:path";
import type { MarketConfig } from "./schema";

/** Where `npm run deploy` writes a network's addresses, relative to the repo root (DAMM_DEPLOY_DIR moves it: tests, several checkouts). */
export const DEPLOY_DIR = process.env.DAMM_DEPLOY_DIR ?? path.join("out", "deploy");

/** The file holding the keeper config's `markets` section for `network` (a JSON array). */
export function marketsFilePath(network: string, root: string): string {
  return path.resolve(root, DEPLOY_DIR, `${network}.markets.json`);
}

/** The keeper config `npm run deploy` writes for `network` (used by `npm run keeper -- --network <network>`). */
export function keeperConfigFilePath(network: string, root: string): string {
  return path.resolve(root, DEPLOY_DIR, `${network}.keeper.json`);
}

/** Networks whose accounts are Hardhat's public test accounts (hardhat.config.ts). */
export function isLocalNetwork(network: string): boolean {
  return network === "hardhat" || network === "localhost";
}

/** What scripts/deploy.ts records in out/deploy/<network>.json. */
export interface DeploymentRecord {
  readonly network: string;
  readonly chainId: number;
  readonly deploymentId: string | null;
  readonly deployedAt: string;
  readonly scenario: string | null;
  readonly keeper: string;
  readonly guardian: string;
  readonly deployer: string;
  readonly contracts: { readonly usdc: string; readonly clearingHouse: string; readonly marketLib: string; readonly timelock: string };
  readonly timelockMinDelay: number;
  readonly oracles: Readonly<Record<string, string>>;
  readonly markets: readonly MarketConfig[];
}

/**
 * The keeper config for a deployment, written next to the record: paths relative to the file's own
 * folder (as loadConfig resolves them), a journal per deployment (a redeployment starts a clean
 * one), and the RPC URL only for a local node; a remote URL (it often carries an API key) comes
 * from DAMM_RPC_URL at run time.
 */
export function keeperConfigForDeployment(rec: DeploymentRecord, configDir: string, root: string, localRpcUrl?: string): Record<string, unknown> {
  const rel = (p: string): string => path.relative(configDir, path.join(root, p)).split(path.sep).join("/");
  return {
    network: rec.network,
    ...(localRpcUrl ? { rpcUrl: localRpcUrl } : {}),
    chainId: rec.chainId,
    markets: rec.markets,
    // By name: the policy selected on validation (policies/selection.json), learned or a rule.
    policyPath: "default",
    intervalMs: localRpcUrl ? 2_000 : 12_000,
    gas: { maxGasPerTx: 500_000, maxFeePerGasGwei: 50, maxPriorityFeePerGasGwei: 1 },
    txReceiptTimeoutMs: 120_000,
    dryRun: false,
    journalPath: rel(`out/keeper/${rec.deploymentId ?? rec.network}.journal.sqlite`),
    metricsPort: 9464,
    maxConsecutiveFailures: 5,
    backoff: { baseMs: 1_000, capMs: 60_000 },
    economics: { nativePriceQuote: 3000, trackingValuePerBps: 0 },
    logLevel: "info",
  };
}

/** The full deployment record (every address, chain id, deployer, keeper) for `network`. */
export function deploymentFilePath(network: string, root: string): string {
  return path.resolve(root, DEPLOY_DIR, `${network}.json`);
}

/**
 * Reads a markets file: a JSON array of `{ name, vamm, clearingHouse }`, or an object with such a
 * `markets` array (a full deployment record). Validation of each entry is the config schema's job.
 */
export function readMarketsFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(`--markets ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`--markets ${file}: not valid JSON (${(e as Error).message})`);
  }
  if (Array.isArray(raw)) return raw;
  if (raw !== null && typeof raw === "object" && Array.isArray((raw as { markets?: unknown }).markets)) return (raw as { markets: unknown }).markets;
  throw new Error(`--markets ${file}: expected a JSON array of markets or an object with a "markets" array`);
}

export function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

export type { MarketConfig };
