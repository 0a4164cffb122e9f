#!/usr/bin/env bash
# The cost of ./bpf4j profile to its target: the profiler's Java test workload (ProfileWorkload,
# two threads) runs W seconds unprofiled, then profiled at 49 Hz and at 999 Hz (-p PID), modes
# interleaved, R rounds each. Throughput is the workload's rounds per CPU-second of its own
# threads (/proc/thread-self/schedstat), which counts the sampling interrupts and the BPF program
# (this kernel has no IRQ_TIME_ACCOUNTING, so interrupt time is charged to the running task)
# and is not skewed by other load on the machine (the load average is printed beside it).
# Usage: bpf-bench/profile-overhead.sh [SECONDS] [ROUNDS]   (as root, after ./mvnw package)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
window=${1:-10}
rounds=${2:-3}
classes=$root/bpf-examples/target/test-classes
[ -f "$classes/io/bpf4j/examples/profile/ProfileWorkload.class" ] || { echo "build first: ./mvnw -DskipTests package" >&2; exit 1; }
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

run() { # $1 = off | HZ
  local dir; dir=$(mktemp -d)
  mkfifo "$dir/in"
  "$java" -XX:+PreserveFramePointer -XX:CompileCommand=quiet \
      "-XX:CompileCommand=dontinline,io.bpf4j.examples.profile.ProfileWorkload::*" \
      -cp "$classes" io.bpf4j.examples.profile.ProfileWorkload <"$dir/in" >"$dir/out" 2>&1 &
  local pid=$!
  exec 3>"$dir/in"
  until grep -q ready "$dir/out"; do sleep 0.1; done
  local prof=
  if [ "$1" != off ]; then
    "$root/bpf4j" profile -p "$pid" -F "$1" --duration $((window + 30)) --folded >/dev/null 2>"$dir/err" &
    prof=$!
    until grep -q "Hit Ctrl-C" "$dir/err"; do sleep 0.1; done
  fi
  echo start >&3
  sleep "$window"
  echo stop >&3
  exec 3>&-
  wait "$pid"
  [ -n "$prof" ] && { kill -INT "$prof"; wait "$prof" || true; }
  local rate
  rate=$(awk '/^rate/ {print $2}' "$dir/out")
  printf '%-4s %8s rounds/CPU-s  load %s\n' "$1" "$rate" "$(cut -d' ' -f1 /proc/loadavg)"
  rm -rf "$dir"
}

for r in $(seq "$rounds"); do
  for mode in off 49 999; do
    run "$mode"
  done
done
