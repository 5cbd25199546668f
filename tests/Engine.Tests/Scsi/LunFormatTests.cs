using VScsi.Engine.Scsi;

namespace VScsi.Engine.Tests.Scsi;

/// <summary>The documented LUN rules: wire encoding, and VIOS's 0x8N00... form for plain LUN N-1.</summary>
public sealed class LunFormatTests
{
    [Theory]
    [InlineData(0ul, "0x8100000000000000")]
    [InlineData(1ul, "0x8200000000000000")]
    [InlineData(9ul, "0x8a00000000000000")]
    public void ViosText_FollowsLsmap(ulong lun, string expected)
    {
        Assert.Equal(expected, LunFormat.ViosText(lun));
        Assert.Equal(lun, LunFormat.FromVios(LunFormat.ToVios(lun)));
    }

    [Theory]
    [InlineData(0ul)]
    [InlineData(255ul)]
    [InlineData(256ul)]
    [InlineData(16383ul)]
    public void EncodeDecode_RoundTrips(ulong lun)
    {
        var bytes = new byte[8];
        LunFormat.Encode(lun, bytes);
        Assert.Equal(lun, LunFormat.Decode(bytes));
    }
}
