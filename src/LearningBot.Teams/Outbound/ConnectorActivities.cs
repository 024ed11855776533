using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Bot.Connector;
using Microsoft.Bot.Schema;
using Microsoft.Rest;

namespace LearningBot.Teams.Outbound;

/// <summary>
/// Posts activities to the Bot Connector REST API (https://learn.microsoft.com/azure/bot-service/rest-api/bot-framework-rest-connector-api-reference):
/// <c>POST {serviceUrl}v3/conversations/{conversationId}/activities/{replyToId}</c> (reply), <c>POST …/activities</c> (new message),
/// <c>PUT …/activities/{activityId}</c> (update). An activity <see cref="OutboundActivity"/> can carry is written with System.Text.Json
/// (source-generated) and sent through the turn's own <see cref="ConnectorClient"/>: its HttpClient and its credentials, which put
/// the bot's token on the request exactly as Bot Framework does. Anything else goes through Bot Framework's client unchanged.
/// Errors are Bot Framework's: a status other than 200/201/202 throws <see cref="ErrorResponseException"/> with the response
/// (status and headers such as <c>Retry-After</c>), so callers handle both paths alike.
/// </summary>
internal static class ConnectorActivities
{

    /// <summary>Replies to <paramref name="replyToId"/> in the conversation (in a channel: in that post's thread).</summary>
    public static Task<ResourceResponse> ReplyAsync(IConnectorClient connector, string conversationId, string replyToId, Activity activity,
        CancellationToken cancellationToken) =>
        connector is ConnectorClient client && OutboundActivity.TryFrom(activity) is { } written
            ? SendAsync(client, HttpMethod.Post, conversationId, replyToId, written, cancellationToken)
            : connector.Conversations.ReplyToActivityAsync(conversationId, replyToId, activity, cancellationToken);

    /// <summary>Posts a new message to the conversation (in a channel: a new thread).</summary>
    public static Task<ResourceResponse> SendToConversationAsync(IConnectorClient connector, string conversationId, Activity activity,
        CancellationToken cancellationToken) =>
        connector is ConnectorClient client && OutboundActivity.TryFrom(activity) is { } written
            ? SendAsync(client, HttpMethod.Post, conversationId, activityId: null, written, cancellationToken)
            : connector.Conversations.SendToConversationAsync(conversationId, activity, cancellationToken);

    /// <summary>Replaces the activity <c>activity.Id</c> (a card the person clicked) with this one.</summary>
    public static Task<ResourceResponse> UpdateAsync(IConnectorClient connector, Activity activity, CancellationToken cancellationToken) =>
        connector is ConnectorClient client && OutboundActivity.TryFrom(activity) is { Id: { } id, Conversation.Id: { } conversationId } written
            ? SendAsync(client, HttpMethod.Put, conversationId, id, written, cancellationToken)
            : connector.Conversations.UpdateActivityAsync(activity, cancellationToken);

    private static async Task<ResourceResponse> SendAsync(ConnectorClient client, HttpMethod method, string conversationId, string? activityId,
        OutboundActivity activity, CancellationToken cancellationToken)
    {
        // Written to bytes first so the request has a Content-Length, as Bot Framework's own (a StringContent) has.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(activity, OutboundJsonContext.Default.OutboundActivity));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json", "utf-8");
        using var request = new HttpRequestMessage(method, ActivitiesUri(client.BaseUri, conversationId, activityId)) { Content = content };
        // Bot Framework's client sends the conversation id as a header too (Conversations.ReplyToActivityWithHttpMessagesAsync).
        request.Headers.TryAddWithoutValidation(ConversationConstants.ConversationIdHttpHeaderName, conversationId);
        if (client.Credentials is { } credentials)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        using var response = await client.HttpClient.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status is not (200 or 201 or 202))
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var error = new ErrorResponseException($"Operation returned an invalid status code '{response.StatusCode}'")
            {
                Request = new HttpRequestMessageWrapper(request, null),
                Response = new HttpResponseMessageWrapper(response, body),
            };
            try
            {
                error.Body = Microsoft.Rest.Serialization.SafeJsonConvert.DeserializeObject<ErrorResponse>(body, client.DeserializationSettings);
            }
            catch (Newtonsoft.Json.JsonException)
            {
                // Not Bot Framework's error shape: the status and headers say enough.
            }

            throw error;
        }

        var posted = response.Content.Headers.ContentLength == 0
            ? null
            : await response.Content.ReadFromJsonAsync(OutboundJsonContext.Default.PostedActivity, cancellationToken);
        return new ResourceResponse(posted?.Id);
    }

    /// <summary>
    /// <c>{serviceUrl}v3/conversations/{conversationId}/activities[/{activityId}]</c>, ids escaped as Bot Framework escapes them
    /// (a channel conversation id holds <c>;</c>, <c>:</c> and <c>@</c>).
    /// </summary>
    internal static Uri ActivitiesUri(Uri baseUri, string conversationId, string? activityId)
    {
        var root = baseUri.AbsoluteUri;
        var path = "v3/conversations/" + Uri.EscapeDataString(conversationId) + "/activities"
                   + (activityId is null ? string.Empty : "/" + Uri.EscapeDataString(activityId));
        return new Uri(root.EndsWith('/') ? root + path : root + "/" + path);
    }
}
