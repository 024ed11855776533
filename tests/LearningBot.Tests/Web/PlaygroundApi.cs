using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace LearningBot.Tests.Web;

/// <summary>The chat playground's API as the browser page calls it, for tests that talk to the real host through it.</summary>
internal static class PlaygroundApi
{
    /// <summary>
    /// <c>POST /api/playground</c> with <c>{team, user, text}</c>; asserts 200 (failing with the body, e.g. a validation problem)
    /// and returns the reply's plain <c>text</c>.
    /// </summary>
    public static async Task<string> SendAsync(HttpClient client, string user, string text, string team = "acme")
    {
        var response = await client.PostAsJsonAsync("/api/playground", new { team, user, text });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!;
    }
}
