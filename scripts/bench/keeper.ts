/**
 * `npm run bench:keeper`: decision latency of the keeper per market. Each measured decision is one
 * real MarketJob.tick() through the keeper's own KeeperRpcProvider: reconcile → read marketState()
 * + oracle → decide (policies/default.json) → journal (SQLite file) → plan → preview + simulate
 * (eth_call + estimateGas) + fee quote → sign → hand to the transport. The broadcast itself, mining
 * and the receipt wait are excluded: the bench sender stops the clock where EthersTxSender would
 * call eth_sendRawTransaction. After each tick the bench does what Keeper does once no tick is in
 * flight (the journal's WAL checkpoint when due; a young-generation GC, with --expose-gc as the
 * npm script passes).
 *
 * The chain (keeperChain.ts, BENCH_CHAIN): `child` (default) runs the Hardhat network with the
 * bench's deployment in a child process behind HTTP JSON-RPC, as a keeper's remote node, at
 * niceness BENCH_CHAIN_NICE (default 10: it stands in for another machine, so on a 2-core box the
 * blocks it mines must not take the keeper's core; 0 measures the co-located worst case);
 * `inprocess` runs it in the keeper's own thread behind EIP-1193 (its work and garbage then land
 * in the keeper's windows). BENCH_SIGNER=ethers signs with ethers' JS signer instead of
 * libsecp256k1; BENCH_DECISIONS changes the 1,000 decisions per market.
 *
 * Every JSON-RPC exchange goes through ChainClock, which counts the requests and accumulates the
 * wall time during which at least one exchange is outstanding (overlaps count once). Reported per
 * market:
 *   keeper  = state read complete → tx handed to the transport, minus chain time in that window
 *             (the "chain excluded" figure of the goal);
 *   tick    = tick start → hand-off, minus chain time (reconcile and the read's own decoding too);
 *   e2e     = tick start → hand-off, chain included (nothing hidden);
 *   chain   = chain time inside e2e; rpc = JSON-RPC requests per decision.
 * Diagnostics for a shared machine: the keeper's main thread's run-queue wait inside its windows
 * (Linux schedstat: time the CPUs were taken by other load) and "keeper minus that wait"; the keeper
 * process's CPU time in its windows (getrusage, all threads; excludes run-queue and vCPU steal); the GC
 * pauses (perf_hooks) that fell inside keeper windows; what the slowest 1 % of windows were made of.
 * Between decisions the oracle moves ±0.1 % around the mark (a new block, outside the clock), so
 * the policy repegs or raises k every time. Writes out/bench/keeper.json.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import v8 from "node:v8";
import pino from "pino";
import { SigningKey, Wallet } from "ethers";
import { loadContractAbis } from "../../keeper/service/rpc/contractAbis";
import { EthersTxSender } from "../../keeper/service/rpc/ethersTxSender";
import { EthersMarketGateway } from "../../keeper/service/rpc/ethersMarketGateway";
import { NativeSigningKey, keeperSigningKey } from "../../keeper/service/rpc/nativeSigningKey";
import { KeeperRpcProvider } from "../../keeper/service/rpc/rpcProvider";
import type { HookCall, HookPreview, MarketGateway, MarketSnapshot, ReceiptInfo } from "../../keeper/service/rpc/types";
import { jobSettings } from "../../keeper/service/config/jobSettings";
import { ErrorClassifier } from "../../keeper/service/errors/classifyError";
import { Journal } from "../../keeper/service/journal/journal";
import { createLogger } from "../../keeper/service/logger";
import { betweenTicks, idleGcEnabled } from "../../keeper/service/idleGc";
import { MarketJob } from "../../keeper/service/marketJob";
import { KeeperMetrics } from "../../keeper/service/metrics";
import { loadKeeperPolicy } from "../../keeper/service/policy/loadKeeperPolicy";
import { type BenchChain, ChainClock, childChain, inProcessChain, processCpuUs, runQueueWaitNs } from "./keeperChain";

const MARKETS = ["ETH-PERP", "BTC-PERP"];
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 1000);
const WARMUP = 50;
const GOAL_P99_MS = 5;
const KEEPER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"; // hardhat #2, local only
const ROOT = path.resolve(__dirname, "../..");

interface Mark {
  at: number;
  busy: number;
  calls: number;
  /** The main thread's run-queue wait (ns): in all, and inside chain-busy time. */
  waitNs: number;
  busyWaitNs: number;
  /** The process's CPU time (µs): in all, and inside chain-busy time. */
  cpuUs: number;
  busyCpuUs: number;
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

