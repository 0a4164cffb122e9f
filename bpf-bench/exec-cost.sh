#!/usr/bin/env bash
# The exec tracer's cost in the kernel: bpf4j's execsnoop against libbpf-tools' execsnoop (Debian's
# packaged /usr/sbin/execsnoop), both tracing at the same time, on the same exec workload.
#
#   bpf-bench/exec-cost.sh [EXECS]        (root; default 5000 execs of /bin/true)
#
# With kernel.bpf_stats_enabled=1 the kernel times every run of every BPF program
# (run_time_ns, run_cnt in `bpftool prog show --json`). The programs each tool loads are told
# apart by id: those that appear after the tool starts. Per exec = the sum of run_time_ns over
# the tool's programs, divided by the execs the workload made (the deltas over the workload;
# execs by other processes in that window are traced by both tools alike and counted in run_cnt,
# so the divisor is run_cnt of the tool's per-exec program, printed alongside).
# Prints one line: exec_cost execs=N libbpf_ns_per_exec=X bpf4j_ns_per_exec=Y, then the programs.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
execs=${1:-5000}
out=${EXEC_COST_OUT:-$here/target/compare}
mkdir -p "$out"

if [ "$(id -u)" != 0 ]; then
  echo "exec-cost.sh: needs root (BPF programs, kernel.bpf_stats_enabled)" >&2
  exit 1
fi
ref=/usr/sbin/execsnoop
if [ ! -x "$ref" ] || ! dpkg -S "$ref" 2>/dev/null | grep -q libbpf-tools; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libbpf-tools >/dev/null
fi
command -v bpftool >/dev/null || { echo "exec-cost.sh: bpftool missing (apt-get install bpftool)" >&2; exit 1; }

# ids of the loaded programs whose name matches $1 (a Python regex)
ids() {
  bpftool prog show --json | python3 -c '
import json, re, sys
print(" ".join(str(p["id"]) for p in json.load(sys.stdin) if re.match(sys.argv[1], p.get("name", ""))))' "$1"
}
# id name run_time_ns run_cnt, for the ids given
stats() {
  bpftool prog show --json | python3 -c '
import json, sys
want = set(sys.argv[1:])
for p in json.load(sys.stdin):
    if str(p["id"]) in want:
        print(p["id"], p.get("name", "?"), p.get("run_time_ns", 0), p.get("run_cnt", 0))' "$@"
}
new_ids() { comm -13 <(tr ' ' '\n' <<<"$1" | sort) <(tr ' ' '\n' <<<"$2" | sort) | tr '\n' ' '; }
wait_for_new() { # wait until programs named like $2 appear that were not in $1; print their ids
  local before=$1 now
  for _ in $(seq 1 3000); do   # up to 5 minutes: ./bpf4j may build first
    now=$(new_ids "$before" "$(ids "$2")")
    if [ -n "${now// /}" ]; then sleep 1; new_ids "$before" "$(ids "$2")"; return 0; fi
    sleep 0.1
  done
  return 1
}
# Program names: bpf4j's ExecPrograms are exec_*; libbpf-tools' execsnoop.bpf.c names its
# programs after their sections (tracepoint__syscalls__sys_{enter,exit}_execve). Other processes
# may run the same tools at the same time: only programs that appear after each start count.
b_names='exec_'
l_names='tracepoint__syscalls__sys_(enter|exit)_execve'

old_stats=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -q -w kernel.bpf_stats_enabled=1
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  sysctl -q -w kernel.bpf_stats_enabled="$old_stats"
}
trap cleanup EXIT

b_before=$(ids "$b_names")
(cd "$root" && exec ./bpf4j execsnoop >/dev/null 2>"$out/exec-cost-bpf4j.err") &
pids+=($!)
b_ids=$(wait_for_new "$b_before" "$b_names") || { echo "exec-cost.sh: bpf4j execsnoop loaded no program (see $out/exec-cost-bpf4j.err)" >&2; exit 1; }
l_before=$(ids "$l_names")
"$ref" >/dev/null 2>"$out/exec-cost-libbpf.err" &
pids+=($!)
l_ids=$(wait_for_new "$l_before" "$l_names") || { echo "exec-cost.sh: $ref loaded no program" >&2; exit 1; }

# shellcheck disable=SC2086
b0=$(stats $b_ids); l0=$(stats $l_ids)
for _ in $(seq 1 "$execs"); do /bin/true; done
# shellcheck disable=SC2086
b1=$(stats $b_ids); l1=$(stats $l_ids)

report() { # side before after -> lines "prog name ns runs" and the total
  python3 - "$1" "$2" "$3" "$execs" <<'EOF'
import sys
side, before, after, execs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
b = {l.split()[0]: l.split() for l in before.splitlines() if l.strip()}
total_ns = 0
runs = []
for l in after.splitlines():
    if not l.strip():
        continue
    i, name, ns, cnt = l.split()
    d_ns = int(ns) - int(b[i][2]); d_cnt = int(cnt) - int(b[i][3])
    total_ns += d_ns
    runs.append(d_cnt)
    print(f"prog side={side} id={i} name={name} run_time_ns={d_ns} run_cnt={d_cnt} ns_per_run={d_ns / max(d_cnt, 1):.1f}")
execs_seen = max(runs) if runs else 0
print(f"total side={side} run_time_ns={total_ns} execs_seen={execs_seen} ns_per_exec={total_ns / max(execs_seen, 1):.1f}")
EOF
}
rb=$(report bpf4j "$b0" "$b1"); rl=$(report libbpf "$l0" "$l1")
echo "$rb"; echo "$rl"
nb=$(sed -n 's/^total side=bpf4j .*ns_per_exec=\([0-9.]*\).*/\1/p' <<<"$rb")
nl=$(sed -n 's/^total side=libbpf .*ns_per_exec=\([0-9.]*\).*/\1/p' <<<"$rl")
echo "exec_cost execs=$execs libbpf_ns_per_exec=$nl bpf4j_ns_per_exec=$nb"
