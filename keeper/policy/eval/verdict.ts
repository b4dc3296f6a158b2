/**
 * The project goal as issue 16 states it (DESIGN §9 "The goal"): the judged (learned) policy against
 * the best tuned rule — the rule with the highest mean net revenue on the same judged scenarios,
 * the strongest competitor there is — on paired units (seeds), per scenario family and overall:
 *  - net revenue ≥ 1.2× the rule's with a disjoint paired 95 % interval: the Student-t interval over
 *    units of (judged − m·rule) lies above 0, m = 1.2 (m = 0.8 when the rule's mean is negative, so
 *    "20 % better than the rule" keeps its meaning in a crash);
 *  - mean |mark − oracle| ≤ the rule's (the mean paired difference ≤ 0; its interval is shown);
 *  - CVaR 5 % of per-episode net revenue (mean of the worst 5 % of the group's episodes) ≥ the rule's.
 * A group with fewer than two units cannot give an interval and is NOT MET. The goal is MET only
 * when every family (the real-price windows included) and the overall group are MET.
 */
import type { EpisodeResult } from "./aggregate";
import { cvar, meanInterval, type Interval } from "./stats";

export const GOAL_REVENUE_RATIO = 1.2;
export const GOAL_CVAR_LEVEL = 0.05;
export const OVERALL = "overall";

export interface GoalOptions {
  /** The policy under judgement (the shipped/learned one). */
  readonly judged: string;
  /** The tuned rules it competes with; the best of them by overall mean net revenue is the comparator. */
  readonly rules: readonly string[];
  /** Scenario name → family. */
  readonly familyOf: (scenario: string) => string;
  /** Families in report order (others follow, sorted). */
  readonly familyOrder?: readonly string[];
}

export interface PolicyFigures {
  readonly netRevenue: Interval;
  readonly meanGapBps: Interval;
  readonly cvar5NetRevenue: number;
}

export interface GroupJudgement {
  /** A family name or "overall". */
  readonly group: string;
  /** Paired units (seeds) and episodes per policy in the group. */
  readonly units: number;
  readonly episodes: number;
  readonly figures: Readonly<Record<string, PolicyFigures>>;
  /** The margin factor m applied to the rule's revenue (1.2, or 0.8 when its mean is negative). */
  readonly margin: number;
  /** mean(judged)/mean(rule) when the rule's mean is positive, else null. */
  readonly ratio: number | null;
  /** Paired 95 % interval of judged − m·rule net revenue. */
  readonly revenueMargin: Interval;
  /** Paired 95 % interval of judged − rule mean |mark − oracle| (bps). */
  readonly gapDiff: Interval;
  readonly revenueMet: boolean;
  readonly trackingMet: boolean;
  readonly cvarMet: boolean;
  readonly met: boolean;
  /** Why the group could not be judged (too few units), if so. */
  readonly note?: string;
  /** The best rule of this group alone by mean net revenue, for information. */
  readonly bestRuleHere: string;
}

export interface Verdict {
  readonly met: boolean;
  readonly judged: string;
  readonly rule: string;
  /** Families, then "overall". */
  readonly groups: GroupJudgement[];
  /** One line per group and the GOAL line. */
  readonly lines: string[];
}

type Metric = "netRevenue" | "meanGapBps";

/** Per unit (seed): the mean of the policy's episodes of that seed in `eps`. */
function perUnit(eps: readonly EpisodeResult[], policy: string, metric: Metric): Map<number, number> {
  const sums = new Map<number, { s: number; n: number }>();
  for (const e of eps) {
    if (e.policy !== policy) continue;
    const a = sums.get(e.seed) ?? { s: 0, n: 0 };
    a.s += e.metrics[metric];
    a.n++;
    sums.set(e.seed, a);
  }
  return new Map([...sums].map(([k, v]) => [k, v.s / v.n]));
}

function paired(a: Map<number, number>, b: Map<number, number>, factor: number, what: string): Interval {
  const diffs: number[] = [];
  for (const [seed, v] of b) {
    const w = a.get(seed);
    if (w === undefined) throw new Error(`goal verdict: ${what}: no episode on seed ${seed} that the rule ran`);
    diffs.push(w - factor * v);
  }
  if (diffs.length !== a.size) throw new Error(`goal verdict: ${what}: the judged policy and the rule ran different seeds`);
  return meanInterval(diffs);
}

