/**
 * One on-chain episode (DESIGN §7 traders against the real contracts), every op mirrored into
 * MarketCore through Lockstep so the budget and the books can be compared at the end:
 * - ≥ 20 trader accounts, each informed with probability λ_i. The agents are the simulator's
 *   (keeper/sim/traders.ts, demand.ts), converted to transactions: informed traders trade toward the
 *   oracle when the gap beats fee + edge (`informedOrder`: size that moves the mark to the oracle,
 *   capped by capital and the block's fluctuation band) and close when the gap is gone; uninformed
 *   ones send `uninformedOrder` (side 50/50, lognormal notional growing with depth, margin =
 *   notional/leverage) capped by what the account holds, and close after an exponential holding time;
 * - liquidators close accounts under maintenance margin; funding is settled when due;
 * - the mock oracle follows a scenario path (keeper/sim/oracle), optionally overridden;
 * - the real keeper (keeper/service MarketJob) ticks every decision interval when a policy is given.
 * Arrivals follow the simulator's demand model (keeper/sim/demand.ts: rate and size both respond to
 * depth by the scenario's elasticities), thinned by one explicit factor `arrivalScale` (one transaction
 * per op on-chain is far slower than the simulator); the factor depends on the scenario only, so every
 * policy sees the same thinning.
 */
import type { Signer, Eip1193Provider } from "ethers";
import type { Policy } from "../core/policyTypes";
import { arrivalRateAt, uninformedOrder } from "../sim/demand";
import { generateOraclePath } from "../sim/oracle/paths";
import { SimRng } from "../sim/rng";
import type { Scenario } from "../sim/scenario";
import { attachDamm, deployDamm, fundAccounts, type DammAddresses, type DammContracts } from "./deploy";
import { Lockstep, type RpcSender } from "./lockstep";
import { compareValues, compareViews, within, PARITY_TOLERANCE } from "./compare";
import { readChainState, simState } from "./chainState";
import { startChainKeeper, ephemeralKeeperWallet, type ChainKeeper } from "./keeperLoop";
import { describeOp, type Op, type StepResult } from "./ops";
import { fromWad, toOracleAnswer, toWad } from "./wad";
import { informedOrder, informedShouldClose } from "./informedOrder";
import type { DecisionRecord } from "../service/journal/journal";

export interface ChainRunEnv {
  readonly eip1193: Eip1193Provider;
  readonly rpc: RpcSender;
  readonly admin: Signer;
  readonly liquidators: readonly Signer[];
  readonly traders: readonly Signer[];
  readonly latestBlock: () => Promise<{ number: number; timestamp: number }>;
}

export interface ChainRunOptions {
  readonly scenario: Scenario;
  /** Simulated days (overrides the scenario's horizon). */
  readonly days: number;
  readonly seed: number;
  /** Keeper policy; null = static run (no keeper). */
  readonly policy: Policy | null;
  /**
   * Thinning of the scenario's arrivals on-chain: the rate is arrivalScale × the simulator's
   * depth-dependent rate. Give it directly, or as `arrivalsPerDay` (the rate at the reference depth,
   * from which the scale is derived); default 1 (no thinning).
   */
  readonly arrivalScale?: number;
  readonly arrivalsPerDay?: number;
  /** Oracle update / bookkeeping step (s). */
  readonly stepSec?: number;
  /** Keeper decision interval (s); default the scenario's. */
  readonly decisionIntervalSec?: number;
  /** Replace the oracle path: price at t seconds from the start. */
  readonly oracleAt?: (t: number, pathPrice: number) => number;
  readonly onProgress?: (done: number, total: number, info: { gapBps: number; budget: number; updates: number }) => void;
  /** Called after every keeper tick (e2e suites inspect the job and the journal). */
  readonly onTick?: (info: { t: number; keeper: ChainKeeper; outcome: string | undefined; mark: number; oracle: number }) => void;
  /** Called at every step after the oracle update; may inject ops through `apply` (mirrored). */
  readonly onStep?: (t: number, api: { apply(op: Op): Promise<StepResult>; lockstep: Lockstep; traders: readonly string[] }) => Promise<void>;
  /**
   * Trade against an existing, untraded deployment (e.g. scripts/deploy.ts on `npx hardhat node`)
   * instead of deploying one; the admin signer must hold DEFAULT_ADMIN_ROLE (to grant the in-loop
   * keeper its role) and the mock token and feed must be the public-mint mocks.
   */
  readonly attach?: DammAddresses;
  /** Stop trading new positions from this second on (e2e: let the keeper work alone). */
  readonly quietAfterSec?: number;
}

