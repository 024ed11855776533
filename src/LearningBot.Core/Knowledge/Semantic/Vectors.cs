namespace LearningBot.Core.Knowledge.Semantic;

/// <summary>Small vector helpers for embeddings.</summary>
public static class Vectors
{
    /// <summary>Cosine similarity (-1..1) of two vectors of equal length; 0 when either is all zeros.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Vectors of different lengths ({a.Length} and {b.Length}) cannot be compared.", nameof(b));
        }

        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return na == 0 || nb == 0 ? 0 : dot / Math.Sqrt(na * nb);
    }

    /// <summary>The vector as little-endian float32 bytes (how stores keep it).</summary>
    public static byte[] ToBytes(ReadOnlyMemory<float> vector) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.Span).ToArray();

    /// <summary>The inverse of <see cref="ToBytes"/>.</summary>
    public static float[] FromBytes(byte[] bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
