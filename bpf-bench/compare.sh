#!/usr/bin/env bash
# bpf4j against libbpf, side by side on this machine, in one run (./bpf4j bench --compare).
#
# Builds the C references in src/reference (libbpf; installs clang and libbpf-dev from Debian
# when missing) and benchmarks.jar, then alternates reference and bpf4j runs ROUNDS times
# (default 3) and prints one table: metric, libbpf, bpf4j, ratio (= bpf4j / libbpf; the median
# of the rounds on each side). The bpf4j side is io.bpf4j.bench.SideBySide, which repeats each
# C program's procedure in Java (same rounds, same statistic, after JIT warm-up rounds); rates
# and times are the best round of each run (the least disturbed on a shared machine), latency
# the percentiles of all samples. The rows also go to bpf-bench/target/compare.json as
# [{"metric","unit","libbpf","bpf4j","ratio","higherIsBetter"}]. Raw outputs of every run stay
# in bpf-bench/target/compare/. Needs root: both sides load BPF programs.
#
# What is compared (both sides use the same producer program, 16 MiB ring, record sizes and
# record counts, and CLOCK_MONOTONIC = System.nanoTime() = bpf_ktime_get_ns()):
#   ringbuf drain NB       records/s draining a full ring (zero-copy handler on the bpf4j side)
#   latency p50/p99 epoll  one record per wake-up every 200 us, consumer blocked in poll
#   latency p50 busy-poll  the same with the consumer spinning on a non-blocking drain; each
#                          side pins its spinning and its producer thread to a CPU each
#   btf parse              parse /sys/kernel/btf/vmlinux, resolve task_struct.real_parent, tgid
#   assemble 1M insns      1,000,000 instructions with labels and jumps to bytecode (the C side
#                          is src/reference/asm_ref.c: libbpf has no assembler); the "cpu" row
#                          divides by the thread's CPU time, which a loaded machine does not inflate
#   execsnoop kernel ns/exec  run_time_ns of the exec tracer's BPF programs per exec, bpf4j's
#                          execsnoop and libbpf-tools' (Debian's /usr/sbin/execsnoop) tracing the
#                          same execs at the same time (exec-cost.sh; EXEC_COST_EXECS per round)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
rounds=${ROUNDS:-3}
samples=${LATENCY_SAMPLES:-20000}
out=$here/target/compare
refs=$out/refs
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
jar=$here/target/benchmarks.jar

# Records per drain round at every size: 48,000 x (256 + 8-byte header) fills 12.7 of the
# 16 MiB ring. The JMH drain benchmark drains the same number (RingBufDrainBench.RECORDS).
records=48000
sizes=(16 64 256)
# Drain rounds per run, both sides: the statistic is the best round (the least disturbed on a
# shared machine), and with other builds running 20 rounds rarely include an undisturbed one.
drain_rounds=${DRAIN_ROUNDS:-100}
exec_execs=${EXEC_COST_EXECS:-2000}

if [ "$(id -u)" != 0 ]; then
  echo "compare.sh: needs root (both sides load BPF programs and create ring buffers); run it as root" >&2
  exit 1
fi
mkdir -p "$refs"
rm -f "$out"/raw.txt "$out"/exec-cost.log

echo "== building the libbpf references ($refs)"
if ! command -v clang >/dev/null || [ ! -f /usr/include/bpf/libbpf.h ]; then
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libbpf-dev >/dev/null
fi
src=$here/src/reference
clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -c "$src/producer.bpf.c" -o "$refs/producer.bpf.o"
gcc -O2 "$src/ringbuf_ref.c" -o "$refs/ringbuf-ref" -lbpf -lpthread
gcc -O2 "$src/btf_ref.c" -o "$refs/btf-ref" -lbpf
gcc -O2 "$src/asm_ref.c" -o "$refs/asm-ref"

