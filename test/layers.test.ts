/**
 * The keeper's layering (.dependency-cruiser.cjs): core ← sim ← policy ← calibration ← supervised ←
 * resolve ← service ← onchain ← scripts. Runs the same cruise as `npm run lint:layers` and fails with
 * every forbidden import listed (rule, from → to), so a back-import is named, not just counted.
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..");
// The package exports no bin path, so it is addressed in node_modules (the `depcruise` of lint:layers).
const DEPCRUISE = path.join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly rule: { readonly name: string; readonly severity: string };
}

interface CruiseSummary {
  readonly violations: readonly Violation[];
  readonly totalCruised: number;
  readonly totalDependenciesCruised: number;
}

function cruise(): CruiseSummary {
  let out: string;
  try {
    out = execFileSync(process.execPath, [DEPCRUISE, "keeper", "scripts", "--config", ".dependency-cruiser.cjs", "--output-type", "json"], { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  } catch (e) {
    // depcruise exits non-zero when it finds errors; its JSON is still on stdout.
    const stdout = (e as { stdout?: string }).stdout;
    if (!stdout) throw e;
    out = stdout;
  }
  return (JSON.parse(out) as { summary: CruiseSummary }).summary;
}

describe("layering (.dependency-cruiser.cjs)", function () {
  this.timeout(120_000);

  describe("the keeper and scripts as they are", () => {
    it("have no import from a lower layer to a higher one", () => {
      const summary = cruise();
      expect(summary.totalCruised, "the cruise found the source").to.be.greaterThan(100);
      const listed = summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
      expect(listed, `forbidden imports:\n  ${listed.join("\n  ")}`).to.deep.equal([]);
    });
  });
});
