// Shared helpers for the checks in this folder: where the built site is,
// a tiny static server for it, the list of its pages, and Debian's chromium.
// None of this ends up in the site: the pages themselves carry no JavaScript.
import { createServer } from "node:http";
import { readFileSync, readdirSync, statSync, existsSync, mkdirSync } from "node:fs";
import { join, extname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const HERE = fileURLToPath(new URL(".", import.meta.url));
export const ROOT = resolve(HERE, "..");
/** The built site; `SEEN_PUBLIC` points the checks at another build. */
export const PUBLIC = resolve(process.env.SEEN_PUBLIC ?? join(ROOT, "public"));
/** Whether the checks run on the bundled explainer (`public/` of this repository), where figures a check needs must exist. */
export const BUNDLED = PUBLIC === resolve(ROOT, "public");
export const SHOTS = join(HERE, "screenshots");
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
/** The policy every page must carry (see ENGINEERING.md, "No JavaScript in the output"). */
export const CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

export function requirePublic() {
  if (!existsSync(join(PUBLIC, "index.html"))) {
    console.error(`no built site at ${PUBLIC}: run \`cargo run --release\` in ${ROOT} first`);
    process.exit(2);
  }
}

/** Every file under `dir`, as paths relative to it with `/` separators, sorted. */
export function walk(dir = PUBLIC) {
  const out = [];
  const go = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) go(p);
      else out.push(relative(dir, p).split(sep).join("/"));
    }
  };
  go(dir);
  return out;
}
export const pages = (dir = PUBLIC) => walk(dir).filter((f) => f.endsWith(".html"));

export const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
  ".png": "image/png", ".json": "application/json", ".js": "text/javascript", ".mjs": "text/javascript",
  ".woff2": "font/woff2", ".txt": "text/plain; charset=utf-8", ".ico": "image/x-icon",
};

/** Serve `dir` (default `PUBLIC`) on 127.0.0.1 (random port). Resolves to { url, close }. */
export function serve(dir = PUBLIC) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    if (path.endsWith("/")) path += "index.html";
    const file = resolve(root, "." + path);
    if (!file.startsWith(root) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { "content-type": "text/plain" });
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
    res.end(readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((done) => server.close(done)),
  })));
}

export async function launch() {
  const { chromium } = await import("playwright-core");
  if (!existsSync(CHROMIUM)) {
    console.error(`no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM=/path)`);
    process.exit(2);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export function shotPath(name) {
  mkdirSync(SHOTS, { recursive: true });
  return join(SHOTS, name);
}

/** A tally of named checks; `done()` prints the summary and sets the exit code. */
export function tally(title) {
  let failures = 0, passes = 0;
  const ok = (cond, what) => {
    if (cond) passes++; else failures++;
    if (!cond || process.env.VERBOSE) console.log(`${cond ? "ok  " : "FAIL"} ${what}`);
    return cond;
  };
  const done = () => {
    console.log(`${title}: ${passes} passed, ${failures} failed`);
    process.exitCode = failures ? 1 : 0;
    return failures;
  };
  return { ok, done, get failures() { return failures; } };
}

// ---------------------------------------------------------------- colour contrast (WCAG 2)
/** A computed CSS colour (`rgb(…)`, `rgba(…)`, `color(srgb …)`) as [r, g, b, a], 0–255 and 0–1; null if not one. */
export function parseColor(css) {
  if (!css || css === "none" || css === "transparent") return null;
  let m = css.match(/^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/);
  if (m) return [+m[1], +m[2], +m[3], alpha(m[4])];
  m = css.match(/^color\(srgb\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)(?:\s*\/\s*([\d.]+%?))?\s*\)$/);
  if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, alpha(m[4])];
  return null;
}
const alpha = (a) => (a === undefined ? 1 : a.endsWith("%") ? parseFloat(a) / 100 : +a);
/** Relative luminance of an [r, g, b] colour (0–255 channels). */
export const luminance = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
  .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
/** Contrast ratio of `fg` drawn over an opaque `bg` (colours as from parseColor; fg's alpha times `opacity` blends it). */
export function contrast(fg, bg, opacity = 1) {
  const a = (fg[3] ?? 1) * opacity;
  const seen = [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a));
  const [hi, lo] = [luminance(seen), luminance(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// ---------------------------------------------------------------- screenshots as pixels
/** Mean relative luminance (0–1) of a PNG screenshot (8-bit RGB or RGBA, not interlaced, as chromium writes them). */
export async function meanLuminance(png) {
  const { inflateSync } = await import("node:zlib");
  let pos = 8, w = 0, h = 0, type = 0;
  const idat = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos), kind = png.toString("latin1", pos + 4, pos + 8), data = png.subarray(pos + 8, pos + 8 + len);
    if (kind === "IHDR") { w = data.readUInt32BE(0); h = data.readUInt32BE(4); type = data[9]; if (data[8] !== 8 || data[12] !== 0) throw new Error("PNG: 8-bit, not interlaced only"); }
    if (kind === "IDAT") idat.push(data);
    pos += 12 + len;
  }
  const bpp = type === 6 ? 4 : type === 2 ? 3 : 0;
  if (!bpp) throw new Error(`PNG colour type ${type}`);
  const raw = inflateSync(Buffer.concat(idat)), stride = w * bpp, px = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[row + x - bpp] : 0, b = y ? px[row - stride + x] : 0, c = x >= bpp && y ? px[row - stride + x - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      px[row + x] = (src[x] + pred) & 255;
    }
  }
  let sum = 0;
  for (let i = 0; i < px.length; i += bpp) sum += luminance([px[i], px[i + 1], px[i + 2]]);
  return sum / (w * h);
}
