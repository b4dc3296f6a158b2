/**
 * `npm run bench:keeper`: decision latency of the keeper per market. Each measured decision is one
 * real MarketJob.tick() against the in-process Hardhat network through the keeper's own
 * KeeperRpcProvider, its wire swapped for EIP-1193 calls (no HTTP): reconcile →
 * read marketState() + oracle → decide (policies/default.json) → journal (SQLite file) → plan →
 * preview + simulate (eth_call + estimateGas) + fee quote → sign → hand to the transport. The
 * broadcast itself, mining and the receipt wait are excluded: the bench sender stops the clock where
 * EthersTxSender would call eth_sendRawTransaction.
 *
 * Every JSON-RPC request goes through ChainClock, which counts it and accumulates the wall time
 * during which at least one request is outstanding (send → response; overlapping requests count
 * once). Reported per market:
 *   keeper  = state read complete → tx handed to the transport, minus chain time in that window
 *             (the "chain excluded" figure of the goal);
 *   tick    = tick start → hand-off, minus chain time (reconcile and the read's own decoding too);
 *   e2e     = tick start → hand-off, chain included (nothing hidden);
 *   chain   = chain time inside e2e; rpc = JSON-RPC requests per decision.
 * Between decisions the oracle moves ±0.1 % around the mark (a new block, outside the clock), so
 * the policy repegs or raises k every time. Writes out/bench/keeper.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";
import pino from "pino";
import { type JsonRpcPayload, type JsonRpcResult, Wallet } from "ethers";
import { buildDammModule, marketId } from "../../ignition/modules/Damm";
import { loadContractAbis } from "../../keeper/service/chain/contractAbis";
import { EthersTxSender } from "../../keeper/service/chain/ethersTxSender";
import { EthersMarketGateway } from "../../keeper/service/chain/ethersMarketGateway";
import { KeeperRpcProvider } from "../../keeper/service/chain/rpcProvider";
import type { HookCall, HookPreview, MarketGateway, MarketSnapshot, ReceiptInfo } from "../../keeper/service/chain/types";
import { ErrorClassifier } from "../../keeper/service/errors/classifyError";
import { Journal } from "../../keeper/service/journal/journal";
import { createLogger } from "../../keeper/service/logger";
import { MarketJob } from "../../keeper/service/marketJob";
import { KeeperMetrics } from "../../keeper/service/metrics";
import { loadKeeperPolicy } from "../../keeper/service/policy/loadKeeperPolicy";

const MARKETS = ["ETH-PERP", "BTC-PERP"];
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 1000);
const WARMUP = 50;
const GOAL_P99_MS = 5;
const KEEPER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"; // hardhat #2, local only
const ROOT = path.resolve(__dirname, "../..");

interface Eip1193 {
  request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown>;
}

/** Times the chain: every JSON-RPC request from send to response, overlapping requests counted once. */
class ChainClock implements Eip1193 {
  calls = 0;
  readonly byMethod = new Map<string, number>();
  private inFlight = 0;
  private since = 0;
  private busy = 0;
  constructor(private readonly inner: Eip1193) {}

  /** Chain-busy milliseconds so far, including a request still outstanding. */
  busyMs(now = performance.now()): number {
    return this.busy + (this.inFlight > 0 ? now - this.since : 0);
  }

  async request(args: { method: string; params?: unknown[] | Record<string, unknown> }): Promise<unknown> {
    this.calls += 1;
    this.byMethod.set(args.method, (this.byMethod.get(args.method) ?? 0) + 1);
    if (this.inFlight++ === 0) this.since = performance.now();
    try {
      return await this.inner.request(args);
    } finally {
      if (--this.inFlight === 0) this.busy += performance.now() - this.since;
    }
  }
}

interface Mark {
  at: number;
  busy: number;
  calls: number;
}

/** Delegates to the real gateway; remembers when the state read completed. */
class TimedGateway implements MarketGateway {
  readDone?: Mark;
  constructor(private readonly inner: MarketGateway, private readonly mark: () => Mark) {}
  async read(): Promise<MarketSnapshot> {
    const s = await this.inner.read();
    this.readDone = this.mark();
    return s;
  }
  preview(call: HookCall): Promise<HookPreview> {
    return this.inner.preview(call);
  }
  simulate(call: HookCall): Promise<bigint> {
    return this.inner.simulate(call);
  }
  encode(call: HookCall): { to: string; data: string } {
    return this.inner.encode(call);
  }
}

