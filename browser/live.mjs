// Live reload of `seen serve`, in chromium: start the real server on a copy of
// a site, open a page, edit its markdown on disk, and see the open page change
// by itself (no reload from the test). Then a broken edit: the error banner
// appears by itself, above the last good page; fixing it takes the banner
// away. The page logs no CSP violation or console error on the way, and the
// built output folder holds no script. The same page opened at localhost
// reloads too.
//
//   node live.mjs                 (after `cargo build --release` in the repo root)
//   node live.mjs --measure [N]   round trip on N copies (default 200) of
//                                 content/index.md, made by benches/site200.sh:
//                                 edit saved → page reloaded, 10 times, printed
//
// SEEN_BIN points at another binary.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, CSP, launch, tally, walk } from "./lib.mjs";

const SEEN = process.env.SEEN_BIN ?? join(ROOT, "target", "release", "seen");
if (!existsSync(SEEN)) {
  console.error(`no seen binary at ${SEEN}: run \`cargo build --release\` in ${ROOT} first (or set SEEN_BIN)`);
  process.exit(2);
}

/** Starts `seen serve --port 0` on `root`; resolves to { url, stop, output }. */
function startServer(root) {
  const child = spawn(SEEN, ["serve", "--port", "0", "--root", root], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const collect = (d) => { output += d; };
  child.stderr.on("data", collect);
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`seen serve printed no URL:\n${output}`)), 120_000);
    child.stdout.on("data", (d) => {
      collect(d);
      const m = output.match(/http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[0], stop: () => child.kill(), output: () => output });
      }
    });
    child.on("exit", (code) => fail(new Error(`seen serve exited (${code}):\n${output}`)));
  });
}

