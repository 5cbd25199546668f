using System.Text;
using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi.Login;

/// <summary>The text format of login and text PDUs (RFC 7143 6.1) and its size bounds.</summary>
public sealed class TextKeysTests
{
    private static byte[] Text(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void Parse_PairsEndedByNul_InOrderWithValuesKeepingTheirEqualsSigns()
    {
        var pairs = TextKeys.Parse(Text("A=1\0B=x=y\0\0C=\0"));
        Assert.Equal([new("A", "1"), new("B", "x=y"), new("C", "")], pairs);
    }

    [Theory]
    [InlineData("novalue\0")]
    [InlineData("=value\0")]
    public void Parse_ItemWithoutAKey_Throws(string text) =>
        Assert.Throws<IscsiProtocolException>(() => TextKeys.Parse(Text(text)));

    [Theory]
    [InlineData(63, true)]
    [InlineData(64, false)]
    public void Parse_KeyName_IsAtMost63Bytes(int length, bool accepted)
    {
        var text = Text(new string('K', length) + "=1\0");
        if (accepted) Assert.Single(TextKeys.Parse(text));
        else Assert.Throws<IscsiProtocolException>(() => TextKeys.Parse(text));
    }

    [Theory]
    [InlineData("", 255, true)]
    [InlineData("", 256, false)]
    [InlineData("0x", 8190, true)]
    [InlineData("0X", 8191, false)]
    [InlineData("0b", 8190, true)]
    [InlineData("0B", 8191, false)]
    public void Parse_Value_IsBoundedBy255BytesOr8192ForBinaryConstants(string prefix, int digits, bool accepted)
    {
        var text = Text("K=" + prefix + new string('a', digits) + "\0");
        if (accepted) Assert.Single(TextKeys.Parse(text));
        else Assert.Throws<IscsiProtocolException>(() => TextKeys.Parse(text));
    }

    [Fact]
    public void Parse_ListOfValues_BoundsEachValue()
    {
        var ok = string.Join(',', Enumerable.Repeat(new string('v', 255), 4));
        Assert.Single(TextKeys.Parse(Text($"K={ok}\0")));
        Assert.Throws<IscsiProtocolException>(() => TextKeys.Parse(Text($"K=a,{new string('v', 256)}\0")));
    }

    [Fact]
    public void Encode_ThenParse_RoundTrips()
    {
        List<KeyValuePair<string, string>> pairs = [new("InitiatorName", "iqn.2026-11.org.vscsi:x"), new("AuthMethod", "CHAP,None")];
        Assert.Equal(pairs, TextKeys.Parse(TextKeys.Encode(pairs)));
    }
}
