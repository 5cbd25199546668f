using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

/// <summary>
/// The HMC <c>virtual_scsi_adapters</c> attribute as mksyscfg/chsyscfg <c>-i</c> accept it:
/// slot/server|client/remote-lpar-id/remote-lpar-name/remote-slot/is-required, <c>none</c>,
/// <c>=</c>, <c>+=</c>, <c>-=</c> and the double quotes HMC needs around a list with commas.
/// </summary>
public sealed class HmcAdapterSyntaxTests
{
    private static void AssertInvalid(string value, string fragment)
    {
        var e = Refused.With(ConfigurationError.InvalidAdapterSyntax, () => HmcAdapterSyntax.Parse(value));
        Assert.Contains(fragment, e.Message);
        Assert.NotNull(e.Target);
    }

    [Theory]
    [InlineData("20/client//VIOserver1/23/1,21/client//VIOserver2/23/1")] // IBM's dual-VIOS example
    [InlineData("2/client/5//33/0")]
    [InlineData("2/server/5/nim1/3/0")]
    [InlineData("4/server/any//any/1")]
    [InlineData("none")]
    [InlineData("4/server/7//any/0")]
    [InlineData("4/server/any//12/0")]
    [InlineData("4/server//lpar2/any/0")]
    [InlineData("4/server//lpar2//0")]
    [InlineData("4/server/3///1")]
    [InlineData("3/client/1/vios1/11/1")]
    [InlineData("1023/client/1000/a.b-c_D/1023/0")]
    [InlineData("11/server/2/lpar2/3/1,12/server/any//any/0,5/client/4/D/21/0")]
    [InlineData("2/client/5//33/0,2/client/5//33/0")] // duplicates are the model's concern, not the syntax's
    public void FormatParse_ValidValue_RoundTripsExactly(string value)
    {
        var edit = HmcAdapterSyntax.Parse(value);
        Assert.Equal(AdapterListOperation.Replace, edit.Operation);
        Assert.Equal(value, HmcAdapterSyntax.Format(edit.Adapters));
        Assert.Equal(value == "none" ? 0 : value.Split(',').Length, edit.Adapters.Count);
    }

    [Theory]
    [InlineData("2/client/5//33/0", 2, AdapterKind.Client, "5", "", "33", false)]
    [InlineData("2/server/5/nim1/3/0", 2, AdapterKind.Server, "5", "nim1", "3", false)]
    [InlineData("4/server/any//any/1", 4, AdapterKind.Server, "any", "", "any", true)]
    [InlineData("20/client//VIOserver1/23/1", 20, AdapterKind.Client, "", "VIOserver1", "23", true)]
    public void ParseEntry_ValidEntry_ReadsEveryField(string entry, int slot, AdapterKind kind, string remoteId, string remoteName, string remoteSlot, bool required)
    {
        var expected = new AdapterDefinition(slot, kind, remoteId, remoteName, remoteSlot, required);
        Assert.Equal(expected, HmcAdapterSyntax.ParseEntry(entry));
        Assert.Equal(entry, HmcAdapterSyntax.Format(expected));
        Assert.Equal(entry, expected.ToString());
    }

    [Theory]
    [InlineData("4/server/any//any/1", true, true)]
    [InlineData("4/server//lpar2//1", false, true)]
    [InlineData("4/server/any//3/1", true, false)]
    [InlineData("4/server/2/lpar2/3/1", false, false)]
    [InlineData("3/client/1//11/0", false, false)]
    public void ParseEntry_ServerRemote_AnyMeansAcceptsAnything(string entry, bool anyPartition, bool anySlot)
    {
        var d = HmcAdapterSyntax.ParseEntry(entry);
        Assert.Equal((anyPartition, anySlot), (d.AcceptsAnyPartition, d.AcceptsAnySlot));
    }

