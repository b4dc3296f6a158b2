/**
 * Merge of tables learned in parallel from one starting table (parallelTrainer.ts): each entry
 * becomes the average of the workers' values weighted by the visits each worker made to it in the
 * round; an entry no worker visited keeps the starting value; visit counts add up.
 */
export interface TableState {
  readonly q: Float64Array;
  readonly visits: Uint32Array;
}

export function mergeTables(start: TableState, learned: readonly TableState[]): TableState {
  const n = start.q.length;
  for (const t of learned) {
    if (t.q.length !== n || t.visits.length !== n) throw new Error(`cannot merge a table of ${t.q.length} entries into one of ${n}`);
  }
  const q = new Float64Array(start.q);
  const visits = new Uint32Array(start.visits);
  for (let i = 0; i < n; i++) {
    let w = 0;
    let sum = 0;
    for (const t of learned) {
      const dv = t.visits[i] - start.visits[i];
      if (dv < 0) throw new Error(`entry ${i}: a worker's visit count fell (${start.visits[i]} → ${t.visits[i]})`);
      w += dv;
      sum += dv * t.q[i];
    }
    if (w > 0) {
      q[i] = sum / w;
      visits[i] = start.visits[i] + w;
    }
  }
  return { q, visits };
}
