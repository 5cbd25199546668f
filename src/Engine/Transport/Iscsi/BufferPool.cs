using System.Collections.Concurrent;
using System.Numerics;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// The pool a portal's commands take their data buffers from. Unlike <c>ArrayPool.Shared</c>, which
/// keeps arrays of up to 1 GiB per core until the GC feels pressure (what kept 1.2 GB alive after
/// hostile traffic), it keeps at most <see cref="RetainLimit"/> bytes of idle arrays, refuses lengths
/// over <see cref="MaxLength"/>, and counts what is rented so a closed connection can be shown to
/// have given everything back. <see cref="Trim"/> drops every idle array.
/// </summary>
public sealed class BufferPool(int maxLength, long retainLimit)
{
    private const int MinBucketShift = 12;   // 4 KiB
    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _buckets = new();
    private long _retained;
    private long _dropped;
    private long _rentedBytes;
    private int _rented;

    public int MaxLength { get; } = maxLength;

    public long RetainLimit { get; } = retainLimit;

    /// <summary>Arrays rented and not yet returned.</summary>
    public int Rented => Volatile.Read(ref _rented);

    /// <summary>Bytes in arrays rented and not yet returned.</summary>
    public long RentedBytes => Interlocked.Read(ref _rentedBytes);

    /// <summary>Bytes in idle arrays kept for reuse.</summary>
    public long RetainedBytes => Interlocked.Read(ref _retained);

    /// <summary>An array of at least <paramref name="length"/> bytes (rounded up to a power of two), not cleared.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        var size = BucketSize(length);
        byte[]? array = null;
        if (_buckets.TryGetValue(size, out var bucket) && bucket.TryTake(out array)) Interlocked.Add(ref _retained, -array.Length);
        array ??= GC.AllocateUninitializedArray<byte>(size);
        Interlocked.Increment(ref _rented);
        Interlocked.Add(ref _rentedBytes, array.Length);
        return array;
    }

    /// <summary>Takes an array back; kept for reuse while the idle arrays stay under <see cref="RetainLimit"/>, else left to the GC.</summary>
    public void Return(byte[] array)
    {
        Interlocked.Decrement(ref _rented);
        Interlocked.Add(ref _rentedBytes, -array.Length);
        if (array.Length != BucketSize(array.Length)) return;   // not one of ours
        if (Interlocked.Add(ref _retained, array.Length) > RetainLimit)
        {
            Interlocked.Add(ref _retained, -array.Length);
            Interlocked.Add(ref _dropped, array.Length);
            return;
        }
        _buckets.GetOrAdd(array.Length, _ => []).Add(array);
    }

    /// <summary>Drops every idle array (the portal does when its last connection closes).</summary>
    public void Trim()
    {
        foreach (var bucket in _buckets.Values)
        {
            while (bucket.TryTake(out var array))
            {
                Interlocked.Add(ref _retained, -array.Length);
                Interlocked.Add(ref _dropped, array.Length);
            }
        }
    }

    /// <summary>
    /// Whether at least <paramref name="bytes"/> bytes of arrays were left to the GC (over the retain
    /// limit, or trimmed) since the count was last taken; when so, the count starts again from 0.
    /// </summary>
    public bool TakeDropped(long bytes)
    {
        if (Interlocked.Read(ref _dropped) < bytes) return false;
        Interlocked.Exchange(ref _dropped, 0);
        return true;
    }

    private static int BucketSize(int length) => length <= 1 << MinBucketShift ? 1 << MinBucketShift : (int)BitOperations.RoundUpToPowerOf2((uint)length);
}