    [Theory]
    [InlineData("virtual_scsi_adapters=2/client/5//33/0", AdapterListOperation.Replace)]
    [InlineData("virtual_scsi_adapters+=2/client/5//33/0", AdapterListOperation.Add)]
    [InlineData("virtual_scsi_adapters-=2/client/5//33/0", AdapterListOperation.Remove)]
    [InlineData("\"virtual_scsi_adapters=2/client/5//33/0\"", AdapterListOperation.Replace)]
    [InlineData("\"virtual_scsi_adapters+=2/client/5//33/0\"", AdapterListOperation.Add)]
    [InlineData("\"virtual_scsi_adapters-=2/client/5//33/0\"", AdapterListOperation.Remove)]
    [InlineData("\"2/client/5//33/0\"", AdapterListOperation.Replace)]
    [InlineData("VIRTUAL_SCSI_ADAPTERS+=2/client/5//33/0", AdapterListOperation.Add)]
    [InlineData("  virtual_scsi_adapters+= 2/client/5//33/0  ", AdapterListOperation.Add)]
    [InlineData(" 2/client/5//33/0 ", AdapterListOperation.Replace)]
    public void Parse_PrefixOrQuotes_GivesOperationAndEntry(string value, AdapterListOperation operation)
    {
        var edit = HmcAdapterSyntax.Parse(value);
        Assert.Equal(operation, edit.Operation);
        Assert.Equal(new AdapterDefinition(2, AdapterKind.Client, "5", "", "33", false), Assert.Single(edit.Adapters));
    }

    [Theory]
    [InlineData("\"virtual_scsi_adapters=20/client//VIOserver1/23/1,21/client//VIOserver2/23/1\"", AdapterListOperation.Replace)]
    [InlineData("\"virtual_scsi_adapters+=20/client//VIOserver1/23/1,21/client//VIOserver2/23/1\"", AdapterListOperation.Add)]
    [InlineData("virtual_scsi_adapters-=20/client//VIOserver1/23/1,21/client//VIOserver2/23/1", AdapterListOperation.Remove)]
    [InlineData("20/client//VIOserver1/23/1, 21/client//VIOserver2/23/1", AdapterListOperation.Replace)]
    public void Parse_ListWithPrefixOrQuotes_KeepsEveryEntryInOrder(string value, AdapterListOperation operation)
    {
        var edit = HmcAdapterSyntax.Parse(value);
        Assert.Equal(operation, edit.Operation);
        Assert.Equal("20/client//VIOserver1/23/1,21/client//VIOserver2/23/1", HmcAdapterSyntax.Format(edit.Adapters));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("NONE")]
    [InlineData("virtual_scsi_adapters=none")]
    [InlineData("\"virtual_scsi_adapters=none\"")]
    public void Parse_None_ReplacesWithEmptyList(string value)
    {
        var edit = HmcAdapterSyntax.Parse(value);
        Assert.Equal(AdapterListOperation.Replace, edit.Operation);
        Assert.Empty(edit.Adapters);
        Assert.Equal("none", HmcAdapterSyntax.Format(edit.Adapters));
    }