/**
 * The production sender (pending nonce, local EIP-1559 signing, journal before broadcast) with the
 * broadcast replaced by the clock stop. Nothing is broadcast, so the node's pending nonce never
 * moves: count locally on top of it so every signed hash is new.
 */
class HandOffSender extends EthersTxSender {
  handed?: Mark;
  private unsent = 0;
  constructor(provider: KeeperRpcProvider, wallet: Wallet, private readonly mark: () => Mark) {
    super(provider, wallet);
  }
  protected override async nextNonce(): Promise<number> {
    return (await super.nextNonce()) + this.unsent++;
  }
  protected override async broadcast(): Promise<void> {
    this.handed = this.mark();
  }
  override async waitForReceipt(): Promise<ReceiptInfo> {
    return { status: 1, gasUsed: 0n, effectiveGasPrice: 0n, blockNumber: 0 };
  }
}

/**
 * The keeper's production provider (KeeperRpcProvider: batching, retries, static network) with its
 * wire swapped for the in-process node: each request of a batch goes to EIP-1193 `request`, errors
 * shaped as a node's JSON-RPC error answers (as ethers' BrowserProvider does).
 */
class InProcessRpcProvider extends KeeperRpcProvider {
  constructor(private readonly node: Eip1193) {
    super("http://in-process.invalid");
  }
  protected override transport(payload: JsonRpcPayload | JsonRpcPayload[]): Promise<JsonRpcResult[]> {
    const one = async (p: JsonRpcPayload): Promise<JsonRpcResult> => {
      try {
        return { id: p.id, result: await this.node.request({ method: p.method, params: p.params as unknown[] }) };
      } catch (e) {
        const err = e as { code?: number; data?: unknown; message?: string };
        return { id: p.id, error: { code: err.code ?? -32603, data: err.data, message: err.message ?? String(e) } } as unknown as JsonRpcResult;
      }
    };
    return Promise.all((Array.isArray(payload) ? payload : [payload]).map(one));
  }
}

function quantile(sorted: readonly number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

function stats(xs: readonly number[]): { p50: number; p90: number; p99: number; max: number; mean: number } {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x: number) => +x.toFixed(3);
  return { p50: r(quantile(s, 0.5)), p90: r(quantile(s, 0.9)), p99: r(quantile(s, 0.99)), max: r(s[s.length - 1]), mean: r(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)) };
}

