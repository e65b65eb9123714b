// Standards: the Nu HTML checker (vnu.jar from npm `vnu-jar`, run on the
// machine's Java) over every HTML page, the stylesheet(s) and every standalone
// SVG under public/, in one java invocation. Zero errors allowed (warnings are
// printed, not counted).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { PUBLIC, requirePublic, walk, tally } from "./lib.mjs";

requirePublic();
const { ok, done } = tally("vnu");
const jar = createRequire(import.meta.url)("vnu-jar");
const files = walk().filter((f) => /\.(html|css|svg)$/.test(f));
const count = (ext) => files.filter((f) => f.endsWith(ext)).length;
console.log(`vnu: checking ${count(".html")} HTML, ${count(".css")} CSS and ${count(".svg")} SVG files under ${PUBLIC}`);
const java = process.env.JAVA ?? "java";
const r = spawnSync(java, ["-Xss8m", "-jar", jar, "--format", "json", "--also-check-css", "--also-check-svg",
  ...files.map((f) => join(PUBLIC, f))], { encoding: "utf8", maxBuffer: 256 << 20 });
if (r.error) { console.error(`cannot run ${java}: ${r.error.message}`); process.exit(2); }
let messages;
try {
  messages = JSON.parse(r.stderr || r.stdout).messages;
} catch {
  console.error(`vnu gave no JSON (exit ${r.status}):\n${(r.stderr + r.stdout).slice(0, 4000)}`);
  process.exit(2);
}
const rel = (u) => decodeURIComponent(u ?? "").replace(/^file:/, "").replace(PUBLIC + "/", "");
const errors = messages.filter((m) => m.type === "error" || m.type === "non-document-error" || m.subType === "fatal");
const warnings = messages.filter((m) => m.type === "info" && m.subType === "warning");
const fmt = (m) => `  ${rel(m.url)}:${m.lastLine ?? "?"}:${m.firstColumn ?? m.lastColumn ?? "?"}: ${m.message}${m.extract ? `\n      …${m.extract.replace(/\s+/g, " ").slice(0, 160)}…` : ""}`;
// Group identical messages so that one template bug repeated in 150 SVGs reads as one line.
const grouped = (list) => {
  const by = new Map();
  for (const m of list) { const k = m.message; by.set(k, [...(by.get(k) ?? []), m]); }
  return [...by.values()].map((ms) => `${fmt(ms[0])}${ms.length > 1 ? `\n      (and ${ms.length - 1} more like it in ${new Set(ms.map((m) => rel(m.url))).size} files)` : ""}`);
};
if (warnings.length) console.log(`vnu: ${warnings.length} warnings (not counted):\n${grouped(warnings).join("\n")}`);
ok(errors.length === 0, `vnu: ${errors.length} errors in ${files.length} files${errors.length ? ":\n" + grouped(errors).join("\n") : ""}`);
done();
