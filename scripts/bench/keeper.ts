/**
 * `npm run bench:keeper`: decision latency of the keeper, from the state read to the signed
 * transaction, per market. Each measured decision is one real MarketJob.tick() against the
 * in-process Hardhat network (EIP-1193 provider, no HTTP): reconcile → read marketState() +
 * oracle → decide (policies/default.json) → journal (SQLite file) → plan → preview → simulate
 * (eth_call + estimateGas) → fee quote → sign. The broadcast, mining and receipt wait are excluded:
 * the bench sender signs and stops the clock instead of broadcasting.
 * Between decisions the oracle moves ±0.1 % around the mark (a new block, outside the clock), so
 * the policy repegs or raises k every time. Writes out/bench/keeper.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import { BrowserProvider, Transaction, Wallet } from "ethers";
import { buildDammModule, marketId } from "../../ignition/modules/Damm";
import { loadContractAbis } from "../../keeper/service/chain/contractAbis";
import { EthersChainReader } from "../../keeper/service/chain/ethersTxSender";
import { EthersMarketGateway } from "../../keeper/service/chain/ethersMarketGateway";
import type { ReceiptInfo, TxRequest, TxSender } from "../../keeper/service/chain/types";
import { ErrorClassifier } from "../../keeper/service/errors/classifyError";
import { Journal } from "../../keeper/service/journal/journal";
import { silentLogger } from "../../keeper/service/logger";
import { MarketJob } from "../../keeper/service/marketJob";
import { KeeperMetrics } from "../../keeper/service/metrics";
import { loadKeeperPolicy } from "../../keeper/service/policy/loadKeeperPolicy";

const MARKETS = ["ETH-PERP", "BTC-PERP"];
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 1000);
const WARMUP = 50;
const GOAL_P99_MS = 5;
const KEEPER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"; // hardhat #2, local only
const ROOT = path.resolve(__dirname, "../..");

/** Signs like EthersTxSender (pending nonce, EIP-1559) and stops there: the chain is excluded. */
class SignOnlySender extends EthersChainReader implements TxSender {
  readonly address: string;
  signedAt = 0;
  /** Nothing is broadcast, so the node's pending nonce never moves: count locally on top of it. */
  private unsent = 0;
  constructor(provider: BrowserProvider, private readonly wallet: Wallet, private readonly chainId: bigint) {
    super(provider);
    this.address = wallet.address;
  }
  async send(req: TxRequest, onSigned: (txHash: string, nonce: number) => void): Promise<{ hash: string; nonce: number }> {
    const nonce = (await this.provider.getTransactionCount(this.address, "pending")) + this.unsent++;
    const signed = await this.wallet.signTransaction({ type: 2, chainId: this.chainId, nonce, value: 0n, ...req });
    const hash = Transaction.from(signed).hash as string;
    onSigned(hash, nonce);
    this.signedAt = performance.now();
    return { hash, nonce };
  }
  async waitForReceipt(): Promise<ReceiptInfo> {
    return { status: 1, gasUsed: 0n, effectiveGasPrice: 0n, blockNumber: 0 };
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

async function main(): Promise<void> {
  const deployed = await hre.ignition.deploy(buildDammModule(MARKETS, "DammBench"), { displayUi: false });
  const provider = new BrowserProvider(hre.network.provider as never, undefined, { cacheTimeout: -1 }); // BrowserProvider never batches (batchMaxCount 1)
  const chainId = (await provider.getNetwork()).chainId;
  const wallet = new Wallet(KEEPER_KEY, provider);
  const sender = new SignOnlySender(provider, wallet, chainId);
  const policy = loadKeeperPolicy(path.join(ROOT, "policies/default.json"));
  const classifier = new ErrorClassifier(loadContractAbis().all);
  const metrics = new KeeperMetrics();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-keeper-"));
  const journal = Journal.open(path.join(dir, "journal.sqlite"));
  const clearingHouse = await deployed.clearingHouse.getAddress();

  const markets = [];
  for (const name of MARKETS) {
    const id = marketId(name);
    const vamm = await deployed[`${id}_market`].getAddress();
    const oracle = deployed[`${id}_oracle`];
    const gateway = await EthersMarketGateway.connect(provider as never, { name, vamm, clearingHouse }, wallet.address);
    const job = new MarketJob({
      market: name,
      gateway,
      chain: sender,
      sender,
      keeperAddress: wallet.address,
      policy,
      journal,
      classifier,
      metrics,
      log: silentLogger(),
      settings: {
        dryRun: false,
        intervalMs: 100,
        txReceiptTimeoutMs: 1_000,
        maxConsecutiveFailures: 5,
        gas: { maxGasPerTx: 500_000, maxFeePerGasGwei: 100, maxPriorityFeePerGasGwei: 1 },
        backoff: { baseMs: 10, capMs: 10 },
        economics: { nativePriceQuote: 0, trackingValuePerBps: 0 },
      },
    });
    await job.init();
    markets.push({ name, job, oracle, vamm: deployed[`${id}_market`], samples: [] as number[], outcomes: new Map<string, number>() });
  }

  const t0 = performance.now();
  for (let i = 0; i < WARMUP + DECISIONS; i++) {
    for (const m of markets) {
      const mark = (await m.vamm.getFunction("markPrice")()) as bigint;
      const answer = (mark * (i % 2 === 0 ? 999n : 1001n)) / 1000n / 10n ** 10n; // ±0.1 %, 8 decimals
      await (await m.oracle.getFunction("setAnswer")(answer)).wait();
      sender.signedAt = 0;
      const start = performance.now();
      await m.job.tick();
      const outcome = m.job.lastOutcome ?? "?";
      if (i < WARMUP) continue;
      m.outcomes.set(outcome, (m.outcomes.get(outcome) ?? 0) + 1);
      if (sender.signedAt > 0) m.samples.push(sender.signedAt - start);
    }
  }
  const wallS = (performance.now() - t0) / 1000;

  const rows = markets.map((m) => {
    const s = [...m.samples].sort((a, b) => a - b);
    const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
    return {
      market: m.name,
      decisions: DECISIONS,
      signed: s.length,
      outcomes: Object.fromEntries(m.outcomes),
      p50Ms: +quantile(s, 0.5).toFixed(3),
      p90Ms: +quantile(s, 0.9).toFixed(3),
      p99Ms: +quantile(s, 0.99).toFixed(3),
      maxMs: +s[s.length - 1].toFixed(3),
      meanMs: +mean.toFixed(3),
      goalP99Ms: GOAL_P99_MS,
      meetsGoal: quantile(s, 0.99) <= GOAL_P99_MS,
    };
  });
  journal.close();

  const header = ["market", "decisions", "signed", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms", `p99 ≤ ${GOAL_P99_MS} ms`];
  const table = [header, ...rows.map((r) => [r.market, String(r.decisions), String(r.signed), r.p50Ms.toFixed(3), r.p90Ms.toFixed(3), r.p99Ms.toFixed(3), r.maxMs.toFixed(3), r.meanMs.toFixed(3), r.meetsGoal ? "yes" : "NO"])];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log("keeper decision latency: state read → signed transaction (chain excluded), in-process Hardhat network");
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  for (const r of rows) console.log(`${r.market} outcomes: ${JSON.stringify(r.outcomes)}`);
  const out = path.join(ROOT, "out", "bench", "keeper.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ bench: "keeper", measured: "MarketJob.tick() from tick start to the signed transaction; broadcast, mining and receipt excluded", policy: policy.name, provider: "in-process Hardhat (EIP-1193)", node: process.version, cpus: os.cpus().length, warmup: WARMUP, wallSeconds: +wallS.toFixed(1), markets: rows }, null, 2)}\n`,
  );
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
