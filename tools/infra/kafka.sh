#!/usr/bin/env bash
# Apache Kafka 3.9.1 broker (single-node KRaft, no ZooKeeper) for tests on machines
# without Docker; see shared/design/ci-infra.md.
#   install  fetch the broker jars from Maven Central into $INFRA_CACHE/kafka-3.9.1/libs (once)
#   start    install if needed, format a fresh data dir under $INFRA_RUN/kafka (unless
#            KAFKA_KEEP_DATA=1 and one exists) and start the
#            broker on 127.0.0.1:${KAFKA_PORT:-19092} (controller ${KAFKA_CONTROLLER_PORT:-19093});
#            wait until a kafkajs admin client can describeCluster()
#   stop     stop it (pidfile)
#   status   exit 0 if it is running
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

KAFKA_VERSION=3.9.1
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
KAFKA_HEAP="${KAFKA_HEAP:-512m}"
POM="$REPO_ROOT/tools/infra/kafka/pom.xml"
# Fully qualified so that no plugin-prefix or version look-up is needed.
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
LIBS="$INFRA_CACHE/kafka-$KAFKA_VERSION/libs"
STAMP="$INFRA_CACHE/kafka-$KAFKA_VERSION/installed"
RUN_DIR="$INFRA_RUN/kafka"
PIDFILE="$RUN_DIR/kafka.pid"
LOGFILE="$INFRA_RUN/kafka.log"
MARKER="$RUN_DIR/server.properties"  # in the server's command line
READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-120}"

install() {
  [[ -f "$STAMP" ]] && return 0
  command -v mvn >/dev/null || infra_die "mvn is required to fetch Kafka"
  command -v java >/dev/null || infra_die "java is required to run Kafka"
  local log="$INFRA_CACHE/kafka-install.log"
  rm -rf "$LIBS"
  mkdir -p "$LIBS"
  if ! mvn -B -q -f "$POM" "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$log" 2>&1; then
    echo "infra: fetching Kafka $KAFKA_VERSION with Maven failed:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  compgen -G "$LIBS/kafka_2.13-$KAFKA_VERSION.jar" >/dev/null || infra_die "kafka_2.13-$KAFKA_VERSION.jar missing from $LIBS"
  compgen -G "$LIBS/reload4j-*.jar" >/dev/null || infra_die "reload4j missing from $LIBS"
  echo "$KAFKA_VERSION" >"$STAMP"
}

write_config() {
  cat >"$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN_DIR/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
group.initial.rebalance.delay.ms=0
PROPS
  cat >"$RUN_DIR/log4j.properties" <<'PROPS'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.kafka.log.LogCleaner=WARN
log4j.logger.org.apache.kafka.clients=WARN
PROPS
}

# A Kafka cluster id: 16 random bytes, URL-safe base64 without padding (22 characters),
# the format of `kafka.tools.StorageTool random-uuid`, without starting a JVM for it.
# Its first character is never "-", which the storage tool would take for an option.
random_cluster_id() {
  local id
  id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
  echo "A${id:1}"
}

ready_script='
const { Kafka, logLevel } = require("kafkajs");
const kafka = new Kafka({
  clientId: "infra-ready",
  brokers: [process.env.INFRA_TARGET],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 2000,
  requestTimeout: 5000,
  retry: { retries: 0 },
});
const admin = kafka.admin();
admin.connect()
  .then(() => admin.describeCluster())
  .then((c) => { if (!c.brokers.length || c.controller === null) throw new Error("no brokers"); })
  .then(() => admin.disconnect().then(() => process.exit(0)))
  .catch((e) => { console.error(e.message); admin.disconnect().finally(() => process.exit(1)); });
'

ready() { infra_node "$ready_script" "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1; }

start() {
  if infra_pid_alive "$PIDFILE" "$MARKER"; then
    ready || infra_fail_start kafka "$LOGFILE" "$PIDFILE" "$MARKER" "is running but not ready"
    return 0
  fi
  install
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if infra_port_open "$port"; then
      infra_die "port $port is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
    fi
  done
  local cp="$LIBS/*"
  # KAFKA_KEEP_DATA=1 restarts the broker on its existing storage (topics, offsets kept), as
  # after an outage; otherwise every start begins from a freshly formatted, empty broker.
  if [ "${KAFKA_KEEP_DATA:-}" != 1 ] || [ ! -f "$RUN_DIR/server.properties" ]; then
    rm -rf "$RUN_DIR"
    mkdir -p "$RUN_DIR/data"
    write_config
    local fmt_log="$RUN_DIR/format.log"
    if ! java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Dlog4j.configuration="file:$RUN_DIR/log4j.properties" -cp "$cp" \
      kafka.tools.StorageTool format -t "$(random_cluster_id)" -c "$RUN_DIR/server.properties" \
      >"$fmt_log" 2>&1; then
      echo "infra: formatting Kafka storage failed:" >&2
      cat "$fmt_log" >&2
      exit 1
    fi
  fi
  infra_spawn "$PIDFILE" "$LOGFILE" java "-Xmx$KAFKA_HEAP" "-Xms$KAFKA_HEAP" -XX:+UseSerialGC \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$RUN_DIR/log4j.properties" \
    -cp "$cp" kafka.Kafka "$RUN_DIR/server.properties"
  infra_wait_ready kafka "$LOGFILE" "$PIDFILE" "$MARKER" "$READY_TIMEOUT" 0.5 listening_and_ready
}

listening_and_ready() { infra_port_open "$KAFKA_PORT" && ready; }

stop() { infra_stop kafka "$PIDFILE" "$MARKER" 60; }

status() { infra_pid_alive "$PIDFILE" "$MARKER"; }

case "${1:-}" in
  install | start | stop | status) "$1" ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
