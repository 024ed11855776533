using System.Security.Cryptography;
using System.Text;
using LearningBot.Core.Knowledge;
using Microsoft.Data.Sqlite;

namespace LearningBot.Storage.Sqlite.Knowledge;

/// <summary>Writes rows of the <c>search_fts</c> index, inside the caller's transaction.</summary>
internal static class SearchDocuments
{
    public static Task InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string teamId, SearchKind kind,
        string refId, string personId, string title, string body, IReadOnlyList<string> tags, DateTimeOffset createdAt,
        CancellationToken cancellationToken) =>
        connection.ExecuteAsync(
            """
            INSERT INTO search_fts (title, body, tags, team_key, team_id, kind, ref_id, person_id, created_at)
            VALUES ($title, $body, $tags, $teamKey, $teamId, $kind, $refId, $personId, $createdAt)
            """,
            transaction, cancellationToken,
            ("$title", title), ("$body", body), ("$tags", SqliteCommands.JoinTags(tags)), ("$teamKey", TeamKey(teamId)),
            ("$teamId", teamId), ("$kind", (int)kind), ("$refId", refId), ("$personId", personId), ("$createdAt", createdAt.ToUnixMs()));

    /// <summary>
    /// Removes a record's search document and its vectors (before its update re-inserts it, or with its deletion), in the caller's
    /// transaction. The team token's MATCH finds the team's rows through the index; the exact columns then pick the one record.
    /// </summary>
    public static Task DeleteAsync(SqliteConnection connection, SqliteTransaction transaction, string teamId, SearchKind kind, string refId,
        CancellationToken cancellationToken) =>
        DeleteWhereAsync(connection, transaction,
            "rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH $match AND team_id = $teamId AND kind = $kind AND ref_id = $refId)",
            cancellationToken, ("$match", "team_key : " + TeamKey(teamId)), ("$teamId", teamId), ("$kind", (int)kind), ("$refId", refId));

    /// <summary>
    /// Deletes the search documents <paramref name="where"/> selects (a condition on <c>search_fts</c>, a constant of ours) with their
    /// vectors. The vectors must go in the same transaction: FTS5 gives a new row the highest rowid + 1, so the newest document's
    /// rowid comes back for the next one written (or for its own re-insert after an edit), which would otherwise find a vector
    /// already there and never be embedded from its own text.
    /// </summary>
    public static Task DeleteWhereAsync(SqliteConnection connection, SqliteTransaction transaction, string where,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        connection.ExecuteAsync(
            $"""
             DELETE FROM search_vectors WHERE doc_id IN (SELECT rowid FROM search_fts WHERE {where});
             DELETE FROM search_fts WHERE {where};
             """,
            transaction, cancellationToken, parameters);

    /// <summary>
    /// A token that stands for the team inside the FTS index. Digits only after the "t", so neither
    /// the unicode61 tokenizer nor the porter stemmer changes it.
    /// </summary>
    public static string TeamKey(string teamId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(teamId));
        return "t" + BitConverter.ToUInt64(hash, 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
