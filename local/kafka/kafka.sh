#!/usr/bin/env bash
# Local Apache Kafka for xseven-events: start | stop | status [--brokers 1|3]
#                                        start | stop | kill [--node N]  (one broker of a JVM cluster)
#                                        tools  (prints the directory of Kafka's tools jars, fetched once)
#
# Order of preference on start:
#   1. KAFKA_BOOTSTRAP_SERVERS points at a reachable broker  -> use it, start nothing
#   2. a Docker engine answers                               -> docker compose (docker-compose.yml)
#   3. otherwise Apache Kafka's own jars from Maven Central, on the JVM, KRaft mode
# Idempotent: a running broker is reused. Data lives in .xseven/ (git-ignored).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/local/kafka"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$HERE/pom.xml")"
STATE="${XSEVEN_KAFKA_HOME:-$ROOT/.xseven/kafka}"
LIBS="${XSEVEN_KAFKA_LIBS:-$ROOT/.xseven/kafka/libs-$KAFKA_VERSION}"
# Kafka's command-line tools (kafka-tools and its dependencies), for the bench's
# ProducerPerformance line; may point at any directory holding kafka-tools-*.jar
# (e.g. the libs/ of a Kafka distribution).
TOOLS="${XSEVEN_KAFKA_TOOLS:-$ROOT/.xseven/kafka/tools-$KAFKA_VERSION}"
BASE_PORT="${XSEVEN_KAFKA_PORT:-9092}"
READY_TIMEOUT="${XSEVEN_KAFKA_READY_TIMEOUT:-90}"
BROKERS=1
NODE=""

