#!/usr/bin/env bash
# Builds the Teams app package (the zip you upload in Teams or the Developer Portal) from manifest/teams/,
# filling the manifest's ${{...}} placeholders from the environment:
#   TEAMS_APP_ID   the Teams app's own id (a GUID you generate once and keep)
#   BOT_ID         the Azure Bot's Microsoft App ID (defaults to $MicrosoftAppId, the bot's configuration key)
#   BOT_DOMAIN     the public host name of the bot, e.g. learningbot.contoso.com (no scheme, no path)
#   APP_VERSION    the package version, e.g. 1.0.3 (default 1.0.0); raise it for every upload
# Usage: scripts/teams-package.sh [output.zip]   (default: artifacts/teams/learningbot-teams.zip)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
output="${1:-$root/artifacts/teams/learningbot-teams.zip}"

export TEAMS_APP_ID="${TEAMS_APP_ID:-}"
export BOT_ID="${BOT_ID:-${MicrosoftAppId:-}}"
export BOT_DOMAIN="${BOT_DOMAIN:-}"
export APP_VERSION="${APP_VERSION:-1.0.0}"

python3 - "$root/manifest/teams" "$output" <<'PY'
import json, os, re, sys, zipfile

source, output = sys.argv[1], sys.argv[2]
guid = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
checks = {
    "TEAMS_APP_ID": (guid, "a GUID (generate one once, e.g. with uuidgen, and keep it)"),
    "BOT_ID": (guid, "the bot's Microsoft App ID, a GUID (or set MicrosoftAppId)"),
    "BOT_DOMAIN": (re.compile(r"^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$"), "a host name such as learningbot.contoso.com"),
    "APP_VERSION": (re.compile(r"^\d+\.\d+\.\d+$"), "a version such as 1.0.0"),
}
problems = [f"{name} is '{os.environ.get(name, '')}': it must be {what}."
            for name, (pattern, what) in checks.items() if not pattern.match(os.environ.get(name, ""))]
if problems:
    sys.exit("Cannot build the Teams package:\n  " + "\n  ".join(problems))

with open(os.path.join(source, "manifest.json"), encoding="utf-8") as f:
    text = f.read()
text = re.sub(r"\$\{\{([A-Z_]+)\}\}", lambda m: os.environ[m.group(1)], text)
left = re.findall(r"\$\{\{[^}]*\}\}", text)
if left:
    sys.exit(f"Unknown placeholders in manifest.json: {', '.join(sorted(set(left)))}")
manifest = json.loads(text)  # fails loudly if the result is not JSON

os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
    package.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    for icon in ("color.png", "outline.png"):
        package.write(os.path.join(source, icon), icon)
print(f"Wrote {output} (app {os.environ['TEAMS_APP_ID']}, bot {os.environ['BOT_ID']}, version {os.environ['APP_VERSION']})")
PY
