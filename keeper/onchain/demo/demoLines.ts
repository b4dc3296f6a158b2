/**
 * The demo's three lines on one chain: the shipped keeper, no keeper, and the alternative (the best
 * rule, or the learned policy when the best rule is shipped), each on
 * the same seed and oracle path from the same chain state (evm_snapshot / evm_revert between runs),
 * each with the on-chain sandwich bot present, each starting at the same chain time. A line is one runner episode (keeper/onchain/runChain.ts,
 * trader agents untouched) plus what the demo reads around it: the protocol ledger from the
 * contracts' events, the bot's take, and tracking percentiles.
 */
import { Wallet, type Signer } from "ethers";
import type { Policy } from "../../core/policyTypes";
import { generateOraclePath } from "../../sim/oracle/paths";
import type { Scenario } from "../../sim/scenario";
import { deployDamm } from "../deploy";
import { runChainEpisode, type ChainRunEnv, type ChainRunOptions, type ChainRunResult } from "../runChain";
import { markLedgerStart, readProtocolLedger, type LedgerMark, type ProtocolLedger } from "./protocolLedger";
import { SandwichOnKeeper, type SandwichBotConfig, type SandwichBotReport } from "./sandwichOnKeeper";

/**
 * Which of the three a line is: the third is the best rule on validation, or the learned policy
 * when the shipped keeper is that rule (keeper/onchain/demo/bestRule.ts demoLineSpecs).
 */
export type DemoRole = "shipped" | "none" | "best-rule" | "learned";

export interface DemoLineSpec {
  readonly role: DemoRole;
  readonly label: string;
  /** null = no keeper. */
  readonly policy: Policy | null;
}

export interface Tracking {
  readonly meanBps: number;
  readonly p90Bps: number;
  readonly p95Bps: number;
  readonly samples: number;
}

export interface DemoLine {
  readonly spec: DemoLineSpec;
  readonly run: ChainRunResult;
  readonly ledger: ProtocolLedger;
  readonly bot: SandwichBotReport;
  readonly tracking: Tracking;
  /**
   * Chain time (s) when trading starts (after deployment and funding): the same in the keeper lines
   * of one demo, 1 s earlier with no keeper (the runner grants a keeper run's key its role in one more block).
   */
  readonly chainStart: number;
  /** Chain ↔ simulator mismatches: the runner's and the bot's own transactions'. */
  readonly mismatches: readonly string[];
  readonly seconds: number;
}

export interface DemoRunOptions {
  readonly scenario: Scenario;
  readonly days: number;
  readonly seed: number;
  readonly arrivalsPerDay: number;
  readonly stepSec?: number;
  /** The sandwich bot's account (not one of the runner's admin, liquidators or traders). */
  readonly botSigner: Signer;
  readonly bot: SandwichBotConfig;
  readonly onProgress?: ChainRunOptions["onProgress"];
  /**
   * Chain time (s) of the run's first block. Every line starts there, so the contracts' absolute-time
   * rules (the tumbling windows floor(t / window): the hooks' 1 h move cap, and the 24 h cost cap that
   * the AMM's funding payments share with the hooks) fall at the same phase of the run in every line
   * and in every invocation. Left to the wall clock, the start moves
   * with the time of day and with how long the previous line took, and so do the figures (measured:
   * the shipped keeper's budget vs no keeper from +3.4k to −9.5k over four phases of the hour).
   */
  readonly startTime?: number;
}

/** Window-aligned start: the first whole day after the chain's latest block. */
export async function alignedStartTime(env: ChainRunEnv): Promise<number> {
  const latest = await env.latestBlock();
  return (Math.floor(latest.timestamp / 86_400) + 1) * 86_400;
}

/** JSON-RPC calls the orchestration needs (Hardhat's provider). */
export interface SnapshotRpc {
  send(method: string, params: unknown[]): Promise<unknown>;
}

