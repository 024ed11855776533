#!/usr/bin/env bash
# Checks what can be checked of deploy/ without Docker or Azure:
#   - deploy/Dockerfile with dockerfilelint (npm; hadolint is not packaged in Debian),
#   - deploy/main.bicep with the Bicep CLI from NuGet (Azure.Bicep.CommandLine.<rid>): `bicep build` (syntax, types,
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
if [[ -s "$out" ]]; then
  cat "$out"
  echo "main.bicep: warnings or errors (see above)"
  exit 1
fi
echo "main.bicep: build and lint clean ($(wc -c < "$out.json") bytes of ARM JSON)"
