// Offline link checker over public/: every relative href/src (in HTML pages,
// the stylesheet's url()s and standalone SVGs) names a file that exists, every
// #fragment names an id in its target page, and every id reference inside a
// page (label for, aria-labelledby, aria-describedby, aria-controls, headers)
// names an id of that page. Ids must be unique per page. External links are
// listed, not fetched (the checks run offline).
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, dirname, posix } from "node:path";
import { PUBLIC, requirePublic, walk, tally } from "./lib.mjs";

requirePublic();
const { ok, done } = tally("links");
const files = walk();
const decode = (s) => s.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
const strip = (html) => html.replace(/<!--[\s\S]*?-->/g, "");
const idCache = new Map();
function ids(file) {
  if (!idCache.has(file)) {
    const text = strip(readFileSync(join(PUBLIC, file), "utf8"));
    const list = [...text.matchAll(/\s(?:id|name)="([^"]*)"/g)].map((m) => decode(m[1]));
    idCache.set(file, list);
  }
  return idCache.get(file);
}

const broken = [];
const external = new Set();
let checked = 0, fragments = 0, idrefs = 0;
const refsIn = (file, text) => {
  if (file.endsWith(".css")) return [...text.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]);
  return [...strip(text).matchAll(/\s(?:href|src|xlink:href|poster|action|data)="([^"]*)"/g)].map((m) => decode(m[1]))
    .concat([...text.matchAll(/\ssrcset="([^"]*)"/g)].flatMap((m) => decode(m[1]).split(",").map((s) => s.trim().split(/\s+/)[0])));
};

for (const file of files.filter((f) => /\.(html|css|svg)$/.test(f))) {
  const text = readFileSync(join(PUBLIC, file), "utf8");
  for (const ref of refsIn(file, text)) {
    checked++;
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) {
      if (/^(javascript|data|vbscript):/i.test(ref)) broken.push(`${file}: forbidden URL scheme in "${ref.slice(0, 60)}"`);
      else external.add(ref);
      continue;
    }
    if (ref.startsWith("/")) { broken.push(`${file}: root-relative link "${ref}" (links must be relative, so public/ works from any folder and file://)`); continue; }
    const [pathPart, frag] = ref.split("#");
    let target = pathPart === "" ? file : posix.normalize(posix.join(posix.dirname(file), decodeURIComponent(pathPart.split("?")[0])));
    if (target.startsWith("..")) { broken.push(`${file}: "${ref}" leaves public/`); continue; }
    if (existsSync(join(PUBLIC, target)) && statSync(join(PUBLIC, target)).isDirectory()) target = posix.join(target, "index.html");
    if (!existsSync(join(PUBLIC, target))) { broken.push(`${file}: "${ref}" → ${target} does not exist`); continue; }
    if (frag !== undefined && frag !== "") {
      fragments++;
      if (/\.(html|svg)$/.test(target) && !ids(target).includes(decodeURIComponent(frag))) broken.push(`${file}: "${ref}" → no id "${frag}" in ${target}`);
      // An image's fragment into an SVG file must name a <view> (an <img> shows that view alone).
      else if (file.endsWith(".html") && target.endsWith(".svg") && !new RegExp(`<view\\s[^>]*id="${frag}"`).test(readFileSync(join(PUBLIC, target), "utf8"))) broken.push(`${file}: "${ref}" → "${frag}" is not a <view> of ${target}`);
    }
  }
  if (file.endsWith(".html") || file.endsWith(".svg")) {
    const own = ids(file).filter((_, i, a) => true);
    const idOnly = [...strip(text).matchAll(/\sid="([^"]*)"/g)].map((m) => decode(m[1]));
    const seen = new Set();
    for (const id of idOnly) { if (seen.has(id)) broken.push(`${file}: duplicate id "${id}"`); seen.add(id); }
    for (const m of strip(text).matchAll(/\s(for|aria-labelledby|aria-describedby|aria-controls|aria-owns|headers|list)="([^"]*)"/g)) {
      for (const ref of decode(m[2]).split(/\s+/).filter(Boolean)) {
        idrefs++;
        if (!seen.has(ref) && !own.includes(ref)) broken.push(`${file}: ${m[1]}="${ref}" names no id in the page`);
      }
    }
  }
}
console.log(`links: ${checked} references in ${files.filter((f) => /\.(html|css|svg)$/.test(f)).length} files (${fragments} with #fragments), ${idrefs} id references; ${external.size} external (not fetched)${external.size ? ": " + [...external].slice(0, 10).join(" ") : ""}`);
ok(broken.length === 0, `links: ${broken.length} broken${broken.length ? ":\n  " + broken.slice(0, 50).join("\n  ") : ""}`);
done();
