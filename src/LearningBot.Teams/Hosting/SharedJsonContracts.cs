using System.Collections.Concurrent;
using Microsoft.Bot.Connector;
using Newtonsoft.Json.Serialization;

namespace LearningBot.Teams.Hosting;

/// <summary>
/// Bot Framework's ConnectorClient builds its JSON settings with a new contract resolver for every client, and
/// CloudAdapter makes a client for every turn, so Newtonsoft.Json reflected over the Bot Framework types and emitted
/// fresh IL for every reply — the largest share of a Teams turn's CPU under load (dotnet-trace, docs/performance.md).
/// A contract resolver is stateless apart from its cache, so one instance per resolver type serves every client.
/// </summary>
internal static class SharedJsonContracts
{
    private static readonly ConcurrentDictionary<Type, IContractResolver> Shared = new();

    public static void Apply(IConnectorClient? client)
    {
        if (client is null)
        {
            return;
        }

        client.SerializationSettings.ContractResolver = SharedFor(client.SerializationSettings.ContractResolver);
        client.DeserializationSettings.ContractResolver = SharedFor(client.DeserializationSettings.ContractResolver);
    }

    private static IContractResolver? SharedFor(IContractResolver? resolver) =>
        resolver is null || resolver.GetType().GetConstructor(Type.EmptyTypes) is null
            ? resolver // nothing to share, or not ours to recreate
            : Shared.GetOrAdd(resolver.GetType(), _ => resolver);
}
