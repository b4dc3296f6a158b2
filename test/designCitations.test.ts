/**
 * Code and docs cite docs/DESIGN.md by section ("DESIGN §4", "DESIGN §3–4"): every cited section must
 * exist there, so a renumbering or a citation of a section that was never written fails here.
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..");
const SCANNED = ["keeper", "scripts", "test", "contracts", "docs", "README.md", "BENCHMARKS.md"];
const EXTENSIONS = new Set([".ts", ".sol", ".md"]);

function files(p: string): string[] {
  const abs = path.join(ROOT, p);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isFile()) return EXTENSIONS.has(path.extname(p)) ? [p] : [];
  return fs.readdirSync(abs).flatMap((e) => files(path.join(p, e)));
}

/** "DESIGN §3–4" → [3, 4]; "DESIGN §9" → [9]. */
function citedSections(text: string): number[] {
  const out: number[] = [];
  for (const m of text.matchAll(/DESIGN §(\d+)(?:\s*[–-]\s*§?(\d+))?/g)) {
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    for (let s = from; s <= to; s++) out.push(s);
  }
  return out;
}

describe("docs/DESIGN.md citations", () => {
  const design = fs.readFileSync(path.join(ROOT, "docs/DESIGN.md"), "utf8");
  const sections = new Set([...design.matchAll(/^## (\d+)\. /gm)].map((m) => Number(m[1])));

  it("has its sections numbered 1, 2, 3, … without a gap", () => {
    expect([...sections]).to.deep.equal([...sections].map((_, i) => i + 1));
  });

  it("has every section the code and docs cite", () => {
    const missing: string[] = [];
    let citations = 0;
    for (const f of SCANNED.flatMap(files)) {
      if (f === path.join("docs", "DESIGN.md")) continue;
      for (const s of citedSections(fs.readFileSync(path.join(ROOT, f), "utf8"))) {
        citations++;
        if (!sections.has(s)) missing.push(`${f}: DESIGN §${s}`);
      }
    }
    expect(citations, "the scan found the citations").to.be.greaterThan(20);
    expect(missing, `cited sections missing from docs/DESIGN.md:\n  ${missing.join("\n  ")}`).to.deep.equal([]);
  });
});
