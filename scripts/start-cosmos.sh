#!/usr/bin/env bash
# Starts the local Cosmos DB REST server (@vercel/cosmosdb-server, pinned in tests/cosmos-server) on a free
# loopback port, over plain HTTP (--no-ssl, so tests need no certificate bypass), and waits until it answers.
#
#   source scripts/start-cosmos.sh   # exports LEARNINGBOT_TEST_COSMOS_SERVER (and COSMOS_SERVER_PID)
#   scripts/start-cosmos.sh          # prints LEARNINGBOT_TEST_COSMOS_SERVER=http://127.0.0.1:PORT/
#   scripts/start-cosmos.sh --stop   # stops the server this script started
#
# The endpoint is also written to tests/cosmos-server/.endpoint, where the Cosmos test fixtures look for it.
# It is a stand-in with known gaps (see docs/storage.md); a real account or the official emulator is
# used instead when LEARNINGBOT_TEST_COSMOS_ENDPOINT and LEARNINGBOT_TEST_COSMOS_KEY are set.
set -euo pipefail

server_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/cosmos-server" && pwd)"
pid_file="$server_dir/.pid"
endpoint_file="$server_dir/.endpoint"

stop_server() {
  if [ -f "$pid_file" ]; then
    local pid
    pid="$(cat "$pid_file")"
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
    fi
    rm -f "$pid_file" "$endpoint_file"
  fi
}

if [ "${1:-}" = "--stop" ]; then
  stop_server
  return 0 2>/dev/null || exit 0
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "start-cosmos.sh: Node.js and npm are needed for the local Cosmos server (apt-get install nodejs npm)." >&2
  return 1 2>/dev/null || exit 1
fi

# Install exactly what the lock file says; skip when it is already installed.
if [ ! -x "$server_dir/node_modules/.bin/cosmosdb-server" ] || [ "$server_dir/package-lock.json" -nt "$server_dir/node_modules/.package-lock.json" ]; then
  (cd "$server_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
# The server answers 500 instead of 404 for a missing item; make it answer like Cosmos DB (see the patch).
node "$server_dir/patches/missing-item-404.js"
# Its resource ids may contain "/", which breaks the URLs they appear in; Cosmos DB writes "-" (see the patch).
node "$server_dir/patches/resource-id-slash.js"
# It has no query plans, so a cross-partition query fails; answer simple ones like Cosmos DB (see the patch).
node "$server_dir/patches/cross-partition-query.js"
# It checks a conditional patch against every document with that id, lower-cased; Cosmos DB checks the one patched (see the patch).
node "$server_dir/patches/patch-condition-document.js"

stop_server
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();});')"
nohup "$server_dir/node_modules/.bin/cosmosdb-server" --no-ssl --host 127.0.0.1 -p "$port" >"$server_dir/server.log" 2>&1 &
server_pid=$!
echo "$server_pid" >"$pid_file"

endpoint="http://127.0.0.1:${port}/"
for _ in $(seq 1 100); do
  # Any HTTP answer (even 401 for the unsigned request) means the server is up.
  if node -e 'require("http").get(process.argv[1], () => process.exit(0)).on("error", () => process.exit(1))' "$endpoint" 2>/dev/null; then
    echo "$endpoint" >"$endpoint_file"
    export LEARNINGBOT_TEST_COSMOS_SERVER="$endpoint"
    export COSMOS_SERVER_PID="$server_pid"
    echo "LEARNINGBOT_TEST_COSMOS_SERVER=$endpoint"
    return 0 2>/dev/null || exit 0
  fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    break
  fi
  sleep 0.1
done

echo "start-cosmos.sh: the Cosmos server did not start; its log:" >&2
cat "$server_dir/server.log" >&2 || true
stop_server
return 1 2>/dev/null || exit 1
