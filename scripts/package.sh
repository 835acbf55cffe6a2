#!/usr/bin/env bash
# Writes the release to dist/ (git-ignored), see docs/release.md:
#   ddb-connector-<version>.wasm            the component, with its wasm metadata (name, version,
#                                           description, licence, source, revision)
#   connectors-dynamodb-<wit version>.wasm  its WIT package as a binary (what `wkg publish` takes)
#   ddb-connector-<version>.tgz             an npm package made with jco (ES module, TypeScript
#                                           types, README) on its own WASI host (tools/jco/host/:
#                                           HTTP on Node's keep-alive agents, egress rules)
#   SHA256SUMS
# The source URL is Cargo.toml's package.repository, else DDB_CONNECTOR_SOURCE, else the git
# remote `origin`; without any, the component carries no source (a warning says so).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

install_wasm_target
install_wasm_tools
install_jco_package
build_component

# The remote `origin` as a URL: scp-like `git@host:owner/repo` becomes `https://host/owner/repo`;
# a local path (a clone of a clone, as CI makes) is no source, so nothing.
source_url_of_origin() {
    local remote
    remote=$(git remote get-url origin 2>/dev/null || true)
    case "$remote" in
        http://* | https://*) echo "$remote" ;;
        git@*:*) remote=${remote#git@}; echo "https://${remote%%:*}/${remote#*:}" ;;
    esac
}

DIST="$ROOT/dist"
VERSION=$(cargo_field version)
DESCRIPTION=$(cargo_field description)
LICENSE=$(cargo_field license)
SOURCE=$(cargo_field repository)
SOURCE=${SOURCE:-${DDB_CONNECTOR_SOURCE:-$(source_url_of_origin)}}
REVISION=$(git rev-parse HEAD)
git diff --quiet HEAD -- src wit Cargo.toml Cargo.lock || REVISION="$REVISION-modified"
WIT_VERSION=$(sed -n 's/^package connectors:dynamodb@\(.*\);$/\1/p' "$ROOT/wit/world.wit")
COMPONENT="ddb-connector-$VERSION.wasm"

rm -rf "$DIST"
mkdir -p "$DIST"

log "the component with its metadata: $COMPONENT"
metadata=(--name ddb-connector --version "$VERSION" --description "$DESCRIPTION"
          --licenses "$LICENSE" --revision "$REVISION")
if [ -n "$SOURCE" ]; then
    metadata+=(--source "$SOURCE")
else
    log "warning: no source URL (set package.repository in Cargo.toml)"
fi
"$WASM_TOOLS" metadata add "${metadata[@]}" -o "$DIST/$COMPONENT" "$DDB_CONNECTOR_COMPONENT"

log "the WIT package connectors:dynamodb@$WIT_VERSION as a binary"
"$WASM_TOOLS" component wit "$ROOT/wit" --wasm -o "$DIST/connectors-dynamodb-$WIT_VERSION.wasm"

log "the npm package (jco transpile, onto the package's own WASI host, tools/jco/host/)"
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
maps=()
for iface in cli clocks http io random; do
    maps+=("wasi:$iface/*=./host/$iface.js#*")
done
"$ROOT/tools/jco-package/node_modules/.bin/jco" transpile "$DIST/$COMPONENT" --quiet \
    --name ddb_connector -o "$STAGE" -M "${maps[@]}"
mkdir "$STAGE/host"
cp "$ROOT"/tools/jco/host/*.js "$STAGE/host/"
cp "$ROOT"/tools/jco/npm/*.js "$ROOT"/tools/jco/npm/index.d.ts "$STAGE/"
node "$ROOT/tools/jco/npm-package.mjs" "$STAGE" "$VERSION" "$DESCRIPTION" "$LICENSE" "$SOURCE"
cp "$ROOT/tools/jco/npm-README.md" "$STAGE/README.md"
(cd "$STAGE" && npm pack --silent --pack-destination "$DIST" >/dev/null)

(cd "$DIST" && sha256sum -- * > SHA256SUMS)
log "dist/:"
(cd "$DIST" && ls -l -- * >&2)
