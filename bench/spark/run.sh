#!/usr/bin/env bash
# bench/spark: 1 vs 2 local Spark task threads on a synthetic 64-tile job (8 x 8 panels of 3
# frames of 320 x 240), against the single-machine run; prints times, speed-up and overhead.
# Usage: bench/spark/run.sh [WORK_DIR] [PANELS_PER_SIDE] [FRAMES_PER_PANEL]
# Needs the root jar in ~/.m2 (spark/run-tests.sh, or mvn install -Dmaven.test.skip=true).
# On a real cluster, time bin/tessera-spark / spark-submit on the same frames instead (docs/spark.md).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
work="${1:-$root/spark/target/bench}"
mkdir -p "$work"
mvn -q -B -f "$root/spark/pom.xml" test-compile dependency:build-classpath \
    -Dmdep.outputFile="$root/spark/target/bench.classpath" -Dmdep.includeScope=test
opens=$(sed -n 's:.*<spark.jvm.opens>\(.*\)</spark.jvm.opens>.*:\1:p' "$root/spark/pom.xml")
# shellcheck disable=SC2086
java -Djava.awt.headless=true $opens ${JAVA_OPTS:-} \
    -cp "$root/spark/target/test-classes:$root/spark/target/classes:$(cat "$root/spark/target/bench.classpath")" \
    org.tessera.spark.SparkBench "$work" "${2:-8}" "${3:-3}"
