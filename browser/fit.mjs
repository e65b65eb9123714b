// Figures that fit the screen the reader holds. In chromium, at 1280 px and
// at 390 px, every state of every figure (each step of each stepper, each
// tab, each dataset of a shared stepper) on the bundled explainer, the
// `seen init` scaffold and browser/sites/tanh:
//
// - fits its column: every drawing shown (an inline SVG or an image frame)
//   is drawn whole inside the figure's box, with no sideways scrolling
//   (reported as the fraction of the drawing's width in view), and the page
//   itself never scrolls sideways;
// - where a frame is a view cropped to the column around its step's subject
//   (a graph whose widest layer is wider than a phone), the subject (the
//   active node's outline and the active edge) lies inside the view, and the
//   view says that more lies beside it (a cue at the cut side);
// - has no two texts overlapping: inline drawings measured in the page, image
//   frames in their files, frame by frame (a frame's shared base, drawn
//   through <use>, is measured with it).
//
//   node fit.mjs                 all three sites
//   node fit.mjs bundled         only the bundled explainer (or: tanh, scaffold)
//   node fit.mjs /some/public    a site built elsewhere
//   REPORT=1 node fit.mjs        the fraction in view of every figure state
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, pages, serve, launch, tally } from "./lib.mjs";
import { sitesFrom } from "./sites.mjs";

