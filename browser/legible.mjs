// Figures a reader can read. In chromium, at 1280 px and at 390 px, every
// visible SVG text of every figure, in every frame of every stepper and every
// tab, must be drawn at 11 CSS px or more ON SCREEN: its computed font size
// times the scale its SVG is drawn at (getScreenCTM), not the font-size
// attribute alone. Texts drawn through <use> from a shared base (a trace's
// edges, node shapes and labels live once in <defs>) count at each <use>, at
// that <use>'s scale. And every edge and arrowhead must keep ≥ 3:1 contrast
// against its figure's paper, in light and in dark mode.
//
// Sites measured: the bundled explainer (`public/`, or `SEEN_PUBLIC`) and the
// tanh-neuron test site in browser/sites/tanh/, which this script builds with
// the release binary (`../target/release/seen`, or `SEEN_BIN`) into a
// temporary folder.
//
//   node legible.mjs                 all three sites
//   node legible.mjs bundled         only the bundled explainer (or: tanh, scaffold = `seen init`'s)
//   node legible.mjs /some/public    a site built elsewhere
//   VERBOSE=1 node legible.mjs       every failing text, not the first few per frame group
//
// How the stepper frames are covered: print media would show every frame at
// once, but it changes the figures' scale (print CSS: two frames per row, 10pt
// root), so instead, inside the page, each panel's radio (and the radios of
// the tab panels around it) is checked in turn and the panel measured: one
// page.evaluate per page and width, every frame covered exactly once.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HERE, ROOT, PUBLIC, pages, serve, launch, tally, parseColor, contrast } from "./lib.mjs";

const MIN_PX = 11;
const MIN_EDGE_CONTRAST = 3;
const WIDTHS = [
  ["1280", { viewport: { width: 1280, height: 900 } }],
  ["390", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }],
];
const SHOW = process.env.VERBOSE ? Infinity : 6;   // failing texts listed per figure and width
const { ok, done } = tally("legible");

