/**
 * Seeded op generator for the chain ↔ simulator parity test. It decides each next op from the
 * mirror's state (MarketCore runs in lockstep with the chain, so both see the same market):
 * opens / increases / reduces / reverses / closes with lognormal notionals and random leverage,
 * margin changes, funding on schedule, oracle moves, repegs and k updates (some deliberately out
 * of bounds), liquidations of accounts under maintenance, "squeezes" that push a high-leverage
 * long under water, and a sprinkle of invalid calls so reverts are compared too.
 * Issue 13: bad oracle rounds (stale, non-positive, incomplete) followed by the calls they must
 * refuse (opens, margin removals) and those they must not (closes, margin additions); repegs small
 * enough to fit the rolling move cap, with some that overrun it; runs of k decreases that hit the
 * rolling k-decrease cap; the squeeze's oracle drop observed at once, so the volatility breaker
 * refuses the opens that follow. Steps are kept off integer bps (the caps count ceil(bps), where the
 * float mirror and the integer contract could round apart on an exact integer).
 */
import { SimRng } from "../../../keeper/sim/rng";
import type { MarketCore } from "../../../keeper/sim/marketCore";
import type { Op } from "../../../keeper/onchain/ops";
import { toOracleAnswer, toWad } from "../../../keeper/onchain/wad";

export interface SequenceAccounts {
  readonly traders: readonly string[];
  readonly liquidators: readonly string[];
  readonly keeper: string;
}

export class ParitySequence {
  private readonly rng: SimRng;
  private oracle: number;
  private opCount = 0;
  private squeeze: { victim: string; step: number } | null = null;
  private kDirection = 1;
  /** Pending ops of a multi-op episode (a bad oracle round and the calls that follow it). */
  private queue: Op[] = [];

  constructor(seed: number, private readonly core: MarketCore, private readonly a: SequenceAccounts) {
    this.rng = new SimRng(seed);
    this.oracle = core.state().oracle;
  }

