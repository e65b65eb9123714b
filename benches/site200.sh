#!/bin/sh
# Makes a big test site: N copies (default 200) of the bundled explainer,
# each copy one page holding the whole course (content/index.md, then the
# text of the other pages of content/ without their front matter), for
# measuring `seen build`, `seen serve` and the navigation at scale.
#
#   benches/site200.sh DIR [N] [PER_SECTION]
#
# With PER_SECTION, the copies go into folders of that many pages each
# (`part-01/`, `part-02/`, … with an `_index.md` naming the part), as a
# course would be laid out; without it they all sit in content/ (the
# first one as index.md). Prints nothing; build it with
# `seen build --root DIR`.
set -eu
dir=${1:?usage: benches/site200.sh DIR [N] [PER_SECTION]}
n=${2:-200}
per=${3:-}
src=$(dirname "$0")/../content/index.md
# The whole course as one page: the first page, then the others' text.
whole=$(mktemp)
trap 'rm -f "$whole"' EXIT
cat "$src" > "$whole"
for page in "$(dirname "$src")"/*.md; do
  [ "$page" = "$src" ] && continue
  printf '\n' >> "$whole"
  awk 'fm < 2 { if ($0 == "+++") fm++; next } { print }' "$page" >> "$whole"
done
rm -rf "$dir"
mkdir -p "$dir/content"
printf 'title = "Scale test"\n' > "$dir/seen.toml"
i=0
while [ "$i" -lt "$n" ]; do
  name=$(printf 'page-%03d' "$i")
  if [ -z "$per" ]; then
    [ "$i" -eq 0 ] && name=index
    out="$dir/content/$name.md"
  else
    part=$(printf 'part-%02d' $((i / per + 1)))
    mkdir -p "$dir/content/$part"
    if [ ! -f "$dir/content/$part/_index.md" ]; then
      printf '+++\ntitle = "Part %d"\norder = %d\n+++\n' $((i / per + 1)) $((i / per + 1)) > "$dir/content/$part/_index.md"
    fi
    out="$dir/content/$part/$name.md"
  fi
  # A title of its own for each copy, so the navigation tells them apart.
  cp "$(dirname "$src")/moons.csv" "$(dirname "$out")/moons.csv"
  sed "1,/^title = /s/^title = \"\(.*\)\"/title = \"\1 ($((i + 1)))\"/" "$whole" > "$out"
  i=$((i + 1))
done
