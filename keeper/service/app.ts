import { Wallet } from "ethers";
import type { Logger } from "pino";
import type { Policy } from "../core/policyTypes";
import { EthersChainReader, EthersTxSender, hookCostParser } from "./chain/ethersTxSender";
import { loadContractAbis } from "./chain/contractAbis";
import { EthersMarketGateway } from "./chain/ethersMarketGateway";
import { keeperSigningKey } from "./chain/nativeSigningKey";
import { betweenTicks } from "./idleGc";
import { KeeperRpcProvider } from "./chain/rpcProvider";
import type { KeeperConfig } from "./config/schema";
import { jobSettingsFromConfig } from "./config/jobSettings";
import { ErrorClassifier } from "./errors/classifyError";
import { OpsServer } from "./httpServer";
import { Journal } from "./journal/journal";
import { Keeper } from "./keeper";
import { MarketJob } from "./marketJob";
import { KeeperMetrics } from "./metrics";
import { loadKeeperPolicy } from "./policy/loadKeeperPolicy";

export interface KeeperApp {
  readonly keeper: Keeper;
  readonly jobs: readonly MarketJob[];
  readonly provider: KeeperRpcProvider;
  readonly journal: Journal;
  readonly metrics: KeeperMetrics;
  readonly ops: OpsServer;
  /** Port /metrics and /healthz listen on (127.0.0.1). */
  readonly port: number;
}

/**
 * Composition root: everything the CLI starts, built from a validated config. Fails fast — a bad
 * policy file, an unreachable RPC, a wrong chain id or a missing contract rejects before any tick.
 */
export async function startKeeperApp(cfg: KeeperConfig, log: Logger, opts: { policy?: Policy } = {}): Promise<KeeperApp> {
  const app = await createKeeperApp(cfg, log, opts);
  try {
    const port = await app.ops.start(cfg.metricsPort).catch((e: NodeJS.ErrnoException) => {
      if (e.code === "EADDRINUSE") throw new Error(`metricsPort: 127.0.0.1:${cfg.metricsPort} is already in use (another keeper?); choose another metricsPort or set DAMM_METRICS_PORT`);
      throw e;
    });
    log.info({ port, dryRun: cfg.dryRun, policy: app.policy.name, keeper: cfg.keeperAddress, chainId: app.chainId.toString() }, "ops server listening on 127.0.0.1");
    await app.keeper.start();
    return { ...app, port };
  } catch (e) {
    await app.keeper.stop();
    throw e;
  }
}

/**
 * Builds everything (connects, checks the chain and the markets) without starting the loops or
 * the ops server: tests drive `jobs[i].init()` / `tick()` themselves.
 */
export async function createKeeperApp(
  cfg: KeeperConfig,
  log: Logger,
  opts: { policy?: Policy } = {},
): Promise<Omit<KeeperApp, "port"> & { readonly policy: Policy; readonly chainId: bigint }> {
  const policy = opts.policy ?? loadKeeperPolicy(cfg.policyPath);
  const provider = new KeeperRpcProvider(cfg.rpcUrl);
  const network = await provider.getNetwork().catch((e: unknown) => {
    provider.destroy();
    throw new Error(`rpcUrl: cannot reach ${cfg.rpcUrl} (${(e as Error).message})`);
  });
  if (cfg.chainId !== undefined && network.chainId !== BigInt(cfg.chainId)) {
    provider.destroy();
    throw new Error(`chainId: config expects ${cfg.chainId} but ${cfg.rpcUrl} is chain ${network.chainId}`);
  }
  const abis = loadContractAbis();
  const classifier = new ErrorClassifier(abis.all);
  const parseCost = hookCostParser(abis.market);
  const sender = cfg.keeperKey ? new EthersTxSender(provider, new Wallet(keeperSigningKey(cfg.keeperKey), provider), parseCost) : undefined;
  const chain = sender ?? new EthersChainReader(provider, parseCost);
  const journal = Journal.open(cfg.journalPath);
  const metrics = new KeeperMetrics({ defaultMetrics: true });

  const jobs: MarketJob[] = [];
  for (const m of cfg.markets) {
    const gateway = await EthersMarketGateway.connect(provider, m, cfg.keeperAddress).catch((e: unknown) => {
      journal.close();
      provider.destroy();
      throw e;
    });
    jobs.push(
      new MarketJob({
        market: m.name,
        gateway,
        chain,
        sender,
        keeperAddress: cfg.keeperAddress,
        policy,
        journal,
        classifier,
        metrics,
        log: log.child({ market: m.name }),
        settings: jobSettingsFromConfig(cfg),
      }),
    );
  }
  let ops: OpsServer | undefined;
  const keeper = new Keeper(
    jobs,
    log,
    async () => {
      await ops?.stop();
      journal.close();
      provider.destroy();
    },
    betweenTicks(journal),
  );
  ops = new OpsServer(metrics, () => keeper.health());
  return { keeper, jobs, provider, journal, metrics, ops, policy, chainId: network.chainId };
}
