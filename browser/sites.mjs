// The sites the figure checks measure (legible.mjs, fit.mjs): the bundled
// explainer (`public/`, or `SEEN_PUBLIC`), the tanh-neuron test site in
// browser/sites/tanh/ and the `seen init` scaffold, the last two built with
// the release binary (`../target/release/seen`, or `SEEN_BIN`) into
// temporary folders.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { HERE, ROOT, PUBLIC } from "./lib.mjs";

const SEEN = process.env.SEEN_BIN ?? join(ROOT, "target", "release", "seen");
const temps = [];

function run(args, what) {
  if (!existsSync(SEEN)) {
    console.error(`no seen binary at ${SEEN}: run \`cargo build --release\` in ${ROOT} first (or set SEEN_BIN)`);
    process.exit(2);
  }
  const r = spawnSync(SEEN, args, { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(`${what} failed:\n${r.stdout}${r.stderr}`);
    process.exit(2);
  }
}

/** Build browser/sites/NAME with the release binary into a temporary folder; returns that folder. */
export function buildFixture(name) {
  const out = mkdtempSync(join(tmpdir(), `seen-${name}-`));
  temps.push(out);
  run(["build", "--root", join(HERE, "sites", name), "--output-dir", out], `seen build of sites/${name}`);
  return out;
}

/** `seen init` into a temporary folder, then build it: the scaffold a new author starts from. */
export function buildScaffold() {
  const root = mkdtempSync(join(tmpdir(), "seen-init-"));
  temps.push(root);
  run(["init", join(root, "site")], "seen init");
  const out = join(root, "public");
  run(["build", "--root", join(root, "site"), "--output-dir", out], "seen build of the init scaffold");
  return out;
}

/**
 * The sites named on the command line (`bundled`, `tanh`, `scaffold`, or a
 * built folder), all three by default, as [name, folder]; `cleanup()`
 * removes the temporary builds.
 */
export function sitesFrom(args) {
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
  const cleanup = () => {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  };
  return { sites, cleanup };
}
