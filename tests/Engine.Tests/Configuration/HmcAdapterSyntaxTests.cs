using VScsi.Engine.Configuration;

namespace VScsi.Engine.Tests.Configuration;

public sealed class HmcAdapterSyntaxTests
{
    [Theory]
    [InlineData("20/client//VIOserver1/23/1,21/client//VIOserver2/23/1")]
    [InlineData("2/client/5//33/0")]
    [InlineData("2/server/5/nim1/3/0")]
    [InlineData("4/server/any//any/1")]
    [InlineData("4/server/7//any/0")]
    [InlineData("11/server/2/lpar2/3/1,12/server/any//any/0,5/client/4/D/21/0")]
    [InlineData("none")]
    public void ParseThenFormat_ValidValue_RoundTripsExactly(string value)
    {
        var edit = HmcAdapterSyntax.Parse(value);
        Assert.Equal(AdapterListOperation.Replace, edit.Operation);
        Assert.Equal(value, HmcAdapterSyntax.Format(edit.Adapters));
    }

    [Theory]
    [InlineData("virtual_scsi_adapters=2/client/5//33/0", AdapterListOperation.Replace)]
    [InlineData("virtual_scsi_adapters+=2/client/5//33/0", AdapterListOperation.Add)]
    [InlineData("virtual_scsi_adapters-=2/client/5//33/0", AdapterListOperation.Remove)]
    [InlineData("\"virtual_scsi_adapters+=2/client/5//33/0\"", AdapterListOperation.Add)]
    [InlineData("\"2/client/5//33/0\"", AdapterListOperation.Replace)]
    public void Parse_AttributePrefixAndQuotes_GiveOperation(string value, AdapterListOperation operation)
    {
        var edit = HmcAdapterSyntax.Parse(value);
        Assert.Equal(operation, edit.Operation);
        Assert.Equal(new AdapterDefinition(2, AdapterKind.Client, "5", "", "33", false), Assert.Single(edit.Adapters));
    }

    [Fact]
    public void Parse_Entry_ReadsEveryField()
    {
        var d = HmcAdapterSyntax.ParseEntry("11/server/any//any/1");
        Assert.Equal((11, AdapterKind.Server, true, true, true), (d.Slot, d.Kind, d.AcceptsAnyPartition, d.AcceptsAnySlot, d.Required));
    }

    [Theory]
    [InlineData("2/client/5//33", "has 5 field(s); expected 6")]
    [InlineData("x/client/5//33/0", "the slot 'x' must be a number")]
    [InlineData("2/host/5//33/0", "the adapter type 'host' must be 'server' or 'client'")]
    [InlineData("2/client/five//33/0", "the remote partition id 'five' must be a number, 'any' or empty")]
    [InlineData("2/client/5/bad name/33/0", "the remote partition name 'bad name' may hold only")]
    [InlineData("2/client/5//x/0", "the remote slot 'x' must be a number, 'any' or empty")]
    [InlineData("2/client/5//33/2", "is-required '2' must be 0 or 1")]
    [InlineData("2/client/any//33/0", "'any' is allowed only for a server adapter")]
    [InlineData("2/client///33/0", "a client adapter needs the remote partition id or name")]
    [InlineData("2/client/5///0", "a client adapter needs the remote (server) slot")]
    [InlineData("2/server///3/0", "a server adapter needs the remote partition id, name or 'any'")]
    [InlineData("2/server/any/x/any/0", "the remote partition is 'any', so the remote name must be empty")]
    [InlineData("", "The adapter list is empty")]
    [InlineData("virtual_scsi_adapters+=none", "'none' can only replace the list")]
    [InlineData("virtual_scsi_adapters:2/client/5//33/0", "must be followed by '=', '+=' or '-='")]
    [InlineData("2/client/5//33/0,,3/client/5//34/0", "Entry 2 of 3 ('')")]
    public void Parse_Malformed_ThrowsInvalidAdapterSyntaxNamingTheFault(string value, string fragment)
    {
        var e = Refused.With(ConfigurationError.InvalidAdapterSyntax, () => HmcAdapterSyntax.Parse(value));
        Assert.Contains(fragment, e.Message);
    }
}
