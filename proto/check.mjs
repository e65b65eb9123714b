// Browser check of the HTML+CSS stepper and tabs (no JS in the pages; this
// script only drives Debian's chromium through playwright-core).
//   python3 -m http.server 8765 --bind 127.0.0.1   (in proto/)
//   node check.mjs [base-url]
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const BASE = process.argv[2] ?? "http://127.0.0.1:8765/";
mkdirSync(new URL("./shots/", import.meta.url), { recursive: true });
const shot = (name) => new URL(`./shots/${name}.png`, import.meta.url).pathname;

let failures = 0;
const ok = (cond, what) => {
  console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
  if (!cond) failures++;
};

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

async function open(path, viewport = { width: 1280, height: 900 }) {
  const ctx = await browser.newContext({ viewport });
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(BASE + path, { waitUntil: "load" });
  return { ctx, page, problems };
}

// Which panel (li/section with class kN) is displayed inside a figure's own frames list?
const visiblePanels = (page, fig) => page.$$eval(`#${fig} > .st > .view > .frames > *`, (els) =>
  els.filter((e) => getComputedStyle(e).display !== "none" && e.getBoundingClientRect().height > 0).map((e) => e.className));
const narration = (page, fig) => page.$eval(`#${fig} > .st > .view > .frames`, (ol) =>
  [...ol.children].filter((e) => getComputedStyle(e).display !== "none").map((e) => (e.querySelector(".nar") ?? e).textContent.trim().slice(0, 60)).join(" | "));
const visiblePair = (page, fig) => page.$$eval(`#${fig} > .st > .bar > .pn > *`, (els) =>
  els.filter((e) => getComputedStyle(e).display !== "none" && e.getBoundingClientRect().height > 0).map((e) => e.className));
const highlighted = (page, fig) => page.$$eval(`#${fig} > .st > .bar > .jl > label`, (els) =>
  els.filter((e) => getComputedStyle(e).fontWeight === "650").map((e) => e.className.split(" ")[0]));
const checkedRadio = (page, fig) => page.$eval(`#${fig} > .st`, (st) => st.querySelector(":scope > input[type=radio]:checked")?.className);
// Click the visible prev/next label of a stepper.
const clickPN = (page, fig, which) => page.locator(`#${fig} > .st > .bar > .pn > * > label.${which}`).filter({ visible: true }).click();

