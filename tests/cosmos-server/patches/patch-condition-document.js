// Test-infrastructure fix for a third bug of @vercel/cosmosdb-server 1.0.1: a conditional patch (the SDK's
// PatchItemRequestOptions.FilterPredicate, "FROM c WHERE ...") is checked by a query over the whole collection
// filtered on the id only, and after lower-casing the whole condition. So a document with the same id in another
// partition can satisfy it, and string literals in it lose their case. Cosmos DB evaluates the condition against the
// one document being patched, as written. This makes the server do the same (the kudos budget is patched
// conditionally; the same budget id exists in every team the giver belongs to).
// Applied by scripts/start-cosmos.sh after `npm ci`; fails loudly if the package changed and the patch no longer fits.
const fs = require("fs");
const path = require("path");

const file = path.join(__dirname, "..", "node_modules", "@vercel", "cosmosdb-server", "lib", "handler", "_patch-operations.js");
const source = fs.readFileSync(file, "utf8");
const marker = "/* learningbot: condition on the patched document */";
if (source.includes(marker)) {
  process.exit(0);
}
const check = `            const query = collection.documents.query({
                query: conditionQuery,
                parameters: [{ name: "@id", value: input.id }]
            }, {});`;
if (!source.includes(check)) {
  console.error(`patch-condition-document.js: ${file} no longer contains the expected code; re-check the bug and this patch.`);
  process.exit(1);
}
fs.writeFileSync(file, source.replace(check, `            ${marker}
            const written = input.condition.trim();
            const query = require("@zeit/cosmosdb-query").default(/^from\\s/i.test(written) ? "SELECT * " + written
                : /^where\\s/i.test(written) ? "SELECT * FROM c " + written : conditionQuery).exec([data], { parameters: [{ name: "@id", value: input.id }] });`));
