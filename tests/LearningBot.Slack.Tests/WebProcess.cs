using System.Collections.Concurrent;
using System.Diagnostics;

namespace LearningBot.Slack.Tests;

/// <summary>
/// The built LearningBot.Web.dll run by <c>dotnet</c> as its own process: no launchSettings.json applies (that is only
/// <c>dotnet run</c>), so <c>ASPNETCORE_ENVIRONMENT</c> in the settings is the environment it runs in, and
/// <see cref="WaitUntilReadyAsync"/> checks the host's own "Hosting environment: …" log line to prove it.
/// </summary>
internal sealed class WebProcess
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly string? _environment;
    private bool _killed;

    private WebProcess(Process process, string? environment) => (_process, _environment) = (process, environment);

    public string Output => "--- web host output (last lines) ---\n" + string.Join('\n', _output.TakeLast(60));

    /// <summary>Every line the process printed so far (stdout and stderr).</summary>
    public IReadOnlyList<string> Lines => _output.ToList();

    /// <summary>Starts the host on <c>http://127.0.0.1:{port}</c> with these environment variables (<c>Section__Key</c> names).</summary>
    public static WebProcess Start(int port, IReadOnlyDictionary<string, string> settings)
    {
        var dll = WebDll();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // "Hosting environment: …"
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        var web = new WebProcess(process, settings.GetValueOrDefault("ASPNETCORE_ENVIRONMENT"));
        process.OutputDataReceived += (_, e) => web.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => web.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return web;
    }

    /// <summary>Waits for <c>/health/ready</c>, then for the log line that names the environment the settings asked for.</summary>
    public async Task WaitUntilReadyAsync(HttpClient http)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            Assert.That(_process.HasExited, Is.False, $"the web host exited\n{Output}");
            try
            {
                using var response = await http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                Assert.Fail($"The web host was not ready after 60 s\n{Output}");
            }

            await Task.Delay(100);
        }

        if (_environment is not null)
        {
            // Logged when the host has started, which can be a moment after the first answer.
            var line = "Hosting environment: " + _environment;
            for (var i = 0; i < 50 && !_output.Any(l => l.Contains(line, StringComparison.Ordinal)); i++)
            {
                await Task.Delay(100);
            }

            Assert.That(_output, Has.Some.Contains(line), $"the host did not report running in {_environment}\n{Output}");
        }
    }

    /// <summary>For start-up refusals: the exit code once the process has ended by itself (fails after the timeout).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            Assert.Fail($"The web host was still running after {timeout.TotalSeconds:F0} s\n{Output}");
        }

        _process.WaitForExit(); // drains the output readers
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (Process.Kill on Unix), then waits until the process is gone.</summary>
    public void Kill()
    {
        if (_killed)
        {
            return;
        }

        _killed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>src/LearningBot.Web/bin/{configuration}/{tfm}/LearningBot.Web.dll, next to this test's own build output.</summary>
    private static string WebDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (tfm, configuration) = (output.Name, output.Parent!.Name);
        var root = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName; // tests/LearningBot.Slack.Tests/bin/{configuration}/{tfm}
        var web = Path.Combine(root, "src", "LearningBot.Web", "bin", configuration, tfm, "LearningBot.Web.dll");
        Assert.That(File.Exists(web), Is.True, $"build the web host first: {web}");
        return web;
    }
}
