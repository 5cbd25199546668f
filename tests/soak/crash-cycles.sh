#!/usr/bin/env bash
# The kill -9 crash-cycle soak (issue 10, item 4; docs/reliability.md "Crash cycles").
# A ServeProbe process serves a disk over iSCSI the way Start-VScsiPartition -Wait does; a writer
# writes numbered blocks with FUA or WRITE + SYNCHRONIZE CACHE and records every acknowledged one;
# the server is killed with SIGKILL mid-write, restarted (it must serve, not refuse with
# PartitionRunning), and every acknowledged block must read back exactly. CI runs 3 cycles
# (tests/Engine.Tests/Runtime/CrashCycleTests.cs); this runs as many as asked.
#
# Usage: tests/soak/crash-cycles.sh [--cycles N] [--seed S]     (defaults: 20 cycles, a random seed)
# Prints seed, cycles, attempts, acknowledged blocks and losses; exits 0 only when nothing was lost.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dotnet build "$root/tests/ServeProbe" -c Release -nologo -v q >/dev/null
exec dotnet "$root/tests/ServeProbe/bin/Release/net10.0/ServeProbe.dll" soak "$@"
