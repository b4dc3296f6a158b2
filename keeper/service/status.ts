/**
 * `npm run keeper -- status`: one screen per market from the chain and the journal, read-only —
 * role check, oracle age, gap, budget and daily-cap headroom, cooldown, the last decisions, and
 * what the next tick would do (the policy's decision, the planned call, the on-chain preview and
 * a simulation from the keeper's address; nothing is signed or sent).
 */
import type { Policy } from "../core/policyTypes";
import type { MarketGateway, MarketSnapshot } from "./chain/types";
import type { ErrorClassifier } from "./errors/classifyError";
import type { DecisionRecord } from "./journal/journal";
import type { JournalStore } from "./journal/store";
import type { MarketJobSettings } from "./marketJob";
import { VolatilityEstimator } from "../core/volatility";
import { gapBps, toObservation, wadToNumber } from "./observation";
import { planFromSnapshot } from "./planInput";

export interface MarketStatus {
  readonly market: string;
  readonly block: number;
  readonly keeper?: string;
  readonly role: "held" | "missing" | "unknown";
  readonly paused: boolean;
  readonly mark: number;
  readonly oracle: number;
  readonly gapBps: number;
  readonly oracleAgeSec: number;
  readonly oracleMaxAgeSec?: number;
  readonly budget: number;
  readonly dailyCapHeadroom?: number;
  readonly cooldownBlocksLeft?: number;
  readonly lastDecisions: readonly DecisionRecord[];
  readonly next: string;
}

export async function marketStatus(d: {
  market: string;
  gateway: MarketGateway;
  journal: JournalStore;
  policy: Policy;
  classifier: ErrorClassifier;
  keeperAddress?: string;
  settings: MarketJobSettings;
  decisions?: number;
}): Promise<MarketStatus> {
  const snap = await d.gateway.read();
  let role: MarketStatus["role"] = "unknown";
  if (d.keeperAddress && d.gateway.hasKeeperRole) role = (await d.gateway.hasKeeperRole(d.keeperAddress)) ? "held" : "missing";
  const cooldown = snap.lastHookBlock !== undefined && snap.hookCooldownBlocks !== undefined && snap.lastHookBlock > 0 ? Math.max(0, snap.lastHookBlock + snap.hookCooldownBlocks - (snap.blockNumber + 1)) : undefined;
  return {
    market: d.market,
    block: snap.blockNumber,
    ...(d.keeperAddress ? { keeper: d.keeperAddress } : {}),
    role,
    paused: snap.paused,
    mark: wadToNumber(snap.mark),
    oracle: wadToNumber(snap.oracle),
    gapBps: gapBps(snap.mark, snap.oracle),
    oracleAgeSec: snap.blockTimestamp - snap.oracleUpdatedAt,
    ...(snap.oracleMaxAgeSec !== undefined ? { oracleMaxAgeSec: snap.oracleMaxAgeSec } : {}),
    budget: wadToNumber(snap.budget),
    ...(snap.dailyCapHeadroom !== undefined ? { dailyCapHeadroom: wadToNumber(snap.dailyCapHeadroom) } : {}),
    ...(cooldown !== undefined ? { cooldownBlocksLeft: cooldown } : {}),
    lastDecisions: await d.journal.list(d.market, d.decisions ?? 5),
    next: await nextTick(d, snap),
  };
}

/** The next tick's decision as the job would take it, previewed and simulated, never sent. */
async function nextTick(d: Parameters<typeof marketStatus>[0], snap: MarketSnapshot): Promise<string> {
  // One price only: the volatility estimate starts empty, as in a freshly started keeper.
  const obs = toObservation(snap, new VolatilityEstimator().update(snap.blockTimestamp, wadToNumber(snap.oracle)), await d.journal.lastConfirmedTimestamp(d.market));
  const decision = d.policy.decide(obs);
  const plan = planFromSnapshot(decision.action, snap, { fitToBudget: d.settings.fitToBudget ?? true, minRepegBps: d.settings.minRepegBps, minFitFraction: d.settings.minFitFraction });
  const said = `policy ${d.policy.name}: ${JSON.stringify(decision.action)} (state ${decision.stateIndex})`;
  if ("skip" in plan) return `${said} → skip: ${plan.skip}`;
  const call = `${plan.call.kind}(${plan.call.target})`;
  try {
    const pv = await d.gateway.preview(plan.call);
    await d.gateway.simulate(plan.call);
    return `${said} → would send ${call}: cost ${wadToNumber(pv.cost).toFixed(4)}, new mark ${wadToNumber(pv.newMark).toFixed(4)}${d.settings.dryRun ? " (dry run: journaled only)" : ""}`;
  } catch (e) {
    return `${said} → ${call} would be refused: ${d.classifier.classify(e, { keeperAddress: d.keeperAddress }).reason}`;
  }
}

export function formatStatus(s: MarketStatus): string {
  const f = (n: number, dp = 2): string => n.toLocaleString("en-US", { maximumFractionDigits: dp, minimumFractionDigits: dp });
  const lines = [
    `── ${s.market} @ block ${s.block}${s.paused ? "  [PAUSED]" : ""}`,
    `  keeper      ${s.keeper ?? "(no address)"}  KEEPER_ROLE: ${s.role}`,
    `  mark        ${f(s.mark, 4)}   oracle ${f(s.oracle, 4)}   gap ${f(s.gapBps, 1)} bps`,
    `  oracle age  ${s.oracleAgeSec} s${s.oracleMaxAgeSec !== undefined ? ` (hooks accept ≤ ${s.oracleMaxAgeSec} s${s.oracleAgeSec > s.oracleMaxAgeSec ? ": STALE" : ""})` : ""}`,
    `  budget      ${f(s.budget)}${s.dailyCapHeadroom !== undefined ? `   daily-cap headroom ${f(s.dailyCapHeadroom)}` : ""}${s.cooldownBlocksLeft !== undefined ? `   cooldown ${s.cooldownBlocksLeft} block(s) left` : ""}`,
    `  next tick   ${s.next}`,
    `  last decisions (journal):`,
    ...(s.lastDecisions.length === 0
      ? ["    (none)"]
      : s.lastDecisions.map((r) => `    #${r.id} block ${r.slot} ${JSON.stringify(r.action)} ${r.status}${r.callKind ? ` ${r.callKind}(${r.callTarget})` : ""}${r.skipReason ? ` — ${r.skipReason}` : ""}${r.txHash ? ` tx ${r.txHash}` : ""}`)),
  ];
  return lines.join("\n");
}
