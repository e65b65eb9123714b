// The what-if pickers (`vary`) in Chromium, from file:// with JavaScript
// off (the pages have none; the checks read the page from outside), at
// 1280 and 390 px: at load each varied figure shows one combination, the
// block's own, and fetches no other combination's files; picking a value
// then stepping, and stepping then picking, both show the frame of the
// picked values at the step the reader is on (the step stays when a value
// changes); the arrow keys move along a picker's values.
// Run on the bundled explainer and on browser/sites/tanh/ (whose varied
// batch has a model plot of two features under its stepper).
//   node vary.mjs [bundled|tanh|DIR …]   (after `cargo build --release`)
import { pathToFileURL } from "node:url";
import { pages, launch, tally } from "./lib.mjs";
import { sitesFrom } from "./sites.mjs";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const { ok, done } = tally("vary");
const args = process.argv.slice(2);
const { sites, cleanup } = sitesFrom(args.length ? args : ["bundled", "tanh"]);

/** What a varied figure shows: the classes of its shown `.va` elements, and the checked step of its shown stepper. */
const shown = (page, id) => page.$eval(`#${id}`, (fig) => {
  const vis = (e) => e.checkVisibility() && e.getBoundingClientRect().height > 0;
  const va = [...fig.querySelectorAll(".va")].filter(vis);
  const frames = va.filter((e) => e.matches("picture, img"));
  const steppers = [...fig.querySelectorAll("fieldset.stepper")].filter(vis);
  const radios = steppers.length ? [...steppers[0].querySelectorAll(".frames > input[type=radio]")] : [];
  return {
    classes: [...new Set(va.map((e) => [...e.classList].filter((c) => /^x\d+-\d+$/.test(c)).join(" ")))],
    frames: frames.length,
    steppers: steppers.length,
    step: radios.findIndex((r) => r.checked),
  };
});
/** A batch's parts shown: the plot's image (the source the screen picked) and the final gradients. */
const batchShown = (page, id) => page.$eval(`#${id}`, (fig) => {
  const vis = (e) => e.checkVisibility() && e.getBoundingClientRect().height > 0;
  const parts = [...fig.querySelectorAll(".batch-parts")].filter(vis);
  return {
    plots: parts.flatMap((p) => [...p.querySelectorAll("picture img")].filter(vis).map((i) => i.currentSrc || i.src)),
    totals: parts.flatMap((p) => [...p.querySelectorAll("td.total")].map((t) => t.textContent)).join(" "),
  };
});
const picked = (page, id) => page.$eval(`#${id} .picks`, (p) =>
  [...p.querySelectorAll("fieldset.pick")].map((f, k) => `x${k}-${[...f.querySelectorAll("input")].findIndex((r) => r.checked)}`).join(" "));

