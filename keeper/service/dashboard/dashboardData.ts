/**
 * The dashboard's JSON (GET /dashboard/data.json): built from the journal — every figure and
 * series a market shows is a journaled decision's observation, so what the page shows is what
 * the journal says — plus each job's last chain read for what is not journaled (daily-cap
 * headroom, oracle age, paused) and the keeper's health and replica role.
 */
import { actionLabel } from "../../policy/mdpConfig";
import { MAX_CHART_POINTS, downsample } from "../../charts/chartData";
import type { MarketSnapshot } from "../rpc/types";
import type { HealthReport } from "../httpServer";
import type { DecisionRecord } from "../journal/journal";
import type { JournalStore } from "../journal/store";
import { gapBps } from "../../core/math/float/gap";
import { wadToNumber } from "../../core/math/wad/units";

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
  /** Rows by status among the market's newest `countedRows` journal rows. */
  readonly counts: Readonly<Record<string, number>>;
  readonly countedRows: number;
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
    gapBps: gapBps(o.mark, o.oracle),
    budget: o.budget,
    reason: r.skipReason,
    errorClass: r.errorClass,
    call: r.callKind && r.callTarget ? `${r.callKind}(${r.callTarget})` : null,
    txHash: r.txHash,
    cost: r.cost === null ? null : wadToNumber(BigInt(r.cost)),
    updatedAt: r.updatedAt,
  };
}

interface Point {
  readonly slot: number;
  readonly t: number;
  readonly mark: number;
  readonly oracle: number;
  readonly budget: number;
  readonly reconciled: boolean;
}

/** Rows read per market on a poll after the first (far more than a poll interval's ticks). */
const INCREMENT_ROWS = 500;

/**
 * Builds DashboardData on every poll without re-reading the whole history: the points (one per
 * block) are cached per market and only rows newer than the last one seen are read, so a poll
 * costs a few small journal reads — it runs on the keeper's event loop, between its ticks.
 * Observations never change once journaled; statuses do, so the decision lists are read fresh.
 */
export class DashboardFeed {
  private readonly points = new Map<string, { lastId: number; bySlot: Map<number, Point> }>();

  constructor(
    private readonly src: DashboardSource,
    private readonly limits: DashboardLimits = DEFAULT_DASHBOARD_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  async data(): Promise<DashboardData> {
    const { src, limits } = this;
    const markets: MarketView[] = [];
    for (const m of src.markets) {
      const recent = await src.journal.list(m.name, Math.max(limits.decisions, INCREMENT_ROWS));
      const history = await this.history(m.name, recent);
      const views = recent.slice(-limits.decisions).reverse().map(decisionView);
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
        history,
        decisions: views,
        counts: countStatuses(recent),
        countedRows: recent.length,
      });
    }
    const tail = (await src.journal.list(undefined, limits.tail)).reverse().map(decisionView);
    return {
      generatedAt: this.now(),
      policy: src.policy ?? null,
      dryRun: src.dryRun ?? false,
      health: await src.health(),
      replica: src.replica?.() ?? null,
      markets,
      journalTail: tail,
    };
  }

  private async history(market: string, recent: readonly DecisionRecord[]): Promise<MarketView["history"]> {
    let cache = this.points.get(market);
    // First poll, or more rows arrived since the last one than `recent` covers: read the window.
    if (!cache || (recent.length > 0 && recent[0].id > cache.lastId + 1 && recent.length >= INCREMENT_ROWS)) {
      cache = { lastId: 0, bySlot: new Map() };
      this.points.set(market, cache);
      this.add(cache, await this.src.journal.list(market, this.limits.historyRows));
    }
    this.add(cache, recent);
    const points = [...cache.bySlot.values()].sort((a, b) => a.slot - b.slot);
    const ds = downsample(
      points.map((p) => p.t),
      [points.map((p) => p.mark), points.map((p) => p.oracle), points.map((p) => gapBps(p.mark, p.oracle)), points.map((p) => p.budget)],
      MAX_CHART_POINTS,
    );
    return { t: ds.x, mark: ds.series[0], oracle: ds.series[1], gapBps: ds.series[2], budget: ds.series[3] };
  }

  /** One point per block: a reconciled row was decided again at the same slot (the live row wins). */
  private add(cache: { lastId: number; bySlot: Map<number, Point> }, rows: readonly DecisionRecord[]): void {
    for (const r of rows) {
      if (r.id <= cache.lastId) continue; // observations never change once journaled
      cache.lastId = Math.max(cache.lastId, r.id);
      if (r.blockTimestamp === null) continue;
      const had = cache.bySlot.get(r.slot);
      const reconciled = r.status === "reconciled";
      if (had && !had.reconciled && reconciled) continue;
      cache.bySlot.set(r.slot, { slot: r.slot, t: r.blockTimestamp, mark: r.observation.mark, oracle: r.observation.oracle, budget: r.observation.budget, reconciled });
    }
    // Bounded: the newest historyRows blocks.
    if (cache.bySlot.size > this.limits.historyRows) {
      const slots = [...cache.bySlot.keys()].sort((a, b) => a - b);
      for (const sl of slots.slice(0, slots.length - this.limits.historyRows)) cache.bySlot.delete(sl);
    }
  }
}

function countStatuses(rows: readonly DecisionRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of rows) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}

/** One-shot DashboardData (no cache carried between calls). */
export async function dashboardData(src: DashboardSource, limits: DashboardLimits = DEFAULT_DASHBOARD_LIMITS, now: () => number = Date.now): Promise<DashboardData> {
  return new DashboardFeed(src, limits, now).data();
}