log() { printf '[kafka] %s\n' "$*" >&2; }
die() { printf '[kafka] error: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
broker_port() { echo $((BASE_PORT + 2 * ($1 - 1))); }
controller_port() { echo $((BASE_PORT + 2 * ($1 - 1) + 1)); }
bootstrap() {
  local list="" i
  for ((i = 1; i <= BROKERS; i++)); do list="${list:+$list,}127.0.0.1:$(broker_port "$i")"; done
  echo "$list"
}
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
running_mode() { [ -f "$STATE/mode" ] && cat "$STATE/mode" || true; }

external_reachable() {
  [ -n "${KAFKA_BOOTSTRAP_SERVERS:-}" ] || return 1
  local first host port
  first="$(echo "$KAFKA_BOOTSTRAP_SERVERS" | tr -d '[]" ' | cut -d, -f1)"
  host="${first%:*}"; port="${first##*:}"
  port_open "$host" "$port"
}

docker_available() {
  [ "${XSEVEN_KAFKA_NO_DOCKER:-}" = "1" ] && return 1
  command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1
}

resolve_jars() {
  if [ -f "$LIBS/.complete" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is required to fetch Apache Kafka $KAFKA_VERSION from Maven Central (or install Docker, or set KAFKA_BOOTSTRAP_SERVERS)"
  log "downloading Apache Kafka $KAFKA_VERSION jars from Maven Central (first run only)..."
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  mvn -B -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies -DoutputDirectory="$LIBS" \
    | awk -v total="$(sed -n 's:.*<jar.count>\(.*\)</jar.count>.*:\1:p' "$HERE/pom.xml")" -f "$HERE/mvn-progress.awk" >&2 || true
  ls "$LIBS"/kafka_2.13-*.jar >/dev/null 2>&1 || die "Maven could not resolve org.apache.kafka:kafka_2.13:$KAFKA_VERSION (see output above)"
  touch "$LIBS/.complete"
  log "jars cached in $LIBS"
}

# Kafka's own tools (org.apache.kafka:kafka-tools), resolved like the broker's jars.
resolve_tools() {
  if [ -f "$TOOLS/.complete" ] || ls "$TOOLS"/kafka-tools-*.jar >/dev/null 2>&1; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is required to fetch Apache Kafka's tools $KAFKA_VERSION from Maven Central (or set XSEVEN_KAFKA_TOOLS to a directory holding kafka-tools-*.jar)"
  log "downloading Apache Kafka's tools $KAFKA_VERSION from Maven Central (first run only)..."
  rm -rf "$TOOLS"; mkdir -p "$TOOLS"
  mvn -B -Dstyle.color=never -Dkafka.version="$KAFKA_VERSION" -f "$HERE/tools-pom.xml" \
    dependency:copy-dependencies -DoutputDirectory="$TOOLS" \
    | awk -v total="$(sed -n 's:.*<jar.count>\(.*\)</jar.count>.*:\1:p' "$HERE/tools-pom.xml")" -f "$HERE/mvn-progress.awk" >&2 || true
  ls "$TOOLS"/kafka-tools-*.jar >/dev/null 2>&1 || die "Maven could not resolve org.apache.kafka:kafka-tools:$KAFKA_VERSION (see output above)"
  touch "$TOOLS/.complete"
  log "tools cached in $TOOLS"
}

cmd_tools() { # stdout: the directory (java -cp "DIR/*" org.apache.kafka.tools.ProducerPerformance ...)
  command -v java >/dev/null 2>&1 || die "Java 17+ is required to run Kafka's tools"
  resolve_tools
  echo "$TOOLS"
}

write_config() { # node-id
  local id="$1" dir="$STATE/node-$1" voters="" i rf=$BROKERS isr=$((BROKERS > 1 ? 2 : 1))
  for ((i = 1; i <= BROKERS; i++)); do voters="${voters:+$voters,}$i@127.0.0.1:$(controller_port "$i")"; done
  mkdir -p "$dir/data" "$dir/logs"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$id
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$id"),CONTROLLER://127.0.0.1:$(controller_port "$id")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$id")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=1
default.replication.factor=$rf
min.insync.replicas=$isr
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$isr
transaction.state.log.num.partitions=10
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
log.segment.bytes=16777216
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
PROPS
}

start_jvm() {
  command -v java >/dev/null 2>&1 || die "Java 17+ is required to run the local broker (or install Docker, or set KAFKA_BOOTSTRAP_SERVERS)"
  resolve_jars
  local i cluster_id
  for ((i = 1; i <= BROKERS; i++)); do
    port_open 127.0.0.1 "$(broker_port "$i")" && die "port $(broker_port "$i") is taken by another process; stop it or set XSEVEN_KAFKA_PORT"
    port_open 127.0.0.1 "$(controller_port "$i")" && die "port $(controller_port "$i") is taken by another process; stop it or set XSEVEN_KAFKA_PORT"
  done
  if [ ! -f "$STATE/brokers" ] || [ "$(cat "$STATE/brokers")" != "$BROKERS" ]; then
    rm -rf "$STATE"/node-* # a different topology needs fresh storage
  fi
  echo "$BROKERS" >"$STATE/brokers"
  cluster_id="$(cat "$STATE/cluster-id" 2>/dev/null || true)"
  if [ -z "$cluster_id" ]; then
    cluster_id="$(java -cp "$LIBS/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
    echo "$cluster_id" >"$STATE/cluster-id"
  fi
  for ((i = 1; i <= BROKERS; i++)); do
    write_config "$i"
    if [ ! -f "$STATE/node-$i/data/meta.properties" ]; then
      java -cp "$LIBS/*" -Dlog4j.configuration="file:$HERE/log4j.properties" -Dkafka.logs.dir="$STATE/node-$i/logs" \
        kafka.tools.StorageTool format -t "$cluster_id" -c "$STATE/node-$i/server.properties" --ignore-formatted >/dev/null
    fi
    launch_node "$i"
  done
  echo jvm >"$STATE/mode"
  wait_ready
}

launch_node() { # node-id: the broker's JVM, on its existing config and storage
  local heap="${XSEVEN_KAFKA_HEAP:-768m}"
  # A restarted node would append to its old log, which log4j may roll over
  # during start-up (a storage of many partitions logs tens of MB loading
  # them): the previous run's logs move aside, so every server.log* is this
  # run's and readiness finds *this* run's "Kafka Server started" in any.
  local logs="$STATE/node-$1/logs"
  mkdir -p "$logs/previous-run"
  rm -f "$logs/previous-run"/server.log*
  for f in "$logs"/server.log*; do if [ -e "$f" ]; then mv "$f" "$logs/previous-run/"; fi; done
  nohup java -Xms256m -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$HERE/log4j.properties" -Dkafka.logs.dir="$STATE/node-$1/logs" \
    -cp "$LIBS/*" kafka.Kafka "$STATE/node-$1/server.properties" >"$STATE/node-$1/logs/stdout.log" 2>&1 &
  echo $! >"$STATE/node-$1/pid"
}

node_started() { # node-id: this run of the node logged "Kafka Server started"
  grep -qs "Kafka Server started" "$STATE/node-$1/logs"/server.log*
}

wait_ready() {
  local deadline=$((SECONDS + READY_TIMEOUT)) i ready
  log "waiting for $BROKERS broker(s) at $(bootstrap) (timeout ${READY_TIMEOUT}s)..."
  while :; do
    ready=0
    for ((i = 1; i <= BROKERS; i++)); do
      if [ "$(running_mode)" = jvm ] && ! pid_alive "$STATE/node-$i/pid"; then
        tail -n 20 "$STATE/node-$i/logs/server.log" >&2 2>/dev/null || true
        die "broker $i exited during start-up (log: $STATE/node-$i/logs/server.log)"
      fi
      if port_open 127.0.0.1 "$(broker_port "$i")" &&
        { [ "$(running_mode)" != jvm ] || node_started "$i"; }; then
        ready=$((ready + 1))
      fi
    done
    [ "$ready" -eq "$BROKERS" ] && break
    [ $SECONDS -ge $deadline ] && die "broker not ready after ${READY_TIMEOUT}s (logs in $STATE)"
    sleep 0.5
  done
  log "ready: KAFKA_BOOTSTRAP_SERVERS=$(bootstrap)"
}

is_running() { # our own broker(s) are up
  local mode i
  mode="$(running_mode)"
  [ -n "$mode" ] || return 1
  [ -f "$STATE/brokers" ] && BROKERS="$(cat "$STATE/brokers")"
  for ((i = 1; i <= BROKERS; i++)); do
    if [ "$mode" = jvm ]; then pid_alive "$STATE/node-$i/pid" || return 1; fi
    port_open 127.0.0.1 "$(broker_port "$i")" || return 1
  done
}

cmd_start() {
  mkdir -p "$STATE"
  if external_reachable; then
    log "using the broker at KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS (nothing started)"
    return 0
  fi
  local wanted=$BROKERS
  if is_running; then
    if [ "$BROKERS" = "$wanted" ]; then
      log "already running ($(running_mode), $BROKERS broker(s)): reusing KAFKA_BOOTSTRAP_SERVERS=$(bootstrap)"
      return 0
    fi
    die "a $BROKERS-broker cluster is running; stop it first to start $wanted"
  fi
  BROKERS=$wanted
  if docker_available; then
    [ "$BROKERS" = 1 ] || die "three-broker mode runs on the JVM only; set XSEVEN_KAFKA_NO_DOCKER=1"
    log "starting docker compose (Kafka $KAFKA_VERSION on $BASE_PORT + Kafka UI on http://localhost:${XSEVEN_KAFKA_UI_PORT:-8080})..."
    echo 1 >"$STATE/brokers"
    # docker-compose.yml publishes and advertises the broker on XSEVEN_KAFKA_PORT, the port wait_ready polls.
    (cd "$ROOT" && XSEVEN_KAFKA_PORT="$BASE_PORT" docker compose up -d kafka kafka-ui) >&2
    echo docker >"$STATE/mode"
    wait_ready
    return 0
  fi
  log "starting Apache Kafka $KAFKA_VERSION on the JVM (KRaft, $BROKERS broker(s))..."
  start_jvm
}

cmd_stop() {
  local mode pid pidfile waited pids=()
  mode="$(running_mode)"
  if [ "$mode" = docker ]; then
    (cd "$ROOT" && docker compose down) >&2 || true
  fi
  # Signal every broker first, then wait: a lone survivor would wait for its quorum.
  for pidfile in "$STATE"/node-*/pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      log "stopping broker pid $pid..."
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$pidfile"
  done
  for pid in "${pids[@]}"; do
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 60 ]; do sleep 0.5; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      log "forcing pid $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$STATE/mode"
  log "stopped"
}

