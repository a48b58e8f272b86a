#!/bin/sh
# lemon.sh LEMON TEMPLATE GRAMMAR.y OUTDIR
# Runs lemon in a scratch dir, fails on any parsing conflict, copies outputs if changed.
set -eu
lemon=$1 template=$2 grammar=$3 outdir=$4
name=$(basename "$grammar" .y)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$grammar" "$tmp/$name.y"
log=$("$lemon" -q -T"$template" -d"$tmp" "$tmp/$name.y" 2>&1) || { echo "$log" >&2; exit 1; }
if [ -n "$log" ] && echo "$log" | grep -qi conflict; then
  echo "$log" >&2; echo "lemon: parsing conflicts in $grammar" >&2; exit 1
fi
for ext in c h; do
  if ! cmp -s "$tmp/$name.$ext" "$outdir/$name.$ext"; then cp "$tmp/$name.$ext" "$outdir/$name.$ext"; fi
done
