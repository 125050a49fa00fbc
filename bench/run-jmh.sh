#!/usr/bin/env bash
# Builds the JMH microbenchmarks (reactor build, nothing installed) and runs them.
#
#   bench/run-jmh.sh                          all of them, defaults below, JSON to docs/bench/jmh.json
#   bench/run-jmh.sh -o out.json Sketch       a subset (JMH's regexp), results elsewhere
#   bench/run-jmh.sh -- -prof gc              extra JMH options after --
#
# Defaults: one fork, 5 warm-up and 5 measured iterations of one second each (on two busy cores
# the JIT took about five seconds to settle the decoders; three were not enough). The jar is
# copied to a temporary file first, so that a rebuild does not replace it under the running JVM.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
output="$root/docs/bench/jmh.json"
if [[ "${1:-}" == "-o" ]]; then
  output="$(realpath -m "$2")"
  shift 2
fi
patterns=()
while [[ $# -gt 0 && "$1" != "--" ]]; do
  patterns+=("$1")
  shift
done
[[ "${1:-}" == "--" ]] && shift

cd "$root"
./mvnw -B -q -pl bench -am package -DskipTests -Dfaultline.web.skip=true
jar="$(mktemp --suffix=.jar)"
trap 'rm -f "$jar"' EXIT
cp bench/target/faultline-benchmarks.jar "$jar"
mkdir -p "$(dirname "$output")"
java -jar "$jar" -f 1 -wi 5 -i 5 -w 1s -r 1s \
  -jvmArgsAppend "-Dfaultline.scenarios=$root/scenarios" \
  -rf json -rff "$output" "$@" "${patterns[@]}"
echo "wrote $output"