/** Opens `url` and records console errors, CSP violations and failed requests. */
async function open(browser, url) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const problems = [];
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("requestfailed", (r) => {
    // The event stream is cut when the page reloads: that is the point. So
    // is any request still in flight then (a frames file a picture near the
    // top of the page is loading, the favicon): Chromium aborts it
    // (net::ERR_ABORTED) and the reloaded page asks again. Any other
    // failure (refused, blocked by the CSP, reset) is a problem.
    const aborted = r.failure()?.errorText === "net::ERR_ABORTED";
    if (!r.url().includes("/__seen/events") && !aborted) problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`);
  });
  await page.goto(url, { waitUntil: "load" });
  return { ctx, page, problems };
}

/** Waits until the page's <h1> text satisfies `pred`; resolves to the ms waited. */
async function waitForHeading(page, pred, what, timeout = 30_000) {
  const t = Date.now();
  while (Date.now() - t < timeout) {
    const h1 = await page.locator("h1").first().textContent({ timeout: 1000 }).catch(() => null);
    if (h1 !== null && pred(h1)) return Date.now() - t;
    await page.waitForTimeout(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A small site: a page with a trace figure, and a second page. */
const PAGE = `+++
title = "Live"
+++

# First version

\`\`\`autograd
id = "single"
params = { w = 1.15, b = -0.8 }
inputs = { x = 1.6 }
graph = """
z = w * x + b
loss = relu(z)
"""
\`\`\`
`;

async function check() {
  const { ok, done } = tally("live");
  const root = mkdtempSync(join(tmpdir(), "seen-live-"));
  mkdirSync(join(root, "content"));
  writeFileSync(join(root, "seen.toml"), 'title = "Live reload"\n');
  writeFileSync(join(root, "content", "other.md"), '+++\ntitle = "Other"\norder = 1\n+++\n\n# Other\n');
  const md = join(root, "content", "index.md");
  const original = PAGE;
  writeFileSync(md, original);
  const server = await startServer(root);
  const browser = await launch();
  try {
    const { page, problems } = await open(browser, server.url);
    const before = await page.locator("h1").first().textContent();
    const meta = await page.$eval("meta[http-equiv=Content-Security-Policy]", (m) => m.content);
    ok(meta === `${CSP}; script-src 'self'; connect-src 'self'`, `served CSP is widened for this server only: ${meta}`);
    // The same page by another of the server's names reloads too (a
    // policy naming 127.0.0.1 would block its script).
    const other = await open(browser, server.url.replace("127.0.0.1", "localhost"));
    const scripts = await page.$$eval("script", (s) => s.map((e) => e.getAttribute("src")));
    ok(JSON.stringify(scripts) === JSON.stringify(["/__seen/live.js"]), `one script, the live-reload one: ${scripts}`);

    // A good edit: the page changes by itself.
    writeFileSync(md, original.replace(/^# .*$/m, "# Edited while open"));
    const ms = await waitForHeading(page, (h) => h.includes("Edited while open"), "the edited heading");
    ok(true, `the open page showed the edit by itself after ${ms} ms`);
    ok(ms < 5000, `… within 5 s (${ms} ms)`);

    // A broken edit: the banner appears by itself, above the last good page.
    writeFileSync(md, original.replace(/^# .*$/m, "# Broken edit").replace(/```autograd\n/, "```autograd\nnot toml at all\n"));
    const t = Date.now();
    await page.waitForSelector(".seen-serve-error", { timeout: 30_000 });
    const banner = await page.locator(".seen-serve-error").textContent();
    ok(/error/.test(banner), `the error banner appeared by itself after ${Date.now() - t} ms`);
    ok((await page.locator("h1").first().textContent()).includes("Edited while open"), "under it, the last good version of the page");
    const bannerStyle = await page.$eval(".seen-serve-error", (e) => getComputedStyle(e).position);
    ok(bannerStyle === "sticky", "the banner's stylesheet loaded under the CSP");

    // The fix takes the banner away, again by itself.
    writeFileSync(md, original.replace(/^# .*$/m, "# Fixed"));
    await waitForHeading(page, (h) => h.includes("Fixed"), "the fixed page");
    ok(await page.locator(".seen-serve-error").count() === 0, "the banner is gone after the fix");
    ok(problems.length === 0, `no console error, CSP violation or failed request${problems.length ? ":\n  " + problems.join("\n  ") : ""}`);
    ok(before !== "Fixed", "the page really changed");
    await waitForHeading(other.page, (h) => h.includes("Fixed"), "the fixed page at localhost");
    ok(other.problems.length === 0, `at localhost too, no console error, CSP violation or failed request${other.problems.length ? ":\n  " + other.problems.join("\n  ") : ""}`);

    // The output folder on disk never holds the script.
    const out = join(root, "public");
    const leaked = walk(out).filter((f) => f.endsWith(".html") && /<script/i.test(readFileSync(join(out, f), "utf8")));
    ok(leaked.length === 0, `no <script> in the built files${leaked.length ? ": " + leaked.join(", ") : ""}`);
    ok(!walk(out).some((f) => f.includes("live")), "no live.js in the output folder");
  } finally {
    await browser.close();
    server.stop();
    rmSync(root, { recursive: true, force: true });
  }
  return done();
}

/** Edit → reload round trip on a big site, `runs` times; prints each and the median. */
async function measure(n, runs = 10) {
  const root = mkdtempSync(join(tmpdir(), "seen-live-big-"));
  const made = spawnSync("sh", [join(ROOT, "benches", "site200.sh"), root, String(n)], { stdio: "inherit" });
  if (made.status !== 0) process.exit(1);
  const server = await startServer(root);
  const browser = await launch();
  const times = [];
  try {
    const mid = `page-${String(Math.floor(n / 2)).padStart(3, "0")}`;
    const { page } = await open(browser, `${server.url}${mid}.html`);
    const md = join(root, "content", `${mid}.md`);
    const original = readFileSync(md, "utf8");
    for (let i = 1; i <= runs; i++) {
      await page.waitForTimeout(300);
      const t = Date.now();
      writeFileSync(md, original.replace(/^# .*$/m, `# Round trip ${i}`));
      await waitForHeading(page, (h) => h.includes(`Round trip ${i}`), `edit ${i}`);
      // Until the reloaded page has finished loading, as a reader sees it.
      await page.waitForLoadState("load");
      times.push(Date.now() - t);
      console.log(`edit ${i}: ${times.at(-1)} ms`);
    }
  } finally {
    await browser.close();
    server.stop();
    const log = server.output().split("\n").filter((l) => l.startsWith("Built")).slice(-3);
    console.log(log.join("\n"));
    rmSync(root, { recursive: true, force: true });
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`${n} pages: edit saved → page reloaded, median ${sorted[Math.floor(runs / 2)]} ms, max ${sorted.at(-1)} ms (${runs} edits)`);
}

const args = process.argv.slice(2);
if (args[0] === "--measure") await measure(Number(args[1] ?? 200));
else await check();
