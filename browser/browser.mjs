// Drives Debian's chromium (playwright-core, no browser download) over the
// built site, served on 127.0.0.1 and opened from file://, and proves that the
// JS-free widgets work: every trace stepper (next, previous, jump, arrow keys,
// play/stop, reduced motion), every tab group (rules, views, datasets), dark
// mode, print, a phone viewport; no console error, failed request or CSP
// violation under the page's own policy. Screenshots go to browser/screenshots/.
//
//   node browser.mjs            (after `cargo run --release` in the repo root)
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { PUBLIC, BUNDLED, CSP, requirePublic, pages, serve, launch, shotPath, tally, parseColor, contrast, meanLuminance } from "./lib.mjs";

requirePublic();
const { ok, done } = tally("browser");
const browser = await launch();
const server = await serve();
const notes = new Set();
const ORIGINS = [["http", server.url], ["file", pathToFileURL(PUBLIC + "/").href]];

/** Open a page in a fresh context and record everything that goes wrong while it lives. */
async function open(url, options = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await ctx.newPage();
  // Screenshots wait for a stable layout, which a loaded machine can take a
  // while to reach with every frame a lazily decoded image.
  page.setDefaultTimeout(120000);
  const problems = [];
  // Every request for a standalone frames file (the lazily loaded <img> frames).
  const frameFiles = [];
  page.on("request", (r) => { if (/(-frames(-tb)?|snapshots(-narrow)?)\.svg(#|$)/.test(r.url())) frameFiles.push(r.url().replace(/#.*$/, "")); });
  // Chromium reports CSP violations (and blocked loads) as console errors.
  page.on("console", (m) => {
    if (m.type() !== "error" && m.type() !== "warning") return;
    // The site ships no favicon, so Chromium's automatic /favicon.ico probe 404s over http.
    // Not the page's doing (no markup asks for it): noted once, not counted.
    if (/\/favicon\.ico$/.test(m.location()?.url ?? "")) { notes.add(`note: ${m.location().url.replace(/^.*\//, "/")} 404 (the site has no favicon)`); return; }
    problems.push(`console ${m.type()}: ${m.text()} ${m.location()?.url ?? ""}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  await page.goto(url, { waitUntil: "load" });
  return { ctx, page, problems, frameFiles };
}

// ---------------------------------------------------------------- helpers run in the page
// A widget is addressed by the id of its first radio, `FIG-s0` (FIG = figure id + view).
// Tabs: the radios are children of the fieldset, the panels `.view > .frames > section`.
// Steppers: each radio sits right before its panel, `.view > .frames > input + .step`.
const esc = (s) => s.replace(/[^\w-]/g, (c) => "\\" + c);
const W = (fig) => `fieldset.st:has(> #${esc(fig)}-s0, > .view > .frames > #${esc(fig)}-s0)`;
const PANELS = ":scope > .view > .frames > :is(section, .step)";
const RADIOS = ":scope > input[type=radio], :scope > .view > .frames > input[type=radio]";
// Shown: laid out and visible (a stepper's next frame may be laid out hidden, to preload its file).
const visiblePanels = (page, fig) => page.$eval(W(fig), (st, PANELS) => [...st.querySelectorAll(PANELS)]
  .map((e, k) => [e, k]).filter(([e]) => e.checkVisibility({ visibilityProperty: true }) && e.getBoundingClientRect().height > 0).map(([, k]) => `k${k}`), PANELS);
/** The text Chromium lays out for each element matching `selector` (shown
 *  ones), generated content included: the step numbers are CSS counters
 *  (`.pos::before`, `.num::before`), which textContent leaves out. Read from
 *  the layout tree (CDP DOMSnapshot), so it is what a reader sees. */
const cdps = new WeakMap();
let stopWatched = false;
async function laidOut(page, selector) {
  const n = await page.$$eval(selector, (els) => els.filter((e) => e.checkVisibility({ visibilityProperty: true }))
    .map((e, i) => e.setAttribute("data-probe", String(i))).length);
  if (!cdps.has(page)) cdps.set(page, await page.context().newCDPSession(page));
  const snap = await cdps.get(page).send("DOMSnapshot.captureSnapshot", { computedStyles: [] });
  await page.$$eval("[data-probe]", (els) => els.forEach((e) => e.removeAttribute("data-probe")));
  const d = snap.documents[0], S = snap.strings;
  const probe = new Map(); // DOM node index → probe number
  d.nodes.attributes.forEach((attrs, i) => { for (let a = 0; a < attrs.length; a += 2) if (S[attrs[a]] === "data-probe") probe.set(i, Number(S[attrs[a + 1]])); });
  const out = Array.from({ length: n }, () => "");
  d.layout.nodeIndex.forEach((node, li) => {
    const t = d.layout.text[li];
    if (t < 0) return;
    for (let p = node; p >= 0; p = d.nodes.parentIndex[p]) if (probe.has(p)) { out[probe.get(p)] += S[t]; break; }
  });
  return out;
}
/** The prev/position/next rows shown: [index of the step that holds it, its position text as laid out]. */
const visiblePairs = async (page, fig) => {
  const ks = await page.$eval(W(fig), (st) => [...st.querySelectorAll(":scope > .view > .frames > .step")]
    .map((e, k) => [e.querySelector(":scope > .pn"), k]).filter(([pn]) => pn && pn.checkVisibility({ visibilityProperty: true }) && pn.getBoundingClientRect().height > 0).map(([, k]) => k));
  const pos = await laidOut(page, `${W(fig)} > .view > .frames > .step > .pn > .pos`);
  return ks.map((k, i) => `k${k} ${pos[i]}`);
};
// A shared stepper's narration has one paragraph per dataset: only the shown one counts.
const narration = (page, fig) => page.$eval(W(fig), (st, PANELS) =>
  [...st.querySelectorAll(PANELS)].filter((e) => e.checkVisibility({ visibilityProperty: true })).map((e) => {
    const nar = e.querySelector(":scope > .nar");
    const text = nar ? [...nar.children].filter((c) => c.checkVisibility()).map((c) => c.textContent).join(" ") : e.textContent;
    return text.trim().replace(/\s+/g, " ");
  }).join(" | "), PANELS);
const checkedRadio = (page, fig) => page.$eval(W(fig), (st, RADIOS) => [...st.querySelectorAll(RADIOS)].find((r) => r.checked)?.id, RADIOS);
/** The frame picture of panel k: an inline <svg> or an <img> (a view of the
 *  frames file, loaded lazily), with its rendered size; for an image also its
 *  URL's fragment, whether it has loaded, and its width attribute (the view's
 *  natural width). */
const frameBox = (page, fig, k) => page.$eval(W(fig), (st, [PANELS, k]) => {
  const li = st.querySelectorAll(PANELS)[k];
  // A shared stepper's step holds a frame per dataset: the shown one.
  const pics = [...li.querySelectorAll(":scope > .frame-box > :is(svg, img, picture)")];
  const pic = pics.find((p) => p.checkVisibility()) ?? pics[0] ?? li.querySelector(":scope svg");
  if (!pic) return null;
  // A picture shows the layout of its first <source> whose media matches, else its <img>.
  const el = pic.tagName === "PICTURE" ? pic.querySelector(":scope > img") : pic;
  const source = pic.tagName === "PICTURE" ? [...pic.querySelectorAll(":scope > source")].find((s) => matchMedia(s.media).matches) : null;
  const r = el.getBoundingClientRect();
  const img = el.tagName === "IMG";
  const url = source ? source.getAttribute("srcset") : img ? el.getAttribute("src") : null;
  const dims = source ?? el;
  return { tag: pic.tagName.toLowerCase(), w: Math.round(r.width), h: Math.round(r.height),
    frag: img ? url.replace(/^[^#]*/, "") : null, loaded: img ? el.complete && el.naturalWidth > 0 : true,
    natural: img ? Number(dims.getAttribute("width")) : Math.round(r.width), naturalH: img ? Number(dims.getAttribute("height")) : Math.round(r.height),
    alt: img ? el.alt : null, file: img ? url.replace(/#.*$/, "") : null,
    variant: [...pic.classList].find((c) => /^v\d+$/.test(c)) ?? null,
    shown: pics.filter((p) => p.checkVisibility()).length,
    paras: [...li.querySelectorAll(":scope > .nar > p")].filter((p) => p.checkVisibility()).map((p) => p.textContent.trim()) };
}, [PANELS, k]);
/** Waits (up to 5 s) until the frame picture of panel k has loaded: a lazy image is fetched once shown. */
async function loadedBox(page, fig, k) {
  let box = await frameBox(page, fig, k);
  for (let i = 0; i < 100 && box && !box.loaded; i++) { await page.waitForTimeout(50); box = await frameBox(page, fig, k); }
  return box;
}
const clickPN = (page, fig, which) => page.locator(`${W(fig)} > .view > .frames > .step > .pn > label.${which}`).filter({ visible: true }).click();
/** The inert prev/next at an end: its tag, and whether it looks unlike the live button beside it. */
const offStyle = (page, fig, k, which) => page.$eval(W(fig), (st, [k, which]) => {
  const pair = st.querySelectorAll(":scope > .view > .frames > .step")[k].querySelector(":scope > .pn");
  const off = pair.querySelector(`:scope > .${which}`), live = pair.querySelector(":scope > label");
  const a = getComputedStyle(off), b = getComputedStyle(live);
  return { tag: off.tagName, differs: a.opacity < 0.6 || a.color !== b.color || a.borderTopColor !== b.borderTopColor || a.backgroundColor !== b.backgroundColor };
}, [k, which]);
const one = (list, k) => JSON.stringify(list) === JSON.stringify([`k${k}`]);
/** The jump list of a stepper: [text, target step, highlighted?] per label (parts, or numbers when short). */
/** The highlighted one is filled with the accent colour (and bold). */
const jumpList = async (page, fig) => {
  const texts = await laidOut(page, `${W(fig)} > .view > .frames > .jw > label:is(.jump, .num)`);
  return page.$eval(W(fig), (st, texts) => {
    const plain = getComputedStyle(st.querySelector(":scope > .view > .frames > .step > .pn > label")).backgroundColor;
    return [...st.querySelectorAll(":scope > .view > .frames > .jw > label:is(.jump, .num)")].map((l, i) => [
      texts[i].trim(), Number(l.htmlFor.replace(/^.*-s/, "")),
      getComputedStyle(l).backgroundColor !== plain && Number(getComputedStyle(l).fontWeight) >= 600, l.classList.contains("num") ? "num" : "jump"]);
  }, texts);
};

/** Describe every widget of the page: id prefix, kind, size, and which tab panels hold it. */
const widgets = (page) => page.$$eval("fieldset.st", (sets, RADIOS) => sets.map((st) => {
  const radios = [...st.querySelectorAll(RADIOS)];
  const fig = radios[0]?.id.replace(/-s0$/, "");
  // Outer tabs to open first: each ancestor `.st.tabs > .view > .frames > .kK` section.
  const path = [];
  for (let el = st.parentElement; el; el = el.parentElement) {
    const outer = el.parentElement?.parentElement?.parentElement;
    if (el.matches(".frames > *") && outer?.matches("fieldset.st.tabs")) {
      path.unshift({ fig: outer.querySelector(":scope > input[type=radio]").id.replace(/-s0$/, ""), k: [...el.parentElement.children].indexOf(el) });
    }
  }
  // Steppers: one class per bit of the step count (n4 n8 = 12); tabs: nN.
  const bits = [...st.classList].filter((c) => /^n\d+$/.test(c)).map((c) => Number(c.slice(1)));
  // A stepper shared by a tab group's datasets: the group's radios pick the variant shown.
  const ds = st.classList.contains("stepper") ? st.parentElement.closest("fieldset.ds") : null;
  return {
    ds: ds && { fig: ds.querySelector(":scope > input[type=radio]").id.replace(/-s0$/, ""),
      names: [...ds.querySelectorAll(":scope > .bar > .jl > label")].map((l) => l.textContent.trim()) },
    fig, n: radios.length, kind: st.classList.contains("stepper") ? "stepper" : "tabs",
    nClass: st.classList.contains("stepper") ? bits.reduce((a, b) => a + b, 0) : bits[0], path,
    figure: st.closest("figure[id], div.group[id]")?.id,
    labels: [...st.querySelectorAll(":scope > .bar > .jl > label")].map((l) => l.textContent.trim()),
    titles: [...st.querySelectorAll(":scope > .view > .frames > * > .tt")].map((t) => t.textContent.trim()),
  };
}), RADIOS);

async function openPath(page, path) {
  for (const { fig, k } of path) await page.locator(`${W(fig)} > .bar > .jl > .j${k}`).click();
}

// ---------------------------------------------------------------- the checks
async function checkStepper(page, w, where) {
  const { fig, n } = w;
  const tag = `${where} ${fig}`;
  await openPath(page, w.path);
  ok(w.nClass === n, `${tag}: the count classes add up to ${w.nClass}, the number of radios ${n}`);
  const narOf = async () => narration(page, fig);
  // The dataset shown by a shared stepper (its index in the group), else null.
  let dataset = w.ds ? 0 : null;
  const stepIs = async (k, how) => {
    const v = await visiblePanels(page, fig);
    const nar = await narOf();
    const box = await loadedBox(page, fig, k);
    const pairs = await visiblePairs(page, fig);
    // An image frame must show view k of its file, loaded, at its natural size.
    const img = !box || box.tag !== "img" || (box.frag === `#step-${k + 1}` && box.loaded && box.w === box.natural && box.h === box.naturalH && box.alt.length > 10);
    // A shared stepper: exactly one frame and one narration shown, both the checked dataset's,
    // the frame a view of that dataset's own frames file.
    const variantOk = dataset === null || (box && box.shown === 1 && box.paras.length === 1 && box.variant === `v${dataset}`
      && box.paras[0].startsWith(`${w.ds.names[dataset]}: `)
      // A trace's alt counts the stepper's steps; a training run's, its training steps.
      && (box.tag !== "img" || box.alt.startsWith(fig.endsWith("-training") ? `${w.ds.names[dataset]}, step ` : `${w.ds.names[dataset]}, step ${k + 1} of ${n}`))
      && (box.tag !== "img" || box.file === w.files[dataset]));
    if (w.ds) how += ` [${w.ds.names[dataset]}]`;
    ok(one(v, k) && nar.length > 10 && box && box.w > 100 && box.h > 50 && img && variantOk
      && (await checkedRadio(page, fig)) === `${fig}-s${k}` && JSON.stringify(pairs) === JSON.stringify([`k${k} ${k + 1} / ${n}`]),
      `${tag}: ${how} → frame k${k} shown (${box?.tag}${box?.frag ?? ""} ${box?.w}×${box?.h}${box?.loaded ? "" : ", not loaded"}, natural size ${box?.natural}×${box?.naturalH}), narration "${nar.slice(0, 40)}…", "${pairs}", radio s${k} checked`);
  };
  if (w.ds) {
    // Each dataset's frames file (the layout shown at this width), read off the step 2 pictures.
    w.files = await page.$eval(`#${esc(fig)}-s1 + .step`, (st) => [...st.querySelectorAll(".frame-box > :is(img, picture)")].map((p) => {
      const source = p.tagName === "PICTURE" ? [...p.querySelectorAll(":scope > source")].find((s) => matchMedia(s.media).matches) : null;
      return (source ? source.getAttribute("srcset") : (p.tagName === "PICTURE" ? p.querySelector("img") : p).getAttribute("src")).replace(/#.*$/, "");
    }));
    ok(w.files.length === w.ds.names.length && new Set(w.files).size === w.files.length,
      `${tag}: one frame per dataset in each step, each of its own frames file (${w.files.join(", ")})`);
  }
  await stepIs(0, "at load");
  const prev0 = await offStyle(page, fig, 0, "prev");
  ok(prev0.tag === "SPAN" && prev0.differs, `${tag}: Previous at step 1 is an inert span drawn unlike a button (${JSON.stringify(prev0)})`);
  await clickPN(page, fig, "next");
  await stepIs(1, "Next");
  await clickPN(page, fig, "next");
  await stepIs(2, "Next again");
  await clickPN(page, fig, "prev");
  await stepIs(1, "Previous");

  // The jump list: numbers for a short stepper, the parts of the story for a
  // long one. Each label leads to its step and is then the one highlighted
  // (a part's label stays highlighted while stepping inside the part).
  const jumps = await jumpList(page, fig);
  const numbered = jumps.length > 0 && jumps.every((j) => j[3] === "num");
  if (numbered) {
    ok(jumps.length === n && jumps.every(([t, s], k) => t === String(k + 1) && s === k), `${tag}: a short stepper numbers its ${n} steps`);
  } else {
    const texts = jumps.map((j) => j[0]);
    if (fig.endsWith("-training")) {
      // A training figure's snapshots: its start, halfway and its last step.
      ok(JSON.stringify(texts) === JSON.stringify(["Start", "Halfway", "Last step"]) && jumps[0][1] === 0 && jumps[2][1] === n - 1,
        `${tag}: a training stepper jumps to its start, halfway and last snapshot (${texts.join(", ")})`);
    } else ok(n > 24 && jumps.length >= 5 && jumps.length < n / 2 && jumps[0][1] === 0 && jumps.every((j, i) => i === 0 || j[1] > jumps[i - 1][1])
      && ["Start", "Forward", "Seed", "Backward", "Done"].every((t) => texts.includes(t)),
      `${tag}: a long stepper jumps between ${jumps.length} parts, in order (${texts.join(", ")})`);
    if (w.figure?.startsWith("batch") || fig.startsWith("batch") || (w.ds && !fig.endsWith("-training"))) {
      const ex = texts.filter((t) => /^Example \d+$/.test(t));
      ok(ex.length >= 2 && texts.includes("Update"), `${tag}: a batch jumps to each example in both passes and to the update (${ex.join(", ")})`);
    }
  }
  for (const [i, [text, target, , kind]] of jumps.entries()) {
    if (numbered && ![Math.floor(n / 2), n - 1].includes(i)) continue;
    await page.locator(`${W(fig)} > .view > .frames > .jw > label.${kind}[for="${fig}-s${target}"]`).click();
    await stepIs(target, `jump "${text}"`);
    const lit = (await jumpList(page, fig)).filter((j) => j[2]).map((j) => j[0]);
    ok(JSON.stringify(lit) === JSON.stringify([text]), `${tag}: after jump "${text}" only it is highlighted (${lit})`);
    const end = numbered ? target : (i + 1 < jumps.length ? jumps[i + 1][1] - 1 : n - 1);
    if (!numbered && end > target) {
      await clickPN(page, fig, "next");
      const lit2 = (await jumpList(page, fig)).filter((j) => j[2]).map((j) => j[0]);
      ok(JSON.stringify(lit2) === JSON.stringify([text]), `${tag}: one step into "${text}" it stays highlighted (${lit2})`);
    }
  }
  await page.locator(`${W(fig)} > .view > .frames > .jw > label[for="${fig}-s${jumps.at(-1)[1]}"]`).click();
  if (jumps.at(-1)[1] < n - 1) for (let k = jumps.at(-1)[1]; k < n - 1; k++) await clickPN(page, fig, "next");
  await stepIs(n - 1, `to step ${n}`);
  const nextEnd = await offStyle(page, fig, n - 1, "next");
  ok(nextEnd.tag === "SPAN" && nextEnd.differs, `${tag}: Next at step ${n} is an inert span drawn unlike a button (${JSON.stringify(nextEnd)})`);

  // Keyboard: the checked radio takes focus (as Tab would put it there); arrows move and check.
  const mid = Math.floor(n / 2);
  await page.$eval(`#${esc(fig)}-s${mid}`, (r) => { r.checked = true; });
  await page.focus(`#${esc(fig)}-s${mid}`);
  await page.keyboard.press("ArrowRight");
  await stepIs(mid + 1, "ArrowRight");
  const ring = await page.$eval(W(fig), (st) => {
    const step = [...st.querySelectorAll(":scope > .view > .frames > .step")].find((p) => p.checkVisibility({ visibilityProperty: true }) && p.getBoundingClientRect().height > 0);
    return [getComputedStyle(step).outlineStyle, parseFloat(getComputedStyle(step).outlineWidth)];
  });
  ok(ring[0] !== "none" && ring[1] >= 2, `${tag}: keyboard focus draws a ring round the current step: frame, words and controls (${ring})`);
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  await stepIs(mid - 1, "ArrowLeft twice");

  // Play starts the filmstrip animation; Stop removes it and the selected step shows again.
  const anims = () => page.$eval(`${W(fig)} > .view > .frames`, (ol) => ({
    running: ol.getAnimations().map((a) => a.animationName ?? a.id), name: getComputedStyle(ol).animationName,
    duration: getComputedStyle(ol).animationDuration, timing: getComputedStyle(ol).animationTimingFunction,
  }));
  ok((await anims()).running.length === 0, `${tag}: nothing animates at load`);
  await page.locator(`${W(fig)} > .view > .pw > .pl`).click();
  const a1 = await anims();
  ok(a1.running.length === 1 && a1.name !== "none" && (await page.isChecked(`#${esc(fig)}-play`))
    && a1.timing === `steps(${n})` && parseFloat(a1.duration) === 1.5 * n,
    `${tag}: Play starts the animation, ${n} frames of 1.5 s (${JSON.stringify(a1)})`);
  // One Play / Stop button per stepper, under the sliding strip: it stays in view.
  const stop = page.locator(`${W(fig)} > .view > .pw > .pl`);
  if (!stopWatched) {  // once per run: it waits for the strip to move
    stopWatched = true;
    const at = async () => [(await stop.boundingBox())?.x, await page.$eval(`${W(fig)} > .view > .frames`, (f) => getComputedStyle(f).transform)];
    const [x0, t0] = await at();
    await page.waitForTimeout(1600);
    const [x1, t1] = await at();
    ok(x0 !== undefined && x0 === x1 && t0 !== t1, `${tag}: the Stop button stays put while the frames slide (${x0} → ${x1}; ${t0} → ${t1})`);
  }
  const stopShown = await stop.locator(".stop").evaluate((e) => getComputedStyle(e).display);
  ok(stopShown !== "none", `${tag}: the Play button reads Stop while playing`);
  await stop.click();
  const a2 = await anims();
  ok(a2.running.length === 0 && a2.name === "none", `${tag}: Stop ends the animation (${JSON.stringify(a2)})`);
  await stepIs(mid - 1, "after Stop");

  // A shared stepper: every dataset at a backward step and at its neighbours. Switching the
  // dataset keeps the step (compare the same step across datasets); Next/Previous step within it.
  if (w.ds) {
    // A trace: two steps into its backward pass; a training run: halfway.
    const part = jumps.find((j) => j[0] === (fig.endsWith("-training") ? "Halfway" : "Backward"))[1];
    const back = part + 2;
    await page.locator(`${W(fig)} > .view > .frames > .jw > label[for="${fig}-s${part}"]`).click();
    await clickPN(page, fig, "next");
    await clickPN(page, fig, "next");
    for (let d = w.ds.names.length - 1; d >= 0; d--) {
      await page.locator(`${W(w.ds.fig)} > .bar > .jl > .j${d}`).click();
      dataset = d;
      await stepIs(back, `dataset "${w.ds.names[d]}" at step ${back + 1}`);
      await clickPN(page, fig, "next");
      await stepIs(back + 1, "Next");
      await clickPN(page, fig, "prev");
      await stepIs(back, "Previous");
    }
    // Every step of every dataset: its frame and narration, no other.
    const all = await page.$eval(W(fig), (st) => [...st.querySelectorAll(":scope > .view > .frames > .step")].map((e) =>
      [e.querySelectorAll(":scope > .frame-box > .vr").length, e.querySelectorAll(":scope > .nar > p.vr").length]));
    ok(all.every(([f, p]) => f === w.ds.names.length && p === w.ds.names.length), `${tag}: each of ${all.length} steps holds a frame and a narration per dataset`);
    for (let d = 0; d < w.ds.names.length; d++) {
      await page.locator(`${W(w.ds.fig)} > .bar > .jl > .j${d}`).click();
      dataset = d;
      for (let k = 0; k < n; k++) {
        await page.$eval(`#${esc(fig)}-s${k}`, (r) => { r.checked = true; });
        const box = await frameBox(page, fig, k);
        const good = box.shown === 1 && box.paras.length === 1 && box.variant === `v${d}` && box.paras[0].startsWith(`${w.ds.names[d]}: `)
          && (box.tag === "svg" ? d === 0 && k === 0 : box.frag === `#step-${k + 1}` && box.file === w.files[d]);
        if (!good) { ok(false, `${tag}: dataset "${w.ds.names[d]}" step ${k + 1} shows ${JSON.stringify(box)}`); break; }
        if (k === n - 1) ok(true, `${tag}: dataset "${w.ds.names[d]}": each of ${n} steps shows its own frame (view k of ${w.files[d]}) and narration only`);
      }
    }
    await page.locator(`${W(w.ds.fig)} > .bar > .jl > .j0`).click();
  }
}

async function checkTabs(page, w, where) {
  const { fig, n } = w;
  const tag = `${where} ${fig}`;
  await openPath(page, w.path);
  ok(w.nClass === n && w.labels.length === n && w.titles.length === n, `${tag}: ${n} radios, tabs and panels (${w.labels.join(", ")})`);
  ok(one(await visiblePanels(page, fig), 0), `${tag}: first panel shown at load`);
  for (let k = n - 1; k >= 0; k--) {
    await page.locator(`${W(fig)} > .bar > .jl > .j${k}`).click();
    const v = await visiblePanels(page, fig);
    const h = await page.$eval(`${W(fig)} > .view > .frames > .k${k}`, (s) => s.getBoundingClientRect().height);
    ok(one(v, k) && h > 50 && w.titles[k].endsWith(w.labels[k]) && (await checkedRadio(page, fig)) === `${fig}-s${k}`,
      `${tag}: tab "${w.labels[k]}" → panel k${k} shown (${Math.round(h)}px, "${w.titles[k]}")`);
  }
  await page.focus(`#${fig}-s0`);
  await page.keyboard.press("ArrowRight");
  ok(one(await visiblePanels(page, fig), 1), `${tag}: ArrowRight moves to the second tab`);
  await page.keyboard.press("ArrowLeft");
  ok(one(await visiblePanels(page, fig), 0), `${tag}: ArrowLeft moves back`);
}

/** Every panel of every widget is rendered (print, or the filmstrip). */
const hiddenPanels = (page) => page.$$eval("fieldset.st > .view > .frames > :is(section, .step)", (els) =>
  els.filter((e) => getComputedStyle(e).display === "none" || e.getBoundingClientRect().height === 0)
    .map((e) => `${e.closest("fieldset.st").querySelector("input[type=radio]").id.replace(/-s0$/, "")} ${[...e.parentElement.children].filter((c) => c.matches("section, .step")).indexOf(e)}`));

/** The first trace stepper of the page with one frame per step (a shared
 *  stepper holds one per dataset), by its figure id; undefined if there is none. */
const singleStepper = (page) => page.$$eval("figure.trace fieldset.stepper", (fs) => fs
  .find((f) => f.querySelectorAll(":scope > .view > .frames > .step:first-of-type > .frame-box > :is(svg, img, picture)").length === 1)
  ?.querySelector("input[type=radio]").id.replace(/-s0$/, ""));

// Pages with at least one trace stepper: the bundled explainer must have one, so
// that skipping the stepper checks on pages without one cannot hide them all.
const stepperPages = new Set();
// Across the pages (a course spreads its steppers over several): steps seen, frames files fetched.
let stepsSeen = 0;
const framesFilesSeen = new Set();
for (const [origin, base] of ORIGINS) {
  for (const path of pages()) {
    const where = `${origin} ${path}`;
    const url = new URL(path, base).href;
    const { ctx, page, problems, frameFiles } = await open(url);
    await page.waitForTimeout(300);
    // Every frame is a lazy image, the first too: at load the browser fetches
    // the frames file of a stepper near the first screen (within Chromium's
    // lazy-loading margin, at most 2,500 px below it), and only the layout
    // that screen shows; nothing further down the page.
    const far = await page.evaluate((files) => files.filter((f) => {
      const el = [...document.querySelectorAll("img.frame, picture.frame > source")]
        .find((e) => new URL(e.getAttribute("src") ?? e.getAttribute("srcset"), document.baseURI).href.replace(/#.*$/, "") === f);
      return !el || (el.closest("fieldset") ?? el).getBoundingClientRect().top > innerHeight + 2500;
    }), frameFiles);
    const twins = frameFiles.filter((f) => /-(tb|narrow)\.svg$/.test(f) && frameFiles.includes(f.replace(/-(tb|narrow)\.svg$/, ".svg")));
    ok(far.length === 0 && twins.length === 0, `${where}: at load, only frames files of steppers near the first screen are fetched, one layout each (${frameFiles.length} fetched; far: ${far.join(", ")}; both layouts: ${twins.join(", ")})`);
    // Every frame of a trace is a lazy image (a picture of its layouts, or
    // one <img>), the first too: nothing of a trace is drawn in the page, and
    // only the layout a screen shows is fetched. (A training figure's
    // snapshots are pictures of a wide and a phone's drawing too.)
    const firsts = await page.$$eval("figure.trace fieldset.stepper > .view > .frames > .step", (els) => els.map((e) => {
      const pics = [...e.querySelectorAll(":scope > .frame-box > :is(svg, img, picture)")];
      const lazy = pics.filter((p) => (p.tagName === "PICTURE" ? p.querySelector(":scope > img") : p).matches("img[loading=lazy]"));
      return [pics.filter((p) => p.tagName === "svg").length, lazy.length, pics.length];
    }));
    const wrong = firsts.filter(([svg, lazy, all]) => !(svg === 0 && lazy === all && all > 0));
    const hasStepper = (await page.locator("figure.trace fieldset.stepper").count()) > 0;
    stepsSeen += firsts.length;
    ok((firsts.length > 0 || !hasStepper) && wrong.length === 0, `${where}: of ${firsts.length} trace steps, every frame is a lazy picture or <img>, none inline (${wrong.length} not)`);
    // Preload: a pointer over a stepper lays out its second frame hidden, so
    // the lazy loader fetches the frames file before the first Next.
    const pre = await singleStepper(page);
    if (!pre) console.log(`  ${where}: no stepper of one frame per step on this page, preloading not checked`);
    else {
      const fig = pre;
      const file = await page.$eval(`#${esc(fig)}-s1 + .step img`, (i) => {
        const source = i.parentElement.tagName === "PICTURE" ? [...i.parentElement.querySelectorAll(":scope > source")].find((s) => matchMedia(s.media).matches) : null;
        return new URL(source ? source.getAttribute("srcset") : i.getAttribute("src"), document.baseURI).href.replace(/#.*$/, "");
      });
      await page.locator(`${W(fig)} > .view > .frames > .step`).first().hover();
      for (let i = 0; i < 60 && !frameFiles.includes(file); i++) await page.waitForTimeout(50);
      const shown = await visiblePanels(page, fig);
      ok(frameFiles.includes(file) && one(shown, 0), `${where}: a pointer over ${fig} preloads its frames file, step 1 still the only one shown (${frameFiles.join(", ") || "nothing fetched"}; ${shown})`);
      await page.mouse.move(0, 0);
    }
    ok((await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content).catch(() => null)) === CSP,
      `${where}: carries the CSP meta "${CSP}"`);
    ok((await page.locator("script, style, [style], [onclick], [onload], iframe, object, embed").count()) === 0,
      `${where}: no script, style element, style= or event-handler attribute`);
    // A page without widgets (a generated contents page, a page of stills) has no radio or
    // panel to look at: the sheet shows by the body's margin (0, not the browser's 8px) alone.
    const css = await page.evaluate(() => {
      const radio = document.querySelector("fieldset.st input[type=radio]");
      const panel = document.querySelectorAll("fieldset.st > .view > .frames > :is(section, .step)")[1];
      return [document.styleSheets.length, getComputedStyle(document.body).marginTop,
        radio ? getComputedStyle(radio).opacity : "(no widget)", panel ? getComputedStyle(panel).display : "(no widget)"];
    });
    const widgetless = css[2] === "(no widget)";
    ok(css[0] === 1 && css[1] === "0px" && (widgetless || (css[2] === "0" && css[3] === "none")), `${where}: the one stylesheet loaded and applies (${css})`);
    const maths = await page.$$eval('math[display="block"]', (ms) => ms.map((m) => [getComputedStyle(m).display, Math.round(m.getBoundingClientRect().height)]));
    ok(maths.every(([d, h]) => d === "block math" && h < 90), `${where}: ${maths.length} display equations laid out as MathML (${JSON.stringify(maths)})`);
    const list = await widgets(page);
    const steppers = list.filter((w) => w.kind === "stepper");
    if (steppers.length) stepperPages.add(path);
    const tabs = list.filter((w) => w.kind === "tabs");
    console.log(`  ${where}: ${steppers.length} steppers (${steppers.map((w) => `${w.fig}×${w.n}`).join(", ")}), ${tabs.length} tab groups (${tabs.map((w) => w.fig).join(", ")})`);
    for (const w of tabs) await checkTabs(page, w, where);
    for (const w of steppers) await checkStepper(page, w, where);
    // One request per frames file, however many of its views were shown: the
    // fragment picks the view, the image cache serves the file.
    const counts = {};
    for (const f of frameFiles) counts[f] = (counts[f] ?? 0) + 1;
    if (origin === "http") for (const f of frameFiles) framesFilesSeen.add(f);
    const twice = Object.entries(counts).filter(([, c]) => c > 1);
    // (From file:// there is no HTTP cache: Chromium reads the local file again for a view, which costs no network.)
    if (origin === "file") notes.add(`note: from file://, the frames files were read ${frameFiles.length} times for ${Object.keys(counts).length} files (local reads, no HTTP cache)`);
    else ok((Object.keys(counts).length >= 1 || !hasStepper) && twice.length === 0,
      `${where}: stepping through every stepper fetched ${Object.keys(counts).length} frames files once each (${twice.map(([f, c]) => `${f.replace(/^.*figures\//, "")} ×${c}`).join(", ")})`);
    ok(problems.length === 0, `${where}: no console error, failed request or CSP violation${problems.length ? ":\n    " + problems.join("\n    ") : ""}`);
    await ctx.close();
  }
}

// ---------------------------------------------------------------- media: reduced motion, dark, print, phone
/** A full-page screenshot, plus the same page cut into readable tiles (-p01, -p02, …). */
async function fullShots(page, name, tile = 1600) {
  // (A full page of lazy frames takes a while on a loaded machine.)
  await page.screenshot({ path: shotPath(`${name}.png`), fullPage: true, timeout: 180000 });
  const [w, h] = await page.evaluate(() => [document.documentElement.clientWidth, document.documentElement.scrollHeight]);
  for (let y = 0, i = 1; y < h; y += tile, i++) {
    await page.screenshot({ path: shotPath(`${name}-p${String(i).padStart(2, "0")}.png`), fullPage: true, clip: { x: 0, y, width: w, height: Math.min(tile, h - y) }, timeout: 180000 });
  }
}
/** SVG text whose fill has under 4.5:1 contrast on the figure's paper (WCAG 1.4.3 for text of 11–13 px; axe does not look inside SVG). */
const svgTextContrast = async (page) => {
  const found = await page.$$eval(".fig svg text", (texts) => texts.filter((t) => t.textContent.trim()).map((t) => {
    const svg = t.closest("svg");
    const paper = svg.querySelector(".paper");
    return [t.getAttribute("class"), getComputedStyle(t).fill, paper ? getComputedStyle(paper).fill : getComputedStyle(svg).backgroundColor, t.textContent.trim().slice(0, 30)];
  }));
  const bad = new Map();
  for (const [cls, fill, paper, text] of found) {
    const fg = parseColor(fill), bg = parseColor(paper);
    if (!fg || !bg) continue;
    const ratio = contrast(fg, bg);
    if (ratio < 4.5) bad.set(`${cls} ${fill}`, `${ratio.toFixed(2)}: ${text}`);
  }
  return [...bad.entries()];
};
const slug = (p) => p.replace(/\.html$/, "").replace(/[^a-z0-9]+/gi, "-");
for (const path of pages()) {
  const url = new URL(path, server.url).href;
  const s = slug(path);

  {
    const { ctx, page, problems } = await open(url, { reducedMotion: "reduce" });
    const list = (await widgets(page)).filter((w) => w.kind === "stepper");
    for (const w of list) {
      const hidden = (await page.locator(`${W(w.fig)} .pl`).filter({ visible: true }).count()) === 0;
      await page.$eval(`#${esc(w.fig)}-play`, (c) => { c.checked = true; });
      const name = await page.$eval(`${W(w.fig)} > .view > .frames`, (ol) => getComputedStyle(ol).animationName);
      ok(hidden && name === "none", `reduced motion ${path} ${w.fig}: no Play button, no animation even when checked (${name})`);
    }
    const all = await page.evaluate(() => document.getAnimations().length + [...document.querySelectorAll("*")]
      .filter((e) => { const c = getComputedStyle(e); return c.animationName !== "none" || (parseFloat(c.transitionDuration) > 0); }).length);
    ok(all === 0, `reduced motion ${path}: nothing in the document animates or transitions (${all})`);
    ok(problems.length === 0, `reduced motion ${path}: no console problems ${problems.join("; ")}`);
    await ctx.close();
  }

  {
    const { ctx, page, problems } = await open(url);
    await fullShots(page, `${s}-desktop-1280`);
    for (const id of await page.$$eval("figure.fig[id], div.group[id]", (els) => els.filter((e) => !e.parentElement.closest("figure.fig, div.group")).map((e) => e.id))) {
      await page.locator(`#${id}`).screenshot({ path: shotPath(`${s}-fig-${id}-desktop.png`) });
    }
    ok((await svgTextContrast(page)).length === 0, `light ${path}: every inline SVG text has ≥ 4.5:1 contrast on its figure's paper ${JSON.stringify((await svgTextContrast(page)).slice(0, 40))}`);
    await page.emulateMedia({ colorScheme: "dark" });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const lum = bg.match(/\d+/g).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
    ok(lum < 80, `dark ${path}: dark background (${bg})`);
    if (await page.locator("figure.fig svg text").count()) {
      const svgText = await page.$eval("figure.fig svg text", (t) => getComputedStyle(t).fill);
      const tl = (svgText.match(/\d+/g) ?? [0, 0, 0]).slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;
      ok(tl > 128, `dark ${path}: inline SVG text is light on dark (${svgText})`);
    } else console.log(`  dark ${path}: no inline SVG figure on this page, its text colour not checked`);
    ok((await svgTextContrast(page)).length === 0, `dark ${path}: every inline SVG text has ≥ 4.5:1 contrast on its figure's paper ${JSON.stringify((await svgTextContrast(page)).slice(0, 40))}`);
    // Image frames carry their own dark-mode rules: steps 1 and 2 of a stepper
    // (lazy images, as every frame is) must be dark in dark mode, and light in light mode.
    const hasStepper = (await singleStepper(page)) !== undefined;
    if (hasStepper) {
      const fig = await singleStepper(page);
      const shoot = async (k) => {
        await page.$eval(`#${esc(fig)}-s${k}`, (r) => { r.checked = true; });
        const box = await loadedBox(page, fig, k);
        const el = page.locator(`${W(fig)} > .view > .frames > .step`).nth(k).locator(":scope > .frame-box > svg, :scope > .frame-box > img, :scope > .frame-box > picture > img");
        const png = await el.screenshot({ path: shotPath(`${s}-frame-${fig}-${k + 1}-${await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")}.png`) });
        return [box.tag, await meanLuminance(png)];
      };
      const [[t0, d0], [t1, d1]] = [await shoot(0), await shoot(1)];
      await page.emulateMedia({ colorScheme: "light" });
      const [, l1] = await shoot(1);
      await page.emulateMedia({ colorScheme: "dark" });
      await shoot(0);
      ok(t0 !== "svg" && t1 !== "svg" && d0 < 0.1 && d1 < 0.1 && Math.abs(d1 - d0) < 0.05 && l1 > 0.6,
        `dark ${path} ${fig}: the image frames follow dark mode (mean luminance: step 1 dark ${d0.toFixed(3)}, step 2 dark ${d1.toFixed(3)}, step 2 light ${l1.toFixed(3)})`);
    }
    await fullShots(page, `${s}-dark-1280`);
    for (const id of ["step-size", "sketch", "rules", "single", "modules", "datasets"]) {
      if (await page.locator(`#${id}`).count()) await page.locator(`#${id}`).screenshot({ path: shotPath(`${s}-fig-${id}-dark.png`) });
    }
    await page.emulateMedia({ colorScheme: "light", media: "print" });
    const hidden = await hiddenPanels(page);
    ok(hidden.length === 0, `print ${path}: every frame and tab panel is shown (${hidden.length} hidden${hidden.length ? ": " + hidden.slice(0, 5).join(", ") : ""})`);
    const bars = await page.$$eval("fieldset.st > .bar, fieldset.st > input, .frames > input, .frames > .jw, .frames > .cap, .step > .pn", (els) => els.filter((e) => getComputedStyle(e).display !== "none").length);
    ok(bars === 0, `print ${path}: controls, jump lists and radios hidden (${bars} visible)`);
    const nars = await page.$$eval("fieldset.stepper > .view > .frames > .step", (els) => els.filter((li) => li.querySelector(":scope > .nar")?.getBoundingClientRect().height > 0).length);
    const lis = await page.$$eval("fieldset.stepper > .view > .frames > .step", (els) => els.length);
    ok(nars === lis, `print ${path}: every frame printed with its narration (${nars}/${lis})`);
    // A shared stepper prints every dataset's frame and narration at every step, the narration named by its dataset.
    const variants = await page.$$eval(".ds .step", (els) => els.map((e) => [
      [...e.querySelectorAll(":scope > .frame-box > .vr")].filter((f) => f.getBoundingClientRect().height > 50).length,
      [...e.querySelectorAll(":scope > .nar > p.vr")].filter((p) => p.getBoundingClientRect().height > 0 && p.querySelector(".tt")?.getBoundingClientRect().width > 0).length,
      e.querySelectorAll(":scope > .frame-box > .vr").length]));
    ok(variants.every(([f, p, all]) => f === all && p === all && all > 1), `print ${path}: every dataset's frame and named narration printed in each of ${variants.length} shared steps`);
    // On paper both kinds of frame are light, even for a reader in dark mode:
    // print sets `color-scheme: light`, and Chromium answers an SVG image's
    // prefers-color-scheme from its <img> element's used colour scheme.
    if (hasStepper) {
      await page.emulateMedia({ colorScheme: "dark", media: "print" });
      const fig = await singleStepper(page);
      const lum = [];
      for (const k of [0, 1]) {
        await loadedBox(page, fig, k);
        const el = page.locator(`${W(fig)} > .view > .frames > .step`).nth(k).locator(":scope > .frame-box > svg, :scope > .frame-box > img, :scope > .frame-box > picture > img");
        lum.push(await meanLuminance(await el.screenshot({ path: shotPath(`${s}-frame-${fig}-${k + 1}-print-dark.png`) })));
      }
      ok(lum.every((l) => l > 0.8), `print ${path} ${fig}: in dark mode the inline and the image frame print light (mean luminance ${lum.map((l) => l.toFixed(3)).join(", ")})`);
      await page.emulateMedia({ colorScheme: "light", media: "print" });
    }
    await page.setViewportSize({ width: 800, height: 1100 });
    if (await page.locator("#single").count()) await page.locator("#single").screenshot({ path: shotPath(`${s}-fig-single-print.png`) });
    await page.pdf({ path: shotPath(`${s}-print.pdf`), format: "A4", printBackground: false });
    ok(problems.length === 0, `desktop/dark/print ${path}: no console problems ${problems.join("; ")}`);
    await ctx.close();
  }

  // Printing a page nobody has stepped through. Chromium's print command
  // (Ctrl+P, the print preview) calls Document::WillPrintSoon(), which loads
  // every lazy image and waits for them before it prints
  // (PrintRenderFrameHelper::PrintRequestedPages); the CDP printToPDF path
  // used here (PrintWithParams) skips that step, and headless window.print()
  // prints nothing. So the harness does what WillPrintSoon does
  // (LazyLoadImageObserver::LoadAllImagesAndBlockLoadEvent: every lazy image
  // loads now) and checks that every frame then reaches the PDF.
  {
    const { ctx, page, problems, frameFiles } = await open(url);
    // Before printing, the page may have fetched the frames file of a
    // stepper near the first screen (every frame is a lazy picture, the
    // first too), and nothing further down: the rest is the print path's.
    const early = [...frameFiles];
    const before = await page.evaluate((files) => files.filter((f) => {
      const el = [...document.querySelectorAll("img.frame, picture.frame > source")]
        .find((e) => new URL(e.getAttribute("src") ?? e.getAttribute("srcset"), document.baseURI).href.replace(/#.*$/, "") === f);
      return !el || (el.closest("fieldset") ?? el).getBoundingClientRect().top > innerHeight + 2500;
    }).length, early);
    await page.emulateMedia({ media: "print" });
    await page.$$eval("img[loading=lazy]", (is) => is.forEach((i) => { i.loading = "eager"; }));
    for (let i = 0; i < 100; i++) {
      if (await page.$$eval("img.frame", (is) => is.every((i) => i.complete))) break;
      await page.waitForTimeout(50);
    }
    await page.pdf({ path: shotPath(`${s}-print-fresh.pdf`), format: "A4" });
    // A varied figure prints its picked combination only (vary.mjs): the
    // others' frames load with every lazy image but are not laid out.
    const imgs = await page.$$eval("img.frame", (is) => is.filter((i) => !i.closest(".va") || i.closest(".va").checkVisibility())
      .map((i) => i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 50));
    const files = await page.$$eval("img.frame", (is) => new Set(is.map((i) => i.src.replace(/#.*$/, ""))).size);
    const hasStepper = (await page.locator("fieldset.stepper").count()) > 0;
    ok(before === 0 && (imgs.length > 0 || !hasStepper) && imgs.every(Boolean) && new Set(frameFiles).size === files,
      `print ${path}: once the lazy images load as for the print command, every image frame is laid out for print (${imgs.filter(Boolean).length}/${imgs.length}; ${new Set(frameFiles).size}/${files} files fetched; before printing ${early.length}, ${before} of them far from the first screen)`);
    ok(problems.length === 0, `print (fresh) ${path}: no console problems ${problems.join("; ")}`);
    await ctx.close();
  }

  {
    const { ctx, page, problems } = await open(url, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    ok(overflow <= 0, `phone ${path}: no horizontal scroll (${overflow}px)`);
    const wide = await page.$$eval("main *", (els) => els.filter((e) => {
      // Inside a box that scrolls sideways (a code block, say), it is clipped, not sticking out.
      const scrolledBy = (el) => { for (let a = el.parentElement; a; a = a.parentElement) { if (/auto|scroll/.test(getComputedStyle(a).overflowX)) return true; } return false; };
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.right > innerWidth + 1 && !e.closest(".frames") && getComputedStyle(e).overflowX === "visible" && !e.closest("[class*=scroll], .table-wrap, math, table") && !scrolledBy(e);
    }).map((e) => e.tagName.toLowerCase() + (e.className?.baseVal ?? e.className ? "." + (e.className?.baseVal ?? e.className) : "")).slice(0, 5));
    ok(wide.length === 0, `phone ${path}: nothing sticks out of the viewport (${wide.join(", ")})`);
    await fullShots(page, `${s}-phone-390`, 1400);
    for (const id of ["single", "rules", "modules", "datasets", "step-size"]) {
      if (await page.locator(`#${id}`).count()) await page.locator(`#${id}`).screenshot({ path: shotPath(`${s}-fig-${id}-phone.png`) });
    }
    ok(problems.length === 0, `phone ${path}: no console problems ${problems.join("; ")}`);
    await ctx.close();
  }
}

ok(stepperPages.size > 0 || !BUNDLED, `${stepperPages.size} of ${pages().length} pages have a trace stepper and had it checked${BUNDLED ? " (the bundled explainer must have one)" : ""}`);
ok(!BUNDLED || (stepsSeen > 120 && framesFilesSeen.size >= 5), `over every page: ${stepsSeen} trace stepper steps checked, ${framesFilesSeen.size} frames files fetched once each${BUNDLED ? " (the bundled course: more than 60 trace steps per origin, at least 5 files)" : ""}`);

// Control: the listener above really sees CSP violations on this page under its own policy
// (so "no console problems" means no violation, not a deaf listener).
{
  const { ctx, page, problems } = await open(new URL(pages()[0], server.url).href);
  await page.evaluate(() => { const p = document.createElement("p"); p.setAttribute("style", "color: rgb(255, 0, 0)"); p.textContent = "x"; document.body.append(p); });
  await page.waitForTimeout(200);
  const color = await page.$eval("body > p:last-child", (p) => getComputedStyle(p).color);
  ok(color !== "rgb(255, 0, 0)" && problems.some((p) => /Content Security Policy/i.test(p)),
    `control: the page's CSP blocks an inline style and the violation is reported (${problems.length} reports)`);
  await ctx.close();
}

await browser.close();
await server.close();
for (const n of notes) console.log(n);
console.log(`screenshots in ${join("browser", "screenshots")}/`);
done();
