using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite;

/// <summary>Schema migrations, applied in order and tracked in <c>PRAGMA user_version</c>. Append, never edit.</summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE team_settings (
            team_id TEXT PRIMARY KEY,
            kudos_weekly_budget INTEGER NOT NULL,
            leaderboard_enabled INTEGER NOT NULL,
            time_zone TEXT NOT NULL,
            version INTEGER NOT NULL
        );

        CREATE TABLE members (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            display_name TEXT NOT NULL,
            PRIMARY KEY (team_id, user_id)
        ) WITHOUT ROWID;

        CREATE TABLE learnings (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            tags TEXT NOT NULL,
            minutes INTEGER,
            is_private INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            UNIQUE (team_id, idempotency_key)
        );
        CREATE INDEX ix_learnings_team_time ON learnings (team_id, created_at DESC);
        CREATE INDEX ix_learnings_user_time ON learnings (team_id, user_id, created_at DESC);

        CREATE TABLE kudos_gifts (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            giver_id TEXT NOT NULL,
            reason TEXT NOT NULL,
            value TEXT,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            UNIQUE (team_id, idempotency_key)
        );
        CREATE INDEX ix_kudos_gifts_team_time ON kudos_gifts (team_id, created_at DESC);

        -- One row per receiver: the unit of the weekly budget and of the leaderboard.
        CREATE TABLE kudos_receipts (
            gift_id TEXT NOT NULL REFERENCES kudos_gifts (id),
            position INTEGER NOT NULL,
            team_id TEXT NOT NULL,
            giver_id TEXT NOT NULL,
            receiver_id TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (gift_id, receiver_id)
        );
        CREATE INDEX ix_kudos_receipts_giver ON kudos_receipts (team_id, giver_id, created_at);
        CREATE INDEX ix_kudos_receipts_team_time ON kudos_receipts (team_id, created_at);

        CREATE TABLE knowledge_posts (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            author_id TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            tags TEXT NOT NULL,
            helpful_count INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            UNIQUE (team_id, idempotency_key)
        );

        CREATE TABLE helpful_votes (
            team_id TEXT NOT NULL,
            post_id TEXT NOT NULL REFERENCES knowledge_posts (id),
            user_id TEXT NOT NULL,
            PRIMARY KEY (team_id, post_id, user_id)
        ) WITHOUT ROWID;

        CREATE TABLE questions (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            asker_id TEXT NOT NULL,
            text TEXT NOT NULL,
            answered INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            idempotency_key TEXT NOT NULL,
            UNIQUE (team_id, idempotency_key)
        );
        CREATE INDEX ix_questions_team_time ON questions (team_id, created_at DESC);

        -- One full-text index over everything people wrote. team_key is a per-team token so MATCH
        -- narrows to one team inside the index; team_id is still checked for exact isolation.
        -- porter gives stemmed matches ("networking" finds "network").
        CREATE VIRTUAL TABLE search_fts USING fts5 (
            title, body, tags, team_key,
            team_id UNINDEXED, kind UNINDEXED, ref_id UNINDEXED, person_id UNINDEXED, created_at UNINDEXED,
            tokenize = 'porter unicode61 remove_diacritics 2'
        );
        """,
        """
        CREATE TABLE deliveries (
            scope TEXT NOT NULL,
            delivery_id TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            PRIMARY KEY (scope, delivery_id)
        ) WITHOUT ROWID;
        CREATE INDEX ix_deliveries_received ON deliveries (received_at);
        """,
        """
        -- Conversations the bot may post to proactively (Teams conversation references, later Slack channels).
        CREATE TABLE conversations (
            key TEXT PRIMARY KEY,
            platform TEXT NOT NULL,
            team_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            user_id TEXT,
            reference_json TEXT NOT NULL,
            is_active INTEGER NOT NULL,
            updated_at INTEGER NOT NULL
        );
        CREATE INDEX ix_conversations_team ON conversations (team_id, is_active);
        CREATE INDEX ix_conversations_personal ON conversations (team_id, user_id, kind);
        """,
        """
        -- Standing-meeting prompts, weekly nudges, and the outbox every proactive message goes through.
        ALTER TABLE learnings ADD COLUMN occurrence_id TEXT;
        CREATE INDEX ix_learnings_occurrence ON learnings (occurrence_id) WHERE occurrence_id IS NOT NULL;

        CREATE TABLE prompt_schedules (
            conversation_key TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            days TEXT NOT NULL,
            at_minute INTEGER NOT NULL,
            time_zone TEXT NOT NULL,
            question TEXT NOT NULL,
            next_due_at INTEGER NOT NULL,
            paused INTEGER NOT NULL,
            skip_occurrence_at INTEGER,
            version INTEGER NOT NULL
        );
        CREATE INDEX ix_prompt_schedules_due ON prompt_schedules (next_due_at);

        CREATE TABLE prompt_occurrences (
            id TEXT PRIMARY KEY,
            conversation_key TEXT NOT NULL,
            team_id TEXT NOT NULL,
            scheduled_at INTEGER NOT NULL,
            state TEXT NOT NULL,
            close_at INTEGER NOT NULL,
            posted_message_id TEXT
        );
        CREATE INDEX ix_prompt_occurrences_close ON prompt_occurrences (state, close_at);
        CREATE INDEX ix_prompt_occurrences_post ON prompt_occurrences (conversation_key, posted_message_id);
        CREATE INDEX ix_prompt_occurrences_conversation ON prompt_occurrences (conversation_key, scheduled_at DESC);

        CREATE TABLE nudge_subscriptions (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            day INTEGER NOT NULL,
            at_minute INTEGER NOT NULL,
            time_zone TEXT NOT NULL,
            next_due_at INTEGER NOT NULL,
            PRIMARY KEY (team_id, user_id)
        );
        CREATE INDEX ix_nudge_subscriptions_due ON nudge_subscriptions (next_due_at);

        -- One row per person and week: nobody is nudged twice in a week.
        CREATE TABLE nudge_weeks (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            week_key TEXT NOT NULL,
            PRIMARY KEY (team_id, user_id, week_key)
        ) WITHOUT ROWID;

        CREATE TABLE outbox (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            conversation_key TEXT NOT NULL,
            purpose TEXT NOT NULL,
            related_id TEXT,
            reply_json TEXT NOT NULL,
            thread_id TEXT,
            state TEXT NOT NULL,
            not_before INTEGER NOT NULL,
            lease_until INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            platform_message_id TEXT,
            last_error TEXT,
            completed_at INTEGER
        );
        CREATE INDEX ix_outbox_due ON outbox (state, not_before);
        """,
        """
        -- Bot credentials per workspace (OAuth installs). Kept after uninstall, inactive, so a
        -- reinstall replaces the row and history of who installed stays visible.
        CREATE TABLE installations (
            platform TEXT NOT NULL,
            team_id TEXT NOT NULL,
            team_name TEXT NOT NULL,
            bot_user_id TEXT NOT NULL,
            bot_token TEXT NOT NULL,
            installed_by TEXT NOT NULL,
            installed_at INTEGER NOT NULL,
            is_active INTEGER NOT NULL,
            deactivated_at INTEGER,
            PRIMARY KEY (platform, team_id)
        ) WITHOUT ROWID;
        """,
        """
        -- How many documents hold each indexed term: lets search leave very common words out of its
        -- "any word" fallback (see SqliteSearchIndex). A view over the FTS index; it stores nothing.
        CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');
        """,
        """
        -- v7, for the hot paths of learned and ask: a person's entry times and minutes straight from an index
        -- (streak and weekly totals), and the unanswered questions that repeats are counted from.
        DROP INDEX ix_learnings_user_time;
        CREATE INDEX ix_learnings_user_marks ON learnings (team_id, user_id, created_at DESC, minutes);
        CREATE INDEX ix_questions_unanswered ON questions (team_id, created_at DESC) WHERE answered = 0;
        """,
        """
        -- v8, "forget me" scoped to the team and exact. A delivery record names its sender (team and user as the pipeline
        -- stores them), so forgetting deletes exactly that person's records in that team, never by pattern.
        ALTER TABLE deliveries ADD COLUMN team_id TEXT;
        ALTER TABLE deliveries ADD COLUMN user_id TEXT;
        -- Older Slack button deliveries carry the user in their id ("action:<user>:<ts>" in scope "slack:<team>"): give
        -- them their sender. The only older ids holding a user id; Slack user ids contain no ':' (U…/W…).
        UPDATE deliveries SET team_id = substr(scope, 7), user_id = substr(delivery_id, 8, instr(substr(delivery_id, 8), ':') - 1)
        WHERE substr(scope, 1, 6) = 'slack:' AND substr(delivery_id, 1, 7) = 'action:' AND instr(substr(delivery_id, 8), ':') > 1;
        CREATE INDEX ix_deliveries_sender ON deliveries (team_id, user_id) WHERE user_id IS NOT NULL;

        -- When a person was forgotten: their sign-in cookies and private links issued before stop working. Keyed by a
        -- hash of the user id (ForgottenPeople.Key), kept ForgottenPeople.Kept.
        CREATE TABLE forgotten_people (
            team_id TEXT NOT NULL,
            user_key TEXT NOT NULL,
            forgotten_at INTEGER NOT NULL,
            PRIMARY KEY (team_id, user_key)
        ) WITHOUT ROWID;
        """,
        """
        -- v9, semantic search: one vector per searchable document (shared answers and public learnings; kudos are not
        -- embedded), keyed by the search_fts rowid. Written by the background embedder (SqliteEmbeddingStore), never on
        -- the acknowledgement path. A document with no row for the current model is "pending": new documents, the
        -- backfill of a database from before v9 and a model change are the same queue. seq grows with every write, so
        -- each process's in-memory vector cache catches up by reading only rows newer than the last it saw.
        -- vector: int8 components (symmetric, scale = max |x| / 127), 384 bytes for MiniLM instead of 1,536 as float32.
        -- part: 0 = the whole text (question + answer, or the learning), 1 = a shared answer's question alone; a question
        -- asked in other words matches the question best, and search takes the better of the two (docs/search.md).
        CREATE TABLE search_vectors (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER NOT NULL,
            part INTEGER NOT NULL,
            team_id TEXT NOT NULL,
            kind INTEGER NOT NULL,
            model TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            scale REAL NOT NULL,
            vector BLOB NOT NULL,
            UNIQUE (doc_id, part)
        );
        """,
        """
        -- v10, edits and time away. A learning remembers the chat message it came from, so an edit or deletion of that
        -- message reaches it, and when it was last edited, so an older edit arriving late changes nothing.
        ALTER TABLE learnings ADD COLUMN source_message TEXT;
        ALTER TABLE learnings ADD COLUMN edited_at INTEGER;
        CREATE INDEX ix_learnings_source ON learnings (team_id, source_message) WHERE source_message IS NOT NULL;

        -- One away period per person (away until …, back): ended ones are kept for past weeks' participation.
        CREATE TABLE away_periods (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            from_at INTEGER NOT NULL,
            until_at INTEGER NOT NULL,
            last_day TEXT NOT NULL,
            PRIMARY KEY (team_id, user_id)
        ) WITHOUT ROWID;
        """,
        """
        -- v11, kudos in the flow of conversation: the budget period and kudos emoji per team, the team's values (a JSON array),
        -- the channel and message link of a gift (per-channel boards, kudos by reaction), and who left the boards.
        ALTER TABLE team_settings ADD COLUMN kudos_budget_period TEXT NOT NULL DEFAULT 'week';
        ALTER TABLE team_settings ADD COLUMN kudos_emoji TEXT NOT NULL DEFAULT 'tada';
        ALTER TABLE team_settings ADD COLUMN kudos_values TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE kudos_gifts ADD COLUMN channel_id TEXT;
        ALTER TABLE kudos_gifts ADD COLUMN link TEXT;
        ALTER TABLE kudos_receipts ADD COLUMN channel_id TEXT;
        CREATE INDEX ix_kudos_receipts_channel ON kudos_receipts (team_id, channel_id, created_at) WHERE channel_id IS NOT NULL;
        CREATE TABLE kudos_hidden (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            PRIMARY KEY (team_id, user_id)
        ) WITHOUT ROWID;
        """,
        """
        -- v12, repeated questions by meaning and answered-or-not by the person (issue 14). A question keeps its vector (float32
        -- little-endian, L2-normalised) and the model that made it, the group of paraphrases it joined (the first question's id),
        -- the shared answer shown first and the person's verdict on it (0 none, 1 "This helped", 2 "Not it"), and where it was
        -- asked (0 ask, 1 a channel the bot offered an answer in). Older questions have no group: they are grouped by words.
        ALTER TABLE questions ADD COLUMN group_id TEXT;
        ALTER TABLE questions ADD COLUMN embedding BLOB;
        ALTER TABLE questions ADD COLUMN embedding_model TEXT;
        ALTER TABLE questions ADD COLUMN top_answer_id TEXT;
        ALTER TABLE questions ADD COLUMN verdict INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE questions ADD COLUMN origin INTEGER NOT NULL DEFAULT 0;

        -- Channels that want answers offered where questions are asked (settings answers on); a row means on.
        CREATE TABLE answer_channels (
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            PRIMARY KEY (team_id, channel_id)
        ) WITHOUT ROWID;
        """,
        """
        -- v13, answers that stay true and stand-up reminders. An answer has an owner, a review date and maybe a retirement;
        -- review_pending_at is the review date until the owner was asked (the scheduler's index), then NULL.
        ALTER TABLE knowledge_posts ADD COLUMN owner_id TEXT;
        ALTER TABLE knowledge_posts ADD COLUMN confirmed_at INTEGER;
        ALTER TABLE knowledge_posts ADD COLUMN review_due_at INTEGER;
        ALTER TABLE knowledge_posts ADD COLUMN review_pending_at INTEGER;
        ALTER TABLE knowledge_posts ADD COLUMN retired_at INTEGER;
        -- Answers shared before reviews existed are first reviewed 180 days after sharing, but not before today: an upgrade
        -- never sends every old answer's owner a DM at once.
        UPDATE knowledge_posts SET review_due_at = MAX(created_at + 15552000000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
        UPDATE knowledge_posts SET review_pending_at = review_due_at;
        CREATE INDEX ix_knowledge_review_pending ON knowledge_posts (review_pending_at) WHERE review_pending_at IS NOT NULL;
        ALTER TABLE team_settings ADD COLUMN review_after_days INTEGER NOT NULL DEFAULT 180;

        -- A person's own settings (ask-me).
        CREATE TABLE person_settings (
            team_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            ask_me INTEGER NOT NULL,
            PRIMARY KEY (team_id, user_id)
        ) WITHOUT ROWID;

        -- prompt remind on|off, and each occurrence's one reminder time (NULL once queued).
        ALTER TABLE prompt_schedules ADD COLUMN remind INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE prompt_occurrences ADD COLUMN remind_at INTEGER;
        CREATE INDEX ix_prompt_occurrences_remind ON prompt_occurrences (remind_at) WHERE remind_at IS NOT NULL;
        """,
        """
        -- v14, issue 18: learned's and me's counts come from one covering index, never from table rows: a person's entries per
        -- week (the streak), and their count, private count and minutes since an instant (this week, this month, all time).
        DROP INDEX ix_learnings_user_marks;
        CREATE INDEX ix_learnings_user_marks ON learnings (team_id, user_id, created_at DESC, minutes, is_private);
        """,
        """
        -- v15, recent questions held in memory (RecentQuestionCache): a stamp per team, rewritten at random whenever one of its
        -- questions is updated (a verdict) or deleted (forget me), by any process, so a holder knows with one read whether what it
        -- holds is still the file's. Inserts need no stamp: they are read by rowid. Random, not a counter: a rolled-back change
        -- and a later one cannot leave the same value. Any deletion also rewrites the one file-wide stamp of question_deletions:
        -- SQLite gives a new row the largest rowid + 1, so deleting the table's last row (in any team) lets another team's next
        -- question take a rowid its holder has already passed.
        CREATE TABLE question_changes (
            team_id TEXT PRIMARY KEY,
            stamp INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE question_deletions (
            only INTEGER PRIMARY KEY CHECK (only = 1),
            stamp INTEGER NOT NULL
        );
        CREATE TRIGGER tr_questions_updated AFTER UPDATE ON questions BEGIN
            INSERT INTO question_changes (team_id, stamp) VALUES (old.team_id, random())
                ON CONFLICT (team_id) DO UPDATE SET stamp = excluded.stamp;
        END;
        -- No code moves a question to another team; if anything ever does, both teams' holders must see it.
        CREATE TRIGGER tr_questions_moved AFTER UPDATE OF team_id ON questions WHEN new.team_id IS NOT old.team_id BEGIN
            INSERT INTO question_changes (team_id, stamp) VALUES (new.team_id, random())
                ON CONFLICT (team_id) DO UPDATE SET stamp = excluded.stamp;
        END;
        CREATE TRIGGER tr_questions_deleted AFTER DELETE ON questions BEGIN
            INSERT INTO question_changes (team_id, stamp) VALUES (old.team_id, random())
                ON CONFLICT (team_id) DO UPDATE SET stamp = excluded.stamp;
            INSERT INTO question_deletions (only, stamp) VALUES (1, random())
                ON CONFLICT (only) DO UPDATE SET stamp = excluded.stamp;
        END;
        """,
    ];

    public static int CurrentVersion => Migrations.Length;

    /// <summary>Another instance migrating the same file at start-up holds the lock for a moment: retried when busy.</summary>
    public static Task MigrateAsync(SqliteDatabase database, CancellationToken cancellationToken) =>
        database.RunWriteAsync(connection => MigrateAsync(database, connection, Migrations.Length, cancellationToken), cancellationToken);

    /// <summary>
    /// Tests of upgrades: brings a new file only to schema <paramref name="version"/>, i.e. writes the database an older release
    /// wrote, so a test can fill it as that release did and then open it with this one. No hand-written rollback to keep in step.
    /// </summary>
    internal static Task MigrateToAsync(SqliteDatabase database, int version, CancellationToken cancellationToken) =>
        database.RunWriteAsync(connection => MigrateAsync(database, connection, version, cancellationToken), cancellationToken);

    private static async Task<bool> MigrateAsync(SqliteDatabase database, SqliteConnection connection, int target, CancellationToken cancellationToken)
    {
        await using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = connection.BeginTransaction(deferred: false);
        var version = Convert.ToInt32(await connection.ScalarAsync("PRAGMA user_version", transaction, cancellationToken));
        if (version > Migrations.Length)
        {
            throw new InvalidOperationException(
                $"The database at {database.Path} has schema v{version}, newer than this build knows (v{Migrations.Length}).");
        }

        for (var next = version; next < target; next++)
        {
            await connection.ExecuteAsync(Migrations[next], transaction, cancellationToken);
            await connection.ExecuteAsync($"PRAGMA user_version = {next + 1};", transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
