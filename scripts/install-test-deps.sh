#!/usr/bin/env bash
# Installs what the test suite needs beyond the .NET SDK. Idempotent: quick when all is present.
set -euo pipefail

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "Need root to install Debian packages: $*" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Browser tests drive Debian's Chromium through Playwright (never Playwright's own browser download).
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests…"
  apt_install chromium fonts-dejavu-core fonts-noto-color-emoji
fi

# The Cosmos storage tests run against a local Cosmos DB REST server on Node.js (@vercel/cosmosdb-server,
# pinned with its lock file in tests/cosmos-server); scripts/start-cosmos.sh starts it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "Installing Node.js for the local Cosmos DB test server…"
  apt_install nodejs npm
fi
cosmos_server_dir="$(cd "$(dirname "$0")/../tests/cosmos-server" && pwd)"
if [ ! -x "$cosmos_server_dir/node_modules/.bin/cosmosdb-server" ]; then
  echo "Installing the local Cosmos DB test server (npm ci)…"
  (cd "$cosmos_server_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Teams tests: the official adaptivecards library and Microsoft's Teams manifest schemas, pinned by package-lock.json.
teams_node=tests/LearningBot.Teams.Tests/node
if [ ! -d "$(dirname "$0")/../$teams_node/node_modules" ]; then
  echo "Installing the Teams tests' Node checks (npm ci)…"
  (cd "$(dirname "$0")/../$teams_node" && npm ci --no-audit --no-fund --loglevel=error)
fi

# End-to-end suite: Microsoft 365 Agents Playground (a local Teams client), pinned by package-lock.json.
playground_node=tests/LearningBot.AgentsPlayground.Tests/node
if [ ! -d "$(dirname "$0")/../$playground_node/node_modules/@microsoft/m365agentsplayground" ]; then
  echo "Installing the Microsoft 365 Agents Playground for the end-to-end suite (npm ci)…"
  (cd "$(dirname "$0")/../$playground_node" && npm ci --no-audit --no-fund --loglevel=error)
fi
