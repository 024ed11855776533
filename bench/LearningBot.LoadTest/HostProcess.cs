using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace LearningBot.LoadTest;

/// <summary>Resident memory of a process, from /proc/&lt;pid&gt;/status (kB → MB).</summary>
public sealed record MemoryReading(double RssMb, double PeakRssMb);

/// <summary>
/// A server under test in a process of its own (the real host's dll, or this tool in bare-server mode) on a free
/// loopback port, so its memory and CPU are its own and the load generator's are not counted.
/// Its console output goes to a log file (a full pipe would stall it).
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private static readonly List<Process> Running = [];

    private readonly Process _process;
    private readonly StreamWriter _log;
    private bool _disposed;

    static HostProcess()
    {
        // A crash of the load tool must not leave a server running (and holding its port and memory).
        AppDomain.CurrentDomain.UnhandledException += (_, _) => KillRunning();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();
    }

    private HostProcess(Process process, StreamWriter log, string baseUrl)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public int Pid => _process.Id;

    /// <param name="dll">A .NET dll (run with <c>dotnet</c>), or a Node.js script (<c>.js</c>, run with <c>node</c>).</param>
    /// <param name="expectedEnvironment">When set, the server's log must report this hosting environment (it logs at Information).</param>
    public static async Task<HostProcess> StartAsync(string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment,
        string logFile, CancellationToken cancellationToken, string? expectedEnvironment = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(dll.EndsWith(".js", StringComparison.Ordinal) ? "node" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logFile) { AutoFlush = true };
        // ASP.NET Core's own "Hosting environment: …" line says which environment the server really runs in.
        var hostingEnvironment = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        lock (Running)
        {
            Running.Add(process);
        }

        process.OutputDataReceived += (_, e) =>
        {
            Write(log, e.Data);
            if (e.Data?.IndexOf(HostingEnvironmentLine, StringComparison.Ordinal) is >= 0 and var at)
            {
                hostingEnvironment.TrySetResult(e.Data[(at + HostingEnvironmentLine.Length)..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, log, baseUrl);
        await host.WaitUntilLiveAsync(logFile, cancellationToken);
        if (expectedEnvironment is not null)
        {
            // A host that silently ran in Development (e.g. started through launchSettings.json) would measure the wrong thing.
            var actual = await hostingEnvironment.Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
            if (actual != expectedEnvironment)
            {
                await host.DisposeAsync();
                throw new InvalidOperationException($"The server runs in '{actual}', not '{expectedEnvironment}'; see {logFile}.");
            }
        }

        return host;
    }

    private const string HostingEnvironmentLine = "Hosting environment: ";

    /// <summary>VmRSS now and VmHWM (the highest RSS since the process started).</summary>
    public MemoryReading ReadMemory()
    {
        double rss = 0, peak = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line) / 1024.0;
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line) / 1024.0;
                }
            }
        }
        catch (IOException)
        {
            // The process is gone; report what we have.
        }

        return new MemoryReading(rss, peak);
    }

    /// <summary>User + system CPU time the process has used so far (/proc/&lt;pid&gt;/stat, clock ticks of 1/100 s).</summary>
    public TimeSpan CpuTime()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{Pid}/stat");
            // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    private async Task WaitUntilLiveAsync(string logFile, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(2) };
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited with {_process.ExitCode} while starting; see {logFile}.");
            }

            try
            {
                using var response = await client.GetAsync("/health/live", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // slow start
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"The server did not answer /health/live within 60 s; see {logFile}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            // SIGTERM first: the host stops like it would in a container; killed if it takes too long.
            _ = Kill(_process.Id, 15);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        lock (Running)
        {
            Running.Remove(_process);
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static void KillRunning()
    {
        lock (Running)
        {
            foreach (var process in Running.Where(p => !p.HasExited))
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static long Kilobytes(string statusLine) =>
        long.Parse(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