function figures(eps: readonly EpisodeResult[], policy: string): PolicyFigures {
  const mine = eps.filter((e) => e.policy === policy);
  if (mine.length === 0) throw new Error(`goal verdict: no episodes for ${policy}`);
  return {
    netRevenue: meanInterval([...perUnit(eps, policy, "netRevenue").values()]),
    meanGapBps: meanInterval([...perUnit(eps, policy, "meanGapBps").values()]),
    cvar5NetRevenue: cvar(mine.map((e) => e.metrics.netRevenue), GOAL_CVAR_LEVEL),
  };
}

function judgeGroup(group: string, eps: readonly EpisodeResult[], judged: string, rule: string, rules: readonly string[]): GroupJudgement {
  const policies = [judged, ...rules];
  const figs = Object.fromEntries(policies.map((p) => [p, figures(eps, p)]));
  const L = figs[judged];
  const R = figs[rule];
  const margin = R.netRevenue.mean >= 0 ? GOAL_REVENUE_RATIO : 2 - GOAL_REVENUE_RATIO;
  const revenueMargin = paired(perUnit(eps, judged, "netRevenue"), perUnit(eps, rule, "netRevenue"), margin, `${group} net revenue`);
  const gapDiff = paired(perUnit(eps, judged, "meanGapBps"), perUnit(eps, rule, "meanGapBps"), 1, `${group} mean gap`);
  const units = revenueMargin.n;
  const note = units < 2 ? `${units} paired unit: no interval` : undefined;
  const revenueMet = !note && revenueMargin.lo > 0;
  const trackingMet = !note && gapDiff.mean <= 0;
  const cvarMet = !note && L.cvar5NetRevenue >= R.cvar5NetRevenue;
  const bestRuleHere = rules.reduce((a, b) => (figs[b].netRevenue.mean > figs[a].netRevenue.mean ? b : a));
  return {
    group,
    units,
    episodes: eps.filter((e) => e.policy === judged).length,
    figures: figs,
    margin,
    ratio: R.netRevenue.mean > 0 ? L.netRevenue.mean / R.netRevenue.mean : null,
    revenueMargin,
    gapDiff,
    revenueMet,
    trackingMet,
    cvarMet,
    met: revenueMet && trackingMet && cvarMet,
    note,
    bestRuleHere,
  };
}

/** The best rule: the highest mean net revenue over all judged episodes (per-unit means). */
export function bestRule(episodes: readonly EpisodeResult[], rules: readonly string[]): string {
  if (rules.length === 0) throw new Error("goal verdict needs at least one tuned rule to compare with");
  const mean = (p: string) => meanInterval([...perUnit(episodes, p, "netRevenue").values()]).mean;
  return rules.reduce((a, b) => (mean(b) > mean(a) ? b : a));
}

export function judgeGoal(episodes: readonly EpisodeResult[], o: GoalOptions): Verdict {
  const rules = o.rules.filter((r) => r !== o.judged);
  const rule = bestRule(episodes, rules);
  const byFamily = new Map<string, EpisodeResult[]>();
  for (const e of episodes) {
    const f = o.familyOf(e.scenario);
    const list = byFamily.get(f) ?? [];
    list.push(e);
    byFamily.set(f, list);
  }
  const order = o.familyOrder ?? [];
  const families = [...byFamily.keys()].sort((a, b) => rank(order, a) - rank(order, b) || a.localeCompare(b));
  const groups = [...families.map((f) => judgeGroup(f, byFamily.get(f)!, o.judged, rule, rules)), judgeGroup(OVERALL, episodes, o.judged, rule, rules)];
  const met = groups.every((g) => g.met);
  const failing = groups.filter((g) => !g.met).map((g) => `${g.group} (${failedCriteria(g).join(", ")})`);
  const lines = [
    ...groups.map(summaryLine(o.judged, rule)),
    `GOAL ${met ? "MET" : "NOT MET"}: ${o.judged} vs the best tuned rule ${rule} (highest mean net revenue on these scenarios): net revenue ≥ ${GOAL_REVENUE_RATIO}× with the paired 95 % interval above the margin, mean |mark−oracle| ≤, CVaR 5 % ≥, in every family and overall` +
      (met ? "" : ` — failing: ${failing.join("; ")}`),
  ];
  return { met, judged: o.judged, rule, groups, lines };
}

function rank(order: readonly string[], f: string): number {
  if (f === OVERALL) return Number.MAX_SAFE_INTEGER;
  const i = order.indexOf(f);
  return i < 0 ? order.length : i;
}

export function failedCriteria(g: GroupJudgement): string[] {
  if (g.note) return [g.note];
  const out: string[] = [];
  if (!g.revenueMet) out.push("revenue");
  if (!g.trackingMet) out.push("tracking");
  if (!g.cvarMet) out.push("CVaR");
  return out;
}