const browser = await launch();
for (const [site, PUBLIC] of sites) {
  const varied = pages(PUBLIC).filter((p) => readFileSync(join(PUBLIC, p), "utf8").includes("<div class=\"vary\">"));
  ok(varied.length > 0, `${site}: some page has a varied figure (${varied.join(", ")})`);
  const batches = varied.filter((p) => readFileSync(join(PUBLIC, p), "utf8").includes("<figure class=\"fig batch\""));
  if (site === "tanh") ok(batches.length > 0, `${site}: a varied batch is among them`);

  for (const path of varied) {
    for (const width of [1280, 390]) {
      const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
      const page = await ctx.newPage();
      // The tanh page's hundreds of frames load eagerly with scripting off: slow, not stuck.
      page.setDefaultNavigationTimeout(180000);
      // The document, not its images: with scripting off every lazy image
      // loads at once (hundreds of frames on the tanh page), and what is
      // checked here is which elements are shown, not their pixels.
      await page.goto(pathToFileURL(join(PUBLIC, path)).href, { waitUntil: "domcontentloaded" });
      const ids = await page.$$eval("figure:has(> .vary)", (fs) => fs.map((f) => f.id));
      const at = `${site}/${path} @${width}`;
      {
        // What loads: with scripting off, Chromium loads lazy images eagerly
        // (the HTML standard ties lazy loading to scripting), so this one
        // look is taken with it on, as most readers have it; the page runs
        // none either way.
        const lazy = await browser.newContext({ viewport: { width, height: 900 } });
        const p = await lazy.newPage();
        const got = [];
        p.on("request", (r) => got.push(r.url()));
        await p.goto(pathToFileURL(join(PUBLIC, path)).href, { waitUntil: "load" });
        await p.waitForTimeout(500);
        ok(!got.some((u) => /\/v\d+\//.test(u)), `${at}: no other combination's file is fetched at load`);
        await lazy.close();
      }
      for (const id of ids) {
        const own = await picked(page, id);
        let s = await shown(page, id);
        ok(s.classes.length === 1 && s.classes[0] === own, `${at} #${id}: at load it shows its own values (${own}): ${s.classes}`);
        // A still figure (graph, rule card, …) has no stepper: only its picture changes.
        const stepped = await page.$$eval(`#${id} fieldset.stepper`, (x) => x.length > 0);
        if (stepped) ok(s.steppers === 1 && s.step === 0, `${at} #${id}: one stepper shown, at its first step`);
        const isBatch = await page.$eval(`#${id}`, (f) => f.classList.contains("batch"));
      const atLoad = isBatch ? await batchShown(page, id) : null;
      if (isBatch) ok(atLoad.plots.length > 0 && !atLoad.plots.some((u) => /\/v\d+\//.test(u)) && atLoad.totals, `${at} #${id}: at load the block's own plot and gradients (${atLoad.plots}; ${atLoad.totals})`);
      const keys = await page.$$eval(`#${id} .picks fieldset.pick`, (fs) => fs.map((f) => f.querySelectorAll("input").length));
        // Pick then step: the last value of the first key, then Next.
        const last = keys[0] - 1;
        await page.click(`#${id} .pick.p0 label[for$="-${last}"]`);
        const next = `#${id} fieldset.stepper .frames > input:checked + .step label.next`;
        const visibleNext = await page.$$eval(next, (ls) => ls.filter((l) => l.checkVisibility()).length);
        if (visibleNext) await page.locator(next).filter({ visible: true }).first().click();
        s = await shown(page, id);
        const want = await picked(page, id);
        ok(want.startsWith(`x0-${last}`) && s.classes.length === 1 && s.classes[0] === want, `${at} #${id}: pick then step shows ${want}: ${s.classes}`);
        ok(s.frames <= 1, `${at} #${id}: at most one frame of a combination is shown (${s.frames})`);
        const stepAfterPick = s.step;
      if (isBatch) {
        // A batch's tables and plot under the stepper are the picked combination's.
        const now = await batchShown(page, id);
        ok(now.plots.length > 0 && now.plots.every((u) => /\/v\d+\//.test(u)), `${at} #${id}: the plot shown is from the picked combination's folder (${now.plots})`);
        ok(now.totals !== atLoad.totals, `${at} #${id}: the gradients shown change with the values (${atLoad.totals} → ${now.totals})`);
      }
        // Step then pick: Next again, then the first value; the step stays.
        if (visibleNext) await page.locator(next).filter({ visible: true }).first().click();
        const before = (await shown(page, id)).step;
        await page.click(`#${id} .pick.p0 label[for$="-0"]`);
        s = await shown(page, id);
        const now = await picked(page, id);
        ok(now.startsWith("x0-0") && s.classes.length === 1 && s.classes[0] === now, `${at} #${id}: step then pick shows ${now}: ${s.classes}`);
        if (stepped) ok(s.step === before, `${at} #${id}: the step stays when a value changes (${before} → ${s.step}; after the first pick ${stepAfterPick})`);
        // The arrow keys move along the values.
        await page.focus(`#${id} .pick.p0 input.i0`);
        await page.keyboard.press("ArrowRight");
        ok((await picked(page, id)).startsWith("x0-1"), `${at} #${id}: ArrowRight picks the next value`);
        const size = await page.$eval(`#${id} .pick.p0 label`, (l) => l.getBoundingClientRect());
        ok(size.width >= 24 && size.height >= 24, `${at} #${id}: a value's target is at least 24 px (${size.width}×${size.height})`);
      }
      // Print: every step of the stepper, each with the picked combination
      // only (the block's own at load). Checked on the bundled explainer's
      // varied figures: printing the tanh page lays out its ~600 frames at
      // once, with scripting off all loaded, and once took a renderer past
      // 12 GB and 20 minutes.
      if (site === "tanh") {
        await ctx.close();
        continue;
      }
      // A fresh load, not a reload: a reload restores the radio buttons
      // picked above, and Chromium may do so after DOMContentLoaded, so
      // a pick read at that point raced the restoring (a CI run on 7 Dec
      // read x0-2 and then saw another combination shown).
      await page.goto(pathToFileURL(join(PUBLIC, path)).href, { waitUntil: "load" });
      await page.emulateMedia({ media: "print" });
      for (const id of ids) {
        const own = await picked(page, id);
        const per = await page.$$eval(`#${id} .frames > .step`, (steps) => steps.map((st) =>
          [...new Set([...st.querySelectorAll("picture.va, img.va")].filter((e) => e.checkVisibility())
            .map((e) => [...e.classList].filter((c) => /^x\d+-\d+$/.test(c)).join(" ")))]));
        if (per.length) ok(per.length > 1 && per.every((c) => c.length === 1 && c[0] === own), `${at} #${id}: print shows every step with the picked values (${own}) only`);
      }
      await ctx.close();
    }
  }
}
await browser.close();
cleanup();
done();
