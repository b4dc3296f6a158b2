import { JsonRpcProvider, Wallet } from "ethers";
import type { Logger } from "pino";
import type { Policy } from "../core/policyTypes";
import { EthersChainReader, EthersTxSender, hookCostParser } from "./chain/ethersTxSender";
import { loadContractAbis } from "./chain/contractAbis";
import { EthersMarketGateway } from "./chain/ethersMarketGateway";
import type { KeeperConfig } from "./config/schema";
import { ErrorClassifier } from "./errors/classifyError";
import { OpsServer } from "./httpServer";
import { Journal } from "./journal/journal";
import { Keeper } from "./keeper";
import { MarketJob } from "./marketJob";
import { KeeperMetrics } from "./metrics";
import { loadKeeperPolicy } from "./policy/loadKeeperPolicy";

export interface KeeperApp {
  readonly keeper: Keeper;
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
  const policy = opts.policy ?? loadKeeperPolicy(cfg.policyPath);
  const provider = new JsonRpcProvider(cfg.rpcUrl, undefined, { staticNetwork: false });
  const network = await provider.getNetwork().catch((e: unknown) => {
    throw new Error(`rpcUrl: cannot reach ${cfg.rpcUrl} (${(e as Error).message})`);
  });
  if (cfg.chainId !== undefined && network.chainId !== BigInt(cfg.chainId)) {
    throw new Error(`chainId: config expects ${cfg.chainId} but ${cfg.rpcUrl} is chain ${network.chainId}`);
  }
  const abis = loadContractAbis();
  const classifier = new ErrorClassifier(abis.all);
  const parseCost = hookCostParser(abis.market);
  const sender = cfg.keeperKey ? new EthersTxSender(provider, new Wallet(cfg.keeperKey, provider), parseCost) : undefined;
  const chain = sender ?? new EthersChainReader(provider, parseCost);
  const journal = Journal.open(cfg.journalPath);
  const metrics = new KeeperMetrics({ defaultMetrics: true });

  const jobs: MarketJob[] = [];
  for (const m of cfg.markets) {
    const gateway = await EthersMarketGateway.connect(provider, m, cfg.keeperAddress);
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
        settings: {
          dryRun: cfg.dryRun,
          intervalMs: cfg.intervalMs,
          txReceiptTimeoutMs: cfg.txReceiptTimeoutMs,
          maxConsecutiveFailures: cfg.maxConsecutiveFailures,
          gas: cfg.gas,
          backoff: cfg.backoff,
          economics: cfg.economics,
        },
      }),
    );
  }
  let ops: OpsServer | undefined;
  const keeper = new Keeper(jobs, log, async () => {
    await ops?.stop();
    journal.close();
    provider.destroy();
  });
  ops = new OpsServer(metrics, () => keeper.health());
  const port = await ops.start(cfg.metricsPort);
  log.info({ port, dryRun: cfg.dryRun, policy: policy.name, keeper: cfg.keeperAddress, chainId: network.chainId.toString() }, "ops server listening on 127.0.0.1");
  await keeper.start();
  return { keeper, journal, metrics, ops, port };
}