const num = (x: number): string => {
  const a = Math.abs(x);
  if (a === 0) return "0";
  if (a >= 1e5 || a < 1e-2) return x.toExponential(3);
  return x.toFixed(a >= 100 ? 0 : 2);
};
const iv = (i: Interval): string => `${num(i.mean)} [${num(i.lo)}, ${num(i.hi)}]`;

const summaryLine = (judged: string, rule: string) => (g: GroupJudgement): string =>
  `${g.group} (n=${g.units}): ${g.met ? "MET" : "NOT MET"} — revenue ${g.ratio === null ? "n/a (rule's mean ≤ 0)" : g.ratio.toFixed(3) + "×"} ${g.revenueMet ? "✓" : "✗"}, ` +
  `gap ${num(g.figures[judged].meanGapBps.mean)} vs ${num(g.figures[rule].meanGapBps.mean)} bps ${g.trackingMet ? "✓" : "✗"}, ` +
  `CVaR ${num(g.figures[judged].cvar5NetRevenue)} vs ${num(g.figures[rule].cvar5NetRevenue)} ${g.cvarMet ? "✓" : "✗"}` +
  (g.note ? ` (${g.note})` : "");

/** One group's table (every policy judged) and its criterion lines. */
export function formatGroup(g: GroupJudgement, judged: string, rule: string): string {
  const policies = Object.keys(g.figures);
  const header = ["policy", "net revenue [95 %]", "mean |mark−oracle| bps [95 %]", "CVaR 5 % net revenue"];
  const rows = policies.map((p) => {
    const f = g.figures[p];
    const tag = p === judged ? " (judged)" : p === rule ? " (best rule)" : "";
    return [p + tag, iv(f.netRevenue), iv(f.meanGapBps), num(f.cvar5NetRevenue)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join(" | ");
  const mark = (ok: boolean) => (ok ? "MET" : "NOT MET");
  const L = g.figures[judged];
  const R = g.figures[rule];
  return [
    `── ${g.group}: ${g.units} paired units, ${g.episodes} episodes per policy; best rule in this group alone: ${g.bestRuleHere}`,
    line(header),
    widths.map((w) => "-".repeat(w)).join("-|-"),
    ...rows.map(line),
    `  net revenue ≥ ${GOAL_REVENUE_RATIO}× ${rule}: ratio ${g.ratio === null ? "n/a (rule's mean ≤ 0)" : g.ratio.toFixed(3) + "×"}; paired 95 % of ${judged} − ${g.margin}·${rule}: ${iv(g.revenueMargin)} → ${mark(g.revenueMet)}`,
    `  mean |mark−oracle| ≤ ${rule}'s: ${num(L.meanGapBps.mean)} vs ${num(R.meanGapBps.mean)} bps; paired 95 % of the difference ${iv(g.gapDiff)} → ${mark(g.trackingMet)}`,
    `  CVaR 5 % ≥ ${rule}'s: ${num(L.cvar5NetRevenue)} vs ${num(R.cvar5NetRevenue)} → ${mark(g.cvarMet)}`,
    `  ${g.group}: ${mark(g.met)}${g.note ? ` (${g.note})` : ""}`,
  ].join("\n");
}

/**
 * The whole judgement as text: the synthetic families, the overall group, the real-price windows in
 * their own section (with the windows they replay), then one verdict line per group and the GOAL line.
 */
export function formatGoal(v: Verdict, realFamily: string, realWindows: readonly string[] = []): string {
  const out: string[] = [];
  const fmt = (g: GroupJudgement) => formatGroup(g, v.judged, v.rule);
  const synthetic = v.groups.filter((g) => g.group !== OVERALL && g.group !== realFamily);
  const real = v.groups.find((g) => g.group === realFamily);
  out.push(`SCENARIO FAMILIES — ${v.judged} judged against ${v.rule}, the tuned rule with the highest mean net revenue on these scenarios`);
  for (const g of synthetic) out.push(fmt(g));
  out.push("", `OVERALL — every scenario judged${real ? ", real-price windows included" : ""}`, fmt(v.groups.find((g) => g.group === OVERALL)!));
  out.push("", "REAL-PRICE WINDOWS — reported on their own");
  if (real) {
    out.push(fmt(real));
    if (realWindows.length > 0) out.push(`  windows: ${realWindows.join("; ")}`);
  } else out.push("  (none in this scenario set)");
  out.push("", "VERDICT", ...v.lines);
  return out.join("\n");
}
