using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace LearningBot.Embeddings;

/// <summary>
/// Rewrites an ONNX model for dynamic int8 quantisation of its weight matrices, the shape ONNX Runtime's own
/// <c>quantize_dynamic</c> produces (https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html): every
/// <c>MatMul</c> whose second input is a constant 2-D float32 weight becomes
/// <c>DynamicQuantizeLinear(x)</c> → <c>MatMulInteger</c> (weights int8, symmetric, one scale per output column, zero point 0)
/// → <c>Cast</c> to float → <c>Mul</c> by (activation scale × column scales). Everything else (embeddings, layer norms, GELU,
/// attention's activation-by-activation products) stays float32. For all-MiniLM-L6-v2 that is 36 matrices; the model goes from
/// ~90 to ~59 MB (the 47 MB word-embedding table is a <c>Gather</c>, not a <c>MatMul</c>) and a query embeds ~1.6× faster on one
/// thread (docs/search.md, "int8 MiniLM").
/// </summary>
internal static class Int8Quantiser
{
    /// <summary>The rewritten model and how many weight matrices were quantised.</summary>
    /// <param name="Model">A serialised ONNX <c>ModelProto</c>, ready for <c>new InferenceSession(byte[])</c>.</param>
    public sealed record Result(byte[] Model, int Quantised);

    /// <summary>
    /// Reads an ONNX model (protobuf) from <paramref name="model"/> and returns its int8 rewrite. Throws
    /// <see cref="InvalidProtocolBufferException"/> for a stream that is not an ONNX model and <see cref="InvalidDataException"/>
    /// when the model has no weight <c>MatMul</c> to quantise (a different graph than expected: better to fail loading than to
    /// serve the float32 model under the int8 model's id).
    /// </summary>
    public static Result Quantise(Stream model)
    {
        var proto = ModelProto.Parser.ParseFrom(model);
        var graph = proto.Graph;
        var weights = graph.Initializer.ToDictionary(i => i.Name);
        var nodes = graph.Node.ToList();
        graph.Node.Clear();
        var quantised = 0;
        foreach (var node in nodes)
        {
            if (node.OpType != "MatMul" || !weights.TryGetValue(node.Input[1], out var weight) || weight.Dims.Count != 2
                || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.RawData.Length == 0)
            {
                graph.Node.Add(node);
                continue;
            }

            Rewrite(graph, node, weight, $"int8_{quantised++}_");
        }

        if (quantised == 0)
        {
            throw new InvalidDataException("The model has no MatMul with a constant float32 weight to quantise.");
        }

        // The float32 weights are no longer read by any node: drop them (that is where the 90 → 59 MB comes from).
        var used = graph.Node.SelectMany(n => n.Input).ToHashSet();
        var kept = graph.Initializer.Where(i => used.Contains(i.Name)).ToList();
        graph.Initializer.Clear();
        graph.Initializer.Add(kept);
        return new Result(proto.ToByteArray(), quantised);
    }

    private static void Rewrite(GraphProto graph, NodeProto node, TensorProto weight, string p)
    {
        var (rows, columns) = ((int)weight.Dims[0], (int)weight.Dims[1]);
        var values = MemoryMarshal.Cast<byte, float>(weight.RawData.Span);
        // Symmetric per output column: the column's largest magnitude maps to 127 (-128 is never used, as in ORT's symmetric mode).
        var scales = new float[columns];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                scales[c] = Math.Max(scales[c], Math.Abs(values[r * columns + c]));
            }
        }

        for (var c = 0; c < columns; c++)
        {
            scales[c] = scales[c] > 0 ? scales[c] / 127f : 1f;
        }

        var int8 = new byte[rows * columns];
        for (var i = 0; i < int8.Length; i++)
        {
            int8[i] = unchecked((byte)(sbyte)Math.Clamp(MathF.Round(values[i] / scales[i % columns]), -127, 127));
        }

        graph.Initializer.Add(Tensor(p + "weight", TensorProto.Types.DataType.Int8, int8, rows, columns));
        graph.Initializer.Add(Tensor(p + "weight_scale", TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(scales.AsSpan()).ToArray(), columns));
        // x (float) → uint8 with a per-call scale and zero point; MatMulInteger subtracts the zero points (weight's is 0).
        graph.Node.Add(Node("DynamicQuantizeLinear", p, [node.Input[0]], [p + "x", p + "x_scale", p + "x_zero"]));
        graph.Node.Add(Node("MatMulInteger", p, [p + "x", p + "weight", p + "x_zero"], [p + "product"]));
        var cast = Node("Cast", p, [p + "product"], [p + "product_float"]);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Float });
        graph.Node.Add(cast);
        graph.Node.Add(Node("Mul", p + "scale_", [p + "x_scale", p + "weight_scale"], [p + "scale"]));
        graph.Node.Add(Node("Mul", p, [p + "product_float", p + "scale"], [node.Output[0]]));
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
