#!/usr/bin/env node
/**
 * dAMM keeper: `npm run keeper -- [--config keeper.config.json] --network localhost [--dry-run]`.
 * `--network <name>` without `--config` uses the keeper config `npm run deploy -- --network <name>`
 * wrote (out/deploy/<name>.keeper.json); `--network localhost` also stands for the RPC URL of
 * `npx hardhat node`. With `--config`, `--network` picks up that deployment's markets
 * (out/deploy/<name>.markets.json) when present.
 * The private key comes only from DAMM_KEEPER_KEY. Exit codes: 0 after a signal-driven stop,
 * 1 when every job halted, 2 on a start-up (config / connection) error.
 * Run it with node's --expose-gc (the npm script does): the young generation is then collected
 * between ticks rather than inside a decision (idleGc.ts; "keeper started" logs idleGc: true).
 */
import fs from "node:fs";
import path from "node:path";
import { Command } from "commander";
import { REPO_ROOT } from "./rpc/contractAbis";
import { deploymentFilePath, keeperConfigFilePath, marketsFilePath, readMarketsFile } from "./config/deployment";
import type { KeeperConfig } from "./config/schema";
import { formatStatus } from "./status";
import { loadConfig } from "./config/loadConfig";
import { rpcUrlForNetwork } from "./config/networks";
import { createKeeperApp, startKeeperApp } from "./app";
import { installSignalHandlers } from "./keeper";
import { createFormattedLogger, silentLogger } from "./logger";

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("damm-keeper")
    .description("Pushes learned repeg / k updates to dAMM markets")
    .option("-c, --config <file>", "keeper config JSON (default ./keeper.config.json, else the repo's keeper.config.example.json)")
    .option("-n, --network <name>", "network name: sets the RPC URL (localhost = http://127.0.0.1:8545) and the deployed markets; must match the config's `network`")
    .option("-m, --markets <file>", "markets section written by `npm run deploy` (default out/deploy/<network>.markets.json when it exists)")
    .option("--dry-run", "shadow mode: decide and journal, send nothing", false)
    .option("--log-level <level>", "override the config's logLevel")
    .option("--log-format <format>", "json (default) or pretty (human-readable lines); overrides the config's logFormat")
    .option("--json", "status: print JSON instead of the screen", false)
    .argument("[command]", "run (default), or status: one read-only screen per market (role, oracle age, gap, budget, last decisions, the next tick previewed)")
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{ config?: string; network?: string; markets?: string; dryRun: boolean; logLevel?: string; logFormat?: string; json: boolean }>();
  const command = program.args[0] ?? "run";
  if (command !== "run" && command !== "status") {
    process.stderr.write(`unknown command "${command}": run (default) or status\n`);
    process.exit(2);
  }
  const status = command === "status";
  if (opts.logFormat !== undefined && opts.logFormat !== "json" && opts.logFormat !== "pretty") {
    process.stderr.write(`--log-format ${opts.logFormat}: must be json or pretty\n`);
    process.exit(2);
  }

  let cfg;
  let marketsFile: string | undefined;
  try {
    const deployed = opts.network && !opts.config ? existing(keeperConfigFilePath(opts.network, REPO_ROOT)) : undefined;
    const configPath = opts.config ?? deployed ?? defaultConfigPath(opts.network);
    marketsFile = opts.markets ?? (opts.network && !deployed ? existing(marketsFilePath(opts.network, REPO_ROOT)) : undefined);
    const markets = marketsFile ? readMarketsFile(marketsFile) : undefined;
    const rpcUrl = opts.network ? rpcUrlForNetwork(opts.network) : undefined;
    // status sends nothing: it needs the keeper's address only (the key's, else the deployment's keeper).
    const env = status && !process.env.DAMM_KEEPER_KEY && !process.env.DAMM_KEEPER_ADDRESS && opts.network ? { ...process.env, ...deployedKeeperAddress(opts.network) } : process.env;
    cfg = loadConfig(configPath, env, { dryRun: opts.dryRun || status, network: opts.network, rpcUrl, markets });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  if (status) return printStatus(cfg, opts.json);
  const log = createFormattedLogger(opts.logLevel ?? cfg.logLevel, (opts.logFormat as "json" | "pretty" | undefined) ?? cfg.logFormat);
  log.info({ config: cfg.configPath, markets: marketsFile ?? "config file", network: opts.network ?? cfg.network }, "configuration loaded");
  try {
    const app = await startKeeperApp(cfg, log);
    installSignalHandlers(app.keeper, log);
    await app.keeper.idle();
    if (app.keeper.stopRequested) return; // the signal handler exits 0 once stop() is done
    // Every job halted on its own (no signal): say so with a non-zero exit for the supervisor.
    log.fatal({ health: app.keeper.health() }, "all market jobs halted");
    await app.keeper.stop();
    process.exit(1);
  } catch (e) {
    log.fatal({ err: e }, "keeper failed to start");
    process.stderr.write(`keeper failed to start: ${(e as Error).message}\n`);
    process.exit(2);
  }
}

/** ./keeper.config.json, else the example (a localhost file: refused for another --network, with the way out). */
function defaultConfigPath(network: string | undefined): string {
  const own = existing(path.resolve("keeper.config.json"));
  if (own) return own;
  if (network !== undefined && network !== "localhost") {
    throw new Error(`--network ${network}: no keeper config for it; run \`npm run deploy -- --network ${network}\` (writes ${path.relative(process.cwd(), keeperConfigFilePath(network, REPO_ROOT))}) or pass --config`);
  }
  return path.join(REPO_ROOT, "keeper.config.example.json");
}

/** DAMM_KEEPER_ADDRESS from the deployment record of `network`, when there is one. */
function deployedKeeperAddress(network: string): { DAMM_KEEPER_ADDRESS?: string } {
  const file = existing(deploymentFilePath(network, REPO_ROOT));
  if (!file) return {};
  const keeper = (JSON.parse(fs.readFileSync(file, "utf8")) as { keeper?: unknown }).keeper;
  return typeof keeper === "string" ? { DAMM_KEEPER_ADDRESS: keeper } : {};
}

async function printStatus(cfg: KeeperConfig, json: boolean): Promise<void> {
  let app;
  try {
    app = await createKeeperApp(cfg, silentLogger());
  } catch (e) {
    process.stderr.write(`status: ${(e as Error).message}\n`);
    process.exit(2);
  }
  try {
    const all = [];
    for (const job of app.jobs) all.push(await job.status());
    const text = json ? JSON.stringify(all, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v), 2) : all.map(formatStatus).join("\n\n");
    process.stdout.write(`${text}\n`);
  } finally {
    await app.keeper.stop();
  }
}

function existing(file: string): string | undefined {
  return fs.existsSync(file) ? file : undefined;
}

if (require.main === module) {
  void main(process.argv).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  });
}
