/**
 * Headless Chromium for page tests (Debian's `chromium`, driven by playwright-core) and what a
 * test reads back from a page's uPlot charts. Without /usr/bin/chromium a suite skips with a loud
 * notice naming the package, except under CI, where it must run.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** True when the suite may run; false (after a loud notice) when it must skip on this machine. */
export function chromiumAvailable(what: string): boolean {
  if (existsSync(CHROMIUM) || process.env.CI) return true;
  console.warn(
    `\n*** NOTICE: ${CHROMIUM} not found, so the ${what} does not run here.\n` +
      `*** Install Debian's package \`chromium\` (apt-get install -y chromium) to run it; under CI it is required.\n`,
  );
  return false;
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile per run (the persistent context's user-data-dir), removed on close. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is required under CI: install Debian's package \`chromium\``);
  const profile = mkdtempSync(join(tmpdir(), "chromium-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Page errors, console errors and requests to anything but `allowedPrefix`, collected while the test runs. */
export function watchPage(page: Page, allowedPrefix: string): { errors: string[]; requests: string[] } {
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("crash", () => errors.push("page crashed"));
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("request", (r) => {
    if (!r.url().startsWith(allowedPrefix)) requests.push(r.url());
  });
  return { errors, requests };
}

/** What one drawn uPlot chart shows, read from the page. */
export interface DrawnChart {
  readonly chart: string;
  readonly rendered: string | null;
  readonly error: string | null;
  readonly series: number;
  readonly axisLabels: string[];
  /** Tick labels per axis (x first). */
  readonly ticks: string[][];
  readonly canvases: number;
  /** Pixels of the plot canvas that are not transparent / white. */
  readonly inkedPixels: number;
  /** Pixels close to each series' stroke colour (legend order). */
  readonly seriesPixels: number[];
}

/** Every element carrying data-series (one uPlot chart each), with `chart` = its closest data-chart key. */
export async function drawnCharts(page: Page, selector = "[data-series]"): Promise<DrawnChart[]> {
  return page.$$eval(selector, (els) =>
    els.map((e) => {
      const canvas = e.querySelector("canvas");
      let inked = 0;
      const seriesPixels: number[] = [];
      const colors = Array.from(e.querySelectorAll(".u-legend .u-series:not(:first-child) .u-marker")).map((m) => getComputedStyle(m).borderColor);
      const rgbs = colors.map((c) => (c.match(/\d+/g) ?? []).slice(0, 3).map(Number));
      seriesPixels.push(...rgbs.map(() => 0));
      if (canvas) {
        const ctx = canvas.getContext("2d")!;
        const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < px.length; i += 4) {
          if (px[i + 3] < 200) continue;
          const [r, g, b] = [px[i], px[i + 1], px[i + 2]];
          if (r < 245 || g < 245 || b < 245) inked++;
          rgbs.forEach((c, k) => {
            if (Math.abs(c[0] - r) + Math.abs(c[1] - g) + Math.abs(c[2] - b) < 40) seriesPixels[k]++;
          });
        }
      }
      return {
        chart: e.closest("[data-chart]")?.getAttribute("data-chart") ?? e.getAttribute("data-chart") ?? "",
        rendered: e.getAttribute("data-rendered"),
        error: e.getAttribute("data-error"),
        series: Number(e.getAttribute("data-series")),
        axisLabels: JSON.parse(e.getAttribute("data-axis-labels") ?? "[]") as string[],
        ticks: JSON.parse(e.getAttribute("data-ticks") ?? "[]") as string[][],
        canvases: e.querySelectorAll("canvas").length,
        inkedPixels: inked,
        seriesPixels,
      };
    }),
  );
}

/**
 * Readable numeric ticks: evenly spaced by 1, 2 or 5 × 10^n, printed with no more decimals than
 * that step needs (so never 1928.7 or 42.75). Returns the problem, or null when readable.
 */
export function tickProblem(labels: readonly string[]): string | null {
  const values = labels.map((l) => Number(l.replace(/,/g, "")));
  if (values.some((v) => !Number.isFinite(v))) return `non-numeric tick in ${labels.join(" ")}`;
  if (values.length < 2) return null;
  const step = values[1] - values[0];
  const exp = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = Math.round((step / 10 ** exp) * 1000) / 1000;
  if (![1, 2, 5].includes(mantissa)) return `step ${step} is not 1, 2 or 5 × 10^n (${labels.join(" ")})`;
  for (let i = 1; i < values.length; i++) {
    if (Math.abs(values[i] - values[i - 1] - step) > step * 1e-6) return `uneven ticks ${labels.join(" ")}`;
  }
  const decimals = Math.max(0, -exp);
  for (const l of labels) {
    const d = l.includes(".") ? l.split(".")[1].length : 0;
    if (d > decimals) return `tick "${l}" has ${d} decimals for a step of ${step}`;
  }
  return null;
}
