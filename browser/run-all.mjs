// `npm test`: every check in this folder, one after the other, each in its own
// node process; prints a summary and exits non-zero if any of them failed.
// The site must be built first (`cargo run --release` in the repo root);
// legible.mjs and fit.mjs also build browser/sites/tanh/ and the `seen init`
// scaffold with that release binary, and
// live.mjs runs its `seen serve`.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const checks = [
  ["links", "links.mjs", "every internal link, #fragment and id reference resolves"],
  ["vnu", "vnu.mjs", "Nu HTML checker: HTML, CSS and standalone SVG, 0 errors"],
  ["weight", "weight.mjs", "page weight; 0 bytes of JavaScript"],
  ["browser", "browser.mjs", "chromium: steppers, tabs, play, reduced motion, dark, print, phone, CSP"],
  ["vary", "vary.mjs", "what-if pickers: pick and step in both orders at 1280 and 390 px, scripting off; only the block's own files at load; print"],
  ["a11y", "a11y.mjs", "axe-core 0 violations; accessibility-tree golden"],
  ["keys", "keys.mjs", "keyboard: each arrow key shows the next step's frame and focus ring at 1280, 390 and 320 px; Tab goes on to Play (bundled + scaffold + sites/tanh)"],
  ["live", "live.mjs", "seen serve: an open page reloads by itself after an edit, shows and clears the error banner; CSP widened for one script"],
  ["legible", "legible.mjs", "every SVG text ≥ 11 px on screen at 1280 and 390 px, edges ≥ 3:1 (bundled + sites/tanh)"],
  ["fit", "fit.mjs", "every figure state fits its column at 1280 and 390 px (or shows its step's subject), no two texts overlap (bundled + scaffold + sites/tanh)"],
];
const only = process.argv.slice(2);
const results = [];
for (const [name, file, what] of checks) {
  if (only.length && !only.includes(name)) continue;
  console.log(`\n=== ${name}: ${what}`);
  const t = Date.now();
  const r = spawnSync(process.execPath, [file], { cwd: HERE, stdio: "inherit" });
  results.push([name, r.status, ((Date.now() - t) / 1000).toFixed(1)]);
}
console.log("\n=== summary");
for (const [name, status, s] of results) console.log(`${status === 0 ? "ok  " : "FAIL"} ${name} (${s}s)${status === 0 ? "" : ` exit ${status}`}`);
process.exit(results.every(([, s]) => s === 0) ? 0 : 1);