    [Theory]
    // wrong field count
    [InlineData("2/client/5//33", "has 5 field(s); expected 6")]
    [InlineData("2/client/5//33/0/1", "has 7 field(s); expected 6")]
    [InlineData("2", "has 1 field(s); expected 6")]
    // non-numeric or missing slot
    [InlineData("x/client/5//33/0", "the slot 'x' must be a number")]
    [InlineData("/client/5//33/0", "the slot '' must be a number")]
    [InlineData("-2/client/5//33/0", "the slot '-2' must be a number")]
    [InlineData("+2/client/5//33/0", "the slot '+2' must be a number")]
    [InlineData("9999999999/client/5//33/0", "the slot '9999999999' must be a number")]
    // bad type
    [InlineData("2/host/5//33/0", "the adapter type 'host' must be 'server' or 'client'")]
    [InlineData("2/Server/5//33/0", "the adapter type 'Server' must be 'server' or 'client'")]
    [InlineData("2//5//33/0", "the adapter type '' must be 'server' or 'client'")]
    // bad remote id
    [InlineData("2/client/five//33/0", "the remote partition id 'five' must be a number, 'any' or empty")]
    [InlineData("2/client/-5//33/0", "the remote partition id '-5' must be a number, 'any' or empty")]
    [InlineData("2/server/ANY//any/0", "the remote partition id 'ANY' must be a number, 'any' or empty")]
    // bad name characters
    [InlineData("2/client/5/bad name/33/0", "the remote partition name 'bad name' may hold only letters, digits, '-', '_' and '.'")]
    [InlineData("2/client/5/lpar#2/33/0", "the remote partition name 'lpar#2' may hold only")]
    [InlineData("2/client/5/lpär/33/0", "the remote partition name 'lpär' may hold only")]
    // bad remote slot
    [InlineData("2/client/5//x/0", "the remote slot 'x' must be a number, 'any' or empty")]
    // bad is-required
    [InlineData("2/client/5//33/2", "is-required '2' must be 0 or 1")]
    [InlineData("2/client/5//33/yes", "is-required 'yes' must be 0 or 1")]
    [InlineData("2/client/5//33/", "is-required '' must be 0 or 1")]
    // 'any' on a client
    [InlineData("2/client/any//33/0", "'any' is allowed only for a server adapter")]
    [InlineData("2/client/5//any/0", "'any' is allowed only for a server adapter")]
    // client without remote id/name, or without remote slot
    [InlineData("2/client///33/0", "a client adapter needs the remote partition id or name")]
    [InlineData("2/client/5///0", "a client adapter needs the remote (server) slot")]
    [InlineData("2/client//vios1//1", "a client adapter needs the remote (server) slot")]
    // server without any remote, or 'any' with a name
    [InlineData("2/server///3/0", "a server adapter needs the remote partition id, name or 'any'")]
    [InlineData("2/server/any/x/any/0", "the remote partition is 'any', so the remote name must be empty")]
    // empty list, 'none' with += / -=
    [InlineData("", "The adapter list is empty; write 'none' for no adapters")]
    [InlineData("   ", "The adapter list is empty")]
    [InlineData("\"\"", "The adapter list is empty")]
    [InlineData("virtual_scsi_adapters=", "The adapter list is empty")]
    [InlineData("virtual_scsi_adapters+=", "The adapter list is empty")]
    [InlineData("virtual_scsi_adapters+=none", "'none' can only replace the list ('='), not be added or removed")]
    [InlineData("virtual_scsi_adapters-=none", "'none' can only replace the list")]
    [InlineData("\"virtual_scsi_adapters+=none\"", "'none' can only replace the list")]
    // attribute without an operator; entries that are empty
    [InlineData("virtual_scsi_adapters:2/client/5//33/0", "'virtual_scsi_adapters' must be followed by '=', '+=' or '-='")]
    [InlineData("virtual_scsi_adapters", "must be followed by '=', '+=' or '-='")]
    [InlineData("2/client/5//33/0,,3/client/5//34/0", "Entry 2 of 3 ('') has 1 field(s)")]
    [InlineData("2/client/5//33/0,", "Entry 2 of 2 ('') has 1 field(s)")]
    [InlineData("2/client/5//33/0,3/host/5//34/0", "Entry 2 of 2 ('3/host/5//34/0'): the adapter type 'host'")]
    [InlineData("none,2/client/5//33/0", "Entry 1 of 2 ('none') has 1 field(s)")]
    public void Parse_Malformed_InvalidAdapterSyntaxNamingTheFault(string value, string fragment) => AssertInvalid(value, fragment);

    [Fact]
    public void Parse_SingleMalformedEntry_MessageQuotesTheEntry() =>
        AssertInvalid("2/client/5//33", "Entry '2/client/5//33'");

    [Fact]
    public void Parse_Null_Throws() => Assert.Throws<ArgumentNullException>(() => HmcAdapterSyntax.Parse(null!));

    [Theory]
    [InlineData("02/client/05//033/0", "2/client/5//33/0")]
    [InlineData("\"4/server/any//any/1\"", "4/server/any//any/1")]
    public void Format_ParsedVariant_GivesCanonicalText(string value, string canonical) =>
        Assert.Equal(canonical, HmcAdapterSyntax.Format(HmcAdapterSyntax.Parse(value).Adapters));

    [Fact]
    public void Format_EmptyList_IsNone() => Assert.Equal(HmcAdapterSyntax.None, HmcAdapterSyntax.Format([]));
}
