// Test-infrastructure fix for one gap of @vercel/cosmosdb-server 1.0.1: a query that does not name the partition key
// (a cross-partition query) fails with 400 "missing partition keys". The .NET SDK on Linux first asks the gateway for a
// query plan (header x-ms-cosmos-is-query-plan-request), which this server does not implement, and then sends the query
// once per partition key range (header x-ms-documentdb-partitionkeyrangeid). Cosmos DB answers both. This patch answers
// the plan for simple queries (no ORDER BY, TOP, OFFSET, DISTINCT, GROUP BY or aggregates, which would need a real plan:
// those still get the 400) with the one range this server has, and accepts a query routed to a range. Queries that name
// the partition key are left exactly as they were.
// LearningBot's cross-partition queries: "forget me" finding a person's delivery records, and the embedding worker listing
// pending documents. Every plan request for a simple query gets the plan: the server's own "does it name the partition
// key" test answers yes for many queries that do not (any with a function call or !=), and then the plan request used to
// get documents instead of a plan (v2 of this patch; v1 asked that test first).
// Applied by scripts/start-cosmos.sh after `npm ci`; fails loudly if the package changed and the patch no longer fits.
const fs = require("fs");
const path = require("path");

const file = path.join(__dirname, "..", "node_modules", "@vercel", "cosmosdb-server", "lib", "handler", "query-documents.js");
const source = fs.readFileSync(file, "utf8");
const marker = "/* learningbot: cross-partition query v2 */";
if (source.includes(marker)) {
  process.exit(0);
}
const v1Condition = 'if (crossPartition && (0, true_header_1.default)(req, "x-ms-cosmos-is-query-plan-request")';
const v2Condition = 'if ((0, true_header_1.default)(req, "x-ms-cosmos-is-query-plan-request")';
if (source.includes("/* learningbot: cross-partition query */") && source.includes(v1Condition)) {
  // Patched by v1 before: upgrade in place.
  fs.writeFileSync(file, source.replace("/* learningbot: cross-partition query */", marker).replace(v1Condition, v2Condition));
  process.exit(0);
}
const check = 'if (!(0, true_header_1.default)(req, "x-ms-documentdb-query-enablecrosspartition")) {';
if (!source.includes(check)) {
  console.error(`cross-partition-query.js: ${file} no longer contains the expected code; re-check the gap and this patch.`);
  process.exit(1);
}
const plan = `${marker}
    if ((0, true_header_1.default)(req, "x-ms-cosmos-is-query-plan-request")
        && !/\\b(ORDER\\s+BY|TOP|OFFSET|DISTINCT|GROUP\\s+BY|COUNT|SUM|MIN|MAX|AVG)\\b/i.test(body.query)) {
        return {
            partitionedQueryExecutionInfoVersion: 2,
            queryInfo: {
                distinctType: "None", top: null, offset: null, limit: null, orderBy: [], orderByExpressions: [],
                groupByExpressions: [], groupByAliases: [], aggregates: [], groupByAliasToAggregateType: {},
                rewrittenQuery: "", hasSelectValue: false, dCountInfo: null, hasNonStreamingOrderBy: false
            },
            queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
        };
    }
    if (!req.headers["x-ms-documentdb-partitionkeyrangeid"] && `;
fs.writeFileSync(file, source.replace(check, plan + check.slice(4)));
