using System.Net;
using System.Net.Sockets;
using LearningBot.Core.Learnings;
using LearningBot.Storage.Cosmos;
using LearningBot.Storage.Cosmos.Learnings;
using LearningBot.Web.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace LearningBot.Tests.Storage;

/// <summary>Cosmos settings validation and what happens when the service keeps failing.</summary>
[TestFixture]
public sealed class CosmosStoreTests
{
    private static CosmosStorageOptions Valid(Action<CosmosStorageOptions>? change = null)
    {
        var options = new CosmosStorageOptions
        {
            Endpoint = "https://example.documents.azure.com:443/",
            Key = Convert.ToBase64String(new byte[64]),
        };
        change?.Invoke(options);
        return options;
    }

    [Test]
    public void Valid_settings_have_no_problems_and_default_to_direct_mode_and_the_learningbot_database()
    {
        var options = Valid();

        Assert.That(options.Validate(), Is.Empty);
        Assert.That(options.ConnectionMode, Is.EqualTo(CosmosConnectionMode.Direct));
        Assert.That(options.Database, Is.EqualTo("learningbot"));
        Assert.That(options.Search, Is.EqualTo(CosmosSearchMode.FullText));
    }

    [Test]
    public void Each_bad_setting_is_named_in_words_an_operator_can_act_on()
    {
        Assert.That(new CosmosStorageOptions().Validate().Single(), Does.Contain("Storage:Cosmos:Endpoint is required"));
        Assert.That(Valid(o => o.Endpoint = "not a url").Validate().Single(), Does.Contain("not an absolute http(s) URL"));
        Assert.That(Valid(o => o.Key = "not base64!").Validate().Single(), Does.Contain("Storage:Cosmos:Key is not a base64"));
        Assert.That(Valid(o => o.Database = "a/b").Validate().Single(), Does.Contain("Storage:Cosmos:Database 'a/b'"));
        Assert.That(Valid(o => o.DeliveryRecordTtl = TimeSpan.FromSeconds(5)).Validate().Single(), Does.Contain("DeliveryRecordTtl"));
        Assert.That(Valid(o => o.AutoscaleMaxThroughput = 1500).Validate().Single(), Does.Contain("AutoscaleMaxThroughput 1500 must be at least 1000 RU/s and a multiple of 1000"));
        Assert.That(Valid(o => o.AutoscaleMaxThroughput = 400).Validate().Single(), Does.Contain("at least 1000 RU/s"));
        Assert.That(Valid(o => o.TeamsContainer = "a/b").Validate().Single(), Does.Contain("Storage:Cosmos:TeamsContainer 'a/b'"));
        Assert.That(Valid(o => o.TeamsContainer = "proactive").Validate().Single(), Does.Contain("not deliveries or proactive"));
        Assert.That(Valid(o => o.AutoscaleMaxThroughput = 4000).Validate(), Is.Empty);
    }

    [TestCase(400)]
    [TestCase(1000)]
    public void Database_throughput_is_refused_with_a_pointer_to_per_container_autoscale(int ru)
    {
        var problem = Valid(o => o.DatabaseThroughput = ru).Validate().Single();

        Assert.That(problem, Does.Contain("Storage:Cosmos:DatabaseThroughput is no longer supported"));
        Assert.That(problem, Does.Contain("vector search"));
        Assert.That(problem, Does.Contain("set Storage:Cosmos:AutoscaleMaxThroughput"));
    }

    [Test]
    public void The_web_host_stops_on_a_database_throughput_setting_and_names_the_new_one()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Storage:Provider", "Cosmos");
            builder.UseSetting("Storage:Cosmos:Endpoint", "https://example.documents.azure.com:443/");
            builder.UseSetting("Storage:Cosmos:DatabaseThroughput", "400");
        });

        var thrown = Assert.Catch(() => factory.CreateClient());

        Assert.That(thrown!.ToString(), Does.Contain("Storage:Cosmos:DatabaseThroughput is no longer supported"));
        Assert.That(thrown.ToString(), Does.Contain("Storage:Cosmos:AutoscaleMaxThroughput"));
    }

    [Test]
    public void No_key_means_azure_ad_and_the_key_never_appears_in_ToString()
    {
        var withKey = Valid();
        var withoutKey = Valid(o => o.Key = null);

        Assert.That(withoutKey.Validate(), Is.Empty);
        Assert.That(withKey.ToString(), Does.Not.Contain(withKey.Key!));
        Assert.That(withKey.ToString(), Does.Contain("Key=***"));
        Assert.That(withoutKey.ToString(), Does.Contain("Azure AD"));
    }

    [Test]
    public void The_web_host_refuses_cosmos_without_an_endpoint_with_a_clear_message()
    {
        var result = new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = "Cosmos" });

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("Storage:Cosmos:Endpoint is required when Storage:Provider is Cosmos"));
        Assert.That(new StorageOptionsValidator().Validate(null, new StorageOptions { Provider = "Cosmos", Cosmos = Valid() }).Succeeded, Is.True);
    }

    [Test]
    public void A_bad_connection_mode_stops_the_web_host_with_the_valid_values()
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Storage:Provider", "Cosmos");
            builder.UseSetting("Storage:Cosmos:Endpoint", "https://example.documents.azure.com:443/");
            builder.UseSetting("Storage:Cosmos:ConnectionMode", "Tcp");
        });

        var thrown = Assert.Catch(() => factory.CreateClient());

        Assert.That(thrown!.ToString(), Does.Contain("Storage:Cosmos:ConnectionMode is Direct or Gateway"));
    }

    [Test]
    public async Task A_service_that_keeps_answering_503_surfaces_as_an_exception_after_the_retries()
    {
        using var server = new FailingServer();
        using var store = new CosmosStore(new CosmosStorageOptions
        {
            Endpoint = server.Endpoint,
            Key = Convert.ToBase64String(new byte[64]),
            ConnectionMode = CosmosConnectionMode.Gateway,
            LimitToEndpoint = true,
        }, NullLogger<CosmosStore>.Instance);
        var learnings = new CosmosLearningRepository(store);

        var entry = new LearningEntry("id", "team", "ann", "text", [], null, DateTimeOffset.UnixEpoch, "key");
        var thrown = Assert.CatchAsync(() => learnings.AddAsync(entry, default));

        Assert.That(thrown, Is.Not.InstanceOf<OperationCanceledException>(), "the pipeline turns only non-cancellation errors into 'nothing was saved'");
        Assert.That(server.Requests, Is.GreaterThanOrEqualTo(4), "the whole operation was retried");
    }

    /// <summary>A loopback HTTP server that answers every request with 503 Service Unavailable.</summary>
    private sealed class FailingServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private int _requests;

        public FailingServer()
        {
            var port = FreePort();
            Endpoint = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Endpoint);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Endpoint { get; }

        public int Requests => Volatile.Read(ref _requests);

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                try
                {
                    var context = await _listener.GetContextAsync();
                    Interlocked.Increment(ref _requests);
                    context.Response.StatusCode = 503;
                    context.Response.ContentType = "application/json";
                    await context.Response.OutputStream.WriteAsync("{\"code\":\"ServiceUnavailable\",\"message\":\"down\"}"u8.ToArray());
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
            }
        }

        private static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }
    }
}
