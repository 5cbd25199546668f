using VScsi.Engine.Storage;

namespace VScsi.Engine.Tests.Storage;

/// <summary>Tape cartridges in the SIMH tape image format, checked against an independent reader of the published format.</summary>
public sealed class TapeImageTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"vscsi-tape-{Guid.NewGuid():N}");

    public TapeImageTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, true);

    private string NewPath() => Path.Combine(_dir, $"{Guid.NewGuid():N}.tap");

    /// <summary>
    /// An independent reader, written from the SIMH magtape format description only: a 32-bit
    /// little-endian record length, the record, one pad byte when the length is odd, the length
    /// again; a zero word is a tape mark; 0xFFFFFFFF ends the medium. Yields a record's bytes, or
    /// null for a tape mark.
    /// </summary>
    private static List<byte[]?> ReadIndependently(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var objects = new List<byte[]?>();
        var i = 0;
        while (i < bytes.Length)
        {
            var length = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
            if (length == 0)
            {
                objects.Add(null);
                i += 4;
                continue;
            }
            if (length == -1) break;
            objects.Add(bytes[(i + 4)..(i + 4 + length)]);
            var next = i + 4 + length + (length % 2);
            var trailer = bytes[next] | (bytes[next + 1] << 8) | (bytes[next + 2] << 16) | (bytes[next + 3] << 24);
            Assert.Equal(length, trailer);
            i = next + 4;
        }
        return objects;
    }

    private static byte[] Record(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    [Fact]
    public void RecordsAndFilemarks_AreWhatAnIndependentReaderFinds_AndReopenTheSame()
    {
        var path = NewPath();
        var written = new List<byte[]?> { Record(10240, 1), Record(10240, 2), Record(777, 3), null, Record(1, 4), null, null };
        using (var tape = TapeImage.Create(path, 1 << 20))
        {
            foreach (var o in written)
            {
                if (o is null) tape.WriteFilemarks(1);
                else tape.WriteRecord(o);
            }
            Assert.Equal((7, 7, true), (tape.Count, tape.Position, tape.AtEndOfData));
        }
        var independent = ReadIndependently(path);
        Assert.Equal(written.Count, independent.Count);
        for (var i = 0; i < written.Count; i++) Assert.Equal(written[i], independent[i]);

        using var reopened = TapeImage.Open(path, 1 << 20);
        Assert.Equal(7, reopened.Count);
        Assert.Equal(0, reopened.Position);
        var buffer = new byte[20000];
        Assert.Equal(10240, reopened.ReadRecord(buffer));
        Assert.Equal(written[0], buffer[..10240]);
        reopened.Locate(2);
        Assert.Equal(777, reopened.ReadRecord(buffer.AsSpan(0, 100)));      // a short buffer still learns the whole length
        Assert.Equal(-1, reopened.Next);                                      // a filemark
        Assert.Equal(1, reopened.FilemarksBefore(4));
    }

    [Fact]
    public void WritingInTheMiddle_DiscardsWhatFollowed()
    {
        var path = NewPath();
        using var tape = TapeImage.Create(path, 1 << 20);
        for (var i = 0; i < 5; i++) tape.WriteRecord(Record(512, i));
        tape.Locate(2);
        tape.WriteFilemarks(1);
        Assert.Equal((3, 3), (tape.Count, tape.Position));
        Assert.Equal([512, 512, -1], ReadIndependently(path).Select(o => o?.Length ?? -1));
        tape.Rewind();
        tape.Truncate();
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public void FullCartridge_RefusesTheRecordWithoutWritingIt_AfterEarlyWarning()
    {
        var path = NewPath();
        using var tape = TapeImage.Create(path, 100 * 1032);
        var record = Record(1024, 9);
        var sawWarning = false;
        var written = 0;
        try
        {
            while (true)
            {
                tape.WriteRecord(record);
                written++;
                sawWarning |= tape.PastEarlyWarning;
            }
        }
        catch (TapeFullException)
        {
        }
        Assert.True(sawWarning, "early warning came before the end");
        Assert.Equal(100, written);
        Assert.Equal(100, ReadIndependently(path).Count);
    }

    [Fact]
    public void HandBuiltImage_IsReadAsPublished()
    {
        var path = NewPath();
        File.WriteAllBytes(path,
        [
            3, 0, 0, 0, (byte)'a', (byte)'b', (byte)'c', 0, 3, 0, 0, 0,      // a 3-byte record, padded to 4
            0, 0, 0, 0,                                                        // a tape mark
            2, 0, 0, 0, (byte)'x', (byte)'y', 2, 0, 0, 0,                      // a 2-byte record
            0xFF, 0xFF, 0xFF, 0xFF,                                            // end of medium
        ]);
        using var tape = TapeImage.Open(path, 1 << 20, readOnly: true);
        Assert.Equal(3, tape.Count);
        var buffer = new byte[8];
        Assert.Equal(3, tape.ReadRecord(buffer));
        Assert.Equal("abc"u8.ToArray(), buffer[..3]);
        Assert.Equal(-1, tape.Next);
        tape.Locate(2);
        Assert.Equal(2, tape.ReadRecord(buffer));
        Assert.True(tape.AtEndOfData);
        Assert.Throws<UnauthorizedAccessException>(() => tape.WriteFilemarks(1));
    }

    [Theory]
    [InlineData(new byte[] { 4, 0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0 })]           // trailer differs
    [InlineData(new byte[] { 16, 0, 0, 0, 1, 2, 3 })]                         // cut short
    [InlineData(new byte[] { 4, 0, 0, 0x80, 1, 2, 3, 4, 4, 0, 0, 0x80 })]     // a bad-record marker
    public void DamagedImage_IsRefusedWithWhereItIsDamaged(byte[] content)
    {
        var path = NewPath();
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<InvalidDataException>(() => TapeImage.Open(path, 1 << 20));
        Assert.Contains("damaged at byte 0", e.Message);
    }
}
