// Test-infrastructure fix for a second bug of @vercel/cosmosdb-server 1.0.1: resource ids (_rid) are plain
// base64, so some of them contain "/" (e.g. the 191st database gets "gAC/AA=="). Cosmos DB writes rids with
// "-" instead of "/", because rids appear in URL paths (dbs/{rid}/colls/{rid}/pkranges). With a "/" the
// server misroutes the SDK's partition-key-range requests and every operation on that container fails
// ("GetTargetPartitionKeyRanges ... failed due to stale cache"), so whichever test fixture happened to get
// such a database failed at random. This makes the server write and read rids as Cosmos DB does.
// Applied by scripts/start-cosmos.sh after `npm ci`; fails loudly if the package changed and the patch no longer fits.
const fs = require("fs");
const path = require("path");

const file = path.join(__dirname, "..", "node_modules", "@vercel", "cosmosdb-server", "lib", "account", "resource-id.js");
const source = fs.readFileSync(file, "utf8");
const marker = "/* learningbot: rids use - for / */";
if (source.includes(marker)) {
  process.exit(0);
}
const decode = 'return Buffer.from(s.replace("-", "/"), "base64");';
const encode = 'return buffer.toString("base64");';
if (!source.includes(decode) || !source.includes(encode)) {
  console.error(`resource-id-slash.js: ${file} no longer contains the expected code; re-check the bug and this patch.`);
  process.exit(1);
}
fs.writeFileSync(file, source
  .replace(decode, `${marker} return Buffer.from(s.replace(/-/g, "/"), "base64");`)
  .replace(encode, 'return buffer.toString("base64").replace(/\\//g, "-");'));