/** node:perf_hooks' gc entry kinds (NODE_PERFORMANCE_GC_*). */
const GC_KIND: Record<number, string> = { 1: "scavenge", 2: "minor-ms", 4: "mark-compact", 8: "incremental", 16: "weak-callbacks" };

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
  const clock = new ChainClock();
  const mark = (): Mark => ({
    waitNs: runQueueWaitNs(),
    cpuUs: processCpuUs(),
    at: performance.now(),
    busy: clock.busyMs(),
    calls: clock.calls,
    busyWaitNs: clock.busyWaitNs,
    busyCpuUs: clock.busyCpuUs,
  });
  const mode = process.env.BENCH_CHAIN ?? "child";
  if (mode !== "child" && mode !== "inprocess") throw new Error(`BENCH_CHAIN=${mode}: expected child or inprocess`);
  const chain = mode === "child" ? await childChain(MARKETS, clock) : await inProcessChain(MARKETS, clock);
  try {
    await run(chain, clock, mark);
  } finally {
    await chain.close();
  }
}

async function run(chain: BenchChain, clock: ChainClock, mark: () => Mark): Promise<void> {
  const provider = chain.provider;
  const wallet = new Wallet(process.env.BENCH_SIGNER === "ethers" ? new SigningKey(KEEPER_KEY) : keeperSigningKey(KEEPER_KEY), provider);
  const sender = new HandOffSender(provider, wallet, mark);
  const policy = loadKeeperPolicy(path.join(ROOT, "policies/default.json"));
  const classifier = new ErrorClassifier(loadContractAbis().all);
  const metrics = new KeeperMetrics();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-keeper-"));
  const journal = Journal.open(path.join(dir, "journal.sqlite"));
  const idle = betweenTicks(journal);
  // A real info-level JSON logger, non-blocking, into /dev/null: logging cost is measured too.
  const log = createLogger("info", pino.destination({ dest: "/dev/null", sync: false }));
  const clearingHouse = chain.clearingHouse;

  const markets = [];
  for (const { name, vamm, oracle } of chain.markets) {
    const gateway = new TimedGateway(await EthersMarketGateway.connect(provider, { name, vamm, clearingHouse }, wallet.address), mark);
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
      settings: jobSettings({ intervalMs: 100, txReceiptTimeoutMs: 1_000, backoff: { baseMs: 10, capMs: 10 } }),
    });
    await job.init();
    const samples = { keeper: [] as number[], tick: [] as number[], e2e: [] as number[], chain: [] as number[], rpc: [] as number[], runq: [] as number[], uncontended: [] as number[], cpu: [] as number[] };
    const windows: [number, number][] = [];
    markets.push({ name, job, gateway, oracle, vamm, samples, windows, outcomes: new Map<string, number>() });
  }

  const methodsBefore = new Map<string, number>();
  // GC pauses (main-thread, from V8's performance entries), to count the ones inside keeper windows.
  const gcPauses: { start: number; end: number; kind: string }[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push({ start: e.startTime, end: e.startTime + e.duration, kind: GC_KIND[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? 0] ?? "other" });
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const t0 = performance.now();
  for (let i = 0; i < WARMUP + DECISIONS; i++) {
    if (i === WARMUP) for (const [k, v] of clock.byMethod) methodsBefore.set(k, v);
    for (const m of markets) {
      const markPrice = await chain.driver.markPrice(m.vamm);
      const answer = (markPrice * (i % 2 === 0 ? 999n : 1001n)) / 1000n / 10n ** 10n; // ±0.1 %, 8 decimals
      await chain.driver.setAnswer(m.oracle, answer);
      sender.handed = undefined;
      m.gateway.readDone = undefined;
      const start = mark();
      await m.job.tick();
      idle(); // what Keeper does once no tick is in flight: WAL checkpoint when due, young-generation GC
      const outcome = m.job.lastOutcome ?? "?";
      if (i < WARMUP) continue;
      m.outcomes.set(outcome, (m.outcomes.get(outcome) ?? 0) + 1);
      const h = sender.handed as Mark | undefined;
      const r = m.gateway.readDone as Mark | undefined;
      if (!h || !r) continue;
      const keeperMs = h.at - r.at - (h.busy - r.busy);
      const runQueueMs = (h.waitNs - r.waitNs - (h.busyWaitNs - r.busyWaitNs)) / 1e6;
      m.samples.keeper.push(keeperMs);
      m.samples.runq.push(runQueueMs);
      m.samples.uncontended.push(keeperMs - runQueueMs);
      m.samples.cpu.push((h.cpuUs - r.cpuUs - (h.busyCpuUs - r.busyCpuUs)) / 1000);
      m.windows.push([r.at, h.at]);
      m.samples.tick.push(h.at - start.at - (h.busy - start.busy));
      m.samples.e2e.push(h.at - start.at);
      m.samples.chain.push(h.busy - start.busy);
      m.samples.rpc.push(h.calls - start.calls);
    }
  }
  const wallS = (performance.now() - t0) / 1000;
  await new Promise((r) => setImmediate(r)); // deliver the last GC entries
  gcObserver.disconnect();
  /** The slowest `share` of keeper windows, averaged: how much of them was GC and waiting for a CPU (the rest is the keeper's own work). */
  const slowest = (x: { keeper: number[]; runq: number[] }, windows: readonly (readonly [number, number])[], share: number) => {
    const idx = x.keeper.map((_, i) => i).sort((a, b) => x.keeper[b] - x.keeper[a]).slice(0, Math.max(1, Math.round(x.keeper.length * share)));
    const mean = (f: (i: number) => number) => +(idx.reduce((t, i) => t + f(i), 0) / idx.length).toFixed(2);
    const gcMs = (i: number) => gcPauses.reduce((t, g) => t + Math.max(0, Math.min(windows[i][1], g.end) - Math.max(windows[i][0], g.start)), 0);
    return {
      n: idx.length,
      keeperMs: mean((i) => x.keeper[i]),
      runQueueMs: mean((i) => x.runq[i]),
      gcMs: mean(gcMs),
    };
  };
  const gcInWindows = (windows: readonly (readonly [number, number])[]) => {
    const perWindow = windows.map(([a, b]) => gcPauses.reduce((t, g) => t + Math.max(0, Math.min(b, g.end) - Math.max(a, g.start)), 0));
    const hit = perWindow.filter((x) => x > 0);
    return { windowsWithGc: hit.length, gcMsInWindows: +hit.reduce((a, b) => a + b, 0).toFixed(1), maxGcMsInAWindow: +Math.max(0, ...hit).toFixed(2) };
  };
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
      keeperRunQueueWaitMs: stats(m.samples.runq),
      keeperUncontendedMs: stats(m.samples.uncontended),
      keeperCpuMs: stats(m.samples.cpu),
      gc: gcInWindows(m.windows),
      slowest1Pct: slowest(m.samples, m.windows, 0.01),
      goalP99Ms: GOAL_P99_MS,
      meetsGoal: keeper.p99 <= GOAL_P99_MS,
    };
  });
  journal.close();

  const f = (x: number) => x.toFixed(2);
  const signer = wallet.signingKey instanceof NativeSigningKey ? "libsecp256k1 (native)" : "ethers (@noble/curves)";
  const newSpace = v8.getHeapSpaceStatistics().find((h) => h.space_name === "new_space");
  const keeperFlags = [...process.execArgv, process.env.NODE_OPTIONS ?? "", `(new space ${((newSpace?.space_size ?? 0) / 2 ** 20).toFixed(0)} MiB now)`].filter((x) => x).join(" ");
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
  console.log(`keeper decision latency (ms); chain: ${chain.description}`);
  console.log(`keeper process: node ${process.version} flags [${keeperFlags}], signer ${signer}, young-generation GC between ticks ${idleGcEnabled ? "on" : "off (no --expose-gc)"}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log("  keeper = state read complete → tx handed to the transport, chain time excluded (the goal's figure)");
  console.log("  tick   = tick start → hand-off, chain time excluded;  e2e = tick start → hand-off, chain included");
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
  for (const r of rows) console.log(`${r.market} outcomes: ${JSON.stringify(r.outcomes)}; keeper p90 ${f(r.keeperMs.p90)} max ${f(r.keeperMs.max)} mean ${f(r.keeperMs.mean)}`);
  for (const r of rows) {
    const q = r.keeperRunQueueWaitMs;
    const u = r.keeperUncontendedMs;
    const t = r.slowest1Pct;
    const c = r.keeperCpuMs;
    console.log(`${r.market} keeper CPU time (the process's, all threads, chain exchanges excluded; immune to CPU / vCPU steal) p50 ${f(c.p50)} p90 ${f(c.p90)} p99 ${f(c.p99)} max ${f(c.max)}`);
    console.log(`${r.market} slowest ${t.n} keeper windows, mean ${f(t.keeperMs)} ms, of which GC ${f(t.gcMs)}, waiting for a CPU ${f(t.runQueueMs)}`);
    console.log(`${r.market} keeper, main thread waiting for a CPU (other load) p50 ${f(q.p50)} p99 ${f(q.p99)} max ${f(q.max)}; keeper minus that wait p50 ${f(u.p50)} p90 ${f(u.p90)} p99 ${f(u.p99)} max ${f(u.max)}; GC pauses in ${r.gc.windowsWithGc} keeper windows, ${r.gc.gcMsInWindows} ms in all, ≤ ${r.gc.maxGcMsInAWindow} ms in one`);
  }
  {
    const all = gcPauses.reduce((t, g) => t + g.end - g.start, 0);
    const kinds = new Map<string, { n: number; ms: number }>();
    for (const g of gcPauses) {
      const k = kinds.get(g.kind) ?? { n: 0, ms: 0 };
      kinds.set(g.kind, { n: k.n + 1, ms: k.ms + g.end - g.start });
    }
    const byKind = [...kinds].map(([k, v]) => `${k} ${v.n}× ${v.ms.toFixed(0)} ms`).join(", ");
    console.log(`GC over the run (warm-up included): ${gcPauses.length} pauses, ${all.toFixed(0)} ms (${(all / 10 / wallS).toFixed(1)} % of the wall time): ${byKind}`);
  }
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
        chain: chain.description,
        node: process.version,
        keeperNodeFlags: keeperFlags,
        signer,
        idleGc: idleGcEnabled,
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
