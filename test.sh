#!/usr/bin/env bash
# Runs every test of LearningBot on a fresh machine: installs what the tests need, builds, tests,
# and prints one summary line ("N passed, N failed, N skipped").
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-test-deps.sh

results=artifacts/test-results
rm -rf "$results"
dotnet build LearningBot.sln -c Release -nologo -v minimal
status=0
dotnet test LearningBot.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" || status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(value passed)))
  failed=$((failed + $(value failed)))
  skipped=$((skipped + $(value notExecuted)))
done
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ]; then
  echo "No test ran: treating that as a failure." >&2
  exit 1
fi
exit "$status"