# One broker of a running JVM cluster (--node N): for fault tests and for
# trying what the platform does when a broker goes away.
require_node() {
  [ "$(running_mode)" = jvm ] || die "--node works on a JVM cluster started by this script (none is running in $STATE)"
  [ -f "$STATE/brokers" ] && BROKERS="$(cat "$STATE/brokers")"
  case "$NODE" in '' | *[!0-9]*) die "--node must be a number" ;; esac
  [ "$NODE" -ge 1 ] && [ "$NODE" -le "$BROKERS" ] || die "--node must be between 1 and $BROKERS"
  [ -f "$STATE/node-$NODE/server.properties" ] || die "node $NODE has no configuration in $STATE"
}

cmd_node_stop() { # signal: TERM (controlled shutdown) or KILL (a crash)
  require_node
  local pidfile="$STATE/node-$NODE/pid" pid waited=0
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    log "broker $NODE is not running"
    return 0
  fi
  pid="$(cat "$pidfile")"
  log "broker $NODE (pid $pid): SIG$1"
  kill -s "$1" "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 120 ]; do sleep 0.5; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "forcing pid $pid"
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "broker $NODE stopped"
}

cmd_node_start() {
  require_node
  if pid_alive "$STATE/node-$NODE/pid"; then
    log "broker $NODE is already running (pid $(cat "$STATE/node-$NODE/pid"))"
    return 0
  fi
  port_open 127.0.0.1 "$(broker_port "$NODE")" && die "port $(broker_port "$NODE") is taken by another process"
  resolve_jars
  log "starting broker $NODE at 127.0.0.1:$(broker_port "$NODE")..."
  launch_node "$NODE"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until port_open 127.0.0.1 "$(broker_port "$NODE")" && node_started "$NODE"; do
    pid_alive "$STATE/node-$NODE/pid" || die "broker $NODE exited during start-up (log: $STATE/node-$NODE/logs/server.log)"
    [ $SECONDS -ge $deadline ] && die "broker $NODE not ready after ${READY_TIMEOUT}s"
    sleep 0.5
  done
  log "broker $NODE ready"
}

