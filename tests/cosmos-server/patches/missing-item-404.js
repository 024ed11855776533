// Test-infrastructure fix for one bug of @vercel/cosmosdb-server 1.0.1: reading an item that does not
// exist crashes the handler ("Cannot read properties of undefined") and answers 500, where Cosmos DB
// answers 404 NotFound. LearningBot's production code handles 404 as the real service sends it and has
// no workaround for the 500; this makes the local server send what the real one sends, so the contract
// suite can exercise those paths. Applied by scripts/start-cosmos.sh after `npm ci`; fails loudly if the
// package changed and the patch no longer fits.
const fs = require("fs");
const path = require("path");

const file = path.join(__dirname, "..", "node_modules", "@vercel", "cosmosdb-server", "lib", "handler", "read-document.js");
const source = fs.readFileSync(file, "utf8");
const marker = "/* learningbot: missing item is 404 */";
if (source.includes(marker)) {
  process.exit(0);
}
const buggy = "if (data[path] !== clientKeys[i]) {";
if (!source.includes(buggy)) {
  console.error(`missing-item-404.js: ${file} no longer contains the expected code; re-check the bug and this patch.`);
  process.exit(1);
}
fs.writeFileSync(file, source.replace(buggy, `${marker} if (!data || data[path] !== clientKeys[i]) {`));
