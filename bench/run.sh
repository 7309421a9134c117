#!/usr/bin/env bash
# Throughput and heap of camel-dblog's change streams next to the raw client libraries, in one run.
# Usage: bench/run.sh [rows]   (default 200000). Not part of the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -pl camel-dblog-benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/bench.classpath
CP="camel-dblog-benchmarks/target/classes:$(cat camel-dblog-benchmarks/target/bench.classpath)"
exec java -Xmx1g -cp "$CP" io.cameldblog.bench.ChangeStreamBenchmark "$@"
