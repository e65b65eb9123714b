// Page weight as a reader's browser gets it: each page is loaded over http in
// chromium, every request it makes is recorded, and the bytes are summed raw
// and gzip-compressed (zlib level 6, what a typical static host serves). It
// fails if any JavaScript arrives (script responses, inline <script>, on*=
// handlers, javascript: URLs): the site must carry none. What each page
// loads at page load (1280 px, top of the page, no interaction: the page,
// style.css, favicon.svg) must stay within BUDGET gzip, the 50 KB goal (see
// README), so every byte added to a page must be paid for on that page. It
// also reports the whole site at load (every page once), and what
// a reader downloads who opens every frame: the load plus every lazily
// loaded file, once each.
//   node weight.mjs [--json]
import { gzipSync, brotliCompressSync } from "node:zlib";
import { PUBLIC, requirePublic, pages, serve, launch, walk, tally } from "./lib.mjs";
import { statSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";

requirePublic();
const GOAL = 50 * 1024;
const BUDGET = GOAL;
const { ok, done } = tally("weight");
const browser = await launch();
const server = await serve();
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const all = new Map(); // url → { raw, gz, br, type }
const rows = [];
let jsBytes = 0;

for (const path of pages()) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  const got = [];
  page.on("requestfinished", async (req) => { got.push(req); });
  await page.goto(new URL(path, server.url).href, { waitUntil: "networkidle" });
  const res = [];
  for (const req of got) {
    const resp = await req.response();
    if (!resp) continue;
    const body = await resp.body();
    const type = resp.headers()["content-type"] ?? "";
    const r = { url: req.url().replace(server.url, ""), type: req.resourceType(), raw: body.length, gz: gzipSync(body, { level: 6 }).length, br: brotliCompressSync(body).length };
    if (r.type === "script" || /javascript|ecmascript/.test(type)) jsBytes += r.raw;
    if (r.type === "document" || /html/.test(type)) {
      const html = body.toString("utf8").replace(/<!--[\s\S]*?-->/g, "");
      jsBytes += [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)].reduce((a, m) => a + m[0].length, 0);
      jsBytes += [...html.matchAll(/\son[a-z]+="[^"]*"/gi)].reduce((a, m) => a + m[0].length, 0);
      jsBytes += [...html.matchAll(/=\s*"\s*javascript:[^"]*"/gi)].reduce((a, m) => a + m[0].length, 0);
    }
    res.push(r);
    all.set(r.url, r);
  }
  // Anything the page asked for but the network stack did not finish (a 404, a block).
  const sum = (k) => res.reduce((a, r) => a + r[k], 0);
  rows.push({ page: path, requests: res.length, raw: sum("raw"), gz: sum("gz"), br: sum("br"), res });
  await ctx.close();
}
await browser.close();
await server.close();

const total = [...all.values()];
const T = (k) => total.reduce((a, r) => a + r[k], 0);
const pad = (s, n) => String(s).padStart(n);
console.log(`${"resource".padEnd(34)} ${pad("raw", 12)} ${pad("gzip", 10)} ${pad("brotli", 10)}`);
for (const row of rows) {
  for (const r of row.res) console.log(`  ${r.url.padEnd(32)} ${pad(r.raw.toLocaleString("en"), 12)} ${pad(r.gz.toLocaleString("en"), 10)} ${pad(r.br.toLocaleString("en"), 10)}`);
  console.log(`${("page " + row.page).padEnd(34)} ${pad(row.raw.toLocaleString("en"), 12)} ${pad(row.gz.toLocaleString("en"), 10)} ${pad(row.br.toLocaleString("en"), 10)}   ${row.requests} requests`);
}
console.log(`whole explainer: ${pages().length} page(s), ${total.length} distinct requests, ${kb(T("raw"))} raw, ${kb(T("gz"))} gzip, ${kb(T("br"))} brotli; JavaScript: ${jsBytes} bytes`);
// What a reader downloads who opens every frame of every figure: the page load
// plus every frames file the page's lazy image frames point at (once each).
const lazy = new Set();
for (const path of pages()) {
  const html = readFileSync(join(PUBLIC, path), "utf8");
  for (const m of html.matchAll(/<img [^>]*src="([^"#]+)(?:#[^"]*)?"[^>]*loading="lazy"/g)) lazy.add(posix.normalize(posix.join(posix.dirname(path), m[1])));
}
const lazyGz = [...lazy].reduce((a, f) => a + gzipSync(readFileSync(join(PUBLIC, f)), { level: 6 }).length, 0);
console.log(`every frame opened: ${kb(T("gz") + lazyGz)} gzip (the load above + ${lazy.size} lazily loaded files: frames and hidden tabs' stills, ${kb(lazyGz)} gzip, each fetched once)`);
const downloads = walk().filter((f) => !all.has(f)).reduce((a, f) => a + statSync(join(PUBLIC, f)).size, 0);
console.log(`not loaded by any page (downloads: trace JSON, frame SVGs): ${walk().length - all.size} files, ${kb(downloads)} raw`);
if (process.argv.includes("--json")) console.log(JSON.stringify({ rows: rows.map(({ res, ...r }) => r), total: { raw: T("raw"), gz: T("gz"), br: T("br"), requests: total.length }, jsBytes }));
ok(jsBytes === 0, `JavaScript bytes: ${jsBytes} (must be 0)`);
for (const row of rows) ok(row.gz <= BUDGET, `at load: ${row.page} ${kb(row.gz)} gzip within the budget of ${kb(BUDGET)} per page`);
const heaviest = rows.reduce((a, r) => (r.gz > a.gz ? r : a), rows[0]);
console.log(heaviest.gz <= GOAL ? `goal met: every page ≤ 50 KB gzip at load (heaviest: ${heaviest.page}, ${kb(heaviest.gz)})` : `GOAL MISSED: ${heaviest.page} ${kb(heaviest.gz)} gzip > 50 KB`);
done();
