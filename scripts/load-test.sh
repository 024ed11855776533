#!/usr/bin/env bash
# Load test (issue 8): builds Release and runs bench/LearningBot.LoadTest over the whole matrix — the bare
# ASP.NET Core ceiling, the real host on SQLite (Slack over HTTP, then over Socket Mode: target socket) and on the local
# Cosmos server, each at 50, 200 and 1000 req/s —
# then prints the markdown tables (also written to $LOAD_OUT, default /tmp/learningbot-load/results.md).
# A measurement, not a test: test.sh does not run it. The machine's load is printed before and after, because
# numbers from a shared machine mean little without it.
#
#   scripts/load-test.sh                                   # the full matrix (about 10 minutes)
#   scripts/load-test.sh --targets sqlite --rates 200      # any of the tool's options (see its usage)
#
# Exits non-zero when an acknowledged command was not stored exactly once.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
out="${LOAD_OUT:-/tmp/learningbot-load/results.md}"
mkdir -p "$(dirname "$out")"

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--targets bare,sqlite,socket,cosmos --rates 50,200,1000 --duration 15 --warmup 3)
fi

dotnet build bench/LearningBot.LoadTest/LearningBot.LoadTest.csproj -c Release -nologo -v quiet

started_cosmos=""
if [[ " ${args[*]} " == *cosmos* ]] && [ -z "${LEARNINGBOT_TEST_COSMOS_SERVER:-}" ]; then
  # shellcheck source=start-cosmos.sh
  source scripts/start-cosmos.sh >/dev/null
  started_cosmos="yes"
  trap 'scripts/start-cosmos.sh --stop' EXIT
fi

echo "machine: $(nproc) cores, $(free -m | awk '/^Mem:/ {print $2 " MB RAM"}'); load before: $(uptime)"
status=0
dotnet bench/LearningBot.LoadTest/bin/Release/net10.0/LearningBot.LoadTest.dll run "${args[@]}" --markdown "$out" || status=$?
echo "load after: $(uptime)"
if [ -n "$started_cosmos" ]; then
  echo "(Cosmos: the local @vercel/cosmosdb-server, started and stopped by this script)"
fi
echo "tables written to $out"
exit "$status"
