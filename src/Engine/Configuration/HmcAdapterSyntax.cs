using System.Globalization;
using System.Text;

namespace VScsi.Engine.Configuration;

/// <summary>How an HMC list attribute is applied: <c>=</c> replaces, <c>+=</c> adds, <c>-=</c> removes.</summary>
public enum AdapterListOperation { Replace, Add, Remove }

/// <summary>A parsed <c>virtual_scsi_adapters</c> value with its operation.</summary>
public sealed record AdapterListEdit(AdapterListOperation Operation, IReadOnlyList<AdapterDefinition> Adapters);

/// <summary>
/// Reads and writes the HMC profile attribute
/// <c>virtual_scsi_adapters=slot/server|client/remote-lpar-id/remote-lpar-name/remote-slot/is-required[,...]</c>
/// (mksyscfg/chsyscfg <c>-i</c>), including <c>none</c>, the <c>+=</c>/<c>-=</c> edits and the
/// surrounding double quotes HMC requires when the list holds commas. Formatting what was parsed
/// gives back the same text.
/// </summary>
public static class HmcAdapterSyntax
{
    public const string AttributeName = "virtual_scsi_adapters";
    public const string None = "none";

    /// <summary>Parses a whole value; with no attribute prefix the list replaces what was there.</summary>
    public static AdapterListEdit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            value = value[1..^1].Trim();

        var operation = AdapterListOperation.Replace;
        if (value.StartsWith(AttributeName, StringComparison.OrdinalIgnoreCase))
        {
            var rest = value[AttributeName.Length..];
            (operation, rest) = rest switch
            {
                _ when rest.StartsWith("+=", StringComparison.Ordinal) => (AdapterListOperation.Add, rest[2..]),
                _ when rest.StartsWith("-=", StringComparison.Ordinal) => (AdapterListOperation.Remove, rest[2..]),
                _ when rest.StartsWith('=') => (AdapterListOperation.Replace, rest[1..]),
                _ => throw Invalid(text, $"'{AttributeName}' must be followed by '=', '+=' or '-='."),
            };
            value = rest.Trim();
        }

        if (value.Length == 0)
            throw Invalid(text, $"The adapter list is empty; write '{None}' for no adapters.");
        if (string.Equals(value, None, StringComparison.OrdinalIgnoreCase))
        {
            if (operation != AdapterListOperation.Replace)
                throw Invalid(text, $"'{None}' can only replace the list ('='), not be added or removed.");
            return new AdapterListEdit(operation, Array.Empty<AdapterDefinition>());
        }

        var entries = value.Split(',');
        var adapters = new List<AdapterDefinition>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
            adapters.Add(ParseEntry(entries[i].Trim(), i + 1, entries.Length));
        return new AdapterListEdit(operation, adapters);
    }

    /// <summary>Parses one <c>slot/kind/remote-id/remote-name/remote-slot/is-required</c> entry.</summary>
    public static AdapterDefinition ParseEntry(string entry) => ParseEntry(entry.Trim(), 1, 1);

    private static AdapterDefinition ParseEntry(string entry, int index, int count)
    {
        string Where() => count > 1 ? $"Entry {index} of {count} ('{entry}')" : $"Entry '{entry}'";
        var fields = entry.Split('/');
        if (fields.Length != 6)
            throw Invalid(entry, $"{Where()} has {fields.Length} field(s); expected 6: slot/server|client/remote-lpar-id/remote-lpar-name/remote-slot/is-required.");

        if (!TryNumber(fields[0], out var slot))
            throw Invalid(entry, $"{Where()}: the slot '{fields[0]}' must be a number.");
        AdapterKind kind = fields[1] switch
        {
            "server" => AdapterKind.Server,
            "client" => AdapterKind.Client,
            _ => throw Invalid(entry, $"{Where()}: the adapter type '{fields[1]}' must be 'server' or 'client'."),
        };
        var remoteId = NumberOrAny(fields[2]) ?? throw Invalid(entry, $"{Where()}: the remote partition id '{fields[2]}' must be a number, 'any' or empty.");
        var remoteName = fields[3];
        if (remoteName.Length > 0 && !Names.IsValidPartitionName(remoteName))
            throw Invalid(entry, $"{Where()}: the remote partition name '{remoteName}' may hold only letters, digits, '-', '_' and '.'.");
        var remoteSlot = NumberOrAny(fields[4]) ?? throw Invalid(entry, $"{Where()}: the remote slot '{fields[4]}' must be a number, 'any' or empty.");
        var required = fields[5] switch
        {
            "1" => true,
            "0" => false,
            _ => throw Invalid(entry, $"{Where()}: is-required '{fields[5]}' must be 0 or 1."),
        };

        if (kind == AdapterKind.Client)
        {
            if (remoteId == AdapterDefinition.Any || remoteSlot == AdapterDefinition.Any)
                throw Invalid(entry, $"{Where()}: 'any' is allowed only for a server adapter; a client names its server partition and slot.");
            if (remoteId.Length == 0 && remoteName.Length == 0)
                throw Invalid(entry, $"{Where()}: a client adapter needs the remote partition id or name.");
            if (remoteSlot.Length == 0)
                throw Invalid(entry, $"{Where()}: a client adapter needs the remote (server) slot.");
        }
        else if (remoteId.Length == 0 && remoteName.Length == 0)
        {
            throw Invalid(entry, $"{Where()}: a server adapter needs the remote partition id, name or 'any'.");
        }
        if (remoteId == AdapterDefinition.Any && remoteName.Length > 0)
            throw Invalid(entry, $"{Where()}: the remote partition is 'any', so the remote name must be empty.");

        return new AdapterDefinition(slot, kind, remoteId, remoteName, remoteSlot, required);
    }

    /// <summary>Formats adapters as the attribute value (<c>none</c> for an empty list).</summary>
    public static string Format(IEnumerable<AdapterDefinition> adapters)
    {
        var sb = new StringBuilder();
        foreach (var a in adapters)
        {
            if (sb.Length > 0) sb.Append(',');
            sb.Append(Format(a));
        }
        return sb.Length == 0 ? None : sb.ToString();
    }

    /// <summary>Formats one entry.</summary>
    public static string Format(AdapterDefinition a) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{a.Slot}/{(a.Kind == AdapterKind.Server ? "server" : "client")}/{a.RemoteId}/{a.RemoteName}/{a.RemoteSlot}/{(a.Required ? 1 : 0)}");

    private static bool TryNumber(string s, out int value)
    {
        value = 0;
        return s.Length is > 0 and <= 9 && s.All(char.IsAsciiDigit) && int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static string? NumberOrAny(string s) => s switch
    {
        "" => "",
        AdapterDefinition.Any => AdapterDefinition.Any,
        _ when TryNumber(s, out var n) => n.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    private static ConfigurationException Invalid(string input, string message) =>
        new(ConfigurationError.InvalidAdapterSyntax, message, input);
}