export interface HookRecord {
  readonly t: number;
  readonly kind: "repeg" | "updateK";
  readonly cost: number;
  readonly simCost: number;
}

export interface ChainRunResult {
  readonly label: string;
  /** The thinning applied to the scenario's arrival rate (same for every policy of a scenario). */
  readonly arrivalScale: number;
  readonly contracts: DammContracts;
  /** Trader accounts that are informed (the rest are uninformed). */
  readonly informedAccounts: number;
  readonly trades: number;
  readonly refusedTrades: number;
  readonly liquidations: number;
  readonly fundingSettlements: number;
  readonly volume: number;
  readonly fees: number;
  readonly budgetStart: number;
  readonly budgetEnd: number;
  readonly simBudgetEnd: number;
  readonly reservedEnd: number;
  readonly hookCost: number;
  readonly updatesSent: number;
  readonly gapMeanBps: number;
  readonly gapP95Bps: number;
  readonly informedPnl: number;
  readonly uninformedPnl: number;
  readonly gasTraders: bigint;
  readonly gasKeeper: bigint;
  readonly vaultBalance: number;
  readonly owedAfterWithdrawals: number;
  readonly parityMismatches: readonly string[];
  readonly hooks: readonly HookRecord[];
  readonly trace: { readonly t: number[]; readonly mark: number[]; readonly oracle: number[]; readonly budget: number[]; readonly imbalance: number[] };
  readonly journal: readonly DecisionRecord[];
  /** Bad debt of the run from the chain's BadDebtRecorded events, and the market's uncovered figure. */
  readonly badDebt: { readonly total: number; readonly fromReserve: number; readonly fromBudget: number; readonly uncovered: number; readonly events: number; readonly uncoveredOfMarket: number };
  /** The simulator mirror's uncovered bad debt at the end. */
  readonly simUncoveredBadDebt: number;
  /** Lowest budget + reserved share seen at a step (what was left to cover bad debt). */
  readonly minCover: number;
  readonly keeperHalted: boolean;
  readonly keeperHaltReason?: string;
}

interface TraderState {
  readonly signer: Signer;
  readonly address: string;
  readonly informed: boolean;
  deposited: number;
  closeAt: number;
}

const DEPOSIT_UNINFORMED = 100_000;

export async function runChainEpisode(env: ChainRunEnv, o: ChainRunOptions, label: string): Promise<ChainRunResult> {
  const sc = o.scenario;
  const horizon = Math.round(o.days * 86_400);
  const stepSec = o.stepSec ?? 300;
  const decisionSec = o.decisionIntervalSec ?? sc.decisionIntervalSec;
  const path = generateOraclePath(sc.oracle, horizon, stepSec, sc.seed + o.seed);
  const price0 = path.prices[0];
  const oracleAt = (t: number): number => {
    const p = path.prices[Math.min(path.prices.length - 1, Math.floor(t / stepSec))];
    return o.oracleAt ? o.oracleAt(t, p) : p;
  };
  const params = sc.market.params as Record<string, number>;
  const wallet = ephemeralKeeperWallet();
  const c = o.attach
    ? attachDamm(o.attach, env.admin)
    : await deployDamm({ admin: env.admin, keeper: wallet.address }, { sqrtK: sc.market.sqrtK, price: oracleAt(0) || price0, maxOpenInterest: sc.market.sqrtK * 10, budget: sc.market.budget, params });
  // On an existing deployment the run's own keeper gets KEEPER_ROLE for this run only (revoked below).
  const grantedRole = o.attach && o.policy ? await c.market.KEEPER_ROLE() : undefined;
  if (grantedRole) await (await c.market.grantRole(grantedRole, wallet.address)).wait();
  try {
    return await runEpisodeBody(env, o, label, c, wallet, stepSec, decisionSec, horizon, oracleAt);
  } finally {
    if (grantedRole) await (await c.market.revokeRole(grantedRole, wallet.address)).wait();
  }
}

