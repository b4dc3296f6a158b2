/**
 * Capped exponential backoff: the n-th consecutive failure (n >= 1) waits
 * min(capMs, baseMs * 2^(n-1)), optionally scaled by a jitter factor in [1 - jitter, 1].
 * Full-jitter-down keeps the cap a hard upper bound.
 */
export function backoffDelayMs(failures: number, baseMs: number, capMs: number, jitter = 0, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  // 2^(n-1) overflows to Infinity for large n; min() with the cap keeps it finite.
  const raw = Math.min(capMs, baseMs * 2 ** Math.min(failures - 1, 1024));
  if (jitter <= 0) return raw;
  return Math.round(raw * (1 - jitter * random()));
}

/** Counts consecutive failures of one job and says when it must halt. */
export class FailureCounter {
  private count = 0;

  constructor(private readonly maxConsecutive: number, private readonly baseMs: number, private readonly capMs: number, private readonly jitter = 0) {}

  get consecutive(): number {
    return this.count;
  }

  /** Records a failure; returns the delay before the next attempt. */
  fail(): number {
    this.count += 1;
    return backoffDelayMs(this.count, this.baseMs, this.capMs, this.jitter);
  }

  succeed(): void {
    this.count = 0;
  }

  get exhausted(): boolean {
    return this.count >= this.maxConsecutive;
  }
}
