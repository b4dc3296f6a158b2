/** Flat Q-table: row-major [state][action] in one Float64Array, with per-entry visit counts. */
export class QTable {
  readonly q: Float64Array;
  readonly visits: Uint32Array;

  constructor(
    readonly nStates: number,
    readonly nActions: number,
    q?: Float64Array,
    visits?: Uint32Array,
  ) {
    if (!Number.isInteger(nStates) || nStates <= 0) throw new Error(`Q-table needs a positive state count, got ${nStates}`);
    if (!Number.isInteger(nActions) || nActions <= 0) throw new Error(`Q-table needs a positive action count, got ${nActions}`);
    const n = nStates * nActions;
    if (q && q.length !== n) throw new Error(`Q-table has ${q.length} entries, expected ${nStates} states × ${nActions} actions = ${n}`);
    if (visits && visits.length !== n) throw new Error(`visit counts have ${visits.length} entries, expected ${n}`);
    this.q = q ?? new Float64Array(n);
    this.visits = visits ?? new Uint32Array(n);
  }

  get(s: number, a: number): number {
    return this.q[s * this.nActions + a];
  }

  row(s: number): number[] {
    return Array.from(this.q.subarray(s * this.nActions, (s + 1) * this.nActions));
  }

  /** Best action of a state; ties go to the lowest index, so an unvisited state holds (action 0). */
  greedy(s: number): number {
    return argmaxRow(this.q, s, this.nActions);
  }

  maxValue(s: number): number {
    return this.q[s * this.nActions + this.greedy(s)];
  }

  /** Best allowed action (see argmaxRowMasked); `mask` undefined = all actions. */
  greedyMasked(s: number, mask: number | undefined): number {
    return mask === undefined ? this.greedy(s) : argmaxRowMasked(this.q, s, this.nActions, mask);
  }
}

export function argmaxRow(q: Float64Array, s: number, nActions: number): number {
  const base = s * nActions;
  let best = 0;
  let bestV = q[base];
  for (let a = 1; a < nActions; a++) {
    const v = q[base + a];
    if (v > bestV) {
      bestV = v;
      best = a;
    }
  }
  return best;
}

/**
 * Best allowed action of a row (bit i of `mask` set = action i allowed); ties go to the lowest
 * allowed index. The mask must allow at least one action.
 */
export function argmaxRowMasked(q: Float64Array, s: number, nActions: number, mask: number): number {
  const base = s * nActions;
  let best = -1;
  let bestV = -Infinity;
  for (let a = 0; a < nActions; a++) {
    if (((mask >>> a) & 1) === 0) continue;
    const v = q[base + a];
    if (best < 0 || v > bestV) {
      bestV = v;
      best = a;
    }
  }
  if (best < 0) throw new Error(`action mask ${mask} allows none of the ${nActions} actions`);
  return best;
}
