namespace VScsi.Reliability.Fuzz;

/// <summary>
/// The fuzzer's pseudo-random generator: SplitMix64 (Steele, Lea, Flood 2014), chosen because its
/// output is fixed by the algorithm, not by a runtime version, so a case is the same bytes on every
/// machine. Each case gets its own generator from (seed, index): any case can be replayed alone.
/// </summary>
public sealed class FuzzRandom
{
    private ulong _state;

    public FuzzRandom(ulong state) => _state = state;

    /// <summary>The generator of case <paramref name="index"/> of run <paramref name="seed"/>.</summary>
    public static FuzzRandom For(long seed, long index) => new(Mix((ulong)seed * 0x9E3779B97F4A7C15UL ^ Mix((ulong)index + 0x632BE59BD9B4E019UL)));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>A value in [0, <paramref name="max"/>).</summary>
    public int Next(int max) => max <= 0 ? 0 : (int)((NextUInt64() >> 33) % (ulong)max);

    /// <summary>A value in [<paramref name="min"/>, <paramref name="max"/>).</summary>
    public int Next(int min, int max) => min + Next(max - min);

    public bool Chance(int oneIn) => Next(oneIn) == 0;

    public byte NextByte() => (byte)NextUInt64();

    public void Fill(Span<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++) bytes[i] = NextByte();
    }

    public byte[] Bytes(int length)
    {
        var b = new byte[length];
        Fill(b);
        return b;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A 32-bit field value biased to the edges where length and sequence bugs live.</summary>
    public uint EdgyUInt32() => Next(8) switch
    {
        0 => 0,
        1 => 0xFFFFFFFF,
        2 => 0x7FFFFFFF,
        3 => 0x80000000,
        4 => (uint)Next(1, 1 << 20),
        5 => 1u << Next(32),
        6 => (1u << Next(32)) - 1,
        _ => NextUInt32(),
    };
}
