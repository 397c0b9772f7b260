#!/usr/bin/env bash
# Switchboard's own Apache Kafka broker (KRaft, single node, 127.0.0.1 only).
#
#   scripts/kafka.sh start|stop|status|logs [-f]
#
# The broker's jars come from Maven Central (infra/kafka/pom.xml) into .cache/kafka/libs on
# first use. Each port gets its own folder .cache/kafka/<port>/ (config, data, logs, pid), so
# a test broker never collides with a developer's. `start` prints exactly one line on stdout,
# KAFKA_BROKERS=127.0.0.1:<port>, so callers can `eval "$(scripts/kafka.sh start)"`; every
# other message goes to stderr. See docs/kafka.md.
#
# Environment:
#   KAFKA_PORT             client listener port (default 19092)
#   KAFKA_CONTROLLER_PORT  KRaft controller port (default KAFKA_PORT + 1)
#   KAFKA_FRESH=1          wipe this port's data before starting (stops a running broker first)
#   KAFKA_START_TIMEOUT    seconds to wait for the broker to answer (default 60)
#   KAFKA_STOP_TIMEOUT     seconds to wait after SIGTERM before SIGKILL (default 20)
#   KAFKA_HEAP_OPTS        default "-Xms256m -Xmx512m"
#   KAFKA_JVM_OPTS         extra JVM options, appended
#   KAFKA_CDS=0            do not use/create the AppCDS class archive
#   KAFKA_CACHE_DIR        default <repo>/.cache/kafka
#   KAFKA_MVN_OPTS         extra Maven arguments for the first fetch (e.g. -o, -Dmaven.repo.local=…)
set -eu

HOST=127.0.0.1
ROOT=$(cd "$(dirname "$0")/.." && pwd)
POM="$ROOT/infra/kafka/pom.xml"
LOG4J="$ROOT/infra/kafka/log4j2.properties"
CACHE=${KAFKA_CACHE_DIR:-"$ROOT/.cache/kafka"}
LIBS="$CACHE/libs"
CDS_ARCHIVE="$LIBS/kafka-broker.jsa" # in libs/: wiped with the jars; not a .jar, so not on the classpath

PORT=${KAFKA_PORT:-19092}
case $PORT in '' | *[!0-9]*) echo "kafka: error: KAFKA_PORT must be a port number, got '$PORT'" >&2; exit 1 ;; esac
CTRL_PORT=${KAFKA_CONTROLLER_PORT:-$((PORT + 1))}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-60}
STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-20}
HEAP_OPTS=${KAFKA_HEAP_OPTS:-"-Xms256m -Xmx512m"}

DIR="$CACHE/$PORT"
DATA="$DIR/data"
CONF="$DIR/server.properties"
PIDFILE="$DIR/broker.pid"
SERVER_LOG="$DIR/logs/server.log"
JVM_OUT="$DIR/logs/jvm.out"

if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

say() { printf 'kafka[%s]: %s\n' "$PORT" "$*" >&2; }
die() { say "error: $*"; exit 1; }
now_ms() { date +%s%3N; }

valid_port() { case $1 in '' | *[!0-9]*) return 1 ;; esac; [ "$1" -ge 1 ] && [ "$1" -le 65535 ]; }
valid_port "$PORT" || die "KAFKA_PORT must be a port number, got '$PORT'"
valid_port "$CTRL_PORT" || die "KAFKA_CONTROLLER_PORT must be a port number, got '$CTRL_PORT'"
[ "$PORT" != "$CTRL_PORT" ] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

# Prints the end of this start's logs (lines after the last start marker) to stderr.
log_tail() {
  local n=${1:-40} f from
  for f in "$SERVER_LOG" "$JVM_OUT"; do
    [ -s "$f" ] || continue
    from=$(grep -n '=== .* scripts/kafka.sh start' "$f" | tail -n 1 | cut -d: -f1)
    printf -- '--- last lines of %s (this start) ---\n' "$f" >&2
    sed -n "${from:-1},\$p" "$f" | tail -n "$n" >&2
  done
}

# ---------------------------------------------------------------- jars (first use only)

pom_hash() { cat "$POM" | sha256sum | cut -c1-16; }

libs_complete() { [ -f "$LIBS/.complete" ] && [ "$(cat "$LIBS/.complete")" = "$(pom_hash)" ]; }

