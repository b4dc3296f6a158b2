/** Commander option parsers shared by the scripts: a bad value fails with the flag, the bound and the value named. */
import { InvalidArgumentError } from "commander";

/** An integer option ≥ `min` (e.g. `.option("--threads <n>", "…", intOption("--threads", 0), 2)`). */
export const intOption = (name: string, min = 0) => (v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
};
