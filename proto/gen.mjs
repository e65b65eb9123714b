// Prototype generator: writes what the Rust renderer will emit, so the
// markup and CSS patterns can be checked in a real browser before any Rust
// exists. Writes:
//   ../templates/style.css  (the block between BEGIN/END GENERATED)
//   frames/step-XX.svg      (12 placeholder frames)
//   trace.html, tabs.html   (the exact markup pattern)
// Run: node gen.mjs
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";

const MAX = 80; // steps/tabs supported per figure by the generated CSS

// ---------- the generated CSS (stepper.css.txt describes it) ----------
function generatedCss(max) {
  const chunk = (f, per, sep) => {
    const out = [];
    for (let k = 0; k < max; k += per) {
      const part = [];
      for (let j = k; j < Math.min(max, k + per); j++) part.push(f(j));
      out.push(part.join(sep));
    }
    return out;
  };
  return [
    "/* --n: number of steps, read by the play animation */",
    ...chunk((k) => `.n${k + 1}{--n:${k + 1}}`, 16, ""),
    "/* show the checked step's panel and prev/next pair */",
    chunk((k) => `.s${k}:checked~*>*>.k${k}`, 8, ",").join(",\n"),
    "{display:grid}",
    "/* highlight the checked step's jump label / tab */",
    chunk((k) => `.s${k}:checked~*>*>.j${k}`, 8, ",").join(",\n"),
    "{background:var(--accent);border-color:var(--accent);color:var(--on-accent);font-weight:650}",
  ].join("\n");
}

const cssPath = new URL("../templates/style.css", import.meta.url);
const css = readFileSync(cssPath, "utf8");
const begin = css.indexOf("/* BEGIN GENERATED");
const beginEnd = css.indexOf("\n", begin) + 1;
const end = css.indexOf("/* END GENERATED */");
writeFileSync(cssPath, css.slice(0, beginEnd) + generatedCss(MAX) + "\n" + css.slice(end));