async function main(): Promise<void> {
  const deployed = await hre.ignition.deploy(buildDammModule(MARKETS, "DammBench"), { displayUi: false });
  const clock = new ChainClock(hre.network.provider as Eip1193);
  const mark = (): Mark => ({ at: performance.now(), busy: clock.busyMs(), calls: clock.calls });
  const provider = new InProcessRpcProvider(clock);
  const wallet = new Wallet(KEEPER_KEY, provider);
  const sender = new HandOffSender(provider, wallet, mark);
  const policy = loadKeeperPolicy(path.join(ROOT, "policies/default.json"));
  const classifier = new ErrorClassifier(loadContractAbis().all);
  const metrics = new KeeperMetrics();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-keeper-"));
  const journal = Journal.open(path.join(dir, "journal.sqlite"));
  // A real info-level JSON logger, non-blocking, into /dev/null: logging cost is measured too.
  const log = createLogger("info", pino.destination({ dest: "/dev/null", sync: false }));
  const clearingHouse = await deployed.clearingHouse.getAddress();

  const markets = [];
  for (const name of MARKETS) {
    const id = marketId(name);
    const vamm = await deployed[`${id}_market`].getAddress();
    const oracle = deployed[`${id}_oracle`];
    const gateway = new TimedGateway(await EthersMarketGateway.connect(provider as never, { name, vamm, clearingHouse }, wallet.address), mark);
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
      log: log.child({ market: name }),
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
    const samples = { keeper: [] as number[], tick: [] as number[], e2e: [] as number[], chain: [] as number[], rpc: [] as number[] };
    markets.push({ name, job, gateway, oracle, vamm: deployed[`${id}_market`], samples, outcomes: new Map<string, number>() });
  }

  const methodsBefore = new Map<string, number>();
  const t0 = performance.now();
  for (let i = 0; i < WARMUP + DECISIONS; i++) {
    if (i === WARMUP) for (const [k, v] of clock.byMethod) methodsBefore.set(k, v);
    for (const m of markets) {
      const markPrice = (await m.vamm.getFunction("markPrice")()) as bigint;
      const answer = (markPrice * (i % 2 === 0 ? 999n : 1001n)) / 1000n / 10n ** 10n; // ±0.1 %, 8 decimals
      await (await m.oracle.getFunction("setAnswer")(answer)).wait();
      sender.handed = undefined;
      m.gateway.readDone = undefined;
      const start = mark();
      await m.job.tick();
      const outcome = m.job.lastOutcome ?? "?";
      if (i < WARMUP) continue;
      m.outcomes.set(outcome, (m.outcomes.get(outcome) ?? 0) + 1);
      const h = sender.handed as Mark | undefined;
      const r = m.gateway.readDone as Mark | undefined;
      if (!h || !r) continue;
      m.samples.keeper.push(h.at - r.at - (h.busy - r.busy));
      m.samples.tick.push(h.at - start.at - (h.busy - start.busy));
      m.samples.e2e.push(h.at - start.at);
      m.samples.chain.push(h.busy - start.busy);
      m.samples.rpc.push(h.calls - start.calls);
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  const perMethod = Object.fromEntries(
    [...clock.byMethod]
      .map(([k, v]) => [k, v - (methodsBefore.get(k) ?? 0)] as const)
      .filter(([, v]) => v > 0)
      .sort((a, b) => b[1] - a[1]),
  );

  const rows = markets.map((m) => {
    const keeper = stats(m.samples.keeper);
    return {
      market: m.name,
      decisions: DECISIONS,
      sent: m.samples.keeper.length,
      outcomes: Object.fromEntries(m.outcomes),
      keeperMs: keeper,
      tickKeeperMs: stats(m.samples.tick),
      endToEndMs: stats(m.samples.e2e),
      chainMs: stats(m.samples.chain),
      rpcPerDecision: stats(m.samples.rpc),
      goalP99Ms: GOAL_P99_MS,
      meetsGoal: keeper.p99 <= GOAL_P99_MS,
    };
  });
  journal.close();

  const f = (x: number) => x.toFixed(2);
  const header = ["market", "sent", "keeper p50", "keeper p99", "tick p50", "tick p99", "e2e p50", "e2e p99", "chain p50", "rpc/dec", `keeper p99 ≤ ${GOAL_P99_MS} ms`];
  const table = [
    header,
    ...rows.map((r) => [
      r.market,
      `${r.sent}/${r.decisions}`,
      f(r.keeperMs.p50),
      f(r.keeperMs.p99),
      f(r.tickKeeperMs.p50),
      f(r.tickKeeperMs.p99),
      f(r.endToEndMs.p50),
      f(r.endToEndMs.p99),
      f(r.chainMs.p50),
      r.rpcPerDecision.mean.toFixed(1),
      r.meetsGoal ? "yes" : "NO",
    ]),
  ];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  console.log("keeper decision latency (ms), in-process Hardhat network, JSON-RPC timed at the EIP-1193 boundary");
  console.log("  keeper = state read complete → tx handed to the transport, chain time excluded (the goal's figure)");
  console.log("  tick   = tick start → hand-off, chain time excluded;  e2e = tick start → hand-off, chain included");
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  for (const r of rows) console.log(`${r.market} outcomes: ${JSON.stringify(r.outcomes)}; keeper p90 ${f(r.keeperMs.p90)} max ${f(r.keeperMs.max)} mean ${f(r.keeperMs.mean)}`);
  const perDecision = Object.entries(perMethod).map(([k, v]) => `${k} ${(v / (DECISIONS * markets.length)).toFixed(2)}`);
  console.log(`JSON-RPC requests per decision (keeper only; the bench's oracle moves use another provider): ${perDecision.join(", ")}`);
  const out = path.join(ROOT, "out", "bench", "keeper.json");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify(
      {
        bench: "keeper",
        measured:
          "MarketJob.tick(); keeper = state read complete → signed tx handed to the transport minus JSON-RPC time; tick = tick start → hand-off minus JSON-RPC time; endToEnd = tick start → hand-off; broadcast, mining and receipt excluded",
        policy: policy.name,
        provider: "in-process Hardhat (EIP-1193), every request timed",
        node: process.version,
        cpus: os.cpus().length,
        loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
        warmup: WARMUP,
        wallSeconds: +wallS.toFixed(1),
        rpcRequestsByMethod: perMethod,
        markets: rows,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
