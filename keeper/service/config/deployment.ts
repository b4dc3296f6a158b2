import fs from "node:fs";
import path from "node:path";
import type { MarketConfig } from "./schema";

/** Where `npm run deploy` writes a network's addresses, relative to the repo root. */
export const DEPLOY_DIR = path.join("out", "deploy");

/** The file holding the keeper config's `markets` section for `network` (a JSON array). */
export function marketsFilePath(network: string, root: string): string {
  return path.join(root, DEPLOY_DIR, `${network}.markets.json`);
}

/** The full deployment record (every address, chain id, deployer, keeper) for `network`. */
export function deploymentFilePath(network: string, root: string): string {
  return path.join(root, DEPLOY_DIR, `${network}.json`);
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