// ---------- helpers ----------
const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const pad = (k) => String(k).padStart(2, "0");

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'self'; img-src 'self'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<link rel="stylesheet" href="style.css">
<link rel="icon" href="favicon.svg" type="image/svg+xml">
</head>
<body>
<header class="site-header"><a href="trace.html">Autograd, Seen</a> · prototype</header>
<main>
${body}
</main>
<footer class="site-footer">Built by seen. No JavaScript.</footer>
</body>
</html>
`;
}

/** A trace stepper. `fig` is the figure id; ids are fig-s0.., fig-play. */
function stepper({ fig, legend, caption, steps, downloads }) {
  const n = steps.length;
  if (n < 1 || n > MAX) throw new Error(`stepper ${fig}: ${n} steps, max ${MAX}`);
  const L = [];
  L.push(`<figure class="fig" id="${fig}">`);
  L.push(`<fieldset class="st stepper n${n}">`);
  L.push(`<legend>${esc(legend)}</legend>`);
  steps.forEach((s, k) => {
    L.push(`<input type="radio" name="${fig}-step" id="${fig}-s${k}" class="s${k}" aria-label="Step ${k + 1} of ${n}: ${esc(s.short)}"${k === 0 ? " checked" : ""}>`);
  });
  L.push(`<input type="checkbox" id="${fig}-play" class="play" aria-label="Play all ${n} steps as an animation">`);
  L.push(`<div class="view">`);
  L.push(`<ol class="frames">`);
  steps.forEach((s, k) => {
    L.push(`<li class="k${k}">`);
    L.push(s.frame);
    L.push(`<div class="nar"><span class="sn">Step ${k + 1} of ${n}${s.phase ? " · " + esc(s.phase) : ""}</span>${s.html}</div>`);
    L.push(`</li>`);
  });
  L.push(`</ol>`);
  L.push(`</div>`);
  L.push(`<div class="bar" aria-hidden="true">`);
  L.push(`<div class="pn">`);
  for (let k = 0; k < n; k++) {
    const prev = k > 0 ? `<label class="prev" for="${fig}-s${k - 1}">← Previous</label>` : `<span class="prev off">← Previous</span>`;
    const next = k < n - 1 ? `<label class="next" for="${fig}-s${k + 1}">Next →</label>` : `<span class="next off">Next →</span>`;
    L.push(`<div class="k${k}">${prev}<span class="pos">${k + 1} / ${n}</span>${next}</div>`);
  }
  L.push(`</div>`);
  L.push(`<label class="pl" for="${fig}-play"><span class="go">Play</span><span class="stop">Stop</span></label>`);
  L.push(`<div class="jl">`);
  steps.forEach((s, k) => {
    L.push(`<label class="j${k}${s.phase === "backward" ? " b" : ""}" for="${fig}-s${k}" title="Step ${k + 1}: ${esc(s.short)}">${k + 1}</label>`);
  });
  L.push(`</div>`);
  L.push(`</div>`);
  L.push(`</fieldset>`);
  if (caption) L.push(`<figcaption>${caption}${downloads ? ` <span class="dl">${downloads}</span>` : ""}</figcaption>`);
  L.push(`</figure>`);
  return L.join("\n");
}

/** Tabs: same classes as the stepper, without play and prev/next. */
function tabs({ fig, legend, cap, caption, items }) {
  const n = items.length;
  if (n < 1 || n > MAX) throw new Error(`tabs ${fig}: ${n} tabs, max ${MAX}`);
  const L = [];
  L.push(`<figure class="fig" id="${fig}">`);
  L.push(`<fieldset class="st tabs n${n}">`);
  L.push(`<legend>${esc(legend)}</legend>`);
  items.forEach((t, k) => {
    L.push(`<input type="radio" name="${fig}-tab" id="${fig}-s${k}" class="s${k}" aria-labelledby="${fig}-l${k}"${k === 0 ? " checked" : ""}>`);
  });
  L.push(`<div class="bar" aria-hidden="true">`);
  L.push(`<div class="jl">${cap ? `<span class="cap">${esc(cap)}</span>` : ""}`);
  items.forEach((t, k) => L.push(`<label class="j${k}" for="${fig}-s${k}" id="${fig}-l${k}">${esc(t.label)}</label>`));
  L.push(`</div>`);
  L.push(`</div>`);
  L.push(`<div class="view">`);
  L.push(`<div class="frames">`);
  items.forEach((t, k) => {
    L.push(`<section class="k${k}">`);
    L.push(`<h3 class="tt">${esc(cap ? cap + ": " : "")}${esc(t.label)}</h3>`);
    L.push(t.html);
    L.push(`</section>`);
  });
  L.push(`</div>`);
  L.push(`</div>`);
  L.push(`</fieldset>`);
  if (caption) L.push(`<figcaption>${caption}</figcaption>`);
  L.push(`</figure>`);
  return L.join("\n");
}

// ---------- placeholder frames ----------
const f = (v, d = 4) => (Math.round(v * 10 ** d) / 10 ** d).toString().replace("-", "−");
const x = 1.6, w = 1.15, b = -0.8;
const t = w * x, z = t + b, e = Math.exp(-z), d = 1 + e, p = 1 / d, Lv = -Math.log(p);
const gp = -1 / p, gd = gp * (-1 / (d * d)), ge = gd, gz = ge * -e, gw = gz * x, gb = gz;

const trace = [
  ["forward", "t = w·x = 1.84", `<p>Multiply: <var>t</var> = <var>w</var>·<var>x</var> = 1.15 × 1.6 = <b>${f(t)}</b>. The node caches <var>w</var> and <var>x</var>; its backward rule will need them.</p>`],
  ["forward", "z = t + b = 1.04", `<p>Add: <var>z</var> = ${f(t)} + (−0.8) = <b>${f(z)}</b>.</p>`],
  ["forward", "e = exp(−z)", `<p>Exp of the negated logit: <var>e</var> = exp(−${f(z)}) = <b>${f(e)}</b>.</p>`],
  ["forward", "d = 1 + e", `<p>Add one: <var>d</var> = 1 + ${f(e)} = <b>${f(d)}</b>.</p>`],
  ["forward", "p = 1/d", `<p>Reciprocal: <var>p</var> = 1 / ${f(d)} = <b>${f(p)}</b>, the sigmoid of <var>z</var>.</p>`],
  ["forward", "L = −log p", `<p>Loss: <var>L</var> = −log ${f(p)} = <b>${f(Lv)}</b>. The forward pass is done; every value is cached.</p>`],
  ["backward", "∂L/∂p = −1/p", `<p>Start at the loss with gradient 1. Log's local rule: ∂L/∂p = −1/<var>p</var> = <b>${f(gp)}</b>.</p>`],
  ["backward", "∂L/∂d", `<p>Reciprocal's rule: upstream ${f(gp)} × local (−1/<var>d</var>²) = <b>${f(gd)}</b> reaches <var>d</var>.</p>`],
  ["backward", "∂L/∂e", `<p>Add passes the gradient through: ${f(gd)} × 1 = <b>${f(ge)}</b>.</p>`],
  ["backward", "∂L/∂z", `<p>Exp's rule uses its cached output: ${f(ge)} × (−${f(e)}) = <b>${f(gz)}</b>.</p>`],
  ["backward", "∂L/∂b and ∂L/∂t", `<p>Add sends ${f(gz)} to both parents: ∂L/∂b = <b>${f(gb)}</b>.</p>`],
  ["backward", "∂L/∂w = −0.4178", `<p>Multiply sends upstream × the other input: ${f(gz)} × 1.6 = <b>${f(gw)}</b> to <var>w</var>. Final gradients: ∂L/∂w = ${f(gw)}, ∂L/∂b = ${f(gb)}.</p>`],
];

