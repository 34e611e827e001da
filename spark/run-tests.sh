#!/usr/bin/env bash
# Builds the main module into ~/.m2 (no tests: the root's own `mvn -B test` runs them) and then
# builds and tests the Spark module (1.5-2 minutes on 2 cores: the demo sky, a small Grid plan and,
# when ../shared/data is beside the checkout, the M 94 subset and raw M 94 frames (with solve-field),
# each on one machine and on local[2,2]). Extra arguments
# go to the Spark module's Maven, e.g. spark/run-tests.sh -o.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
cd "$root"
mvn -q -B install -Dmaven.test.skip=true "$@"
mvn -B -f spark/pom.xml package "$@"
