// Accessibility: axe-core on every page (desktop and phone widths, light and
// dark, at load and with every widget moved to another step or tab), with zero
// violations allowed; and the accessibility tree of the `single` trace figure
// compared byte for byte with tests/golden/a11y/single-trace.yml, so a change
// to what a screen reader hears is reviewed like an SVG golden.
// SEEN_BLESS=1 rewrites the golden (the same variable as the Rust goldens).
//
// axe is a script, and the pages' CSP forbids scripts, so this pass (and only
// this one) runs with bypassCSP; browser.mjs checks the policy itself.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { ROOT, PUBLIC, BUNDLED, requirePublic, pages, serve, launch, tally } from "./lib.mjs";

requirePublic();
const { ok, done } = tally("a11y");
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const GOLDEN = join(ROOT, "tests/golden/a11y/single-trace.yml");
const browser = await launch();
const server = await serve();

/** Move every widget away from its first panel: tabs to the last, steppers to the middle. */
const moveAll = (page) => page.$$eval("fieldset.st", (sets) => {
  for (const st of sets) {
    if (st.classList.contains("tabs")) {
      const radios = st.querySelectorAll(":scope > input[type=radio]");
      st.querySelector(`:scope > .bar > .jl > .j${radios.length - 1}`)?.click();
    } else {
      // A stepper: its middle jump label (a part of the story, or a step's number).
      const jumps = st.querySelectorAll(":scope > .view > .frames > .jw > label:is(.jump, .num)");
      jumps[Math.floor(jumps.length / 2)]?.click();
    }
  }
});

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const { violations, passes } = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return { violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ").slice(0, 200)}`) })), passes: r.passes.length };
  });
  const lines = violations.flatMap((v) => [`  [${v.impact}] ${v.id}: ${v.help} (${v.nodes.length} nodes)`, ...v.nodes.slice(0, 4).map((n) => `      ${n}`)]);
  ok(violations.length === 0, `axe ${label}: ${violations.length} violations (${passes} rules passed)${lines.length ? "\n" + lines.join("\n") : ""}`);
  return violations.length;
}

let total = 0;
for (const path of pages()) {
  const url = new URL(path, server.url).href;
  for (const [name, opts] of [
    ["desktop 1280", { viewport: { width: 1280, height: 900 } }],
    ["phone 390", { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
    ["dark 1280", { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
  ]) {
    const ctx = await browser.newContext({ ...opts, bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(url, { waitUntil: "load" });
    total += await axe(page, `${path} ${name}, at load`);
    await moveAll(page);
    total += await axe(page, `${path} ${name}, every widget moved`);
    await ctx.close();
  }
}
console.log(`axe: ${total} violations in total`);

// ---------------------------------------------------------------- accessibility-tree golden
// On the page that has figure#single (index.html first; in the bundled course, one-example.html):
// another site may have no such figure (the golden is then skipped, and said so), but the bundled
// explainer must, or the check fails. The download links of the figure name its page's folder
// (`figures/one-example/`, or a copy's in benches/site200.sh): they are read as the golden's
// `figures/index/` before comparing, so the golden does not change when the figure moves.
const goldenPage = ["index.html", ...pages().filter((p) => p !== "index.html")]
  .find((p) => existsSync(join(PUBLIC, p)) && /<figure\b[^>]*\bid="single"/.test(readFileSync(join(PUBLIC, p), "utf8")));
ok(goldenPage !== undefined || !BUNDLED, goldenPage ? `a11y golden: ${goldenPage} has figure#single`
  : `a11y golden: no page has figure#single${BUNDLED ? ", and the bundled explainer must" : ", golden skipped on this site"}`);
if (goldenPage) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto(new URL(goldenPage, server.url).href, { waitUntil: "load" });
  const fig = page.locator("figure#single");
  const atLoad = await fig.ariaSnapshot();
  await page.focus("#single-atomic-s0");
  for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
  const after = await fig.ariaSnapshot();
  await ctx.close();
  const slug = goldenPage.replace(/\.html$/, "");
  const here = new RegExp(`/url: (?:\\.\\./)*figures/${slug.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/single/`, "g");
  const links = (t) => t.replaceAll(here, "/url: figures/index/single/");
  const text = "# Accessibility tree of figure#single (Chromium, Playwright ariaSnapshot), written by browser/a11y.mjs.\n"
    + "# Review a change here like an SVG golden: it is what a screen reader hears. SEEN_BLESS=1 rewrites it.\n"
    + "# --- at load\n" + links(atLoad.trimEnd()) + "\n"
    + "# --- after ArrowRight ×10 on the focused radio (step 11, the first backward message)\n" + links(after.trimEnd()) + "\n";
  // Only the bundled explainer's own figure is ever written as the golden.
  if ((process.env.SEEN_BLESS === "1" && BUNDLED) || !existsSync(GOLDEN)) {
    mkdirSync(dirname(GOLDEN), { recursive: true });
    writeFileSync(GOLDEN, text);
    console.log(`wrote ${GOLDEN}`);
    ok(process.env.SEEN_BLESS === "1", `a11y golden ${GOLDEN} existed (it was missing, so it was written: review and commit it)`);
  } else {
    const want = readFileSync(GOLDEN, "utf8");
    let diff = "";
    if (want !== text) {
      const a = want.split("\n"), b = text.split("\n");
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        if (a[i] !== b[i]) diff += `\n  line ${i + 1}:\n  - ${a[i] ?? "(none)"}\n  + ${b[i] ?? "(none)"}`;
        if (diff.length > 3000) break;
      }
    }
    ok(want === text, `a11y golden tests/golden/a11y/single-trace.yml matches byte for byte${diff ? " (SEEN_BLESS=1 to accept):" + diff : ""}`);
  }
}

await browser.close();
await server.close();
done();
