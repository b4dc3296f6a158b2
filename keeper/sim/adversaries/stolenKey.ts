/**
 * Stolen keeper key (DESIGN §9 adversaries, issue 13 attack 3): an attacker holding KEEPER_ROLE sends,
 * at every oracle tick (its own block; the hook cooldown and caps are all that pace it), the one hook
 * call that hurts the most within the rules, chosen greedily by the market's own previews:
 * 1. a repeg toward the oracle by the per-call maximum when it costs the budget (spending the cap):
 *    on the spot mark, or on the reference mark (the mark TWAP, SPEC §6) while it sits across the
 *    oracle from the spot mark, which lets the repeg move the spot mark away; the costlier of the two;
 * 2. otherwise the largest k decrease the rules allow (revenue for the budget, but a thinner curve for
 *    the traders: more slippage, and on curve-judged margin, liquidations).
 * k increases are left out: they deepen the curve (good for traders) and cost only what a repeg would.
 * It never trades, so its damage is what the hooks do: `spent` (budget paid out by its calls) and the
 * depth it removed; the harm to traders is measured paired (same seed without the key thief).
 */
import type { FastMarket } from "../fastMarket";
import { pegForMark } from "../curve";

export class StolenKeyActor {
  /** Budget paid out by the thief's hooks (Σ positive costs, quote). */
  spent = 0;
  /** Budget received by the thief's hooks (k decreases with a net position: Σ −cost). */
  received = 0;
  calls = 0;
  refused = 0;
  kDecreases = 0;
  repegs = 0;
  /** Smallest sqrtK the thief drove the curve to. */
  minSqrtK: number;

  constructor(private readonly m: FastMarket) {
    this.minSqrtK = m.sqrtK;
  }

  /** The thief's call at time t (an oracle tick: its own block, after the tick's trades). */
  act(t: number): void {
    const m = this.m;
    const p = m.params;
    const candidates: { kind: "repeg" | "kDown"; run: () => { cost: number; refusal: unknown }; cost: number }[] = [];
    const full = pegForMark(m.x, m.y, m.oracle);
    const maxMove = (m.peg * p.maxPegChangeBps * (1 - 1e-9)) / 1e4;
    const clip = (peg: number): number => Math.min(m.peg + maxMove, Math.max(m.peg - maxMove, peg));
    const newPeg = clip(full);
    if (newPeg !== m.peg) {
      const r = m.previewRepeg(newPeg, t);
      if (!r.refusal) candidates.push({ kind: "repeg", cost: r.cost, run: () => m.repeg(newPeg, t) });
    }
    // On the reference: toward the oracle as the mark TWAP sees it, as far as the reference may go.
    const ref = m.referenceMark(t);
    const refTarget = ref + (m.oracle - ref) * (1 - 1e-9); // a hair short: the guard has no float slack there
    const refPeg = clip((m.peg * refTarget) / ref);
    if (refPeg !== m.peg && refPeg !== newPeg) {
      const r = m.previewRepeg(refPeg, t);
      if (!r.refusal) candidates.push({ kind: "repeg", cost: r.cost, run: () => m.repeg(refPeg, t) });
    }
    // The largest decrease the shape allows: the per-call bound, and sqrtK must stay above |net position|.
    const floor = Math.abs(m.longOI - m.shortOI) * (1 + 1e-6);
    const down = Math.max((m.sqrtK * (1e4 - p.maxKDecreaseBps * (1 - 1e-9))) / 1e4, floor);
    if (down < m.sqrtK) {
      const rd = m.previewUpdateK(down, t);
      if (!rd.refusal) candidates.push({ kind: "kDown", cost: rd.cost, run: () => m.updateK(down, t) });
    }
    const costly = candidates.filter((c) => c.kind === "repeg" && c.cost > 0).sort((a, b) => b.cost - a.cost);
    const pick = costly[0] ?? candidates.find((c) => c.kind === "kDown");
    if (!pick) {
      this.refused++;
      return;
    }
    const r = pick.run();
    if (r.refusal) {
      this.refused++;
      return;
    }
    this.calls++;
    if (r.cost > 0) this.spent += r.cost;
    else this.received -= r.cost;
    if (pick.kind === "repeg") this.repegs++;
    else this.kDecreases++;
    if (m.sqrtK < this.minSqrtK) this.minSqrtK = m.sqrtK;
  }
}
