#!/usr/bin/env node
/**
 * dAMM keeper: `npm run keeper -- --config keeper.config.json --network localhost [--dry-run]`.
 * The private key comes only from DAMM_KEEPER_KEY. Exit codes: 0 after a signal-driven stop,
 * 1 when every job halted, 2 on a start-up (config / connection) error.
 */
import { Command } from "commander";
import { ConfigError, loadConfig } from "./config/loadConfig";
import { startKeeperApp } from "./app";
import { installSignalHandlers } from "./keeper";
import { createLogger } from "./logger";

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("damm-keeper")
    .description("Pushes learned repeg / k updates to dAMM markets")
    .requiredOption("-c, --config <file>", "keeper config JSON (see keeper.config.example.json)")
    .option("-n, --network <name>", "network label; must match the config's `network` when it has one")
    .option("--dry-run", "shadow mode: decide and journal, send nothing", false)
    .option("--log-level <level>", "override the config's logLevel")
    .showHelpAfterError();
  program.parse(argv);
  const opts = program.opts<{ config: string; network?: string; dryRun: boolean; logLevel?: string }>();

  let cfg;
  try {
    cfg = loadConfig(opts.config, process.env, { dryRun: opts.dryRun, network: opts.network });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const log = createLogger(opts.logLevel ?? cfg.logLevel);
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

if (require.main === module) {
  void main(process.argv).catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  });
}