/** |mark − oracle| / oracle in bps at every sample of the run's trace (the runner's 5-minute grid). */
export function gapSeriesBps(r: ChainRunResult): number[] {
  return r.trace.mark.map((m, i) => (Math.abs(m - r.trace.oracle[i]) / r.trace.oracle[i]) * 1e4);
}

/** Mean and nearest-rank p90 / p95 of the gap samples (p95 by the runner's own rule). */
export function trackingOf(r: ChainRunResult): Tracking {
  const gaps = gapSeriesBps(r);
  const sorted = [...gaps].sort((a, b) => a - b);
  const q = (p: number): number => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0);
  return { meanBps: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length), p90Bps: q(0.9), p95Bps: q(0.95), samples: gaps.length };
}

/**
 * Deploys the market exactly as the runner would for this scenario (same sqrtK, starting price,
 * open-interest cap, budget, parameters), so the run can attach to it and the demo holds the
 * contracts the bot trades on. KEEPER_ROLE goes to a random address nobody holds the key of; each
 * keeper run gets the role for its own ephemeral key from the runner.
 */
async function deployForRun(env: ChainRunEnv, o: DemoRunOptions) {
  const sc = o.scenario;
  const horizon = Math.round(o.days * 86_400);
  const stepSec = o.stepSec ?? 300;
  const price = generateOraclePath(sc.oracle, horizon, stepSec, sc.seed + o.seed).prices[0];
  const params = sc.market.params as Record<string, number>;
  return deployDamm({ admin: env.admin, keeper: Wallet.createRandom().address }, { sqrtK: sc.market.sqrtK, price, maxOpenInterest: sc.market.sqrtK * 10, budget: sc.market.budget, params });
}

/** One line: deploy, run the runner's episode with the bot in front of the keeper, read the ledger. */
export async function runDemoLine(env: ChainRunEnv, o: DemoRunOptions, spec: DemoLineSpec): Promise<DemoLine> {
  const t0 = Date.now();
  if (o.startTime !== undefined) await env.rpc.send("evm_setNextBlockTimestamp", [o.startTime]);
  const c = await deployForRun(env, o);
  const botAddress = await o.botSigner.getAddress();
  const bot = new SandwichOnKeeper(c, o.botSigner, botAddress, env.admin, env.rpc, o.bot);
  let start: LedgerMark | null = null;
  const run = await runChainEpisode(
    { ...env, eip1193: bot.keeperProvider(env.eip1193) },
    {
      scenario: o.scenario,
      days: o.days,
      seed: o.seed,
      policy: spec.policy,
      arrivalsPerDay: o.arrivalsPerDay,
      stepSec: o.stepSec,
      attach: c.addresses,
      onProgress: o.onProgress,
      onStep: async (_t, api) => {
        start ??= await markLedgerStart(c);
        await bot.onStep(api.lockstep);
      },
      onTick: () => bot.afterTick(),
    },
    spec.label,
  );
  if (!start) throw new Error("demo: the run took no step (days too short for one 5-minute step?)");
  const ledger = await readProtocolLedger(c, start);
  const botReport = await bot.report();
  return { spec, run, ledger, bot: botReport, tracking: trackingOf(run), chainStart: (start as LedgerMark).time, mismatches: [...run.parityMismatches, ...botReport.mismatches], seconds: (Date.now() - t0) / 1000 };
}

/** The lines in order, each from the same chain state (the state is restored after each). */
export async function runDemoLines(env: ChainRunEnv, rpc: SnapshotRpc, o: DemoRunOptions, specs: readonly DemoLineSpec[], onLine?: (spec: DemoLineSpec, i: number) => DemoRunOptions["onProgress"]): Promise<DemoLine[]> {
  const lines: DemoLine[] = [];
  const startTime = o.startTime ?? (await alignedStartTime(env));
  for (const [i, spec] of specs.entries()) {
    const snapshot = await rpc.send("evm_snapshot", []);
    try {
      lines.push(await runDemoLine(env, { ...o, startTime, onProgress: onLine?.(spec, i) ?? o.onProgress }, spec));
    } finally {
      await rpc.send("evm_revert", [snapshot]);
    }
  }
  return lines;
}
