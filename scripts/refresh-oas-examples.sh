#!/usr/bin/env bash
# Refresh testdata/oas-examples/ from the npm package @readme/oas-examples (MIT).
#   scripts/refresh-oas-examples.sh [version]     (default: latest)
# Copies every API description (*.json, *.yaml, *.yml that has a top-level
# openapi/swagger key) under 2.0/, 3.0/, 3.1/ keeping the directory layout
# (so relative $refs keep resolving), skipping files > 2 MB, plus the LICENSE.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ver="${1:-latest}"
dest="$repo_root/testdata/oas-examples"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

( cd "$tmp" && npm pack --silent "@readme/oas-examples@$ver" >/dev/null && tar xzf readme-oas-examples-*.tgz )
src="$tmp/package"
pkgver="$(node -p "require('$src/package.json').version")"

# keep README.md (regenerated below), replace the rest
find "$dest" -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} + 2>/dev/null || true
mkdir -p "$dest"
n=0; skipped=0
while IFS= read -r -d '' f; do
  rel="${f#"$src"/}"
  size=$(wc -c <"$f")
  if [ "$size" -gt $((2*1024*1024)) ]; then echo "skip (>2MB): $rel" >&2; skipped=$((skipped+1)); continue; fi
  if ! grep -qE '^[[:space:]]*"?(openapi|swagger)"?[[:space:]]*:' "$f"; then
    echo "skip (not an API description): $rel" >&2; skipped=$((skipped+1)); continue
  fi
  mkdir -p "$dest/$(dirname "$rel")"; cp "$f" "$dest/$rel"; n=$((n+1))
done < <(find "$src/2.0" "$src/3.0" "$src/3.1" -type f \( -name '*.json' -o -name '*.yaml' -o -name '*.yml' \) -print0 | sort -z)
cp "$src/LICENSE.md" "$dest/LICENSE"
sed -i "s/^\(Source: npm package \`@readme\/oas-examples\`\) version [0-9.]*/\1 version $pkgver/" "$dest/README.md" 2>/dev/null || true
echo "copied $n files from @readme/oas-examples@$pkgver ($skipped skipped) into $dest"
for v in 2.0 3.0 3.1; do echo "  $v: $(find "$dest/$v" -type f | wc -l) files"; done
