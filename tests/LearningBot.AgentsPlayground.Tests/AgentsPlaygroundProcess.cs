using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LearningBot.AgentsPlayground.Tests;

/// <summary>
/// Microsoft 365 Agents Playground (npm <c>@microsoft/m365agentsplayground</c>, pinned in <c>node/package-lock.json</c>,
/// installed by scripts/install-test-deps.sh) started against the bot on loopback: no browser of its own
/// (<c>TEAMSAPPTESTER_BROWSER=none</c>), no telemetry, every socket bound to 127.0.0.1 (<c>node/loopback-only.js</c>).
/// </summary>
public sealed class AgentsPlaygroundProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentsPlaygroundProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The playground's web UI, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Url { get; }

    /// <summary>What the playground printed (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AgentsPlaygroundProcess> StartAsync(string nodeFolder, Uri botEndpoint, string workingFolder)
    {
        var cli = Path.Combine(nodeFolder, "node_modules", "@microsoft", "m365agentsplayground", "cli.js");
        if (!File.Exists(cli))
        {
            Assert.Fail($"The Agents Playground is not installed at {cli}: run ./scripts/install-test-deps.sh (npm ci in {nodeFolder}).");
        }

        var port = FreePort();
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = workingFolder, // its log file and (absent) config are looked up here, not in the repository
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--require", Path.Combine(nodeFolder, "loopback-only.js"), cli,
                     "--app-endpoint", botEndpoint.ToString(), "--channel-id", "msteams", "--port", port.ToString(),
                     "--service-url", $"http://127.0.0.1:{port}/_connector", "--disable-telemetry",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["TEAMSAPPTESTER_BROWSER"] = "none";
        var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var playground = new AgentsPlaygroundProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Read(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (playground._output)
            {
                playground._output.AppendLine(line);
            }

            if (line.Contains($"Listening on {port}", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => Read(e.Data);
        process.ErrorDataReceived += (_, e) => Read(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        if (await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(30))) != listening.Task)
        {
            await playground.DisposeAsync();
            Assert.Fail($"The Agents Playground did not start listening on {port}:\n{playground.Output}");
        }

        return playground;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
