/** contracts/libraries/TwapWad.sol: the one-slot mark/oracle TWAP, floor division as on-chain. */

/** `(twap·max(0, W − dt) + price·dt) / (max(0, W − dt) + dt)`, dt = nowTs − lastTs; dt ≤ 0 leaves it unchanged. */
export function update(twap: bigint, lastTs: bigint, price: bigint, nowTs: bigint, window: bigint): bigint {
  if (nowTs <= lastTs) return twap;
  const dt = nowTs - lastTs;
  const w = window > dt ? window - dt : 0n;
  return (twap * w + price * dt) / (w + dt);
}
