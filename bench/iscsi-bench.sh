#!/usr/bin/env bash
# iscsi-bench.sh: iSCSI read performance of a served partition against the tgt target and the raw
# file, on loopback, in one run. Workloads: 4 KiB random read at queue depth 32 and 1 MiB
# sequential read at depth 8, through libiscsi's iscsi-perf (RUNS runs of RUNTIME seconds each,
# medians), and through our own initiator (bench/VScsi.Bench iscsi mode). The raw limit is fio (io_uring) on the same file through the page cache, which is
# where both targets read from. Prints a table with
# the ratios.
#
# Needs: libiscsi-bin (iscsi-perf), tgt (tgtd, tgtadm), fio. As root: apt-get install libiscsi-bin tgt fio
# Env: RUNS=3 RUNTIME=10 SIZE_MB=1024 PORT=3270 (tgt uses PORT+1)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS=${RUNS:-3}
RUNTIME=${RUNTIME:-10}
SIZE_MB=${SIZE_MB:-1024}
PORT=${PORT:-3270}
TGT_PORT=$((PORT + 1))
work=$(mktemp -d /tmp/vscsi-iscsi-bench.XXXXXX)
image=$work/bench.img
for c in iscsi-perf tgtd tgtadm fio; do
    command -v "$c" >/dev/null || { echo "$c not found: apt-get install libiscsi-bin tgt fio" >&2; exit 2; }
done

serve_pid=""; tgt_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    [ -n "$tgt_pid" ] && kill -KILL "$tgt_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

# A fully written image, read once so both targets and fio start from a warm page cache.
dd if=/dev/urandom of="$image" bs=1M count="$SIZE_MB" status=none
cat "$image" >/dev/null

dotnet build "$root/bench/VScsi.Bench" -c Release -nologo -v q >/dev/null
bench_dll=$root/bench/VScsi.Bench/bin/Release/net10.0/VScsi.Bench.dll

# Our target.
"$root/vscsi" -File "$root/bench/serve.ps1" -SystemPath "$work/sys" -Image "$image" -Portal "127.0.0.1:$PORT" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.2; done
ours="iscsi://127.0.0.1:$PORT/$(awk '/^TARGET/ { print $2 }' "$work/serve.log")/0"

# tgt on the same file (its own state directory and IPC socket).
export TGT_IPC_SOCKET=$work/tgtd.sock
setsid tgtd -f --iscsi "portal=127.0.0.1:$TGT_PORT" >"$work/tgtd.log" 2>&1 </dev/null &
tgt_pid=$!
disown "$tgt_pid"
for _ in $(seq 50); do tgtadm --lld iscsi --mode target --op show >/dev/null 2>&1 && break; sleep 0.2; done
tgtadm --lld iscsi --mode target --op new --tid 1 --targetname iqn.2026-11.org.vscsi.bench:tgt
tgtadm --lld iscsi --mode logicalunit --op new --tid 1 --lun 1 --backing-store "$image" --bstype rdwr
tgtadm --lld iscsi --mode target --op bind --tid 1 --initiator-address ALL
theirs="iscsi://127.0.0.1:$TGT_PORT/iqn.2026-11.org.vscsi.bench:tgt/1"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# iscsi-perf prints "iops average N (M MB/s)" last; echo IOPS.
perf() {  # url blocks depth [-r]
    timeout $((RUNTIME + 30)) iscsi-perf -m "$3" -b "$2" -t "$RUNTIME" ${4:-} "$1" 2>&1 </dev/null | tr '\r' '\n' \
        | sed -n 's/.*iops average \([0-9]*\).*/\1/p' | tail -1
}

mine() {  # url workload: our initiator, one run
    dotnet "$bench_dll" iscsi "$1" "$RUNTIME" 1 "$2" | awk '{ print $2 }'
}

raw() {  # bs depth rw
    fio --name=raw --filename="$image" --rw="$3" --bs="$1" --iodepth="$2" --ioengine=io_uring --direct=0 \
        --time_based --runtime="$RUNTIME" --output-format=terse --terse-version=3 2>/dev/null | awk -F';' '{ print $8 }'
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, ${SIZE_MB} MiB file in the page cache, loopback"
echo "# initiator: libiscsi iscsi-perf; the last two columns use our initiator (IscsiClient) instead"
printf '%-18s %9s %9s %9s %9s %9s %12s %12s\n' workload raw tgt vscsi vscsi/tgt vscsi/raw ours→vscsi ours→tgt
for w in "randread-4k-qd32 8 32 -r 4k randread" "read-1m-qd8 2048 8 - 1m read"; do
    set -- $w
    name=$1 blocks=$2 depth=$3 flag=$4 bs=$5 rw=$6
    [ "$flag" = - ] && flag=""
    r=(); t=(); v=(); mv=(); mt=()
    for _ in $(seq "$RUNS"); do
        # Interleaved, so drift on a noisy machine hits all three alike.
        r+=("$(raw "$bs" "$depth" "$rw")")
        t+=("$(perf "$theirs" "$blocks" "$depth" $flag)")
        v+=("$(perf "$ours" "$blocks" "$depth" $flag)")
        mv+=("$(mine "$ours" "$name")")
        mt+=("$(mine "$theirs" "$name")")
    done
    rm=$(printf '%s\n' "${r[@]}" | median); tm=$(printf '%s\n' "${t[@]}" | median); vm=$(printf '%s\n' "${v[@]}" | median)
    mvm=$(printf '%s\n' "${mv[@]}" | median); mtm=$(printf '%s\n' "${mt[@]}" | median)
    unit=IOPS; [ "$bs" = 1m ] && unit="MiB/s"   # one 1 MiB request per I/O: IOPS are MiB/s
    awk -v n="$name" -v r="$rm" -v t="$tm" -v v="$vm" -v a="$mvm" -v b="$mtm" -v u="$unit" -v runs="$RUNS" -v s="$RUNTIME" \
        'BEGIN { printf "%-18s %9d %9d %9d %9.2f %9.2f %12d %12d   (%s, medians of %d x %ds)\n", n, r, t, v, v / t, v / r, a, b, u, runs, s }'
done
