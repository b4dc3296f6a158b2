/**
 * The real keeper (keeper/service MarketJob: reconcile → read → decide → journal → plan → preview
 * → simulate → send → record) wired to a market on an EIP-1193 provider (Hardhat's in-process
 * network or a node), ticked by the caller once per decision interval. After a confirmed hook the
 * caller mirrors it into MarketCore (`lastConfirmedHook`).
 */
import { BrowserProvider, type Eip1193Provider, Wallet, type TransactionReceipt } from "ethers";
import type { Policy } from "../core/policyTypes";
import { EthersTxSender, hookCostParser } from "../service/rpc/ethersTxSender";
import { loadContractAbis } from "../service/rpc/contractAbis";
import { EthersMarketGateway } from "../service/rpc/ethersMarketGateway";
import { ErrorClassifier } from "../service/errors/classifyError";
import { Journal, type DecisionRecord } from "../service/journal/journal";
import { MarketJob } from "../service/marketJob";
import { jobSettings } from "../service/config/jobSettings";
import { KeeperMetrics } from "../service/metrics";
import { silentLogger } from "../service/logger";
import type { DammAddresses } from "./deploy";
import type { Op } from "./ops";

/**
 * A keeper key for one in-process or local run: random, held only in memory, so nothing derived
 * from a public string can ever hold KEEPER_ROLE.
 */
export function ephemeralKeeperWallet(): Wallet {
  return new Wallet(Wallet.createRandom().privateKey);
}

export interface ChainKeeper {
  readonly job: MarketJob;
  readonly journal: Journal;
  readonly address: string;
  readonly provider: BrowserProvider;
  /** The hook the last tick confirmed, as an op for the mirror, with its receipt. */
  lastConfirmedHook(sinceId: number): Promise<{ op: Exclude<Op, { kind: "advance" }>; receipt: TransactionReceipt; row: DecisionRecord } | null>;
  close(): void;
}

export async function startChainKeeper(eip1193: Eip1193Provider, addresses: DammAddresses, policy: Policy, wallet: Wallet, journalPath = ":memory:"): Promise<ChainKeeper> {
  const provider = new BrowserProvider(eip1193, undefined, { cacheTimeout: -1, pollingInterval: 50 });
  const abis = loadContractAbis();
  const sender = new EthersTxSender(provider as never, wallet.connect(provider as never), hookCostParser(abis.market));
  const gateway = await EthersMarketGateway.connect(provider as never, { name: "demo", vamm: addresses.market, clearingHouse: addresses.clearingHouse }, wallet.address);
  const journal = Journal.open(journalPath);
  const job = new MarketJob({
    market: "demo",
    gateway,
    chain: sender,
    sender,
    keeperAddress: wallet.address,
    policy,
    journal,
    classifier: new ErrorClassifier(abis.all),
    metrics: new KeeperMetrics(),
    log: silentLogger(),
    settings: jobSettings({ intervalMs: 1_000, txReceiptTimeoutMs: 30_000 }),
  });
  await job.init();
  return {
    job,
    journal,
    address: wallet.address,
    provider,
    async lastConfirmedHook(sinceId: number) {
      const row = journal.withStatus(["confirmed"], "demo").filter((r) => r.id > sinceId).pop();
      if (!row || !row.txHash || !row.callKind || !row.callTarget) return null;
      const receipt = await provider.getTransactionReceipt(row.txHash);
      if (!receipt) return null;
      const target = BigInt(row.callTarget);
      const op: Exclude<Op, { kind: "advance" }> = row.callKind === "repeg" ? { kind: "repeg", account: wallet.address, newPeg: target } : { kind: "updateK", account: wallet.address, newSqrtK: target };
      return { op, receipt: receipt as unknown as TransactionReceipt, row };
    },
    close() {
      journal.close();
    },
  };
}