mkdirSync(new URL("./frames/", import.meta.url), { recursive: true });
writeFileSync(new URL("./favicon.svg", import.meta.url), `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><circle cx="8" cy="8" r="7" fill="#1a56c4"/></svg>\n`);
trace.forEach(([phase, short], k) => {
  const fill = phase === "forward" ? "#1a56c4" : "#b93d0a";
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="270" viewBox="0 0 480 270">
<rect width="480" height="270" fill="#ffffff"/>
<rect x="12" y="12" width="456" height="246" rx="14" fill="none" stroke="#d6d2c8" stroke-width="2"/>
<circle cx="240" cy="120" r="70" fill="${fill}"/>
<text x="240" y="146" font-family="DejaVu Sans, sans-serif" font-size="76" font-weight="700" fill="#ffffff" text-anchor="middle">${k + 1}</text>
<text x="240" y="232" font-family="DejaVu Sans, sans-serif" font-size="22" fill="#1c1d20" text-anchor="middle">${phase} · ${esc(short)}</text>
</svg>
`;
  writeFileSync(new URL(`./frames/step-${pad(k)}.svg`, import.meta.url), svg);
});

const traceSteps = trace.map(([phase, short, html], k) => ({
  phase, short, html,
  frame: `<img src="frames/step-${pad(k)}.svg" alt="Graph, step ${k + 1}: ${esc(short)}" width="480" height="270">`,
}));

writeFileSync(new URL("./trace.html", import.meta.url), page("Trace: one example, forward and backward", `
<h1>One example, forward and backward</h1>
<p class="lede">A prototype of the HTML+CSS stepper. Step with the buttons, the numbers, or Tab into the figure and use the arrow keys.</p>
<p>The example is one positive point with <var>x</var> = 1.6, <var>w</var> = 1.15, <var>b</var> = −0.8. Every forward op is a frame, then every backward message is a frame.</p>
${stepper({
  fig: "trace",
  legend: "Trace of one example: 6 forward steps, then 6 backward steps",
  caption: "Figure 4. The atomic trace. Forward frames first, backward frames (dashed numbers) after.",
  downloads: `<a href="trace.json">trace.json</a> · <a href="frames/step-00.svg">frames as SVG</a>`,
  steps: traceSteps,
})}
<p>After the figure the text goes on at its usual measure. The final gradients are ∂L/∂w = ${f(gw)} and ∂L/∂b = ${f(gb)}, the same as (p − y)·x and (p − y).</p>
`));

// ---------- tabs page: rule cards (5), compare (2), datasets (3) ----------
const inlineSvg = (label, num, cls, extra = "") => `<svg role="img" aria-label="${esc(label)}" viewBox="0 0 480 200" width="480" height="200">
<rect class="box" x="2" y="2" width="476" height="196" rx="12"/>
<circle class="${cls}" cx="90" cy="100" r="50"/>
<text x="90" y="118" font-size="52" font-weight="700" text-anchor="middle" fill="#fff">${num}</text>
<text x="165" y="92" font-size="22" fill="currentColor">${esc(label)}</text>
<text class="mut" x="165" y="124" font-size="16">${esc(extra)}</text>
</svg>`;

const rules = [
  ["Multiply", "c = a·b", "∂c/∂a = b, ∂c/∂b = a", `<p>Forward: 1.15 × 1.6 = 1.84. With upstream gradient 0.5, <var>a</var> receives 0.5 × 1.6 = 0.8 and <var>b</var> receives 0.5 × 1.15 = 0.575.</p>`],
  ["Add", "c = a + b", "∂c/∂a = ∂c/∂b = 1", `<p>Forward: 1.84 + (−0.8) = 1.04. Upstream 0.5 reaches both parents unchanged.</p>`],
  ["Exp", "c = exp a", "∂c/∂a = exp a = c", `<p>Forward: exp(−1.04) = 0.3535. Upstream 0.5 × 0.3535 = 0.1767: the rule reuses the cached output.</p>`],
  ["Reciprocal", "c = 1/a", "∂c/∂a = −1/a²", `<p>Forward: 1/1.3535 = 0.7389. Upstream 0.5 × (−0.5459) = −0.2729.</p>`],
  ["Log", "c = log a", "∂c/∂a = 1/a", `<p>Forward: log 0.7389 = −0.3027. Upstream 0.5 × 1.3535 = 0.6767: the rule needs the cached input.</p>`],
];

const batchStepper = stepper({
  fig: "batch-clean",
  legend: "Backward pass, clean separation: 5 steps",
  steps: ["ex. 1 → w, b", "ex. 2 → w, b", "ex. 3 → w, b", "mean", "SGD step"].map((short, k) => ({
    phase: "backward", short, html: `<p>${esc(short)}: placeholder narration ${k + 1}.</p>`,
    frame: inlineSvg(`Batch step ${k + 1}`, k + 1, "bwd", short),
  })),
});

writeFileSync(new URL("./tabs.html", import.meta.url), page("Tabs: rule cards, views, datasets", `
<h1>Tabs without JavaScript</h1>
<p class="lede">The same radio technique as the stepper, switching rule cards, views and datasets.</p>
<h2>The rulebook</h2>
${tabs({
  fig: "rule", legend: "Selected rule", cap: "Selected rule",
  caption: "Figure 3. Each rule on concrete values, with an upstream gradient of 0.5.",
  items: rules.map(([label, op, deriv, html], k) => ({
    label, html: `${inlineSvg(`${label}: ${op}`, k + 1, "fwd", deriv)}\n${html}`,
  })),
})}
<h2>Atomic ops or modules</h2>
${tabs({
  fig: "compare", legend: "View", cap: "View",
  items: [
    { label: "Atomic ops", html: `${inlineSvg("Atomic graph: 8 nodes", 8, "fwd", "mul, add, exp, add, recip, log")}\n<p>What changed: nothing yet; every op is its own node.</p>` },
    { label: "Modules", html: `${inlineSvg("Module graph: 3 nodes", 3, "bwd", "Linear, Sigmoid, LogLoss")}\n<p>What changed: Sigmoid's backward rule is σ(1 − σ), using its cached output.</p>` },
  ],
  caption: "Figure 5. Switch views: the graph changes, the leaf gradients do not.",
})}
<div class="table-wrap"><table><thead><tr><th>Leaf</th><th class="num">Atomic</th><th class="num">Modules</th></tr></thead>
<tbody><tr><td>∂L/∂w</td><td class="num">${f(gw)}</td><td class="num">${f(gw)}</td></tr><tr><td>∂L/∂b</td><td class="num">${f(gb)}</td><td class="num">${f(gb)}</td></tr></tbody></table></div>
<h2>Three examples, one update</h2>
${tabs({
  fig: "batch", legend: "Dataset", cap: "Dataset",
  items: [
    { label: "Clean separation", html: `<p>(−2.2, 0), (−0.6, 0), (2.0, 1).</p>\n${batchStepper}` },
    { label: "Near the boundary", html: `${inlineSvg("Near the boundary", 2, "fwd", "(−0.9, 0), (0.15, 1), (0.85, 1)")}` },
    { label: "One disagreeing point", html: `${inlineSvg("One disagreeing point", 3, "bwd", "(−2.0, 0), (0.2, 1), (1.9, 0)")}` },
  ],
})}
`));
// ---------- a long stepper: 60 steps, inline SVG frames ----------
writeFileSync(new URL("./long.html", import.meta.url), page("A 60-step stepper", `
<h1>Sixty steps</h1>
<p>The longest trace the explainer needs; the generated rules go to 80.</p>
${stepper({
  fig: "long",
  legend: "A long trace: 30 forward steps, then 30 backward steps",
  caption: "A 60-step placeholder trace with inline SVG frames.",
  steps: Array.from({ length: 60 }, (_, k) => {
    const phase = k < 30 ? "forward" : "backward";
    return { phase, short: `${phase} op ${k % 30 + 1}`, html: `<p>Placeholder narration for step ${k + 1}.</p>`,
      frame: inlineSvg(`Step ${k + 1}`, k + 1, phase === "forward" ? "fwd" : "bwd", `${phase} op ${k % 30 + 1}`) };
  }),
})}
`));
console.log("generated");
