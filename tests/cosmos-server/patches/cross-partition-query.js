// Test-infrastructure fix for one gap of @vercel/cosmosdb-server 1.0.1: a query that does not name the partition key
// (a cross-partition query) fails with 400 "missing partition keys". The .NET SDK on Linux first asks the gateway for a
// query plan (header x-ms-cosmos-is-query-plan-request), which this server does not implement, and then sends the query
// once per partition key range (header x-ms-documentdb-partitionkeyrangeid). Cosmos DB answers both. This patch answers
// the plan for simple queries (no ORDER BY, TOP, OFFSET, DISTINCT, GROUP BY or aggregates, which would need a real plan:
// those still get the 400) with the one range this server has, and accepts a query routed to a range. Queries that name
// the partition key are left exactly as they were.
// LearningBot's only cross-partition query is "forget me" finding a person's delivery records.
// Applied by scripts/start-cosmos.sh after `npm ci`; fails loudly if the package changed and the patch no longer fits.
const fs = require("fs");
const path = require("path");

const file = path.join(__dirname, "..", "node_modules", "@vercel", "cosmosdb-server", "lib", "handler", "query-documents.js");
const source = fs.readFileSync(file, "utf8");
const marker = "/* learningbot: cross-partition query */";
if (source.includes(marker)) {
  process.exit(0);
}
const check = 'if (!(0, true_header_1.default)(req, "x-ms-documentdb-query-enablecrosspartition")) {';
if (!source.includes(check)) {
  console.error(`cross-partition-query.js: ${file} no longer contains the expected code; re-check the gap and this patch.`);
  process.exit(1);
}
const plan = `${marker}
    const crossPartition = !(0, cosmosdb_query_1.default)(body.query).containsPartitionKeys(((collection.read() || {}).partitionKey || {}).paths || []);
    if (crossPartition && (0, true_header_1.default)(req, "x-ms-cosmos-is-query-plan-request")
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
