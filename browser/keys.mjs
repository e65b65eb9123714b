// Keyboard readers (WCAG 2.4.3, 2.4.7, 2.5.3; issue 24 items 1–3), on the
// bundled explainer, the `seen init` scaffold and browser/sites/tanh, at
// 1280 × 800, 390 × 844 and 320 × 256 (1280 px at 400 % zoom). For every
// stepper: focus its first step and press ArrowRight three times; after
// each key the checked step is the next one, its frame's top is inside the
// window (the browser scrolled the frame into view, not an invisible input
// far from it), and the focus ring is drawn around the whole current step
// and is in the window. Then Tab: focus leaves the steps for Play (when
// motion is allowed), whose button is then inside the window: the tab
// order is the order on screen (frame, buttons, Play). Every step radio is
// described by its narration, and every radio's name contains the label
// that is drawn for it (a step's number, a tab's words, a picked value).
//
//   node keys.mjs                 all three sites
//   node keys.mjs bundled         one of them (or: tanh, scaffold, a path)
import { pages, serve, launch, tally } from "./lib.mjs";
import { sitesFrom } from "./sites.mjs";

const SIZES = [[1280, 800], [390, 844], [320, 256]];
const { ok, done } = tally("keys");
const { sites, cleanup } = sitesFrom(process.argv.slice(2));
const browser = await launch();

/** What the reader sees of the focused step after a key. */
function focused() {
  const r = document.activeElement;
  const step = r?.matches(".frames > input") ? r.nextElementSibling : null;
  if (!step) return { ok: false, why: `focus is on <${r?.tagName.toLowerCase()}> ${r?.id}` };
  const pic = step.querySelector(":scope > .frame-box img, :scope > .frame-box svg, img, svg");
  const top = (pic ?? step).getBoundingClientRect().top;
  const ring = getComputedStyle(step).outlineStyle !== "none";
  const rs = step.getBoundingClientRect();
  return {
    ok: true, id: r.id, checked: r.checked, top: Math.round(top), vh: innerHeight,
    ring, ringInView: rs.top - 5 < innerHeight && rs.bottom + 5 > 0,
  };
}

for (const [site, dir] of sites) {
  const server = await serve(dir);
  for (const path of pages(dir)) {
    const url = new URL(path, server.url).href;
    for (const [w, h] of SIZES) {
      const ctx = await browser.newContext({ viewport: { width: w, height: h } });
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: "load" });
      const steppers = await page.$$eval("fieldset.stepper", (fs) => fs
        .filter((f) => f.checkVisibility())
        .map((f) => ({ first: f.querySelector(".frames > input").id, n: f.querySelectorAll(".frames > input").length })));
      for (const { first, n } of steppers) {
        const where = `${site} ${path} @${w}×${h} ${first.replace(/-s\d+$/, "")}`;
        await page.focus(`#${first}`);
        const bad = [];
        for (let k = 1; k <= Math.min(3, n - 1); k++) {
          await page.keyboard.press("ArrowRight");
          const f = await page.evaluate(focused);
          if (!f.ok) { bad.push(f.why); break; }
          if (!f.checked || !f.id.endsWith(`-s${k}`)) bad.push(`key ${k}: on ${f.id}`);
          if (!(f.top >= 0 && f.top < f.vh)) bad.push(`key ${k}: frame top at ${f.top} of ${f.vh}`);
          if (!f.ring || !f.ringInView) bad.push(`key ${k}: no focus ring in view`);
        }
        ok(bad.length === 0, `${where}: each arrow key shows the next step's frame and its focus ring${bad.length ? `: ${bad.join("; ")}` : ""}`);
        // Tab passes the current step's own focusable parts (its frame's
        // scroll box), then reaches Play.
        for (let t = 0; t < 4; t++) {
          await page.keyboard.press("Tab");
          const inStep = await page.evaluate(() => !!document.activeElement?.closest(".frames > .step"));
          if (!inStep) break;
        }
        const play = await page.evaluate(() => {
          const a = document.activeElement;
          if (!a?.matches(".play")) return { play: false, at: `<${a?.tagName.toLowerCase()}> ${a?.id ?? ""}` };
          const b = a.closest("fieldset").querySelector(".pw > .pl").getBoundingClientRect();
          return { play: true, inView: b.top >= 0 && b.bottom <= innerHeight, ring: getComputedStyle(a.closest("fieldset").querySelector(".pw > .pl")).outlineStyle !== "none" };
        });
        ok(play.play && play.inView && play.ring, `${where}: Tab from the steps goes to Play, in view and ringed (${JSON.stringify(play)})`);
      }
      // Names begin with what the jump labels show; each radio described by its narration.
      const names = await page.$$eval(".frames > input", (rs) => rs.map((r) => {
        const desc = r.getAttribute("aria-describedby");
        const label = r.getAttribute("aria-label") ?? document.getElementById(r.getAttribute("aria-labelledby") ?? "")?.textContent ?? "";
        return { id: r.id, described: !!desc && !!document.getElementById(desc)?.textContent.trim(), label };
      }));
      const undescribed = names.filter((r) => !r.described).map((r) => r.id);
      // Label in name (2.5.3): a radio behind a visible label is named
      // starting with it (a step's number, a tab's words, a picked value).
      const unnamed = await page.$$eval("input[type=radio]", (rs) => rs.flatMap((r) => {
        const name = (r.getAttribute("aria-label") ?? (r.getAttribute("aria-labelledby") ?? "").split(" ")
          .map((id) => document.getElementById(id)?.textContent ?? "").join(" ")).trim();
        const shown = [...document.querySelectorAll(`label[for="${CSS.escape(r.id)}"]`)]
          .filter((l) => !l.matches(".next, .prev"))
          .map((l) => l.textContent.trim()).filter((t) => t);
        const fullName = name || shown.join(" ");
        return shown.filter((t) => !fullName.toLowerCase().includes(t.toLowerCase())).map((t) => `${r.id} "${t}" in "${fullName}"`);
      }));
      ok(unnamed.length === 0, `${site} ${path} @${w}: every radio's name contains its visible label${unnamed.length ? `: not ${unnamed.slice(0, 5).join(", ")}` : ""}`);
      ok(undescribed.length === 0, `${site} ${path} @${w}: every step radio is described by its narration${undescribed.length ? `: not ${undescribed.slice(0, 5).join(", ")}` : ""}`);
      await ctx.close();
    }
  }
  await server.close();
}
await browser.close();
cleanup();
done();