  /** The next batch of ops (usually one; hooks come with a fresh oracle answer first). */
  next(): Op[] {
    const r = this.rng;
    const core = this.core;
    const s = core.state();
    const ops: Op[] = [{ kind: "advance", seconds: 5 + r.int(55) }];
    this.opCount++;
    if (this.queue.length > 0) return [...ops, this.queue.shift()!];

    // Liquidators sweep every position under maintenance first.
    for (const t of this.a.traders) {
      const p = core.getPosition(t);
      if (p && p.size !== 0 && core.marginRatio(t) < core.getParams().mmBps / 1e4) {
        const partial = r.next() < 0.3 ? toWad(Math.abs(p.size) * 0.3) : 0n;
        ops.push({ kind: "liquidate", account: this.pick(this.a.liquidators), trader: t, base: partial });
        return ops;
      }
    }
    if (s.now + 60 >= s.lastFundingTime + core.getParams().fundingPeriod) {
      ops.push(this.moveOracle(0.002), { kind: "advance", seconds: 60 }, { kind: "settleFunding", account: this.pick(this.a.liquidators) });
      return ops;
    }
    if (this.squeeze) return [...ops, ...this.squeezeStep()];
    if (this.opCount % 150 === 0) {
      const victim = this.a.traders.find((t) => !core.getPosition(t));
      if (victim) {
        this.squeeze = { victim, step: 0 };
        return [...ops, ...this.squeezeStep()];
      }
    }
    const u = r.next();
    if (u < 0.06) return [...ops, this.moveOracle(0.004)];
    // Hooks often enough that ≥ 20 of each pass the rolling move and k-decrease caps.
    if (u < 0.11) {
      // repegToward when the rolling move window has room to fit a step, else a plain repeg (which
      // may overrun it: Vamm_HookMoveCapExceeded).
      return [...ops, this.moveOracle(0.001), this.moveRoomBps() >= 3 && r.next() < 0.5 ? this.repegToward() : this.repeg(0.2 + r.next() * 1.1)];
    }
    if (u < 0.155) return [...ops, this.moveOracle(0.001), this.updateK()];
    if (u < 0.165) return [...ops, { kind: "observeOracle", account: this.a.keeper }];
    if (u < 0.185) return [...ops, this.invalid()];
    if (u < 0.195) return [...ops, ...this.badOracleRound()];
    return [...ops, this.trade(this.pick(this.a.traders))];
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.rng.int(xs.length)];
  }

  private moveOracle(vol: number): Op {
    this.oracle *= Math.exp(vol * this.rng.normal());
    return { kind: "setOracle", account: this.a.keeper, answer: toOracleAnswer(this.oracle) };
  }

  private lognormal(median: number, sd: number): number {
    return median * Math.exp(sd * this.rng.normal());
  }

  trade(t: string): Op {
    const r = this.rng;
    const p = this.core.getPosition(t);
    if (!p || p.size === 0) {
      const q = this.lognormal(15_000, 0.8);
      const lev = 1.5 + r.next() * 8;
      return { kind: "open", account: t, isLong: r.next() < 0.5, quote: toWad(q), margin: toWad(q / lev), baseLimit: 0n };
    }
    const u = r.next();
    const isLong = p.size > 0;
    if (u < 0.3) return { kind: "close", account: t, base: 0n, quoteLimit: 0n };
    if (u < 0.45) return { kind: "close", account: t, base: toWad(Math.abs(p.size) * (0.1 + 0.8 * r.next())), quoteLimit: 0n };
    if (u < 0.6) {
      // Opposite side: reduce (small) or reverse (larger than the position's value).
      const value = Math.abs(p.openNotional);
      const q = r.next() < 0.5 ? value * (0.1 + 0.5 * r.next()) : value * (1.2 + r.next());
      return { kind: "open", account: t, isLong: !isLong, quote: toWad(q), margin: toWad(q / 6), baseLimit: 0n };
    }
    if (u < 0.68) return { kind: "addMargin", account: t, amount: toWad(p.margin * 0.2 * r.next() + 1) };
    if (u < 0.76) return { kind: "removeMargin", account: t, amount: toWad(p.margin * 0.3 * r.next() + 1) };
    const q = this.lognormal(8_000, 0.7);
    return { kind: "open", account: t, isLong, quote: toWad(q), margin: toWad(q / (2 + 6 * r.next())), baseLimit: 0n };
  }

  /** Repeg toward the oracle by `fraction` of the gap (> 1 overshoots: Vamm_PastOracle). */
  repeg(fraction: number): Op {
    const s = this.core.state();
    const target = s.mark + (this.oracle - s.mark) * fraction;
    let newPeg = (target * s.x) / s.y;
    // Mostly a clipped step of 15–50 % of maxPegChangeBps (several fit the rolling move cap, and
    // runs of them overrun it: Vamm_HookMoveCapExceeded); one in eight left unclipped (may be refused).
    const maxBps = this.core.getParams().maxPegChangeBps;
    const maxMove = (s.peg * maxBps * (0.15 + 0.35 * this.rng.next())) / 1e4;
    if (this.rng.next() < 0.875) newPeg = Math.min(s.peg + maxMove, Math.max(s.peg - maxMove, newPeg));
    return { kind: "repeg", account: this.a.keeper, newPeg: toWad(newPeg) };
  }

  /** What the rolling move cap still allows now (bps): maxPegChangeBps − (prev + cur) as a hook would roll them. */
  private moveRoomBps(): number {
    const s = this.core.state();
    const p = this.core.getParams();
    const idx = Math.floor(s.now / p.hookWindowSeconds);
    const used = idx === s.move.windowIndex ? s.move.prevBps + s.move.curBps : idx === s.move.windowIndex + 1 ? s.move.curBps : 0;
    return p.maxPegChangeBps - used;
  }

  /**
   * repegToward the oracle's peg with a minimum: mostly a fraction of the way (fits), sometimes the
   * whole way (the move cap or the budget cuts it short: Vamm_RepegBelowMinimum).
   */
  repegToward(): Op {
    const s = this.core.state();
    const target = (this.oracle * s.x) / s.y;
    const minFraction = this.rng.next() < 0.7 ? 0.05 * this.rng.next() : 0.9 + 0.1 * this.rng.next();
    const minPeg = s.peg + (target - s.peg) * minFraction;
    return { kind: "repegToward", account: this.a.keeper, targetPeg: toWad(target), minPeg: toWad(minPeg) };
  }

  updateK(): Op {
    const s = this.core.state();
    // Random directions (runs of decreases happen) so the rolling k-decrease cap binds now and then.
    this.kDirection = this.rng.next() < 0.5 ? 1 : -1;
    // Mostly inside [−2.2 %, +1 %]; one in six just outside (Vamm_KChangeOutOfBounds).
    let stepBps = this.kDirection > 0 ? 20 + this.rng.int(110) : -(30 + this.rng.int(220));
    // Exactly on a bound the float and the integer comparison may round apart: step off it; and off
    // integer bps (the caps count ceil(bps)).
    if (stepBps === 100 || stepBps === -220) stepBps += this.kDirection;
    stepBps += this.kDirection * 0.37;
    return { kind: "updateK", account: this.a.keeper, newSqrtK: toWad(s.sqrtK * (1 + stepBps / 1e4)) };
  }

  /**
   * A bad oracle round (stale, non-positive or incomplete), then an open and a margin removal that
   * must be refused with its Oracle_* error, a margin addition that must go through, and a fresh
   * answer that ends it.
   */
  private badOracleRound(): Op[] {
    const r = this.rng;
    const s = this.core.state();
    const answer = toOracleAnswer(this.oracle);
    const kind = r.int(3);
    const round: Op =
      kind === 0
        ? { kind: "setRound", account: this.a.keeper, answer, updatedAt: s.now - this.core.getParams().maxOracleAgeMargin - 600, lag: 0 }
        : kind === 1
          ? { kind: "setRound", account: this.a.keeper, answer: -answer, updatedAt: s.now, lag: 0 }
          : { kind: "setRound", account: this.a.keeper, answer, updatedAt: s.now, lag: 1 };
    const t = this.pick(this.a.traders);
    const p = this.core.getPosition(t);
    const q = this.lognormal(5_000, 0.5);
    this.queue.push({ kind: "open", account: t, isLong: r.next() < 0.5, quote: toWad(q), margin: toWad(q / 4), baseLimit: 0n });
    if (p && p.size !== 0) {
      this.queue.push({ kind: "removeMargin", account: t, amount: toWad(1) });
      this.queue.push({ kind: "addMargin", account: t, amount: toWad(10) });
    }
    this.queue.push({ kind: "setOracle", account: this.a.keeper, answer });
    return [round];
  }

  /** A call that must revert on both sides, with the same error. */
  private invalid(): Op {
    const r = this.rng;
    const t = this.pick(this.a.traders);
    const p = this.core.getPosition(t);
    switch (r.int(5)) {
      case 0:
        return { kind: "withdraw", account: t, amount6: BigInt(Math.ceil((this.core.freeCollateral(t) + 10) * 1e6)) };
      case 1:
        return p ? { kind: "close", account: t, base: toWad(Math.abs(p.size) * 1.5), quoteLimit: 0n } : { kind: "close", account: t, base: 0n, quoteLimit: 0n };
      case 2:
        return { kind: "open", account: t, isLong: r.next() < 0.5, quote: toWad(50_000), margin: toWad(2_000), baseLimit: 0n };
      case 3:
        return p ? { kind: "liquidate", account: this.pick(this.a.liquidators), trader: t, base: 0n } : { kind: "settleFunding", account: t };
      default:
        return { kind: "removeMargin", account: t, amount: toWad((p?.margin ?? 0) + 1_000) };
    }
  }

  /** A 9.5x long, then the oracle drops 6 % and shorts + downward repegs push the mark after it. */
  private squeezeStep(): Op[] {
    const sq = this.squeeze!;
    const step = sq.step++;
    if (step === 0) return [{ kind: "open", account: sq.victim, isLong: true, quote: toWad(40_000), margin: toWad(40_000 / 9.5), baseLimit: 0n }];
    if (step === 1) {
      // Observed at once: more than oracleBreakerBps from the TWAP, so the breaker refuses opens.
      this.oracle *= 0.94;
      return [{ kind: "setOracle", account: this.a.keeper, answer: toOracleAnswer(this.oracle) }, { kind: "observeOracle", account: this.a.keeper }];
    }
    const p = this.core.getPosition(sq.victim);
    if (!p || step > 14) {
      this.squeeze = null;
      return [this.trade(this.pick(this.a.traders))];
    }
    if (step % 2 === 0) return [{ kind: "setOracle", account: this.a.keeper, answer: toOracleAnswer(this.oracle) }, this.repeg(0.999)];
    const shorter = this.pick(this.a.traders.filter((t) => t !== sq.victim));
    return [{ kind: "open", account: shorter, isLong: false, quote: toWad(30_000), margin: toWad(10_000), baseLimit: 0n }];
  }
}