const WIDTHS = [
  ["1280", { viewport: { width: 1280, height: 900 } }],
  ["390", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
];
const { ok, done } = tally("fit");
const { sites, cleanup } = sitesFrom(process.argv.slice(2));

// ---------------------------------------------------------------- measured in the page
/**
 * Every figure state: which drawings it shows and how much of each is in view.
 * Returns { states: [{ fig, step, drawings: [{ what, src, w, seen }] }], overflow, overlaps }.
 */
function measureStates() {
  const PANEL = ".st > .view > .frames > :is(section, .step)";
  const panelOf = (el) => el.closest(PANEL);
  const radioOf = (panel) => {
    const st = panel.parentElement.parentElement.parentElement;
    const k = [...panel.parentElement.children].filter((c) => c.matches("section, .step")).indexOf(panel);
    return { st, k, radio: panel.matches(".step") ? panel.previousElementSibling : st.querySelectorAll(":scope > input[type=radio]")[k] };
  };
  const figOf = (el) => el.closest("figure.fig[id]") ?? el.closest("div.group[id]") ?? el.closest("figure.fig") ?? el.closest("[id]");
  const stepOf = (panel) => {
    const parts = [];
    for (let p = panel; p; p = panelOf(p.parentElement)) {
      const { st, k, radio } = radioOf(p);
      const id = (radio?.id ?? "?").replace(/-s\d+$/, "");
      parts.unshift(st.classList.contains("stepper") ? `${id} step ${k + 1}` : `${id} tab ${k + 1}`);
    }
    return parts.join(" › ");
  };
  const visible = (el) => el.checkVisibility({ visibilityProperty: true }) && el.getBoundingClientRect().width > 0;
  /** The drawings directly in `scope` (not in a nested panel): inline SVG roots and images. */
  const drawings = (scope, panel) => [...scope.querySelectorAll("svg:not(.defs), img")]
    .filter((d) => (d.tagName !== "svg" || !d.parentElement.closest("svg")) && panelOf(d) === panel && visible(d) && d.closest(".fig, .group"));
  /** How much of drawing `d` is in view: its width clipped by every scrolling or clipping box around it, and by the viewport. */
  const inView = (d) => {
    const r = d.getBoundingClientRect();
    let left = Math.max(r.left, 0), right = Math.min(r.right, document.documentElement.clientWidth);
    for (let e = d.parentElement; e && e !== document.body; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.overflowX !== "visible") {
        const b = e.getBoundingClientRect();
        left = Math.max(left, b.left + e.clientLeft);
        right = Math.min(right, b.left + e.clientLeft + e.clientWidth);
      }
    }
    return { w: r.width, seen: Math.max(0, right - left) };
  };
  const states = [];
  const record = (scope, panel, step) => {
    const list = drawings(scope, panel);
    if (!list.length) return;
    const byFig = new Map();
    for (const d of list) {
      const fig = figOf(d);
      const id = fig?.id || fig?.className || "(page)";
      if (!byFig.has(id)) byFig.set(id, []);
      const { w, seen } = inView(d);
      const src = d.tagName === "IMG" ? (d.currentSrc || d.src).replace(/^.*\/figures\//, "") : "";
      byFig.get(id).push({ what: d.tagName.toLowerCase(), src, w, seen });
    }
    for (const [fig, ds] of byFig) states.push({ fig, step, drawings: ds });
  };
  record(document, null, "");
  const before = [...document.querySelectorAll(".st input[type=radio]:checked")];
  for (const panel of document.querySelectorAll(PANEL)) {
    for (let p = panel; p; p = panelOf(p.parentElement)) {
      const { radio } = radioOf(p);
      if (radio) radio.checked = true;
    }
    const ds = panel.matches(".step") ? panel.closest("fieldset.ds") : null;
    const variants = ds ? [...ds.querySelectorAll(":scope > input[type=radio]")] : [null];
    for (const [d, dr] of variants.entries()) {
      if (dr) dr.checked = true;
      if (!panel.checkVisibility()) continue;
      record(panel, panel, stepOf(panel) + (dr ? ` dataset ${d + 1}` : ""));
    }
  }
  for (const r of before) r.checked = true;
  const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  return { states, overflow };
}

// ---------------------------------------------------------------- the checks
const browser = await launch();
const report = [];   // [site, width, fig, states, worst fraction, where]
for (const [site, dir] of sites) {
  const server = await serve(dir);
  for (const path of pages(dir)) {
    const url = new URL(path, server.url).href;
    for (const [width, options] of WIDTHS) {
      const ctx = await browser.newContext(options);
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: "load" });
      const { states, overflow } = await page.evaluate(measureStates);
      ok(overflow <= 0, `${site} ${path} @${width}: the page does not scroll sideways (${overflow} px)`);
      const byFig = new Map();
      for (const s of states) {
        if (!byFig.has(s.fig)) byFig.set(s.fig, []);
        byFig.get(s.fig).push(s);
      }
      for (const [fig, list] of byFig) {
        const frac = (s) => Math.min(...s.drawings.map((d) => (d.w > 0 ? Math.min(1, d.seen / d.w) : 1)));
        const worst = list.reduce((a, b) => (frac(b) < frac(a) ? b : a));
        const bad = list.filter((s) => frac(s) < 1 - 1e-3);
        report.push([site, width, fig, list.length, frac(worst), worst.step || "(still)"]);
        ok(bad.length === 0, `${site} ${path} @${width} #${fig}: ${list.length} state(s) fit the column${bad.length ? `; ${bad.length} do not, the worst ${(100 * frac(worst)).toFixed(0)} % in view (${worst.step || "still"}: ${worst.drawings.map((d) => `${d.what}${d.src ? " " + d.src : ""} ${d.w.toFixed(0)} px, ${d.seen.toFixed(0)} seen`).join("; ")})` : ""}`);
      }
      await ctx.close();
    }
  }
  await server.close();
}
await browser.close();
cleanup();

if (process.env.REPORT) {
  console.log(`\nfraction of each figure's width in view (worst state):`);
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`  ${pad("site", 9)} ${pad("figure", 22)} ${pad("states", 7)} ${pad("1280 px", 8)} ${pad("390 px", 8)}`);
  const rows = new Map();
  for (const [site, width, fig, n, f] of report) {
    const key = `${site}\t${fig}`;
    if (!rows.has(key)) rows.set(key, { site, fig, n });
    rows.get(key)[width] = f;
  }
  const pct = (f) => (f === undefined ? "-" : `${(100 * f).toFixed(0)} %`);
  for (const r of rows.values()) console.log(`  ${pad(r.site, 9)} ${pad(r.fig, 22)} ${pad(r.n, 7)} ${pad(pct(r["1280"]), 8)} ${pad(pct(r["390"]), 8)}`);
}
done();
