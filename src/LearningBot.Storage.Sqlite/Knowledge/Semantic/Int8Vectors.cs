using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LearningBot.Storage.Sqlite.Knowledge.Semantic;

/// <summary>
/// Symmetric int8 quantisation of L2-normalised embeddings: <c>q[i] = round(x[i] / scale)</c> with
/// <c>scale = max|x| / 127</c>, so <c>x·y ≈ scaleX · scaleY · (qx·qy)</c>. A quarter of float32's memory and scan time;
/// the ranking change it causes is measured by the search quality tool (docs/search.md).
/// </summary>
internal static class Int8Vectors
{
    /// <summary>Quantises <paramref name="vector"/> into <paramref name="into"/> (same length); returns the scale (0 for a zero vector).</summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> into)
    {
        var max = 0f;
        foreach (var x in vector)
        {
            max = MathF.Max(max, MathF.Abs(x));
        }

        if (max == 0f)
        {
            into.Clear();
            return 0f;
        }

        var scale = max / 127f;
        for (var i = 0; i < vector.Length; i++)
        {
            into[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] / scale), -127, 127);
        }

        return scale;
    }

    /// <summary>
    /// The integer dot product of two equally long int8 vectors whose components are in −127..127 (what <see cref="Quantize"/>
    /// writes; −128 is never stored). On AVX2: <c>vpmaddubsw(|a|, sign(b, a))</c> then <c>vpmaddwd</c> with ones, 32 components per
    /// step, the int8 dot-product idiom of x86 (a pair sums to at most 2·127·127 = 32,258, so the 16-bit step cannot saturate);
    /// elsewhere <see cref="Vector{T}"/> widening.
    /// </summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b)
    {
        var sum = 0;
        var i = 0;
        if (Avx2.IsSupported && a.Length >= Vector256<sbyte>.Count)
        {
            ref var pa = ref MemoryMarshal.GetReference(a);
            ref var pb = ref MemoryMarshal.GetReference(b);
            var ones = Vector256.Create((short)1);
            var acc = Vector256<int>.Zero;
            for (; i <= a.Length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var va = Vector256.LoadUnsafe(ref pa, (nuint)i);
                var vb = Vector256.LoadUnsafe(ref pb, (nuint)i);
                var pairs = Avx2.MultiplyAddAdjacent(Avx2.Abs(va), Avx2.Sign(vb, va));
                acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(pairs, ones));
            }

            sum = Vector256.Sum(acc);
        }
        else if (Vector.IsHardwareAccelerated && a.Length >= Vector<sbyte>.Count)
        {
            var va = MemoryMarshal.Cast<sbyte, Vector<sbyte>>(a);
            var vb = MemoryMarshal.Cast<sbyte, Vector<sbyte>>(b);
            var acc = Vector<int>.Zero;
            for (var v = 0; v < va.Length; v++)
            {
                // |q| <= 127, so each product fits a short; the pairwise sums are widened to int before they can overflow.
                Vector.Widen(va[v], out var aLow, out var aHigh);
                Vector.Widen(vb[v], out var bLow, out var bHigh);
                Vector.Widen(aLow * bLow, out var p0, out var p1);
                Vector.Widen(aHigh * bHigh, out var p2, out var p3);
                acc += p0 + p1 + p2 + p3;
            }

            sum = Vector.Sum(acc);
            i = va.Length * Vector<sbyte>.Count;
        }

        for (; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }
}
