using LearningBot.Core.Diagnostics;

namespace LearningBot.Web.Hosting;

public static class ChatActivityMiddleware
{
    /// <summary>
    /// Counts every HTTP request in <see cref="ChatActivity"/> while it is served (Slack, Teams, the playground, the dashboard;
    /// Slack's replies after the ack are short and fall inside the embedder's quiet period), so background work that should
    /// only use spare CPU can wait for a gap. WebSocket requests stay open for long and are not counted.
    /// </summary>
    public static IApplicationBuilder UseChatActivity(this IApplicationBuilder app)
    {
        var activity = app.ApplicationServices.GetRequiredService<ChatActivity>();
        return app.Use(async (context, next) =>
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                await next(context);
                return;
            }

            using var scope = activity.Enter();
            await next(context);
        });
    }
}
