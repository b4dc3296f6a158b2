/**
 * The keeper's layers (issue 14), lowest first. A module may import its own layer and any layer
 * below it, never one above: core ← sim ← policy ← calibration ← supervised ← resolve ← service ←
 * onchain ← scripts. `charts` (page assets, no keeper imports) may be used by every layer but imports
 * none. Tests (test/) may import anything; nothing imports a test (scripts/bench may use
 * test/helpers: the gas benchmark deploys the tests' fixture). JSON data files are exempt
 * (keeper/sim/params.ts reads keeper/calibration/calibration.json, a fitted table, not code).
 * Checked by `npm run lint:layers` and by test/layers.test.ts in `npm test`.
 */
const LAYERS = [
  { name: "core", path: "^keeper/core/" },
  { name: "sim", path: "^keeper/sim/" },
  { name: "policy", path: "^keeper/policy/" },
  { name: "calibration", path: "^keeper/calibration/" },
  { name: "supervised", path: "^keeper/supervised/" },
  { name: "resolve", path: "^keeper/resolve/" },
  { name: "service", path: "^keeper/service/" },
  { name: "onchain", path: "^keeper/onchain/" },
  { name: "scripts", path: "^scripts/" },
];

const layerRules = LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer.name}`,
  comment: `${layer.name} may import only ${LAYERS.slice(0, i + 1).map((l) => l.name).join(", ")} (and charts): ${LAYERS.slice(i + 1).map((l) => l.name).join(", ")} sit above it`,
  severity: "error",
  from: { path: layer.path },
  to: { path: LAYERS.slice(i + 1).map((l) => l.path), pathNot: "\\.json$" },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "charts-is-a-leaf",
      comment: "keeper/charts is shared page code: it imports no other keeper layer",
      severity: "error",
      from: { path: "^keeper/charts/" },
      to: { path: "^(keeper/(?!charts/)|scripts/)" },
    },
    {
      name: "no-test-imports",
      comment: "production code never imports from test/ (gas benchmarks deploy with the tests' fixture, so scripts/bench may use test/helpers)",
      severity: "error",
      from: { path: "^(keeper|scripts)/", pathNot: "^scripts/bench/" },
      to: { path: "^test/" },
    },
    {
      name: "keeper-layer-known",
      comment: "every keeper folder belongs to a layer: add a new folder to LAYERS in .dependency-cruiser.cjs",
      severity: "error",
      from: { path: "^keeper/", pathNot: `^keeper/(${[...LAYERS.map((l) => l.name), "charts"].join("|")})/` },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|typechain-types|artifacts|cache|dist)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["cjs", "es6"],
  },
};
