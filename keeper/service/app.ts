import { Wallet } from "ethers";
import type { Logger } from "pino";
import type { Policy } from "../core/policyTypes";
import { EthersChainReader, EthersTxSender, hookCostParser } from "./rpc/ethersTxSender";
import { loadContractAbis } from "./rpc/contractAbis";
import { EthersMarketGateway } from "./rpc/ethersMarketGateway";
import { keeperSigningKey } from "./rpc/nativeSigningKey";
import { betweenTicks } from "./idleGc";
import { KeeperRpcProvider } from "./rpc/rpcProvider";
import type { KeeperConfig } from "./config/schema";
import { jobSettingsFromConfig } from "./config/jobSettings";
import { ErrorClassifier } from "./errors/classifyError";
import { OpsServer } from "./httpServer";
import { Journal } from "./journal/journal";
import { PgJournal } from "./journal/pgJournal";
import type { JournalStore } from "./journal/store";
import { defaultReplicaId } from "./ha/lease";
import { LeasedJob } from "./ha/leasedJob";
import type { ServiceJob } from "./job";
import { DashboardFeed } from "./dashboard/dashboardData";
import { Keeper } from "./keeper";
import { MarketJob } from "./marketJob";
import { KeeperMetrics } from "./metrics";
import { loadKeeperPolicy } from "./policy/loadKeeperPolicy";

export interface KeeperApp {
  readonly keeper: Keeper;
  readonly jobs: readonly MarketJob[];
  readonly provider: KeeperRpcProvider;
  /** The SQLite journal, or with journalBackend "postgres" the shared one (then `lease` is set). */
  readonly journal: JournalStore;
  readonly lease?: PgJournal["lease"];
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
  const pg = cfg.journalBackend === "postgres" ? await openSharedJournal(cfg, log).catch((e: unknown) => {
    provider.destroy();
    throw e;
  }) : undefined;
  const journal: JournalStore = pg ?? Journal.open(cfg.journalPath);
  const metrics = new KeeperMetrics({ defaultMetrics: true });

  const jobs: MarketJob[] = [];
  for (const m of cfg.markets) {
    const gateway = await EthersMarketGateway.connect(provider, m, cfg.keeperAddress).catch(async (e: unknown) => {
      await journal.close();
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
  // Redundant keepers: each market job ticks only while this replica holds the lease.
  const scheduled: ServiceJob[] = pg ? jobs.map((j) => new LeasedJob(j, pg.lease, log.child({ market: j.name, replica: pg.lease.settings.replica }), metrics)) : jobs;
  let ops: OpsServer | undefined;
  const keeper = new Keeper(
    scheduled,
    log,
    async () => {
      await ops?.stop();
      await journal.close(); // the shared journal releases the lease here: a standby takes over at once
      provider.destroy();
    },
    betweenTicks(journal),
  );
  const feed = new DashboardFeed({
    journal,
    markets: jobs.map((j) => ({ name: j.name, snapshot: () => j.lastSnapshot })),
    health: () => keeper.health(),
    policy: policy.name,
    dryRun: cfg.dryRun,
    ...(pg ? { replica: () => pg.lease.status() } : {}),
  });
  ops = new OpsServer(metrics, () => keeper.health(), () => feed.data());
  return { keeper, jobs, provider, journal, metrics, ops, policy, chainId: network.chainId, ...(pg ? { lease: pg.lease } : {}) };
}

async function openSharedJournal(cfg: KeeperConfig, log: Logger): Promise<PgJournal> {
  const replica = cfg.replicaId ?? defaultReplicaId();
  const pg = await PgJournal.open(cfg.journalUrl!, { ...cfg.lease, replica }, { log: log.child({ replica }) });
  log.info({ replica, lease: cfg.lease.name, ttlMs: cfg.lease.ttlMs, renewMs: cfg.lease.renewMs, takeoverBoundMs: cfg.lease.ttlMs + cfg.lease.renewMs }, "shared journal (PostgreSQL) open; ticks only while holding the lease");
  return pg;
}