fetch_libs() {
  libs_complete && return 0
  command -v mvn >/dev/null || die "Maven (mvn) is needed once to fetch the Kafka jars"
  mkdir -p "$CACHE"
  # One fetch at a time, even when two brokers start at once.
  exec 8>"$CACHE/.fetch.lock"
  flock 8
  if ! libs_complete; then
    local t0 tmp
    t0=$(now_ms)
    tmp="$CACHE/libs.tmp.$$"
    rm -rf "$tmp"
    say "fetching Kafka jars from Maven Central (first use; ~45 MB)…"
    # shellcheck disable=SC2086
    if ! mvn -q -B ${KAFKA_MVN_OPTS:-} -f "$POM" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$CACHE/fetch.log" 2>&1; then
      # (Debian's Maven prints bare colour resets even with -B; strip them.)
      sed 's/\x1b\[[0-9;]*m//g' "$CACHE/fetch.log" | tail -n 40 >&2
      rm -rf "$tmp"
      die "Maven could not fetch the Kafka jars (output above, full log: $CACHE/fetch.log)"
    fi
    ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || { rm -rf "$tmp"; die "fetched jars lack kafka_2.13"; }
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    pom_hash >"$LIBS/.complete"
    say "fetched $(ls "$LIBS"/*.jar | wc -l) jars in $(($(now_ms) - t0)) ms"
  fi
  flock -u 8
  exec 8>&-
}

# ---------------------------------------------------------------- process helpers

