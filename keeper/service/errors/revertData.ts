/**
 * Revert data hides at different depths depending on who threw: ethers v6 CallExceptionError
 * (`data`), a JSON-RPC error wrapped in `info.error` / `error`, Hardhat's in-process provider
 * (`data` as a string or `{ data }`). Search the usual places, breadth first, bounded.
 */
export function findRevertData(err: unknown): string | undefined {
  const children = (o: Record<string, unknown>): unknown[] => [
    ...(o.data !== null && typeof o.data === "object" ? [o.data] : []),
    ...fields(o, ["error", "info", "cause", "revert", "payload", "receipt"]),
  ];
  for (const o of nestedErrors(err, children)) {
    if (typeof o.data === "string" && /^0x[0-9a-fA-F]{8,}$/.test(o.data)) return o.data;
  }
  return undefined;
}

/** The ethers v6 error code or Node errno code, wherever it sits. */
export function findErrorCodes(err: unknown): string[] {
  const out: string[] = [];
  for (const o of nestedErrors(err, (o) => fields(o, ["error", "info", "cause"]))) {
    if (typeof o.code === "string" || typeof o.code === "number") out.push(String(o.code));
  }
  return out;
}

/** Breadth first over an error and the objects `children` names, each once, at most 50 steps. */
function* nestedErrors(err: unknown, children: (o: Record<string, unknown>) => unknown[]): Generator<Record<string, unknown>> {
  const queue: unknown[] = [err];
  const seen = new Set<unknown>();
  for (let steps = 0; queue.length > 0 && steps < 50; steps++) {
    const e = queue.shift();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    yield o;
    queue.push(...children(o));
  }
}

function fields(o: Record<string, unknown>, keys: readonly string[]): unknown[] {
  return keys.filter((k) => k in o).map((k) => o[k]);
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const short = (err as { shortMessage?: unknown }).shortMessage;
    return typeof short === "string" ? short : err.message;
  }
  const m = (err as { message?: unknown } | null)?.message; // a JSON-RPC error object
  return typeof m === "string" ? m : String(err);
}
