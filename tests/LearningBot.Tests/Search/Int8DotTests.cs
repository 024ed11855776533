using LearningBot.Storage.Sqlite.Knowledge.Semantic;

namespace LearningBot.Tests.Search;

/// <summary>
/// <see cref="Int8Vectors.Dot"/> (AVX2's <c>vpmaddubsw</c> idiom where the CPU has it) against the plain sum of products, for the
/// lengths the packaged models use and odd ones (a tail after the 32-wide steps), and at the extremes the quantiser writes (±127
/// everywhere: the largest 16-bit pair sum, 2·127·127).
/// </summary>
public sealed class Int8DotTests
{
    [TestCase(384)]
    [TestCase(8)]
    [TestCase(33)]
    [TestCase(1000)]
    public void The_dot_product_is_the_sum_of_products(int length)
    {
        var random = new Random(length);
        for (var round = 0; round < 200; round++)
        {
            var a = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            var b = Enumerable.Range(0, length).Select(_ => (sbyte)random.Next(-127, 128)).ToArray();
            Assert.That(Int8Vectors.Dot(a, b), Is.EqualTo(Reference(a, b)));
        }
    }

    [TestCase(127, 127)]
    [TestCase(-127, -127)]
    [TestCase(127, -127)]
    [TestCase(-127, 127)]
    public void Extreme_components_do_not_saturate(int x, int y)
    {
        var a = Enumerable.Repeat((sbyte)x, 384).ToArray();
        var b = Enumerable.Repeat((sbyte)y, 384).ToArray();

        Assert.That(Int8Vectors.Dot(a, b), Is.EqualTo(384 * x * y));
    }

    [Test]
    public void Quantised_vectors_of_unit_length_give_back_their_cosine()
    {
        var random = new Random(9);
        var a = Unit(random);
        var b = Unit(random);
        var qa = new sbyte[384];
        var qb = new sbyte[384];
        var scale = Int8Vectors.Quantize(a, qa) * Int8Vectors.Quantize(b, qb);

        var cosine = a.Zip(b, (x, y) => (double)x * y).Sum();
        Assert.That(Int8Vectors.Dot(qa, qb) * scale, Is.EqualTo(cosine).Within(0.01));
    }

    private static int Reference(sbyte[] a, sbyte[] b) => a.Zip(b, (x, y) => x * y).Sum();

    private static float[] Unit(Random random)
    {
        var v = Enumerable.Range(0, 384).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var length = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / length).ToArray();
    }
}
