// Parses Adaptive Cards with the official renderer library (adaptivecards 3.0.6) and reports every problem it
// finds: unknown element/action types, invalid property values, versions above what Teams renders.
// Usage: node check-cards.js cards.json   (a JSON array of card objects). Exit code 1 when any card is invalid.
"use strict";
const fs = require("fs");
// The package's ESM entry point is broken in Node; the UMD bundle works.
const AC = require("adaptivecards/dist/adaptivecards.js");

const MAX_VERSION = 1.5; // the newest schema every Teams client renders
const cards = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const problems = [];

cards.forEach((json, index) => {
  const where = `card ${index}`;
  if (json.type !== "AdaptiveCard") problems.push(`${where}: type is ${json.type}, not AdaptiveCard`);
  const version = parseFloat(json.version);
  if (!(version >= 1.0 && version <= MAX_VERSION)) problems.push(`${where}: version ${json.version} is not 1.0–${MAX_VERSION}`);

  const card = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  card.parse(json, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    problems.push(`${where}: ${event.message}`);
  }
  for (const issue of card.validateProperties().failures || []) {
    for (const error of issue.errors || []) problems.push(`${where}: ${error.message}`);
  }
  // Every element and action must survive a parse/serialise round trip (nothing silently dropped).
  const count = (node) => JSON.stringify(node).match(/"type":/g)?.length ?? 0;
  const roundTripped = card.toJSON();
  if (count(roundTripped) < count({ body: json.body, actions: json.actions }) + 1) {
    problems.push(`${where}: the parser dropped elements (${count(json)} types in, ${count(roundTripped)} out)`);
  }
  JSON.stringify(json).replace(/"type":"(Action\.[A-Za-z]+)"/g, (_, type) => {
    // Action.ShowCard: a button that reveals a nested card (the learned card's "Edit" input); Teams renders it on every client.
    if (!["Action.Execute", "Action.Submit", "Action.OpenUrl", "Action.ShowCard"].includes(type)) problems.push(`${where}: unexpected action ${type}`);
  });
});

if (problems.length > 0) {
  console.log(problems.join("\n"));
  process.exit(1);
}
console.log(`${cards.length} card(s) valid`);
