#!/usr/bin/env bash
# camel-dblog side by side with the raw client libraries and camel-debezium, in one run, each reader in its own JVM.
# Usage: bench/run.sh [rows] [latencySeconds] [--profile] [--only=mysql|pg] [--no-latency] [--readers=dblog,...]
#                   [--repeat=N] [--jvm-option=OPTION ...]
#        bench/run.sh --snapshot [rows] [--only=mysql|pg] [--profile]
#   rows            backlog size: rows in 1000-row transactions, then as many one-row transactions (default 100000)
#   latencySeconds  how long the steady writer runs per rate (1000 and 10000 rows/s; default 10)
#   --profile       JFR recordings of the camel-dblog route JVMs in camel-dblog-benchmarks/target/bench/
#   --readers=LIST  only these backlog readers, of raw,dblog,dblog-zk,dblog-transient,jsonl,jsonl-zk,debezium
#                   (dblog always among them: the ratios are to it); with --profile the camel-dblog ones are recorded
#   --repeat=N      every backlog reader N times, round by round; the tables hold medians (ratios: the median of
#                   each round's ratio)
#   --jvm-option=X  also give every reader's JVM option X (experiments; the published tables are taken without)
#   --snapshot      instead: the initial snapshot of an existing table of rows rows (default 1000000) by the
#                   camel-dblog route (plain, resumable, and under -Xmx128m) and by camel-debezium
# Readers' logs: camel-dblog-benchmarks/target/bench/*.log. Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl camel-dblog-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath
CP="camel-dblog-benchmarks/target/classes:$(cat camel-dblog-benchmarks/target/bench.classpath)"
exec java -Xmx512m -cp "$CP" io.cameldblog.bench.ChangeStreamBenchmark "$@"