// ----------------------------------------------------------------- trace
{
  const { ctx, page, problems } = await open("trace.html");
  const fig = "trace";
  ok((await page.locator("script, style, [style]").count()) === 0, "no <script>, <style> or style= in trace.html");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k0"]', `initially only k0 visible: ${await visiblePanels(page, fig)}`);
  ok(JSON.stringify(await visiblePair(page, fig)) === '["k0"]', "initially only the first prev/next pair visible");
  const prev0 = await page.$eval(`#${fig} .pn > .k0 > .prev`, (e) => [e.tagName, getComputedStyle(e).opacity]);
  ok(prev0[0] === "SPAN" && Number(prev0[1]) < 0.6, `Previous at step 1 is a dimmed span: ${prev0}`);
  const n0 = await narration(page, fig);
  const box0 = await page.$eval(`#${fig} .frames > .k0`, (li) => [li.getBoundingClientRect().height, li.querySelector("img").getBoundingClientRect().width, li.querySelector(".nar").innerText.slice(0, 12)]);
  ok(box0[0] > 200 && box0[1] > 300 && box0[2] === "STEP 1 OF 12", `step 1 is rendered at load: ${JSON.stringify(box0)}`);
  await page.screenshot({ path: shot("trace-desktop"), fullPage: true });

  await clickPN(page, fig, "next");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k1"]', "Next → k1 visible");
  const n1 = await narration(page, fig);
  ok(n1 !== n0 && n1.startsWith("Step 2 of 12"), `narration changed: ${n1}`);
  await clickPN(page, fig, "next");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k2"]', "Next again → k2");
  ok(JSON.stringify(await highlighted(page, fig)) === '["j2"]', `jump label 3 highlighted: ${await highlighted(page, fig)}`);
  await clickPN(page, fig, "prev");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k1"]', "Previous → k1");
  const img = await page.$eval(`#${fig} .frames > .k1 > img`, (i) => [i.complete, i.naturalWidth, i.getBoundingClientRect().width]);
  ok(img[0] && img[1] > 0 && img[2] > 100, `frame image loaded and shown: ${img}`);

  await page.locator(`#${fig} .jl > .j9`).click();
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k9"]', "jump label 10 → k9");
  ok((await narration(page, fig)).startsWith("Step 10 of 12"), "narration of step 10");
  ok(JSON.stringify(await visiblePair(page, fig)) === '["k9"]', "pair 10 visible");
  await page.locator(`#${fig} .jl > .j11`).click();
  const nextEnd = await page.$eval(`#${fig} .pn > .k11 > .next`, (e) => [e.tagName, getComputedStyle(e).opacity]);
  ok(nextEnd[0] === "SPAN" && Number(nextEnd[1]) < 0.6, `Next at the last step is dimmed: ${nextEnd}`);

  // keyboard: Tab into the group lands on the checked radio; arrows move.
  await page.locator(`#${fig} .jl > .j4`).click();
  await page.mouse.click(5, 5);
  await page.keyboard.press("Tab"); // header link
  await page.keyboard.press("Tab"); // radio group
  const focused = await page.evaluate(() => document.activeElement?.id);
  ok(focused === "trace-s4", `Tab reaches the checked radio: ${focused}`);
  const ring = await page.$eval(`#${fig} > .st > .bar`, (b) => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; });
  ok(ring[0] !== "none" && parseFloat(ring[1]) >= 2, `focus ring on the bar: ${ring}`);
  await page.keyboard.press("ArrowRight");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k5"]', "ArrowRight → k5");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k4"]', "→ → ← ← back to k4");
  await page.screenshot({ path: shot("trace-focus"), clip: await page.$eval(`#${fig}`, (e) => { const r = e.getBoundingClientRect(); return { x: 0, y: Math.max(0, r.y - 10), width: 1280, height: r.height + 20 }; }) });
  // no ring when a mouse was used
  await page.locator(`#${fig} .jl > .j6`).click();
  const ring2 = await page.$eval(`#${fig} > .st > .bar`, (b) => getComputedStyle(b).outlineStyle);
  ok(ring2 === "none", `no focus ring after a mouse click: ${ring2}`);

  // play: Tab from the radio group reaches the play box; its ring shows on the Play label
  await page.keyboard.press("Tab");
  ok((await page.evaluate(() => document.activeElement?.id)) === "trace-play", "Tab moves from the radios to the play checkbox");
  const plRing = await page.$eval(`#${fig} .pl`, (l) => getComputedStyle(l).outlineStyle);
  ok(plRing !== "none", `focus ring on the Play label: ${plRing}`);
  await page.mouse.click(5, 5);
  // play
  const anim0 = await page.$eval(`#${fig} .frames`, (ol) => ol.getAnimations().length);
  ok(anim0 === 0, "not playing at load");
  ok(await page.locator(`#${fig}-play`).isChecked() === false, "play unchecked at load");
  await page.locator(`#${fig} .pl`).click();
  const anim1 = await page.$eval(`#${fig} .frames`, (ol) => [ol.getAnimations().map((a) => a.animationName), getComputedStyle(ol).animationDuration, getComputedStyle(ol).animationTimingFunction]);
  ok(anim1[0].includes("seen-film") && anim1[1] === "18s" && anim1[2] === "steps(12)", `play animates the filmstrip: ${JSON.stringify(anim1)}`);
  const widths = await page.$$eval(`#${fig} .frames > li`, (els) => els.map((e) => Math.round(e.getBoundingClientRect().width)));
  const vw = await page.$eval(`#${fig} .view`, (v) => Math.round(v.getBoundingClientRect().width));
  ok(widths.every((w) => w === vw), `every frame is one view wide while playing (${vw}px)`);
  // sample the animation: seek to the middle of frame 4 and see which frame is in the view
  const inView = async (t) => page.$eval(`#${fig} .view`, (v, t) => {
    const a = v.querySelector(".frames").getAnimations()[0]; a.pause(); a.currentTime = t;
    const vr = v.getBoundingClientRect();
    return [...v.querySelectorAll(".frames > li")].filter((li) => { const r = li.getBoundingClientRect(); return Math.abs(r.left - vr.left) < 2; }).map((li) => li.className);
  }, t);
  ok(JSON.stringify(await inView(0)) === '["k0"]', "at t=0 frame 1 is in view");
  ok(JSON.stringify(await inView(3 * 1500 + 700)) === '["k3"]', "at t=5.2s frame 4 is in view");
  ok(JSON.stringify(await inView(11 * 1500 + 700)) === '["k11"]', "at t=17.2s frame 12 is in view");
  await page.$eval(`#${fig} .frames`, (ol) => { const a = ol.getAnimations()[0]; a.currentTime = 3 * 1500 + 700; });
  await page.screenshot({ path: shot("trace-playing"), fullPage: true });
  await page.$eval(`#${fig} .frames`, (ol) => ol.getAnimations()[0].play());
  const stopShown = await page.$eval(`#${fig} .pl .stop`, (e) => getComputedStyle(e).display);
  ok(stopShown !== "none", "label reads Stop while playing");
  await page.locator(`#${fig} .pl`).click();
  ok((await page.$eval(`#${fig} .frames`, (ol) => ol.getAnimations().length)) === 0, "unchecking stops the animation");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k6"]', "after stop the selected step (7) shows again");

  // reduced motion: no play control, no animation even if the box is checked
  await page.emulateMedia({ reducedMotion: "reduce" });
  ok((await page.locator(`#${fig} .pl`).isVisible()) === false, "reduced motion: Play label hidden");
  await page.$eval(`#${fig}-play`, (c) => { c.checked = true; });
  const animR = await page.$eval(`#${fig} .frames`, (ol) => [ol.getAnimations().length, getComputedStyle(ol).animationName]);
  ok(animR[0] === 0 && animR[1] === "none", `reduced motion: nothing animates even when checked: ${animR}`);
  const allAnims = await page.evaluate(() => document.getAnimations().length);
  ok(allAnims === 0, `reduced motion: document.getAnimations() is empty (${allAnims})`);
  await page.$eval(`#${fig}-play`, (c) => { c.checked = false; });
  await page.emulateMedia({ reducedMotion: "no-preference" });

  // accessibility tree as Chromium computes it
  const cdp = await ctx.newCDPSession(page);
  const { nodes } = await cdp.send("Accessibility.getFullAXTree");
  const radios = nodes.filter((n) => n.role?.value === "radio" && !n.ignored);
  ok(radios.length === 12, `12 radios in the AX tree (${radios.length})`);
  ok(radios[3]?.name?.value === "Step 4 of 12: d = 1 + e", `radio name: "${radios[3]?.name?.value}"`);
  const group = nodes.find((n) => n.role?.value === "group" && !n.ignored && /Trace of one example/.test(n.name?.value ?? ""));
  ok(!!group, `fieldset group named by its legend: "${group?.name?.value}"`);
  const labelsInTree = nodes.filter((n) => !n.ignored && n.role?.value === "StaticText" && /^(Next →|← Previous)$/.test(n.name?.value ?? ""));
  ok(labelsInTree.length === 0, "the visual control bar is hidden from the AX tree");
  const playBox = nodes.find((n) => n.role?.value === "checkbox" && !n.ignored);
  ok(playBox?.name?.value === "Play all 12 steps as an animation", `play checkbox name: "${playBox?.name?.value}"`);

  ok(problems.length === 0, `no console errors / CSP violations / failed requests on trace.html ${problems.join("; ")}`);

  // screenshots: phone, dark, print
  await page.locator(`#${fig} .jl > .j2`).click();
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: shot("trace-dark"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light", media: "print" });
  const printed = await visiblePanels(page, fig);
  ok(printed.length === 12, `print: all 12 frames shown (${printed.length})`);
  const printBar = await page.$eval(`#${fig} > .st > .bar`, (b) => getComputedStyle(b).display);
  ok(printBar === "none", "print: controls hidden");
  const printNar = await page.$$eval(`#${fig} .frames > li > .nar`, (els) => els.filter((e) => e.getBoundingClientRect().height > 0).length);
  ok(printNar === 12, `print: each frame has its narration (${printNar})`);
  await page.setViewportSize({ width: 800, height: 1100 });
  await page.screenshot({ path: shot("trace-print"), fullPage: true });
  await page.pdf({ path: shot("trace").replace(/png$/, "pdf"), format: "A4" });
  await ctx.close();

  const phone = await open("trace.html", { width: 390, height: 844 });
  await phone.page.locator(`#${fig} .jl > .j7`).click();
  await phone.page.screenshot({ path: shot("trace-phone"), fullPage: true });
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  ok(overflow <= 0, `phone: no horizontal scroll (${overflow}px)`);
  const navBelow = await phone.page.$eval(`#${fig} .frames > .k7`, (li) => { const [a, b] = li.children; return b.getBoundingClientRect().top >= a.getBoundingClientRect().bottom; });
  ok(navBelow, "phone: narration below the frame");
  ok(phone.problems.length === 0, `phone: no problems ${phone.problems.join("; ")}`);
  await phone.ctx.close();
}

