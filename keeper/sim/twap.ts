/**
 * Drift-style one-slot TWAP (SPEC §5):
 * `twap' = (twap·max(0, W − dt) + price·dt) / (max(0, W − dt) + dt)`; dt = 0 leaves it unchanged.
 */
export function updateTwap(twap: number, lastTs: number, price: number, now: number, window: number): number {
  const dt = now - lastTs;
  if (dt <= 0) return twap;
  const w = window - dt > 0 ? window - dt : 0;
  return (twap * w + price * dt) / (w + dt);
}