// ---------------------------------------------------------------- which sites
const SEEN = process.env.SEEN_BIN ?? join(ROOT, "target", "release", "seen");
const temps = [];
/** Build browser/sites/NAME with the release binary into a temporary folder; returns that folder. */
function buildFixture(name) {
  if (!existsSync(SEEN)) {
    console.error(`no seen binary at ${SEEN}: run \`cargo build --release\` in ${ROOT} first (or set SEEN_BIN)`);
    process.exit(2);
  }
  const out = mkdtempSync(join(tmpdir(), `seen-${name}-`));
  temps.push(out);
  const r = spawnSync(SEEN, ["build", "--root", join(HERE, "sites", name), "--output-dir", out], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`seen build of sites/${name} failed:\n${r.stdout}${r.stderr}`);
    process.exit(2);
  }
  return out;
}
/** `seen init` into a temporary folder, then build it: the scaffold a new author starts from. */
function buildScaffold() {
  const root = mkdtempSync(join(tmpdir(), "seen-init-"));
  temps.push(root);
  const init = spawnSync(SEEN, ["init", join(root, "site")], { encoding: "utf8" });
  if (init.status !== 0) {
    console.error(`seen init failed:\n${init.stdout}${init.stderr}`);
    process.exit(2);
  }
  const out = join(root, "public");
  const r = spawnSync(SEEN, ["build", "--root", join(root, "site"), "--output-dir", out], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`seen build of the init scaffold failed:\n${r.stdout}${r.stderr}`);
    process.exit(2);
  }
  return out;
}
const args = process.argv.slice(2);
const want = args.length ? args : ["bundled", "tanh", "scaffold"];
const sites = want.map((a) => {
  if (a === "bundled") return ["bundled", PUBLIC];
  if (a === "tanh") return ["tanh", buildFixture("tanh")];
  if (a === "scaffold") return ["scaffold", buildScaffold()];
  return [a, resolve(a)];
});
for (const [name, dir] of sites) {
  if (!existsSync(join(dir, "index.html"))) {
    console.error(`no built site for ${name} at ${dir}${name === "bundled" ? `: run \`cargo run --release\` in ${ROOT} first` : ""}`);
    process.exit(2);
  }
}

// ---------------------------------------------------------------- measured in the page
/**
 * Every SVG text on the page, in every frame/tab state, with its size on screen.
 * Returns { rows: [{ fig, kind, step, text, px, font, scale, via }], hidden: [panels never shown] }.
 */
function measureAll() {
  // Tab panels are `section`s, checked by the radio of the same index; a
  // stepper's panel `.step` follows its own radio.
  const PANEL = ".st > .view > .frames > :is(section, .step)";
  const RADIOS = ":scope > input[type=radio], :scope > .view > .frames > input[type=radio]";
  const panelOf = (el) => el.closest(PANEL);
  const radioOf = (panel) => {
    const st = panel.parentElement.parentElement.parentElement;
    const k = [...panel.parentElement.children].filter((c) => c.matches("section, .step")).indexOf(panel);
    return { st, k, radio: panel.matches(".step") ? panel.previousElementSibling : st.querySelectorAll(":scope > input[type=radio]")[k] };
  };
  const figOf = (el) => el.closest("figure.fig[id]") ?? el.closest("div.group[id]") ?? el.closest("[id]");
  const kindOf = (fig) => [...(fig?.classList ?? [])].find((c) => c !== "fig" && c !== "group") ?? fig?.tagName.toLowerCase() ?? "page";
  /** Where a panel sits: "single-atomic step 5/22" or "modules tab “Modules”", outer panels first. */
  const stepOf = (panel) => {
    const parts = [];
    for (let p = panel; p; p = panelOf(p.parentElement)) {
      const { st, k, radio } = radioOf(p);
      const n = st.querySelectorAll(RADIOS).length;
      const id = (radio?.id ?? "?").replace(/-s\d+$/, "");
      const tab = st.querySelector(`:scope > .bar > .jl > .j${k}`)?.textContent.trim();
      parts.unshift(st.classList.contains("stepper") ? `${id} step ${k + 1}/${n}` : `${id} tab “${tab ?? k}”`);
    }
    return parts.join(" › ");
  };
  // A 2×2 scale from a matrix: the smaller of the two axis scales (a squeezed axis shrinks glyphs).
  const scaleOf = (m) => Math.min(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d));
  const shown = (el, upTo) => {
    for (let e = el; e && e !== upTo; e = e.parentElement) {
      const cs = getComputedStyle(e);
      if (cs.display === "none" || cs.visibility === "hidden" || cs.visibility === "collapse") return false;
    }
    return true;
  };
  const fontPx = (t) => parseFloat(getComputedStyle(t).fontSize);
  const textOf = (t) => t.textContent.trim().replace(/\s+/g, " ");
  const toDOM = (m) => new DOMMatrix([m.a, m.b, m.c, m.d, m.e, m.f]);
  const own = (el) => { const m = el.transform?.baseVal?.consolidate()?.matrix; return m ? toDOM(m) : new DOMMatrix(); };
  const inDefs = (el) => !!el.closest("defs, symbol, svg.defs, clipPath, mask, pattern, marker");

  const rows = [];
  // The layout a picture shows at this width: its first <source> whose media
  // query matches, else its <img>; with the size that source gives it.
  const chosen = (img) => {
    const pic = img.parentElement?.tagName === "PICTURE" ? img.parentElement : null;
    for (const s of pic ? pic.querySelectorAll(":scope > source") : []) {
      if (matchMedia(s.media || "all").matches) {
        return { src: new URL(s.getAttribute("srcset"), document.baseURI).href, w: Number(s.getAttribute("width")), h: Number(s.getAttribute("height")) };
      }
    }
    return { src: img.src, w: Number(img.getAttribute("width")), h: Number(img.getAttribute("height")) };
  };
  window.__chosen = chosen;
  const record = (t, px, font, scale, via) => {
    const fig = figOf(via ?? t);
    rows.push({ fig: fig?.id ?? "(page)", kind: kindOf(fig), step: "", text: textOf(t).slice(0, 48), px, font, scale, via: via ? "use" : "" });
    return rows[rows.length - 1];
  };

  /** Texts drawn by a <use>: its referenced content's texts, at the use's screen matrix times the path down to them. */
  const measureUse = (use, screen, depth = 0) => {
    const href = use.getAttribute("href") ?? use.getAttribute("xlink:href") ?? "";
    const ref = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
    if (!ref || depth > 8) return [];
    const out = [];
    // The use's own x/y is a translation (no scale). A referenced <symbol>/<svg> with a viewBox
    // is fitted into the use's width × height (preserveAspectRatio's default, "meet").
    let base = screen.translate(use.x?.baseVal?.value ?? 0, use.y?.baseVal?.value ?? 0);
    if ((ref.tagName === "symbol" || ref.tagName === "svg") && ref.viewBox?.baseVal?.width) {
      const vb = ref.viewBox.baseVal;
      const w = use.width?.baseVal?.value || ref.width?.baseVal?.value || vb.width;
      const h = use.height?.baseVal?.value || ref.height?.baseVal?.value || vb.height;
      const s = Math.min(w / vb.width, h / vb.height);
      base = base.scale(s, s).translate(-vb.x, -vb.y);
    } else {
      base = base.multiply(own(ref));
    }
    // Font size: the original's computed style, which is the clone's when the size comes from
    // the text's own rule (the site styles SVG with element.class selectors, which reach clones).
    // A size merely inherited from the <defs> context is taken from the <use>'s context instead.
    const defsFont = fontPx(ref.parentElement ?? ref);
    const useFont = fontPx(use);
    const chain = (el) => {   // matrix from ref's coordinate system down to el's
      let m = new DOMMatrix();
      for (let e = el; e && e !== ref; e = e.parentElement) m = own(e).multiply(m);
      return m;
    };
    const texts = ref.tagName === "text" ? [ref] : [...ref.querySelectorAll("text")];
    for (const t of texts) {
      if (!textOf(t) || !shown(t, ref.parentElement)) continue;
      const m = base.multiply(chain(t));
      let font = fontPx(t);
      if (font === defsFont) font = useFont;
      const scale = scaleOf(m);
      out.push({ t, px: font * scale, font, scale });
    }
    for (const inner of ref.querySelectorAll("use")) {
      if (shown(inner, ref.parentElement)) out.push(...measureUse(inner, base.multiply(chain(inner)), depth + 1));
    }
    return out;
  };

  /** Measure everything whose nearest panel is `panel` (null: outside every stepper and tab). */
  const measureHere = (panel, step) => {
    const scope = panel ?? document;
    for (const t of scope.querySelectorAll("svg text")) {
      if (panelOf(t) !== panel || inDefs(t) || !textOf(t)) continue;
      if (!t.checkVisibility({ visibilityProperty: true })) continue;
      const m = t.getScreenCTM();
      if (!m) continue;
      const font = fontPx(t), scale = scaleOf(m);
      record(t, font * scale, font, scale).step = step;
    }
    for (const use of scope.querySelectorAll("svg use")) {
      if (panelOf(use) !== panel || inDefs(use)) continue;
      if (!use.checkVisibility({ visibilityProperty: true })) continue;
      const m = use.getScreenCTM();
      if (!m) continue;
      // getScreenCTM of a <use> includes its transform attribute; measureUse adds x/y and the reference.
      for (const r of measureUse(use, toDOM(m))) {
        const row = record(r.t, r.px, r.font, r.scale, use);
        row.step = step;
      }
    }
  };

  // State 0: whatever is outside every panel (stills, plots, captions), as loaded.
  measureHere(null, "");
  // Then every panel of every stepper and tab group, each shown in turn with the panels around it.
  const hidden = [];
  const images = [];
  const before = [...document.querySelectorAll(".st input[type=radio]:checked, .pick input[type=radio]:checked")];
  for (const panel of document.querySelectorAll(PANEL)) {
    for (let p = panel; p; p = panelOf(p.parentElement)) {
      const { radio } = radioOf(p);
      if (radio) radio.checked = true;
    }
    // A step of a stepper shared by a group's datasets holds a frame per
    // dataset: each is shown (its dataset's tab checked) and measured in turn.
    const ds = panel.matches(".step") ? panel.closest("fieldset.ds") : null;
    // A step of a varied figure (`vary`) holds a frame per combination of
    // values: each is picked and measured in turn (`xK-I`: key K's value I).
    const vary = panel.closest(".vary");
    const combos = vary ? [...new Set([...panel.querySelectorAll(".va")]
      .map((e) => [...e.classList].filter((c) => /^x\d+-\d+$/.test(c)).join(" ")))] : [];
    const variants = ds ? [...ds.querySelectorAll(":scope > input[type=radio]")] : combos.length ? combos : [null];
    for (const [d, dr] of variants.entries()) {
      if (typeof dr === "string") {
        for (const [k, i] of dr.split(" ").map((c) => c.slice(1).split("-"))) {
          vary.querySelector(`:scope > .picks .p${k} .i${i}`).checked = true;
        }
      } else if (dr) dr.checked = true;
      const step = stepOf(panel) + (typeof dr === "string" ? ` values ${dr}` : dr ? ` dataset ${d + 1}` : "");
      if (!panel.checkVisibility() || panel.getBoundingClientRect().height === 0) { hidden.push(step); continue; }
      measureHere(panel, step);
      // A frame shown as an image (a view of the frames file) or a hidden tab's
      // still shown as an image: its drawn size against its natural size; its
      // texts are measured in the file itself.
      for (const img of [...panel.querySelectorAll("img")].filter((i) => shown(i, panel) && i.getBoundingClientRect().width > 0)) {
        const r = img.getBoundingClientRect();
        const c = chosen(img);
        images.push({ fig: figOf(img)?.id ?? "(page)", step, src: c.src, w: r.width, h: r.height, nw: c.w, nh: c.h });
      }
    }
  }
  for (const r of before) r.checked = true;
  return { rows, hidden, images };
}

/** Every edge and arrowhead with its colour and its figure's paper, for the contrast check. */
function edgeColours() {
  const out = [];
  for (const el of document.querySelectorAll("svg .edge, svg polygon.arrow, svg path.arrow")) {
    const cs = getComputedStyle(el);
    const isArrow = el.classList.contains("arrow");
    const paint = isArrow && cs.fill !== "none" ? cs.fill : cs.stroke;
    if (!paint || paint === "none") continue;
    const opacity = parseFloat(isArrow && cs.fill !== "none" ? cs.fillOpacity : cs.strokeOpacity) * parseFloat(cs.opacity);
    // The paper: a rect.paper in the same drawing (or in the base it draws through <use>),
    // else the SVG's own background, else the nearest painted ancestor.
    const svg = el.closest("svg");
    const group = el.closest("g[id]");
    let paper = group?.querySelector("rect.paper") ?? svg.querySelector("rect.paper");
    let bg = paper ? getComputedStyle(paper).fill : null;
    for (let e = svg.classList.contains("defs") ? document.querySelector(`use[href="#${group?.id}"]`)?.closest("svg") ?? svg : svg; !bg && e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== "transparent" && !/rgba\(.*,\s*0\)$/.test(c)) bg = c;
    }
    const fig = (group ? document.querySelector(`use[href="#${group.id}"]`) ?? el : el).closest("figure.fig[id], div.group[id]");
    out.push({ fig: fig?.id ?? "(page)", what: `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`, paint, bg: bg ?? getComputedStyle(document.body ?? document.documentElement).backgroundColor, opacity });
  }
  return out;
}

// ---------------------------------------------------------------- the checks
const browser = await launch();
const summary = [];   // [site, width, kind, worst px, where]
const imageFiles = new Map();   // frames file URL → one image that shows it (its drawn and natural size)
for (const [site, dir] of sites) {
  const server = await serve(dir);
  const siteFiles = new Set();
  for (const path of pages(dir)) {
    const url = new URL(path, server.url).href;
    for (const [width, options] of WIDTHS) {
      const ctx = await browser.newContext(options);
      const page = await ctx.newPage();
      await page.goto(url, { waitUntil: "load" });
      const t0 = Date.now();
      const { rows, hidden, images } = await page.evaluate(measureAll);
      // Image frames: drawn at their natural size (one SVG unit = one CSS px), like inline ones.
      const scaled = images.filter((i) => Math.abs(i.w - i.nw) > 0.5 || Math.abs(i.h - i.nh) > 0.5);
      ok(scaled.length === 0, `${site} ${path} @${width}: ${images.length} image frames and stills drawn at their natural size${scaled.length ? `; not: ${scaled.slice(0, 5).map((i) => `#${i.fig} ${i.step} ${i.w}×${i.h} for ${i.nw}×${i.nh}`).join(", ")}` : ""}`);
      for (const i of images) imageFiles.set(i.src.replace(/#.*$/, ""), i);
      // Every frames file an image frame points at (each dataset's of a shared stepper too) was shown.
      // (each picture's layout for this width)
      const files = await page.$$eval("img.frame", (is) => [...new Set(is.map((i) => window.__chosen(i).src.replace(/#.*$/, "")))]);
      const unseen = files.filter((f) => !images.some((i) => i.src.replace(/#.*$/, "") === f));
      // A page without a stepper (a course's page of stills or prose) has no frames file; the site must have some.
      const steppers = await page.locator("fieldset.stepper").count();
      for (const f of files) siteFiles.add(f);
      ok((files.length > 0 || steppers === 0) && unseen.length === 0, `${site} ${path} @${width}: every frames file of the page shown and measured (${files.length}${unseen.length ? `; not: ${unseen.join(", ")}` : ""})`);
      ok(hidden.length === 0, `${site} ${path} @${width}: every stepper frame and tab panel could be shown and measured${hidden.length ? ` (not: ${hidden.slice(0, 5).join(", ")})` : ""}`);
      const byFig = new Map();
      for (const r of rows) {
        if (!byFig.has(r.fig)) byFig.set(r.fig, []);
        byFig.get(r.fig).push(r);
      }
      for (const [fig, list] of byFig) {
        const bad = list.filter((r) => r.px < MIN_PX - 1e-6).sort((a, b) => a.px - b.px);
        const worst = list.reduce((a, b) => (b.px < a.px ? b : a));
        const steps = new Set(list.map((r) => r.step)).size;
        ok(bad.length === 0, `${site} ${path} @${width} #${fig} (${worst.kind}): ${list.length} texts in ${steps} frame(s), smallest ${worst.px.toFixed(1)} px${bad.length ? `; ${bad.length} under ${MIN_PX} px` : ""}`);
        for (const r of bad.slice(0, SHOW)) {
          console.log(`       ${site} ${path} @${width} #${fig} ${r.step || "(still)"}: "${r.text}" ${r.px.toFixed(1)} px (${r.font} px × ${r.scale.toFixed(3)}${r.via ? ", through <use>" : ""})`);
        }
        if (bad.length > SHOW) console.log(`       … and ${bad.length - SHOW} more under ${MIN_PX} px in #${fig} (VERBOSE=1 lists them)`);
        summary.push([site, width, worst.kind, worst.px, `#${fig} ${worst.step || "(still)"} "${worst.text}"`]);
      }
      if (process.env.VERBOSE) console.log(`  ${site} ${path} @${width}: ${rows.length} texts measured in ${Date.now() - t0} ms`);
      await ctx.close();
    }

    // Edges: colours do not depend on the width or the step, only on the colour scheme.
    const ctx = await browser.newContext(WIDTHS[0][1]);
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: "load" });
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const seen = new Map();
      for (const e of await page.evaluate(edgeColours)) {
        const key = `${e.fig} ${e.what} ${e.paint} on ${e.bg}`;
        if (seen.has(key)) { seen.get(key).n++; continue; }
        const fg = parseColor(e.paint), bg = parseColor(e.bg);
        seen.set(key, { ...e, n: 1, ratio: fg && bg ? contrast(fg, bg, e.opacity) : NaN });
      }
      const byFig = new Map();
      for (const e of seen.values()) {
        if (!byFig.has(e.fig)) byFig.set(e.fig, []);
        byFig.get(e.fig).push(e);
      }
      for (const [fig, list] of byFig) {
        const bad = list.filter((e) => !(e.ratio >= MIN_EDGE_CONTRAST));
        const n = list.reduce((a, e) => a + e.n, 0);
        ok(bad.length === 0, `${site} ${path} ${scheme} #${fig}: ${n} edges and arrowheads ≥ ${MIN_EDGE_CONTRAST}:1 against the paper${bad.length ? `; under it:\n       ${bad.map((e) => `${e.what} ${e.paint} on ${e.bg}: ${Number.isNaN(e.ratio) ? "unreadable colour" : e.ratio.toFixed(2) + ":1"} (×${e.n})`).join("\n       ")}` : ""}`);
      }
    }
    await ctx.close();
  }
  // The frames files the image frames show, each opened as its own document:
  // every text ≥ 11 px at the scale the page draws it (natural size, so 1),
  // every edge and arrowhead ≥ 3:1 against the paper in light and dark mode
  // (the file carries its own colours and dark-mode rules).
  for (const [file, shown] of imageFiles) {
    const name = file.replace(/^.*\/figures\//, "");
    const ctx = await browser.newContext(WIDTHS[0][1]);
    const page = await ctx.newPage();
    await page.goto(file, { waitUntil: "load" });
    const texts = await page.evaluate((scaleIn) => [...document.querySelectorAll("text")].filter((t) => t.textContent.trim()).map((t) => {
      const m = t.getScreenCTM();
      const scale = m ? Math.min(Math.hypot(m.a, m.b), Math.hypot(m.c, m.d)) : 1;
      return { text: t.textContent.trim().slice(0, 40), px: parseFloat(getComputedStyle(t).fontSize) * scale * scaleIn };
    }), shown.w / shown.nw);
    const small = texts.filter((t) => t.px < MIN_PX - 1e-6);
    const least = texts.reduce((a, b) => (b.px < a.px ? b : a), { px: Infinity });
    ok(texts.length > 5 && small.length === 0, `${site} ${name}: ${texts.length} texts in the file, smallest ${least.px.toFixed(1)} px${small.length ? `; under ${MIN_PX} px: ${small.slice(0, SHOW).map((t) => `"${t.text}" ${t.px.toFixed(1)}`).join(", ")}` : ""}`);
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const edges = await page.evaluate(edgeColours);
      const bad = edges.map((e) => ({ ...e, ratio: contrast(parseColor(e.paint) ?? [0, 0, 0], parseColor(e.bg) ?? [0, 0, 0], e.opacity) }))
        .filter((e) => !(e.ratio >= MIN_EDGE_CONTRAST) || !parseColor(e.paint) || !parseColor(e.bg));
      // A trace's frames are graphs (edges); a training figure's snapshots and some stills are plots (none).
      ok((edges.length > 0 || !name.endsWith("-frames.svg")) && bad.length === 0, `${site} ${name} ${scheme}: ${edges.length} edges and arrowheads ≥ ${MIN_EDGE_CONTRAST}:1 against the paper${bad.length ? `; under it: ${bad.slice(0, 5).map((e) => `${e.what} ${e.paint} on ${e.bg} ${e.ratio.toFixed(2)}`).join(", ")}` : ""}`);
    }
    await ctx.close();
  }
  imageFiles.clear();
  ok(siteFiles.size > 0, `${site}: ${siteFiles.size} frames files over its pages, each shown and measured`);
  await server.close();
}
await browser.close();
for (const t of temps) rmSync(t, { recursive: true, force: true });

// Smallest text per figure kind and width: what to fix first.
console.log(`\nsmallest text on screen, per figure kind (fails under ${MIN_PX} px):`);
const worst = new Map();
for (const [site, width, kind, px, where] of summary) {
  const key = `${site} ${kind}`;
  if (!worst.has(key)) worst.set(key, {});
  const w = worst.get(key);
  if (!w[width] || px < w[width].px) w[width] = { px, where };
}
const pad = (s, n) => String(s).padEnd(n);
console.log(`  ${pad("site / kind", 24)} ${pad("1280 px", 9)} ${pad("390 px", 9)} smallest at 390`);
for (const [key, w] of [...worst.entries()].sort()) {
  const f = (x) => (x ? `${x.px.toFixed(1)}${x.px < MIN_PX ? " ✗" : ""}` : "-");
  console.log(`  ${pad(key, 24)} ${pad(f(w["1280"]), 9)} ${pad(f(w["390"]), 9)} ${w["390"]?.where ?? ""}`);
}
done();