// ------------------------------------------------------------------ tabs
{
  const { ctx, page, problems } = await open("tabs.html");
  ok((await page.locator("script, style, [style]").count()) === 0, "no <script>, <style> or style= in tabs.html");
  for (const [fig, n] of [["rule", 5], ["compare", 2], ["batch", 3]]) {
    ok(JSON.stringify(await visiblePanels(page, fig)) === '["k0"]', `${fig}: first tab shown at load`);
    for (let k = n - 1; k >= 0; k--) {
      await page.locator(`#${fig} > .st > .bar > .jl > .j${k}`).click();
      const v = await visiblePanels(page, fig);
      ok(JSON.stringify(v) === `["k${k}"]` && JSON.stringify(await highlighted(page, fig)) === `["j${k}"]`, `${fig}: tab ${k + 1} → panel k${k} (${v})`);
    }
  }
  await page.locator("#rule > .st > .bar > .jl > .j0").click();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  ok(JSON.stringify(await visiblePanels(page, "rule")) === '["k2"]', "rule: arrows move between tabs (Exp)");
  ok((await page.$eval("#rule > .st > .bar", (b) => getComputedStyle(b).outlineStyle)) !== "none", "rule: focus ring on the tab bar");
  ok((await checkedRadio(page, "rule")) === "s2", "rule: radio s2 checked");

  {
    const cdp = await ctx.newCDPSession(page);
    const { nodes } = await cdp.send("Accessibility.getFullAXTree");
    const names = nodes.filter((n) => n.role?.value === "radio" && !n.ignored).map((n) => n.name?.value);
    ok(names.slice(0, 5).join(",") === "Multiply,Add,Exp,Reciprocal,Log", `tab radios named by their (aria-hidden) labels: ${names.slice(0, 5)}`);
  }
  // nested: a stepper inside the first dataset tab stays independent
  await page.locator("#batch > .st > .bar > .jl > .j0").click();
  await page.locator("#batch-clean .jl > .j3").click();
  ok(JSON.stringify(await visiblePanels(page, "batch-clean")) === '["k3"]', "nested stepper steps independently (k3)");
  ok(JSON.stringify(await visiblePanels(page, "batch")) === '["k0"]', "outer tab unchanged by the nested stepper");
  await page.locator("#batch > .st > .bar > .jl > .j1").click();
  await page.locator("#batch > .st > .bar > .jl > .j0").click();
  ok(JSON.stringify(await visiblePanels(page, "batch-clean")) === '["k3"]', "nested stepper keeps its step across tab switches");
  await page.locator("#rule > .st > .bar > .jl > .j0").click();
  await page.screenshot({ path: shot("tabs-desktop"), fullPage: true });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.screenshot({ path: shot("tabs-dark"), fullPage: true });
  await page.emulateMedia({ colorScheme: "light", media: "print" });
  const pr = await page.$$eval(".tabs > .view > .frames > *", (els) => els.filter((e) => getComputedStyle(e).display !== "none" && e.getBoundingClientRect().height > 20).length);
  ok(pr === 10, `print: all 10 tab panels shown (${pr})`);
  await page.setViewportSize({ width: 800, height: 1100 });
  await page.screenshot({ path: shot("tabs-print"), fullPage: true });
  ok(problems.length === 0, `no console errors / CSP violations on tabs.html ${problems.join("; ")}`);
  await ctx.close();

  const phone = await open("tabs.html", { width: 390, height: 844 });
  await phone.page.screenshot({ path: shot("tabs-phone"), fullPage: true });
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  ok(overflow <= 0, `tabs phone: no horizontal scroll (${overflow}px)`);
  await phone.ctx.close();
}

