namespace VScsi.Engine.Backup;

/// <summary>A half-open byte range [Offset, Offset + Length) of a disk image: a data extent, a changed run or a hole.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public long End => Offset + Length;

    /// <summary>Splits ranges into pieces of at most <paramref name="maxLength"/> bytes (the unit that carries one checksum).</summary>
    public static List<ByteRange> Split(IEnumerable<ByteRange> ranges, long maxLength)
    {
        var result = new List<ByteRange>();
        foreach (var r in ranges)
            for (var o = r.Offset; o < r.End; o += maxLength)
                result.Add(new ByteRange(o, Math.Min(maxLength, r.End - o)));
        return result;
    }

    /// <summary>The parts of sorted, disjoint <paramref name="a"/> that lie inside sorted, disjoint <paramref name="b"/>.</summary>
    public static List<ByteRange> Intersect(IReadOnlyList<ByteRange> a, IReadOnlyList<ByteRange> b)
    {
        var result = new List<ByteRange>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var start = Math.Max(a[i].Offset, b[j].Offset);
            var end = Math.Min(a[i].End, b[j].End);
            if (start < end) result.Add(new ByteRange(start, end - start));
            if (a[i].End < b[j].End) i++; else j++;
        }
        return result;
    }

    /// <summary>Sorted, disjoint, merged ranges covering both sorted, disjoint <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static List<ByteRange> Union(IReadOnlyList<ByteRange> a, IReadOnlyList<ByteRange> b)
    {
        var result = new List<ByteRange>(a.Count + b.Count);
        int i = 0, j = 0;
        while (i < a.Count || j < b.Count)
        {
            var next = j >= b.Count || (i < a.Count && a[i].Offset <= b[j].Offset) ? a[i++] : b[j++];
            if (result.Count > 0 && next.Offset <= result[^1].End)
                result[^1] = new ByteRange(result[^1].Offset, Math.Max(result[^1].End, next.End) - result[^1].Offset);
            else result.Add(next);
        }
        return result;
    }

    /// <summary>The parts of sorted, disjoint <paramref name="a"/> outside sorted, disjoint <paramref name="b"/>.</summary>
    public static List<ByteRange> Subtract(IReadOnlyList<ByteRange> a, IReadOnlyList<ByteRange> b)
    {
        var result = new List<ByteRange>();
        var j = 0;
        foreach (var r in a)
        {
            var cursor = r.Offset;
            while (j < b.Count && b[j].End <= cursor) j++;
            for (var k = j; k < b.Count && b[k].Offset < r.End; k++)
            {
                if (b[k].Offset > cursor) result.Add(new ByteRange(cursor, b[k].Offset - cursor));
                cursor = Math.Max(cursor, b[k].End);
            }
            if (cursor < r.End) result.Add(new ByteRange(cursor, r.End - cursor));
        }
        return result;
    }
}