cmd_status() {
  if external_reachable; then echo "external broker at $KAFKA_BOOTSTRAP_SERVERS: reachable"; return 0; fi
  if is_running; then
    echo "running ($(running_mode), $BROKERS broker(s), Kafka $KAFKA_VERSION): KAFKA_BOOTSTRAP_SERVERS=$(bootstrap)"
    return 0
  fi
  echo "not running"
  return 3
}

cmd="${1:-status}"; shift || true
while [ $# -gt 0 ]; do
  case "$1" in
    --brokers) BROKERS="$2"; shift 2 ;;
    --brokers=*) BROKERS="${1#*=}"; shift ;;
    --node) NODE="$2"; shift 2 ;;
    --node=*) NODE="${1#*=}"; shift ;;
    *) die "unknown option $1" ;;
  esac
done
case "$BROKERS" in 1 | 3) ;; *) die "--brokers must be 1 or 3" ;; esac
if [ -n "$NODE" ]; then
  case "$cmd" in
    start) cmd_node_start ;;
    stop) cmd_node_stop TERM ;;
    kill) cmd_node_stop KILL ;;
    *) die "usage: kafka.sh start|stop|kill --node N" ;;
  esac
  exit 0
fi
case "$cmd" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  tools) cmd_tools ;;
  *) die "usage: kafka.sh start|stop|status [--brokers 1|3], start|stop|kill --node N, or tools" ;;
esac