// ------------------------------------------------------------------ long
{
  const { ctx, page, problems } = await open("long.html");
  const fig = "long";
  await page.locator(`#${fig} .jl > .j59`).click();
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k59"]', "long: jump to step 60");
  ok((await narration(page, fig)).startsWith("Step 60 of 60"), "long: narration of step 60");
  ok((await page.$eval(`#${fig} .pn > .k59 > .next`, (e) => e.tagName)) === "SPAN", "long: no Next at step 60");
  await clickPN(page, fig, "prev");
  ok(JSON.stringify(await visiblePanels(page, fig)) === '["k58"]', "long: Previous from 60 → 59");
  await page.locator(`#${fig} .pl`).click();
  const a = await page.$eval(`#${fig} .frames`, (ol) => [getComputedStyle(ol).animationDuration, getComputedStyle(ol).animationTimingFunction]);
  ok(a[0] === "90s" && a[1] === "steps(60)", `long: play runs 60 steps over 90s: ${a}`);
  await page.locator(`#${fig} .pl`).click();
  await page.screenshot({ path: shot("long-desktop"), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot("long-phone"), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  ok(overflow <= 0, `long phone: no horizontal scroll (${overflow}px)`);
  ok(problems.length === 0, `no problems on long.html ${problems.join("; ")}`);
  await ctx.close();
}

// CSP sanity: the same policy must block an inline style (proves the meta is live).
{
  const { ctx, page, problems } = await open("trace.html");
  await page.setContent(`<!doctype html><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self'"><p style="color:red">x</p>`);
  const color = await page.$eval("p", (p) => getComputedStyle(p).color);
  ok(color !== "rgb(255, 0, 0)" && problems.some((p) => /Content Security Policy/i.test(p)), "control: the CSP meta blocks style= and reports it (so a clean page means no violations)");
  await ctx.close();
}

await browser.close();
console.log(failures ? `\n${failures} FAILED` : "\nall checks passed");
process.exit(failures ? 1 : 0);
