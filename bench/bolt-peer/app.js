// The Bolt peer (issue 18): what a team would otherwise build — a minimal Slack app on Bolt for JavaScript.
// HTTP receiver with Slack's signature check (Bolt's own), one better-sqlite3 insert (WAL) per slash command before the
// ack, then one reply to response_url. The load test (target `bolt`) starts it with PORT, SLACK_SIGNING_SECRET and
// BOLT_DB, and drives it with the same signed slash commands it sends LearningBot.
const { App, HTTPReceiver, LogLevel } = require('@slack/bolt');
const Database = require('better-sqlite3');

const db = new Database(process.env.BOLT_DB || 'bolt-peer.db');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`CREATE TABLE IF NOT EXISTS commands (
  id INTEGER PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, command TEXT NOT NULL, text TEXT NOT NULL,
  trigger_id TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL)`);
// Keyed on trigger_id, so a redelivered command is stored once (as LearningBot does).
const insert = db.prepare(`INSERT INTO commands (team_id, user_id, command, text, trigger_id, created_at)
  VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (trigger_id) DO NOTHING`);

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  endpoints: ['/slack/commands', '/slack/events'],
  customRoutes: [{ path: '/health/live', method: ['GET'], handler: (req, res) => { res.writeHead(200); res.end('ok'); } }],
});

const app = new App({
  token: process.env.SLACK_BOT_TOKEN || 'xoxb-load-test-token',
  receiver,
  // No auth.test, at start-up or on the first request: with the bot's ids given, Bolt's single-workspace authorization
  // has nothing to look up. Any Web API call goes to the load test's fake Slack.
  tokenVerificationEnabled: false,
  botId: process.env.SLACK_BOT_ID || 'BLOAD0001',
  botUserId: process.env.SLACK_BOT_USER_ID || 'UBOTLOAD1',
  clientOptions: process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {},
  logLevel: LogLevel.WARN,
});

app.command(/.*/, async ({ command, ack, respond }) => {
  insert.run(command.team_id, command.user_id, command.command, command.text, command.trigger_id, Date.now());
  await ack();
  await respond({ response_type: 'ephemeral', text: `Logged: ${command.text}` });
});

const port = Number(process.env.PORT || 3000);
app.start(port).then(() => console.log(`bolt peer listening on ${port}`));

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => { app.stop().finally(() => { db.close(); process.exit(0); }); });
}
