#!/usr/bin/env bash
# Checks what can be checked of deploy/ without Docker or Azure:
#   - deploy/Dockerfile with dockerfilelint (npm; hadolint is not packaged in Debian),
#   - deploy/main.bicep (and deploy/teams-container.bicep, its teams container) with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.<rid>): `bicep build` (syntax, types,
#     API versions) and `bicep lint` (Azure's best-practice rules), warnings as failures.
# Neither builds the image nor deploys the template: that needs a Docker engine and an Azure subscription.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bicep_version="0.49.2"
dockerfilelint_version="1.8.0"

echo "== dockerfilelint ${dockerfilelint_version}: deploy/Dockerfile"
(cd /tmp && npx --yes "dockerfilelint@${dockerfilelint_version}" "$root/deploy/Dockerfile")

case "$(uname -m)" in
  x86_64) rid="linux-x64" ;;
  aarch64|arm64) rid="linux-arm64" ;;
  *) echo "No Bicep CLI package for $(uname -m)"; exit 1 ;;
esac
package="azure.bicep.commandline.${rid}"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="$packages/$package/$bicep_version/tools/bicep"
if [[ ! -x "$bicep" ]]; then
  # Restore the package through NuGet (a throw-away project outside the repository, so no repo props apply).
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  cat > "$tmp/bicep.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Azure.Bicep.CommandLine.${rid}" Version="[${bicep_version}]" /></ItemGroup>
</Project>
PROJ
  dotnet restore "$tmp/bicep.csproj" >/dev/null
  chmod +x "$bicep"
fi

echo "== $("$bicep" --version): deploy/main.bicep"
out="$(mktemp)"
"$bicep" build "$root/deploy/main.bicep" --outfile "$out.json" 2>"$out"
"$bicep" lint "$root/deploy/main.bicep" 2>>"$out"
"$bicep" lint "$root/deploy/teams-container.bicep" 2>>"$out"
if [[ -s "$out" ]]; then
  cat "$out"
  echo "main.bicep: warnings or errors (see above)"
  exit 1
fi
echo "main.bicep: build and lint clean ($(wc -c < "$out.json") bytes of ARM JSON)"

# --publish: replay the Dockerfile's build stage without Docker (its COPY lines into an empty directory, then its RUN
# lines), which proves the COPY list is complete for restore and publish; then start the published app with the
# image's ENV on a loopback port and check /health/live and /health/ready. Still not the image itself.
if [[ "${1:-}" == "--publish" ]]; then
  work="$(mktemp -d)"
  echo "== replaying deploy/Dockerfile's build stage in $work"
  python3 - "$root" "$work" <<'PY'
import os, shutil, subprocess, sys
root, work = sys.argv[1], sys.argv[2]
ctx, out = os.path.join(work, "src"), os.path.join(work, "app")
os.makedirs(ctx)
text = open(os.path.join(root, "deploy/Dockerfile")).read().replace("\\\n", " ")
stage, env = None, dict(os.environ)
for line in (l.strip() for l in text.splitlines()):
    if line.startswith("FROM "):
        stage = line.split()[-1]
    elif stage == "build" and line.startswith("ARG "):
        name, _, default = line[4:].partition("=")
        env[name] = default
    elif stage == "build" and line.startswith("COPY "):
        *sources, target = line.split()[1:]
        for source in sources:
            path, dest = os.path.join(root, source), os.path.join(ctx, target)
            if os.path.isdir(path):
                shutil.copytree(path, dest, dirs_exist_ok=True, ignore=shutil.ignore_patterns("bin", "obj"))
            else:
                os.makedirs(dest if target.endswith("/") else os.path.dirname(dest), exist_ok=True)
                shutil.copy(path, dest)
    elif stage == "build" and line.startswith("RUN "):
        command = line[4:].replace("-o /app", "-o " + out).replace("mkdir -p /data", "true")
        print("RUN", command, flush=True)
        subprocess.run(command, shell=True, cwd=ctx, env=env, check=True, stdout=subprocess.DEVNULL)
PY
  echo "published: $(du -sh "$work/app" | cut -f1)"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  (cd "$work/app" && ASPNETCORE_HTTP_PORTS=$port ASPNETCORE_ENVIRONMENT=Production DOTNET_gcServer=0 \
     Logging__Console__FormatterName=json Storage__Sqlite__Path="$work/data/learningbot.db" \
     exec dotnet LearningBot.Web.dll > "$work/run.log" 2>&1) &
  app=$!
  trap 'kill $app 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 1 60); do curl -fsS "http://127.0.0.1:$port/health/live" >/dev/null 2>&1 && break; sleep 0.5; done
  curl -fsS "http://127.0.0.1:$port/health/live"; echo
  curl -fsS "http://127.0.0.1:$port/health/ready"; echo
  head -c 300 "$work/run.log"; echo
  # The published app must really run in Production (no launchSettings.json applies to `dotnet LearningBot.Web.dll`).
  for _ in $(seq 1 20); do grep -q 'Hosting environment: Production' "$work/run.log" && break; sleep 0.25; done
  grep -q 'Hosting environment: Production' "$work/run.log" || { echo "the published app did not report 'Hosting environment: Production'"; cat "$work/run.log"; exit 1; }
  kill $app
  echo "published app answers its health checks"
fi