async function runEpisodeBody(
  env: ChainRunEnv,
  o: ChainRunOptions,
  label: string,
  c: DammContracts,
  wallet: ReturnType<typeof ephemeralKeeperWallet>,
  stepSec: number,
  decisionSec: number,
  horizon: number,
  oracleAt: (t: number) => number,
): Promise<ChainRunResult> {
  const sc = o.scenario;
  await env.rpc.send("hardhat_setBalance", [wallet.address, "0x56BC75E2D63100000"]);
  const accounts = [...env.traders, ...env.liquidators];
  await fundAccounts(c, env.admin, accounts, 10_000_000, 0);
  const signers = new Map<string, Signer>();
  for (const s of [env.admin, ...accounts]) signers.set(await s.getAddress(), s);
  const ls = await Lockstep.create({ contracts: c, signers, rpc: env.rpc, latestBlock: env.latestBlock });
  const core = ls.core;
  const adminAddr = await env.admin.getAddress();
  const liqAddrs = await Promise.all(env.liquidators.map((l) => l.getAddress()));

  const rng = new SimRng(o.seed * 7919 + 17);
  const traders: TraderState[] = [];
  for (const s of env.traders) traders.push({ signer: s, address: await s.getAddress(), informed: rng.next() < sc.traders.informedProb, deposited: 0, closeAt: Infinity });
  // At least one of each kind, so both PnL lines exist.
  if (!traders.some((t) => t.informed)) (traders[0] as { informed: boolean }).informed = true;
  if (traders.every((t) => t.informed)) (traders[traders.length - 1] as { informed: boolean }).informed = false;

  const mismatches: string[] = [];
  let trades = 0;
  let refused = 0;
  let liquidations = 0;
  let fundings = 0;
  let volume = 0;
  let fees = 0;
  const feeBps = core.getParams().feeBps;
  const run = async (op: Op): Promise<StepResult> => {
    const r = await ls.apply(op);
    if (r.chain.ok !== r.sim.ok || (!r.chain.ok && !r.sim.ok && r.chain.error !== r.sim.error)) {
      mismatches.push(`${describeOp(op)}: chain ${r.chain.ok ? "ok" : r.chain.error} sim ${r.sim.ok ? "ok" : r.sim.error}`);
    } else if (r.chain.ok && r.sim.ok) {
      for (const m of compareValues(r.chain.values, r.sim.values)) mismatches.push(`${describeOp(op)} ${m.what}: chain ${m.chain} sim ${m.sim}`);
    }
    if (r.chain.ok && (op.kind === "open" || op.kind === "close" || op.kind === "liquidate")) {
      const fee = r.chain.values.fee ?? 0;
      fees += fee;
      volume += (fee * 1e4) / feeBps;
    }
    return r;
  };

  for (const t of traders) {
    const amount = t.informed ? sc.traders.informed.capital : DEPOSIT_UNINFORMED;
    t.deposited = amount;
    await run({ kind: "deposit", account: t.address, amount6: BigInt(Math.round(amount * 1e6)) });
  }
  await run({ kind: "setOracle", account: adminAddr, answer: toOracleAnswer(oracleAt(0)) });

  const keeper = o.policy ? await startChainKeeper(env.eip1193, c.addresses, o.policy, wallet) : null;
  const hooks: HookRecord[] = [];
  let lastHookRow = 0;
  let gasKeeper = 0n;
  const trace = { t: [] as number[], mark: [] as number[], oracle: [] as number[], budget: [] as number[], imbalance: [] as number[] };
  const gaps: number[] = [];
  const budgetStart = core.state().budget;
  let minCover = Infinity;
  const t0 = ls.time;
  const sqrtKRef = sc.traders.sqrtKRef ?? sc.market.sqrtK;
  const arrivalScale = chainArrivalScale(sc, o);
  const steps = Math.floor(horizon / stepSec);
  let nextDecision = 0;

  const liquidateUnderwater = async (): Promise<void> => {
    const mm = core.getParams().mmBps / 1e4;
    for (const t of traders) {
      const p = core.getPosition(t.address);
      if (p && p.size !== 0 && core.marginRatio(t.address) < mm) {
        const r = await run({ kind: "liquidate", account: liqAddrs[rng.int(liqAddrs.length)], trader: t.address, base: 0n });
        if (r.chain.ok) liquidations++;
      }
    }
  };

  const informedOpen = async (t: TraderState): Promise<void> => {
    const s = core.state();
    const held = core.getPosition(t.address);
    const order = informedOrder({ ...s, feeBps, fluctuationLimitBps: core.getParams().fluctuationLimitBps }, held?.size ?? 0, sc.traders.informed, core.freeCollateral(t.address));
    if (!order) return;
    const r = await run({ kind: "open", account: t.address, isLong: order.isLong, quote: toWad(order.quote), margin: toWad(order.margin), baseLimit: 0n });
    if (r.chain.ok) trades++;
    else refused++;
  };

  const uninformedOpen = async (t: TraderState): Promise<void> => {
    const u = sc.traders.uninformed;
    const order = uninformedOrder(sc.traders, core.state().sqrtK, sqrtKRef, rng.normal(), rng.next());
    // The account's own cap: 90 % of its free collateral as margin (the mirror's float ledger vs the exact one).
    const qq = Math.min(order.quote, core.freeCollateral(t.address) * u.leverage * 0.9);
    if (qq < 10) return;
    const r = await run({ kind: "open", account: t.address, isLong: order.isLong, quote: toWad(qq), margin: toWad((order.margin * qq) / order.quote), baseLimit: 0n });
    if (r.chain.ok) {
      trades++;
      t.closeAt = ls.time + -Math.log(1 - rng.next()) * u.holdingMeanSec;
    } else refused++;
  };

  const close = async (t: TraderState): Promise<void> => {
    const r = await run({ kind: "close", account: t.address, base: 0n, quoteLimit: 0n });
    if (r.chain.ok) {
      trades++;
      t.closeAt = Infinity;
    } else refused++;
  };

  for (let i = 0; i < steps; i++) {
    const tStep = i * stepSec;
    await run({ kind: "advance", seconds: Math.max(0, t0 + tStep - ls.nextTime) });
    await run({ kind: "setOracle", account: adminAddr, answer: toOracleAnswer(oracleAt(tStep)) });
    await o.onStep?.(tStep, { apply: run, lockstep: ls, traders: traders.map((t) => t.address) });
    if (ls.time >= core.state().lastFundingTime + core.getParams().fundingPeriod) {
      const r = await run({ kind: "settleFunding", account: liqAddrs[0] });
      if (r.chain.ok) fundings++;
    }
    if (keeper && tStep >= nextDecision) {
      nextDecision = tStep + decisionSec;
      await ls.pinNextTimestamp();
      await keeper.job.tick();
      const hook = await keeper.lastConfirmedHook(lastHookRow);
      if (hook) {
        lastHookRow = hook.row.id;
        const block = await hook.receipt.getBlock();
        const r = ls.mirrorExternal(hook.op, hook.receipt, block.timestamp);
        gasKeeper += hook.receipt.gasUsed;
        if (!r.sim.ok) mismatches.push(`keeper ${describeOp(hook.op)}: chain ok, sim ${r.sim.error}`);
        else for (const m of compareValues(r.chain.ok ? r.chain.values : {}, r.sim.values)) mismatches.push(`keeper ${describeOp(hook.op)} ${m.what}: chain ${m.chain} sim ${m.sim}`);
        hooks.push({ t: tStep, kind: hook.op.kind as "repeg" | "updateK", cost: r.chain.ok ? r.chain.values.cost : NaN, simCost: r.sim.ok ? r.sim.values.cost : NaN });
      } else {
        await ls.syncClock();
      }
      const s = core.state();
      o.onTick?.({ t: tStep, keeper, outcome: keeper.job.lastOutcome, mark: s.mark, oracle: s.oracle });
    }
    await liquidateUnderwater();
    // Informed holders close when their edge is gone; uninformed ones on their own schedule.
    for (const t of traders) {
      const p = core.getPosition(t.address);
      if (!p) continue;
      const s = core.state();
      if (t.informed ? informedShouldClose(p.size, s.mark, s.oracle) : ls.time >= t.closeAt) await close(t);
    }
    // Arrivals in this step (Poisson), each to an idle trader of the drawn kind.
    const quiet = o.quietAfterSec !== undefined && tStep >= o.quietAfterSec;
    let n = 0;
    const lambda = arrivalScale * arrivalRateAt(sc.traders, core.state().sqrtK, sqrtKRef) * stepSec;
    for (let acc = -Math.log(1 - rng.next()); acc < lambda; acc += -Math.log(1 - rng.next())) n++;
    for (let k = 0; k < n && !quiet; k++) {
      const wantInformed = rng.next() < sc.traders.informedProb;
      // Informed traders may add to a position while the edge lasts; uninformed ones hold one at a time.
      const idle = traders.filter((t) => t.informed === wantInformed && (wantInformed || !core.getPosition(t.address)));
      if (idle.length === 0) continue;
      const t = idle[rng.int(idle.length)];
      await run({ kind: "advance", seconds: Math.floor(rng.next() * (stepSec / (n + 1))) });
      if (t.informed) await informedOpen(t);
      else await uninformedOpen(t);
    }
    const s = core.state();
    const gap = ((s.mark - s.oracle) / s.oracle) * 1e4;
    gaps.push(Math.abs(gap));
    trace.t.push(tStep);
    trace.mark.push(s.mark);
    trace.oracle.push(s.oracle);
    trace.budget.push(s.budget);
    trace.imbalance.push(s.longOI - s.shortOI);
    minCover = Math.min(minCover, s.budget + s.reservedShare);
    o.onProgress?.(i + 1, steps, { gapBps: gap, budget: s.budget, updates: hooks.length });
  }

  // Wind down: everyone closes (liquidations first), then withdraws what it is owed.
  await run({ kind: "setOracle", account: adminAddr, answer: toOracleAnswer(oracleAt(horizon)) });
  await liquidateUnderwater();
  for (const t of traders) if (core.getPosition(t.address)) await close(t);
  const traderAddrs = traders.map((t) => t.address);
  let informedPnl = 0;
  let uninformedPnl = 0;
  for (const t of [...traders, ...liqAddrs.map((a) => ({ address: a, informed: false, deposited: 0 }))]) {
    const freeWad = await c.clearingHouse.freeCollateral(t.address);
    // Leave one token unit: the mirror's float ledger may sit up to ~1e-7 below the exact one.
    const amount6 = freeWad / 10n ** 12n > 1n ? freeWad / 10n ** 12n - 1n : 0n;
    if (amount6 > 0n) await run({ kind: "withdraw", account: t.address, amount6 });
    if (!traderAddrs.includes(t.address)) continue;
    const pnl = Number(amount6) / 1e6 - t.deposited;
    if (t.informed) informedPnl += pnl;
    else uninformedPnl += pnl;
  }
  const chainView = await readChainState(c, [...traderAddrs, ...liqAddrs]);
  for (const m of compareViews(chainView, simState(core, [...traderAddrs, ...liqAddrs]))) mismatches.push(`final ${m.what}: chain ${m.chain} sim ${m.sim}`);
  const vault = fromWad((await c.usdc.balanceOf(c.addresses.clearingHouse)) * 10n ** 12n);
  let owed = chainView.ledger.budget + chainView.ledger.reservedShare;
  for (const f of chainView.free.values()) owed += f;
  const sorted = [...gaps].sort((a, b) => a - b);
  let gasTraders = 0n;
  for (const g of ls.gasByKind.values()) gasTraders += g.gas;
  const journal = keeper ? keeper.journal.list("demo", 100_000) : [];
  const badDebt = { total: 0, fromReserve: 0, fromBudget: 0, uncovered: 0, events: 0, uncoveredOfMarket: fromWad(await c.clearingHouse.uncoveredBadDebtOf(c.addresses.market)) };
  for (const e of await c.clearingHouse.queryFilter(c.clearingHouse.filters.BadDebtRecorded())) {
    badDebt.total += fromWad(e.args.amount);
    badDebt.fromReserve += fromWad(e.args.fromReserve);
    badDebt.fromBudget += fromWad(e.args.fromBudget);
    badDebt.uncovered += fromWad(e.args.uncovered);
    badDebt.events++;
  }
  const halted = keeper?.job.isHalted ?? false;
  const haltReason = keeper?.job.whyHalted;
  keeper?.close();
  return {
    label,
    arrivalScale,
    contracts: c,
    informedAccounts: traders.filter((t) => t.informed).length,
    trades,
    refusedTrades: refused,
    liquidations,
    fundingSettlements: fundings,
    volume,
    fees,
    budgetStart,
    budgetEnd: chainView.ledger.budget,
    simBudgetEnd: core.state().budget,
    reservedEnd: chainView.ledger.reservedShare,
    hookCost: hooks.reduce((a, h) => a + (Number.isFinite(h.cost) ? h.cost : 0), 0),
    updatesSent: hooks.length,
    gapMeanBps: gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length),
    gapP95Bps: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] : 0,
    informedPnl,
    uninformedPnl,
    gasTraders,
    gasKeeper,
    vaultBalance: vault,
    owedAfterWithdrawals: owed,
    parityMismatches: mismatches,
    hooks,
    trace,
    journal,
    badDebt,
    simUncoveredBadDebt: core.state().uncoveredBadDebt,
    minCover,
    keeperHalted: halted,
    keeperHaltReason: haltReason,
  };
}

/** The run's thinning factor: `arrivalScale`, or `arrivalsPerDay` over the scenario's daily rate at the reference depth. */
export function chainArrivalScale(sc: Scenario, o: Pick<ChainRunOptions, "arrivalScale" | "arrivalsPerDay">): number {
  if (o.arrivalScale !== undefined && o.arrivalsPerDay !== undefined) throw new Error("runChainEpisode: give arrivalScale or arrivalsPerDay, not both");
  const scale = o.arrivalScale ?? (o.arrivalsPerDay !== undefined ? o.arrivalsPerDay / (sc.traders.arrivalRatePerSec * 86_400) : 1);
  if (!(Number.isFinite(scale) && scale > 0)) throw new Error(`runChainEpisode: arrival scale must be a positive number, got ${scale} (arrivalScale ${o.arrivalScale}, arrivalsPerDay ${o.arrivalsPerDay})`);
  return scale;
}

/** Budget parity of a run: the chain's budget equals the mirror's within the parity tolerance. */
export function budgetAgrees(r: ChainRunResult): boolean {
  return within(r.budgetEnd, r.simBudgetEnd, PARITY_TOLERANCE);
}

export { fromWad };
