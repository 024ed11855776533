// Validates a Teams app manifest against Microsoft's official JSON schema for the manifestVersion it declares,
// as bundled (offline) in @microsoft/app-manifest. Usage: node validate-manifest.js manifest.json
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv = require("ajv-draft-04"); // the Teams schemas are JSON Schema draft-04
const addFormats = require("ajv-formats");

const manifest = JSON.parse(fs.readFileSync(process.argv[2], "utf8").replace(/^\uFEFF/, ""));
const schemaFile = path.join(path.dirname(require.resolve("@microsoft/app-manifest/package.json")),
  "build", "json-schemas", "teams", `v${manifest.manifestVersion}`, "MicrosoftTeams.schema.json");
if (!fs.existsSync(schemaFile)) {
  console.log(`No bundled schema for manifestVersion ${manifest.manifestVersion}`);
  process.exit(1);
}
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
if (!validate(manifest)) {
  console.log(validate.errors.map(e => `${e.instancePath || "/"} ${e.message} ${JSON.stringify(e.params)}`).join("\n"));
  process.exit(1);
}
console.log(`manifest valid against ${path.relative(process.cwd(), schemaFile)}`);
