namespace LearningBot.LoadTest;

// An explicit class, not top-level statements: those make a public global Program, which would clash with the web
// host's Program in the test project that references both.
internal static class Program
{
    // dotnet LearningBot.LoadTest.dll run --targets bare,sqlite,bolt,socket@200,cosmos@50 --rates 200,2000 --duration 15 --warmup 15
    // dotnet LearningBot.LoadTest.dll bare-server      (started by `run` as the ceiling; ASPNETCORE_URLS says where)
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "bare-server")
        {
            await BareServer.RunAsync(args[1..]);
            return 0;
        }

        LoadOptions options;
        try
        {
            options = LoadOptions.Parse(args.Length > 0 && args[0] == "run" ? args[1..] : args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine("usage: run [--targets bare,sqlite,bolt,socket@200,cosmos@50] [--rates 200,2000] [--duration 15] [--warmup 15] " +
                                    "[--kind-duration 6] [--repeat N] [--variant NAME|KEY=VALUE...] [--drain-timeout 180] [--cosmos-endpoint URL] " +
                                    "[--host-dll PATH] [--bolt-dir DIR] [--markdown FILE] [--work-dir DIR] [--host-env KEY=VALUE]...");
            return 2;
        }

        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        await using var fakes = await FakePlatforms.StartAsync();
        var results = await new LoadSession(options, fakes, Console.Out).RunAsync(stop.Token);
        var markdown = Report.Markdown(results, options);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (options.MarkdownFile is not null)
        {
            await File.WriteAllTextAsync(options.MarkdownFile, markdown);
        }

        var failed = results.Where(r => r.Audit is { ExactlyOnce: false }).ToList();
        foreach (var r in failed)
        {
            Console.Error.WriteLine((r.Audit!.Drained ? "NOT EXACTLY ONCE" : "NOT DRAINED (stored counts incomplete)") + $": {r.Target} @ {r.Rate}/s: {r.Audit}");
        }

        return failed.Count == 0 ? 0 : 1;
    }
}
