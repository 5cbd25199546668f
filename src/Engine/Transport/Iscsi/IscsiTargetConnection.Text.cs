using System.Net;
using System.Net.Sockets;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>Text requests in the full feature phase (RFC 7143 11.10, SendTargets in appendix C) and Logout (11.14).</summary>
internal sealed partial class IscsiTargetConnection
{
    private async Task OnTextAsync(Pdu pdu)
    {
        if (!Session!.AcceptUntracked(pdu.U32(24), pdu.Immediate)) return;
        List<KeyValuePair<string, string>> keys;
        try
        {
            keys = TextKeys.Parse(pdu.Data);
        }
        catch (IscsiProtocolException e)
        {
            // Keys and values beyond RFC 7143 6.1's bounds: the request is refused, the connection stays.
            _portal.Log($"text request {pdu.Itt:x8} of {Session.InitiatorName} rejected: {e.Message}");
            await RejectAsync(pdu, RejectReason.ProtocolError).ConfigureAwait(false);
            return;
        }
        var answers = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in keys)
        {
            if (key == "SendTargets") answers.AddRange(SendTargets(value));
            else answers.Add(new(key, "NotUnderstood"));
        }
        var reply = new Pdu(Opcode.TextResponse) { Flags = 0x80, Itt = pdu.Itt };
        reply.U32(20, Pdu.ReservedTag);
        await SendAsync(reply, TextKeys.Encode(answers), status: true).ConfigureAwait(false);
    }

    /// <summary>SendTargets (RFC 7143 appendix C): the targets this initiator may use, with the portal it reached.</summary>
    private IEnumerable<KeyValuePair<string, string>> SendTargets(string value)
    {
        var session = Session!;
        var address = _socket.LocalEndPoint is IPEndPoint local
            ? $"{(local.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{local.Address}]" : local.Address.ToString())}:{local.Port},1" : null;
        IEnumerable<IscsiTargetEntry> targets = session.IsDiscovery
            ? value == "All" ? _portal.Targets.Where(t => t.Allows(session.InitiatorName)) : _portal.Targets.Where(t => t.Iqn == value && t.Allows(session.InitiatorName))
            : value is "" || value == session.TargetName ? [Entry!] : [];
        foreach (var t in targets.OrderBy(t => t.Iqn, StringComparer.Ordinal))
        {
            yield return new("TargetName", t.Iqn);
            if (address is not null) yield return new("TargetAddress", address);
        }
    }

    private async Task OnLogoutAsync(Pdu pdu)
    {
        Session!.AcceptUntracked(pdu.U32(24), pdu.Immediate);
        var reason = pdu.Flags & 0x7F;
        var reply = new Pdu(Opcode.LogoutResponse) { Flags = 0x80, Itt = pdu.Itt };
        reply.Header[2] = (byte)(reason == 2 ? 2 : 0);   // connection recovery is not supported at ERL 0
        reply.U16(40, (ushort)Parameters.DefaultTime2Wait);
        reply.U16(42, (ushort)Parameters.DefaultTime2Retain);
        await SendAsync(reply, default, status: true).ConfigureAwait(false);
    }
}
