/**
 * A young-generation collection in the keeper's idle time, between ticks. A tick allocates about
 * a megabyte (JSON-RPC over HTTP, ABI decoding, journal rows), so with V8's default 16 MiB
 * semi-space a scavenge falls inside every ~10th tick, pausing that decision for 1–5 ms; run
 * while no tick is in flight, the collection finds little alive (cost ∝ survivors, ≈ 1 ms) and
 * the next tick starts with an empty young generation. Needs node's `--expose-gc` (the `keeper`
 * and `bench:keeper` npm scripts pass it); without it this is a no-op and V8 collects when it must.
 */
type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async" }) => void;

const gc = (globalThis as { gc?: GcFunction }).gc;

/** Whether collectBetweenTicks() collects (node runs with --expose-gc). */
export const idleGcEnabled = typeof gc === "function";

/** Scavenges the young generation now; call only when no tick is in flight. */
export function collectBetweenTicks(): void {
  gc?.({ type: "minor" });
}

/** Keeper's work while no tick is in flight: the journal's WAL checkpoint when due, then the young-generation GC. */
export function betweenTicks(journal: { checkpointIfDue(): void }): () => void {
  return () => {
    journal.checkpointIfDue();
    collectBetweenTicks();
  };
}
