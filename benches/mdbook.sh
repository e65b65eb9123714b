#!/bin/sh
# mdBook's build time on the bundled explainer's markdown, beside a cold
# `seen build --no-cache` of the same files (issue 19's goal: no slower).
# mdBook renders the ```autograd blocks as plain code; seen parses each,
# runs the engine, checks every gradient against finite differences and
# draws every figure, for a phone and for a wide screen.
#
#   benches/mdbook.sh                    # the bundled explainer (this repo's root)
#   benches/mdbook.sh SITE_DIR           # any seen site
#   benches/mdbook.sh --pages [SITE_DIR] # each page alone: a site of its one
#                                        # page (and the site's data files)
#   benches/mdbook.sh --edit [SITE_DIR]  # an author's loop: one page's prose
#                                        # edited, then the rebuild
#
# --edit times what an author waits for after saving a page: a sentence
# is added to one page, then `seen build` (the figure cache on, as `seen
# serve` rebuilds) against `mdbook build` (`mdbook serve` and `mdbook
# watch` rebuild the whole book on every change). Page by page, on copies
# of the site and of the book in a temporary folder, 5 edits each.
#
# The site's content/*.md (front matter and all) are copied into a minimal
# book in a temporary folder, with a SUMMARY.md listing them in seen's
# reading order (file names sorted). Each tool builds 5 times after one
# unmeasured warm-up; the script prints the median wall-clock time of each,
# the whole process from start to exit, and the CPU time of seen's runs
# (user + system over wall: how many cores it kept busy).
#
# mdBook: the `mdbook` on PATH, or MDBOOK=/path (`cargo install mdbook
# --version 0.5.4 --root /tmp/mdbook-root` gives one). seen:
# target/release/seen, or SEEN=/path.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--pages" ]; then
  site=$(cd "${2:-$root}" && pwd)
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  printf '%-28s %8s %8s %7s\n' page mdbook seen ratio
  for f in $(cd "$site/content" && find . -name "*.md" | sort); do
    one="$tmp/site"
    rm -rf "$one" && mkdir -p "$one/content"
    cp "$site/seen.toml" "$one/" 2>/dev/null || true
    [ -d "$site/templates" ] && cp -r "$site/templates" "$one/"
    (cd "$site/content" && find . -type f ! -name "*.md" -exec cp --parents {} "$one/content/" \;)
    mkdir -p "$one/content/$(dirname "$f")" && cp "$site/content/$f" "$one/content/$f"
    "$0" "$one" 2>/dev/null | awk -v page="${f#./}" '
      $1 == "mdbook" { m = $2 } $1 == "seen" && $3 == "ms" { s = $2 }
      END { printf "%-28s %5s ms %5s ms %6.2fx\n", page, m, s, (m > 0 ? s / m : 0) }'
  done
  exit 0
fi
edit=false
if [ "${1:-}" = "--edit" ]; then
  edit=true
  shift
fi
site=$(cd "${1:-$root}" && pwd)
seen=${SEEN:-$root/target/release/seen}
runs=5
mdbook=${MDBOOK:-$(command -v mdbook || true)}
[ -n "$mdbook" ] || { echo "mdbook.sh: no mdbook on PATH (cargo install mdbook --version 0.5.4, or MDBOOK=/path)" >&2; exit 2; }
[ -x "$seen" ] || { echo "mdbook.sh: no $seen (cargo build --release)" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
b="$tmp/book"
mkdir -p "$b/src"
cat > "$b/book.toml" <<'TOML'
[book]
title = "Same markdown"
[output.html]
TOML
echo "# Summary" > "$b/src/SUMMARY.md"
for f in $(cd "$site/content" && find . -name "*.md" | sort); do
  mkdir -p "$b/src/$(dirname "$f")"
  cp "$site/content/$f" "$b/src/$f"
  echo "- [${f#./}]($f)" >> "$b/src/SUMMARY.md"
done

ms() {
  t0=$(date +%s%N)
  "$@" > /dev/null 2>&1
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}
median() { sort -n | sed -n "$(((runs + 1) / 2))p"; }

out="$tmp/seen-public"
if $edit; then
  # A copy of the site, so that the edits and its figure cache stay there.
  copy="$tmp/site"
  mkdir -p "$copy" && cp -r "$site/content" "$copy/"
  for f in seen.toml templates; do
    [ -e "$site/$f" ] && cp -r "$site/$f" "$copy/"
  done
  rm -rf "$copy/.seen-cache"
  "$mdbook" build "$b" > /dev/null 2>&1
  "$seen" build --root "$copy" --output-dir "$out" > /dev/null 2>&1
  echo "site: $site; an edit of one page's prose, then the rebuild; median of $runs edits; $(nproc) cores"
  printf '%-28s %8s %8s %7s\n' "page edited" mdbook seen ratio
  for f in $(cd "$site/content" && find . -name "*.md" | sort); do
    m=$(i=0; while [ $i -lt $runs ]; do
      printf '\nAn edit, number %s.\n' "$i" >> "$b/src/$f"
      ms "$mdbook" build "$b"; i=$((i + 1)); done | median)
    s=$(i=0; while [ $i -lt $runs ]; do
      printf '\nAn edit, number %s.\n' "$i" >> "$copy/content/$f"
      ms "$seen" build --root "$copy" --output-dir "$out"; i=$((i + 1)); done | median)
    printf '%-28s %5s ms %5s ms %6.2fx\n' "${f#./}" "$m" "$s" "$(echo "$s $m" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')"
  done
  exit 0
fi
"$mdbook" build "$b" > /dev/null 2>&1
"$seen" build --root "$site" --output-dir "$out" --no-cache > /dev/null
mdbook_ms=$(i=0; while [ $i -lt $runs ]; do ms "$mdbook" build "$b"; i=$((i + 1)); done | median)
seen_ms=$(i=0; while [ $i -lt $runs ]; do
  ms "$seen" build --root "$site" --output-dir "$out" --no-cache
  i=$((i + 1)); done | median)
# CPU over wall for one more cold build: the cores seen kept busy.
cpu=$( { /usr/bin/time -f "%U %S %e" "$seen" build --root "$site" --output-dir "$out" --no-cache > /dev/null; } 2>&1 | tail -1)
pages=$(find "$site/content" -name "*.md" ! -name "_index.md" | wc -l)
echo "site: $site ($pages markdown pages); median of $runs runs, wall clock; $(nproc) cores"
printf '%-7s %6s ms  (%s)\n' mdbook "$mdbook_ms" "$("$mdbook" --version)"
printf '%-7s %6s ms  (seen build --no-cache)\n' seen "$seen_ms"
echo "$seen_ms $mdbook_ms" | awk '{ printf "seen / mdbook: %.2fx\n", ($2 > 0 ? $1 / $2 : 0) }'
echo "$cpu" | awk '{ printf "seen CPU: %.2f s user + %.2f s system over %.2f s wall = %.1f cores busy\n", $1, $2, $3, ($1 + $2) / ($3 > 0 ? $3 : 1) }'
