#!/usr/bin/env bash
# Load test (issues 8, 18): builds Release and runs bench/LearningBot.LoadTest over the whole matrix — the bare
# ASP.NET Core ceiling, the real host on SQLite, the Bolt for JavaScript peer (bench/bolt-peer, installed here with
# npm ci), each at 200 and 2,000 req/s, with CPU per request kind by kind (Slack command, Slack event, Teams, playground)
# after a 15 s warm-up; Slack over Socket Mode at 200 and the local Cosmos server at 50 —
# then prints the markdown tables (also written to $LOAD_OUT, default /tmp/learningbot-load/results.md).
# A measurement, not a test: test.sh does not run it. The machine's load is printed before and after (and beside every
# row), because numbers from a shared machine mean little without it.
#
#   scripts/load-test.sh                                          # the full matrix (about 10 minutes on a quiet machine)
#   scripts/load-test.sh --targets bare,sqlite,bolt --rates 200,2000
#   scripts/load-test.sh --targets bare,sqlite --rates 200 --repeat 3     # tail stalls: three runs
#   scripts/load-test.sh --targets sqlite --rates 200 --variant "spin70|DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70"   # A/B
#
# Exits non-zero when an acknowledged command was not stored exactly once.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
out="${LOAD_OUT:-/tmp/learningbot-load/results.md}"
mkdir -p "$(dirname "$out")"

args=("$@")
if [ ${#args[@]} -eq 0 ]; then
  args=(--targets bare,sqlite,bolt,socket@200,cosmos@50 --rates 200,2000 --duration 15 --warmup 15 --kind-duration 5)
fi

# The Bolt peer's pinned packages (package-lock.json), installed once per lock file. better-sqlite3 builds from source
# when no prebuilt binary can be fetched; Debian/NodeSource ship the Node headers it needs in /usr/include/node.
if [[ " ${args[*]} " == *bolt* ]]; then
  peer=bench/bolt-peer
  if ! cmp -s "$peer/package-lock.json" "$peer/node_modules/.ci-lock" 2>/dev/null; then
    if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi
    (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$peer/package-lock.json" "$peer/node_modules/.ci-lock"
  fi
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
