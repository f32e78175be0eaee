#!/usr/bin/env bash
# Kernel-side counts per echo for one io_uring (or epoll) echo server under the C client: how many
# io_uring_enter calls, RECV submissions (multishot re-arms), ENOBUFS completions and CQ overflows
# each echo costs, and the server's CPU per echo, from io_uring tracepoints (perf stat, counting
# only: no sampling) over a fixed window while the C client drives the server.
#
#   docs/bench/h-uring256-counts.sh --conns 8,256,1000 --window 3 \
#     --server 'old|java ... -cp /work/jars/after-160ef13.jar zloop.bench.echo.ZloopEchoServer --backend io_uring --mode proto' \
#     --server 'c|/tmp/hu/c/echo_uring'
#
# Echoes are counted as SEND/SENDMSG submissions (a ping-pong echo at 1 KiB is one send each), so
# every figure is per echo and does not depend on how busy the machine is. Needs root (perf) and
# the C client built at $CDIR/echo_client (gcc -O2 bench/c/echo_client.c). Server on core 1,
# client on core 0, as scripts/bench.
set -euo pipefail
CDIR=${CDIR:-/tmp/hu/c}
conns="8,256,1000"
size=1024
window=3
specs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --conns) conns="$2"; shift ;;
    --size) size="$2"; shift ;;
    --window) window="$2"; shift ;;
    --server) specs+=("$2"); shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
work=$(mktemp -d)
spid=""
trap '[[ -n "$spid" ]] && kill "$spid" 2>/dev/null; rm -rf "$work"' EXIT
events="syscalls:sys_enter_io_uring_enter,io_uring:io_uring_submit_req,io_uring:io_uring_complete,io_uring:io_uring_cqe_overflow,syscalls:sys_enter_epoll_wait"
clk=$(getconf CLK_TCK)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the start" >&2
printf 'server\tconns\treq/s\tCPU us/echo (client)\tsends\tenters/echo\tRECV subs/echo\tENOBUFS/echo\tCQ overflow\tCPU us/echo (window)\n'
port=28700
IFS=',' read -r -a conn_list <<<"$conns"
for spec in "${specs[@]}"; do
  id=${spec%%|*}
  cmd=${spec#*|}
  port=$((port + 1))
  # shellcheck disable=SC2086
  taskset -c 1 $cmd --port "$port" >"$work/$id.log" 2>&1 &
  spid=$!
  for _ in $(seq 1 300); do grep -q '^ready:' "$work/$id.log" 2>/dev/null && break; sleep 0.1; done
  for nc in "${conn_list[@]}"; do
    taskset -c 0 "$CDIR/echo_client" --size "$size" --conns "$nc" --warmup 1 --duration "$((window * 2))" \
      --rounds 1 --clk-tck "$clk" --run counts --out "$work/r.tsv" "$id:$port:$spid" \
      >/dev/null 2>"$work/client.log" &
    cpid=$!
    sleep 2.5
    t0=$(ticks "$spid")
    # Counting tracepoints per process (all its threads). Filters: SEND/SENDMSG and RECV
    # submissions by opcode, ENOBUFS completions by result.
    perf stat -x, -p "$spid" \
      -e syscalls:sys_enter_io_uring_enter \
      -e io_uring:io_uring_submit_req --filter 'opcode == 26 || opcode == 9' \
      -e io_uring:io_uring_submit_req --filter 'opcode == 27' \
      -e io_uring:io_uring_complete --filter 'res == -105' \
      -e io_uring:io_uring_cqe_overflow \
      -e syscalls:sys_enter_epoll_wait \
      -- sleep "$window" 2>"$work/perf.txt" >/dev/null
    t1=$(ticks "$spid")
    wait "$cpid" || true
    mapfile -t v < <(cut -d, -f1 "$work/perf.txt" | sed 's/<not counted>/0/')
    sends=${v[1]}
    rps=$(awk -F'\t' -v id="$id" '$4 == id && $5 != "warmup" && $6 > 0 {r = $8; c = $9 / $6 * 1e6} END {printf "%.0f\t%.2f", r, c}' "$work/r.tsv")
    awk -v id="$id" -v nc="$nc" -v rps="$rps" -v s="$sends" -v e="${v[0]}" -v rs="${v[2]}" \
      -v nb="${v[3]}" -v ov="${v[4]}" -v ew="${v[5]}" -v dt="$((t1 - t0))" -v clk="$clk" 'BEGIN {
        if (s == 0) s = 1
        printf "%s\t%s\t%s\t%d\t%.3f\t%.4f\t%.4f\t%d\t%.2f\n", id, nc, rps, s, (e + ew) / s, rs / s, nb / s, ov, dt / clk * 1e6 / s
      }'
    : >"$work/r.tsv"
  done
  kill "$spid" 2>/dev/null || true
  wait "$spid" 2>/dev/null || true
  spid=""
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end" >&2