if [ ! -f "$jar" ] || [ -n "$(find "$root" -path '*/target' -prune -o -path "$root/.git" -prune -o \
      \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  echo "== building $jar"
  (cd "$root" && ./mvnw -q -B -o -DskipTests package -pl bpf-bench -am \
     || ./mvnw -q -B -DskipTests package -pl bpf-bench -am)
fi

# The anchors (../shared/anchors, built by their build.sh into $ANCHORS) measure the same things:
# when present, run them once so the log shows that our reference agrees with them.
anchors=${ANCHORS:-/tmp/bpf4j-anchors}
if [ -x "$anchors/ringbuf-bench" ] && [ -x "$anchors/btf-bench" ]; then
  echo "== anchors ($anchors), for agreement with our references"
  for s in "${sizes[@]}"; do
    (cd "$anchors" && ./ringbuf-bench drain "$s" "$records" 20) | tee -a "$out/anchors.txt"
  done
  (cd "$anchors" && ./ringbuf-bench latency "$samples") | tee -a "$out/anchors.txt"
  "$anchors/btf-bench" 20 | tee -a "$out/anchors.txt"
fi

record() { [ -n "$3" ] && echo "$1|$2|$3" >>"$out/raw.txt" || true; }   # metric | side | value
field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" | head -n 1; }

side() { "$java" --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -cp "$jar" io.bpf4j.bench.SideBySide "$@" 2>>"$out/bpf4j.log"; }

for r in $(seq 1 "$rounds"); do
  echo "== round $r of $rounds"
  for s in "${sizes[@]}"; do
    line=$(cd "$refs" && PRODUCER_OBJ=producer.bpf.o ./ringbuf-ref drain "$s" "$records" "$drain_rounds")
    echo "   libbpf $line"
    record "ringbuf drain ${s}B" libbpf "$(echo "$line" | field best_rps)"
    line=$(side drain "$s" "$records" "$drain_rounds" || true)
    echo "   bpf4j  ${line:-FAILED (see $out/bpf4j.log)}"
    record "ringbuf drain ${s}B" bpf4j "$(echo "$line" | field best_rps)"
  done

  for mode in epoll busy; do
    line=$(cd "$refs" && PRODUCER_OBJ=producer.bpf.o ./ringbuf-ref latency "$samples" $([ $mode = busy ] && echo busy))
    echo "   libbpf $line"
    jline=$(side latency "$samples" $([ $mode = busy ] && echo busy) || true)
    echo "   bpf4j  ${jline:-FAILED (see $out/bpf4j.log)}"
    if [ $mode = epoll ]; then
      record "latency p50 epoll" libbpf "$(echo "$line" | field p50_us)"
      record "latency p99 epoll" libbpf "$(echo "$line" | field p99_us)"
      record "latency p50 epoll" bpf4j "$(echo "$jline" | field p50_us)"
      record "latency p99 epoll" bpf4j "$(echo "$jline" | field p99_us)"
    else
      record "latency p50 busy-poll" libbpf "$(echo "$line" | field p50_us)"
      record "latency p50 busy-poll" bpf4j "$(echo "$jline" | field p50_us)"
    fi
  done

  line=$("$refs/btf-ref" 20); echo "   libbpf $line"
  record "btf parse" libbpf "$(echo "$line" | field best_ms)"
  line=$(side btf 20 || true); echo "   bpf4j  ${line:-FAILED (see $out/bpf4j.log)}"
  record "btf parse" bpf4j "$(echo "$line" | field best_ms)"

  line=$("$refs/asm-ref" 50); echo "   C      $line"
  record "assemble 1M insns" libbpf "$(echo "$line" | field best_ips)"
  record "assemble 1M insns cpu" libbpf "$(echo "$line" | field best_cpu_ips)"
  line=$(side assemble 50 || true); echo "   bpf4j  ${line:-FAILED (see $out/bpf4j.log)}"
  record "assemble 1M insns" bpf4j "$(echo "$line" | field best_ips)"
  record "assemble 1M insns cpu" bpf4j "$(echo "$line" | field best_cpu_ips)"

  line=$("$here/exec-cost.sh" "$exec_execs" 2>>"$out/exec-cost.log" | tee -a "$out/exec-cost.log" | grep '^exec_cost' || true)
  echo "   both   ${line:-FAILED (see $out/exec-cost.log)}"
  record "execsnoop kernel ns/exec" libbpf "$(echo "$line" | field libbpf_ns_per_exec)"
  record "execsnoop kernel ns/exec" bpf4j "$(echo "$line" | field bpf4j_ns_per_exec)"
done

# One row per metric: the median of the rounds on each side; rates shown in millions.
awk -F'|' -v json="$here/target/compare.json" '
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ");
    if (n == 0) return "";
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  { if (!($1 in seen)) { seen[$1] = 1; order[++m] = $1 } vals[$1, $2] = vals[$1, $2] " " $3 }
  END {
    printf "%-24s %14s %14s %8s  %s\n", "metric", "libbpf", "bpf4j", "ratio", "unit"
    printf "[\n" > json
    for (k = 1; k <= m; k++) {
      name = order[k]; l = median(vals[name, "libbpf"]); b = median(vals[name, "bpf4j"])
      scale = 1
      if (name ~ /^ringbuf drain/) { unit = "M records/s"; scale = 1e6; hib = "true" }
      else if (name ~ /^latency/) { unit = "µs"; hib = "false" }
      else if (name ~ /^btf/) { unit = "ms"; hib = "false" }
      else if (name ~ /^execsnoop/) { unit = "ns/exec"; hib = "false" }
      else { unit = "M insns/s"; scale = 1e6; hib = "true" }
      ls = l == "" ? "n/a" : sprintf("%.2f", l / scale); lj = l == "" ? "null" : sprintf("%.4f", l / scale)
      bs = b == "" ? "n/a" : sprintf("%.2f", b / scale); bj = b == "" ? "null" : sprintf("%.4f", b / scale)
      ok = l != "" && b != "" && l > 0
      rs = ok ? sprintf("%.2f", b / l) : "n/a"; rj = ok ? sprintf("%.4f", b / l) : "null"
      printf "%-24s %14s %14s %8s  %s\n", name, ls, bs, rs, unit
      printf "  {\"metric\": \"%s\", \"unit\": \"%s\", \"libbpf\": %s, \"bpf4j\": %s, \"ratio\": %s, \"higherIsBetter\": %s}%s\n",
             name, unit, lj, bj, rj, hib, k < m ? "," : "" > json
    }
    printf "]\n" > json
  }' "$out/raw.txt" | tee "$out/table.txt"
echo "(ratio = bpf4j / libbpf; higher is better for rates, lower for latency and time; $rounds rounds, medians)"
echo "wrote $here/target/compare.json"
