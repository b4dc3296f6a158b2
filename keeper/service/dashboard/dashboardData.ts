/**
 * The dashboard's JSON (GET /dashboard/data.json): built from the journal — every figure and
 * series a market shows is a journaled decision's observation, so what the page shows is what
 * the journal says — plus each job's last chain read for what is not journaled (daily-cap
 * headroom, oracle age, paused) and the keeper's health and replica role.
 */
import { actionLabel } from "../../policy/mdpConfig";
import { MAX_CHART_POINTS, downsample } from "../../charts/chartData";
import type { MarketSnapshot } from "../chain/types";
import type { HealthReport } from "../httpServer";
import type { DecisionRecord } from "../journal/journal";
import type { JournalStore } from "../journal/store";
import { wadToNumber } from "../observation";

export interface DashboardMarket {
  readonly name: string;
  /** The job's last chain read (undefined before its first tick). */
  snapshot(): MarketSnapshot | undefined;
}

/** Which replica this is and whether it holds the send lease (redundant keepers only). */
export interface ReplicaStatus {
  readonly replica: string;
  readonly active: boolean;
  readonly leaseExpiresAt?: number;
  readonly epoch?: number;
}

export interface DashboardSource {
  readonly journal: Pick<JournalStore, "list">;
  readonly markets: readonly DashboardMarket[];
  health(): HealthReport | Promise<HealthReport>;
  replica?(): ReplicaStatus | undefined;
  readonly policy?: string;
  readonly dryRun?: boolean;
}

export interface DecisionView {
  readonly id: number;
  readonly market: string;
  readonly slot: number;
  readonly blockTimestamp: number | null;
  readonly status: string;
  readonly action: string;
  readonly stateIndex: number;
  readonly actionIndex: number;
  readonly qValues: readonly number[];
  readonly mark: number;
  readonly oracle: number;
  readonly gapBps: number;
  readonly budget: number;
  readonly reason: string | null;
  readonly errorClass: string | null;
  readonly call: string | null;
  readonly txHash: string | null;
  readonly cost: number | null;
  readonly updatedAt: number;
}

export interface MarketView {
  readonly name: string;
  /** The newest journaled decision's figures (null before the first). */
  readonly latest: DecisionView | null;
  readonly live: {
    readonly blockNumber: number;
    readonly blockTimestamp: number;
    readonly budget: number;
    readonly dailyCapHeadroom: number | null;
    readonly paused: boolean;
    readonly oracleAgeS: number;
  } | null;
  /** Block timestamps (s) of the journaled decisions, one per block, and their figures. */
  readonly history: { readonly t: number[]; readonly mark: (number | null)[]; readonly oracle: (number | null)[]; readonly gapBps: (number | null)[]; readonly budget: (number | null)[] };
  /** Newest first. */
  readonly decisions: readonly DecisionView[];
  readonly counts: Readonly<Record<string, number>>;
}

export interface DashboardData {
  readonly generatedAt: number;
  readonly policy: string | null;
  readonly dryRun: boolean;
  readonly health: HealthReport;
  readonly replica: ReplicaStatus | null;
  readonly markets: readonly MarketView[];
  /** The newest journal rows over all markets, newest first. */
  readonly journalTail: readonly DecisionView[];
}

export interface DashboardLimits {
  /** Journal rows per market the charts are built from (then downsampled). */
  readonly historyRows: number;
  readonly decisions: number;
  readonly tail: number;
}

export const DEFAULT_DASHBOARD_LIMITS: DashboardLimits = { historyRows: 20_000, decisions: 25, tail: 40 };

export function gapBpsOf(mark: number, oracle: number): number {
  return oracle === 0 ? 0 : (mark / oracle - 1) * 10_000;
}

export function decisionView(r: DecisionRecord): DecisionView {
  const o = r.observation;
  return {
    id: r.id,
    market: r.market,
    slot: r.slot,
    blockTimestamp: r.blockTimestamp,
    status: r.status,
    action: actionLabel(r.action),
    stateIndex: r.stateIndex,
    actionIndex: r.actionIndex,
    qValues: r.qValues,
    mark: o.mark,
    oracle: o.oracle,
    gapBps: gapBpsOf(o.mark, o.oracle),
    budget: o.budget,
    reason: r.skipReason,
    errorClass: r.errorClass,
    call: r.callKind && r.callTarget ? `${r.callKind}(${r.callTarget})` : null,
    txHash: r.txHash,
    cost: r.cost === null ? null : wadToNumber(BigInt(r.cost)),
    updatedAt: r.updatedAt,
  };
}

/** One point per block: a reconciled row was decided again at the same slot. */
function history(rows: readonly DecisionRecord[]): MarketView["history"] {
  const bySlot = new Map<number, DecisionRecord>();
  for (const r of rows) if (r.status !== "reconciled" || !bySlot.has(r.slot)) bySlot.set(r.slot, r);
  const points = [...bySlot.values()].filter((r) => r.blockTimestamp !== null).sort((a, b) => a.slot - b.slot);
  const mark = points.map((r) => r.observation.mark);
  const oracle = points.map((r) => r.observation.oracle);
  const ds = downsample(
    points.map((r) => r.blockTimestamp!),
    [mark, oracle, points.map((r) => gapBpsOf(r.observation.mark, r.observation.oracle)), points.map((r) => r.observation.budget)],
    MAX_CHART_POINTS,
  );
  return { t: ds.x, mark: ds.series[0], oracle: ds.series[1], gapBps: ds.series[2], budget: ds.series[3] };
}

export async function dashboardData(src: DashboardSource, limits: DashboardLimits = DEFAULT_DASHBOARD_LIMITS, now: () => number = Date.now): Promise<DashboardData> {
  const markets: MarketView[] = [];
  for (const m of src.markets) {
    const rows = await src.journal.list(m.name, limits.historyRows);
    const views = rows.slice(-limits.decisions).reverse().map(decisionView);
    const counts: Record<string, number> = {};
    for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
    const s = m.snapshot();
    markets.push({
      name: m.name,
      latest: views[0] ?? null,
      live: s
        ? {
            blockNumber: s.blockNumber,
            blockTimestamp: s.blockTimestamp,
            budget: wadToNumber(s.budget),
            dailyCapHeadroom: s.dailyCapHeadroom === undefined ? null : wadToNumber(s.dailyCapHeadroom),
            paused: s.paused,
            oracleAgeS: Math.max(0, s.blockTimestamp - s.oracleUpdatedAt),
          }
        : null,
      history: history(rows),
      decisions: views,
      counts,
    });
  }
  const tail = (await src.journal.list(undefined, limits.tail)).reverse().map(decisionView);
  return {
    generatedAt: now(),
    policy: src.policy ?? null,
    dryRun: src.dryRun ?? false,
    health: await src.health(),
    replica: src.replica?.() ?? null,
    markets,
    journalTail: tail,
  };
}