# Prints the broker's pid when this port's broker process is alive (not a zombie, not a reused pid).
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid state
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  case $pid in '' | *[!0-9]*) return 1 ;; esac
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/stat" ]; then
    state=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$pid/stat" 2>/dev/null) || return 1
    [ "$state" != Z ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$CONF" || return 1
  fi
  echo "$pid"
}

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Sends a Kafka Metadata v4 request (no topics) over bash's /dev/tcp and succeeds when the
# reply lists this broker, i.e. the broker has joined its cluster and serves clients.
# A TCP connect alone is not enough: the port is bound long before requests are processed.
metadata_ok() {
  local bytes
  # size=26 | api_key=3 (Metadata) | version=4 | correlation_id=0x5b5b | client_id "kafka-probe" |
  # topics=[] | allow_auto_topic_creation=false
  bytes=$(timeout 2 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\000\000\000\032\000\003\000\004\000\000\133\133\000\013kafka-probe\000\000\000\000\000" >&3
    dd bs=65536 count=1 <&3 2>/dev/null | od -An -v -tu1
  ' "$HOST" "$PORT" 2>/dev/null) || return 1
  # shellcheck disable=SC2086
  set -- $bytes
  [ $# -ge 30 ] || return 1
  # Response: size(4) correlation_id(4) throttle_time_ms(4) brokers_count(4) node_id(4) …
  [ "$5" -eq 0 ] && [ "$6" -eq 0 ] && [ "$7" -eq 91 ] && [ "$8" -eq 91 ] || return 1
  local nbrokers=$((($13 << 24) | ($14 << 16) | ($15 << 8) | $16))
  [ "$nbrokers" -ge 1 ]
}

# ---------------------------------------------------------------- config and storage

write_config() {
  mkdir -p "$DATA" "$DIR/logs"
  cat >"$CONF" <<EOF
# Written by scripts/kafka.sh on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CTRL_PORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CTRL_PORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CTRL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$DATA
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
}

format_storage() {
  if [ -f "$DATA/meta.properties" ]; then
    local was
    was=$(cat "$DIR/controller.port" 2>/dev/null || echo "$CTRL_PORT")
    [ "$was" = "$CTRL_PORT" ] ||
      die "data in $DATA was formatted for controller port $was, not $CTRL_PORT (use that port, or KAFKA_FRESH=1 to wipe)"
    return 0
  fi
  local t0 id
  t0=$(now_ms)
  # A cluster id is a random UUID in unpadded base64url (22 chars), what
  # `StorageTool random-uuid` prints; made here to save a JVM start (~2.5 s).
  # Kafka's own generator never returns an id starting with '-'; neither does this.
  id=-
  while [ "${id#-}" != "$id" ]; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  done
  # shellcheck disable=SC2086
  if ! "$JAVA" $CDS_USE -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.file="$SERVER_LOG" \
    -cp "$LIBS/*" kafka.tools.StorageTool format --standalone -t "$id" -c "$CONF" >>"$JVM_OUT" 2>&1; then
    log_tail 20
    die "formatting storage in $DATA failed"
  fi
  echo "$CTRL_PORT" >"$DIR/controller.port"
  say "formatted $DATA (cluster id $id) in $(($(now_ms) - t0)) ms"
}

# ---------------------------------------------------------------- commands

do_start() {
  local pid
  if [ "${KAFKA_FRESH:-0}" = 1 ] && running_pid >/dev/null; then
    say "KAFKA_FRESH=1: stopping the running broker to wipe its data"
    do_stop
  fi
  if pid=$(running_pid); then
    if metadata_ok; then
      say "already running (pid $pid)"
      echo "KAFKA_BROKERS=$HOST:$PORT"
      return 0
    fi
    say "already running (pid $pid) but not answering yet; waiting"
    wait_ready "$pid" "$(now_ms)"
    echo "KAFKA_BROKERS=$HOST:$PORT"
    return 0
  fi
  rm -f "$PIDFILE"

  port_in_use "$PORT" && die "port $HOST:$PORT is taken by another process (choose another KAFKA_PORT)"
  port_in_use "$CTRL_PORT" && die "controller port $HOST:$CTRL_PORT is taken by another process (choose another KAFKA_CONTROLLER_PORT)"
  command -v "$JAVA" >/dev/null || die "java not found (Java 17+ is needed)"

  fetch_libs

  if [ "${KAFKA_FRESH:-0}" = 1 ]; then
    rm -rf "$DATA" "$DIR/controller.port"
    say "KAFKA_FRESH=1: wiped $DATA"
  fi
  # AppCDS: the first start records the loaded classes when the JVM exits (promoted to the
  # shared archive by `stop` after a clean exit); later starts, and storage formatting, map
  # them (the broker answers ~2-3 s sooner on this machine, formatting takes ~1.2 s not ~3.5 s).
  CDS_USE=""
  CDS_RECORD=""
  rm -f "$DIR/cds.tmp.jsa"
  if [ "${KAFKA_CDS:-1}" = 1 ]; then
    if [ -f "$CDS_ARCHIVE" ] && [ "$(cat "$CDS_ARCHIVE.jvm" 2>/dev/null)" != "$(jvm_id)" ]; then
      say "Java changed since the class-data archive was made; recording a new one"
      rm -f "$CDS_ARCHIVE" "$CDS_ARCHIVE.jvm"
    fi
    if [ -f "$CDS_ARCHIVE" ]; then
      CDS_USE="-XX:SharedArchiveFile=$CDS_ARCHIVE"
    else
      CDS_RECORD="-XX:ArchiveClassesAtExit=$DIR/cds.tmp.jsa"
    fi
  fi

  write_config
  # Logs are appended across starts; keep one previous generation once they pass ~50 MB.
  local f
  for f in "$SERVER_LOG" "$JVM_OUT"; do
    if [ -f "$f" ] && [ "$(wc -c <"$f")" -gt 50000000 ]; then mv -f "$f" "$f.1"; fi
    printf '\n=== %s scripts/kafka.sh start (port %s, controller %s) ===\n' "$(date -Is)" "$PORT" "$CTRL_PORT" >>"$f"
  done
  format_storage

  local t0
  t0=$(now_ms)
  # setsid: own session, so the broker outlives the caller's terminal or npm process group.
  # shellcheck disable=SC2086
  setsid "$JAVA" $HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    $CDS_USE $CDS_RECORD ${KAFKA_JVM_OPTS:-} \
    -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.file="$SERVER_LOG" \
    -cp "$LIBS/*" kafka.Kafka "$CONF" </dev/null >>"$JVM_OUT" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PIDFILE"
  say "started pid $pid; waiting for it to answer on $HOST:$PORT (timeout ${START_TIMEOUT}s)"
  wait_ready "$pid" "$t0"
  echo "KAFKA_BROKERS=$HOST:$PORT"
}

wait_ready() {
  local pid=$1 t0=$2 deadline
  deadline=$((t0 + START_TIMEOUT * 1000))
  while :; do
    if ! kill -0 "$pid" 2>/dev/null || ! running_pid >/dev/null; then
      log_tail 40
      rm -f "$PIDFILE"
      die "the broker exited during startup (log: $SERVER_LOG)"
    fi
    if metadata_ok; then
      say "ready in $(($(now_ms) - t0)) ms (pid $pid, RSS $(rss_mb "$pid") MB; log: $SERVER_LOG)"
      return 0
    fi
    if [ "$(now_ms)" -ge "$deadline" ]; then
      log_tail 40
      say "the broker (pid $pid) did not answer on $HOST:$PORT within ${START_TIMEOUT}s (KAFKA_START_TIMEOUT); stopping it"
      do_stop || true
      exit 1
    fi
    sleep 0.2
  done
}

rss_mb() { awk '/^VmRSS:/ { printf "%d", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo '?'; }

do_stop() {
  local pid t0 deadline
  if ! pid=$(running_pid); then
    rm -f "$PIDFILE" "$DIR/cds.tmp.jsa"
    say "not running"
    return 0
  fi
  t0=$(now_ms)
  deadline=$((t0 + STOP_TIMEOUT * 1000))
  kill -TERM "$pid" 2>/dev/null || true
  while running_pid >/dev/null; do
    if [ "$(now_ms)" -ge "$deadline" ]; then
      say "still running after ${STOP_TIMEOUT}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      rm -f "$PIDFILE" "$DIR/cds.tmp.jsa"
      return 0
    fi
    sleep 0.1
  done
  rm -f "$PIDFILE"
  say "stopped pid $pid in $(($(now_ms) - t0)) ms"
  promote_cds
}

# An archive only fits the JVM build that wrote it: identify that build cheaply (no JVM start).
jvm_id() {
  local j
  j=$(readlink -f "$(command -v "$JAVA")" 2>/dev/null) || j=$JAVA
  echo "$j $(stat -c '%s %Y' "$j" 2>/dev/null) $(stat -c '%s %Y' "$(dirname "$j")/../lib/modules" 2>/dev/null)"
}

# Keeps the class archive written at exit only if this JVM accepts it with this classpath.
promote_cds() {
  local tmp="$DIR/cds.tmp.jsa"
  [ -s "$tmp" ] || { rm -f "$tmp"; return 0; }
  if [ ! -f "$CDS_ARCHIVE" ] && libs_complete &&
    "$JAVA" -Xshare:on -XX:SharedArchiveFile="$tmp" -cp "$LIBS/*" -version >/dev/null 2>&1; then
    jvm_id >"$CDS_ARCHIVE.jvm"
    mv -f "$tmp" "$CDS_ARCHIVE"
    say "saved class-data archive $CDS_ARCHIVE (faster starts)"
  else
    rm -f "$tmp"
  fi
}

do_status() {
  local pid
  if ! pid=$(running_pid); then
    say "not running"
    return 1
  fi
  if metadata_ok; then
    say "running (pid $pid, RSS $(rss_mb "$pid") MB, data $DATA)"
    echo "KAFKA_BROKERS=$HOST:$PORT"
    return 0
  fi
  say "process $pid is alive but not answering on $HOST:$PORT (starting, or stuck: scripts/kafka.sh logs)"
  return 2
}

do_logs() {
  [ -f "$SERVER_LOG" ] || die "no log yet at $SERVER_LOG"
  if [ "${1:-}" = -f ]; then exec tail -n 50 -F "$SERVER_LOG"; fi
  tail -n "${KAFKA_LOG_LINES:-100}" "$SERVER_LOG"
}

# start and stop of one port never run at once (the lock fd is closed for the broker itself).
lock_port() {
  mkdir -p "$DIR"
  exec 9>"$DIR/.lock"
  flock -w $((START_TIMEOUT + STOP_TIMEOUT + 30)) 9 || die "another scripts/kafka.sh holds $DIR/.lock"
}

case ${1:-} in
start) lock_port; do_start ;;
stop) lock_port; do_stop ;;
status) do_status ;;
logs) shift; do_logs "$@" ;;
*)
  echo "usage: $0 start|stop|status|logs [-f]   (env: KAFKA_PORT, KAFKA_CONTROLLER_PORT, KAFKA_FRESH=1, …; see docs/kafka.md)" >&2
  exit 64
  ;;
esac
