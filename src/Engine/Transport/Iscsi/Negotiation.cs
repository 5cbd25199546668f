using System.Globalization;

namespace VScsi.Engine.Transport.Iscsi;

/// <summary>
/// The operational parameters of a session and connection (RFC 7143 13), as negotiated. Starts at
/// the RFC defaults; <see cref="Answer"/> applies the responder's rule per key and records the result.
/// </summary>
public sealed class SessionParameters
{
    public bool HeaderDigest { get; set; }
    public bool DataDigest { get; set; }
    public int MaxConnections { get; set; } = 1;
    public bool InitialR2T { get; set; } = true;
    public bool ImmediateData { get; set; } = true;

    /// <summary>The most the initiator accepts in one data segment (what the target may send).</summary>
    public int InitiatorMaxRecvDataSegmentLength { get; set; } = 8192;

    /// <summary>The most the target accepts in one data segment (what the initiator may send).</summary>
    public int TargetMaxRecvDataSegmentLength { get; set; } = 8192;

    public int MaxBurstLength { get; set; } = 262144;
    public int FirstBurstLength { get; set; } = 65536;
    public int DefaultTime2Wait { get; set; } = 2;
    public int DefaultTime2Retain { get; set; } = 20;
    public int MaxOutstandingR2T { get; set; } = 1;
    public bool DataPduInOrder { get; set; } = true;
    public bool DataSequenceInOrder { get; set; } = true;
    public int ErrorRecoveryLevel { get; set; }

    /// <summary>What this target offers or accepts when a key is negotiated.</summary>
    public static class Offer
    {
        public const int MaxRecvDataSegmentLength = 262144;
        public const int MaxBurstLength = 16776192;
        public const int FirstBurstLength = 262144;
        public const int MaxOutstandingR2T = 16;
        public const int DefaultTime2Wait = 2;
        public const int DefaultTime2Retain = 20;
    }

    public const int MinSegment = 512;
    public const int MaxSegment = 16777215;

    /// <summary>
    /// The target's answer to an offered operational key, or null when the key is not one of them.
    /// Out-of-range or malformed values are answered "Reject" and change nothing.
    /// </summary>
    public string? Answer(string key, string value)
    {
        switch (key)
        {
            case "HeaderDigest":
            case "DataDigest":
            {
                var choice = value.Split(',').FirstOrDefault(v => v is "CRC32C" or "None");
                if (choice is null) return "Reject";
                if (key == "HeaderDigest") HeaderDigest = choice == "CRC32C";
                else DataDigest = choice == "CRC32C";
                return choice;
            }
            case "MaxConnections":
                return Numeric(value, 1, 65535, v => MaxConnections = Math.Min(v, 1));
            case "InitialR2T":
                return Boolean(value, v => InitialR2T = v, or: true, ours: false);
            case "ImmediateData":
                return Boolean(value, v => ImmediateData = v, or: false, ours: true);
            case "DataPDUInOrder":
                return Boolean(value, v => DataPduInOrder = v, or: true, ours: true);
            case "DataSequenceInOrder":
                return Boolean(value, v => DataSequenceInOrder = v, or: true, ours: true);
            case "IFMarker":
            case "OFMarker":
                return Boolean(value, _ => { }, or: false, ours: false);
            case "IFMarkInt":
            case "OFMarkInt":
                return "Irrelevant";
            case "MaxRecvDataSegmentLength":
                // Declarative: each side states its own; the target's "answer" is its declaration.
                return Numeric(value, MinSegment, MaxSegment, v =>
                {
                    InitiatorMaxRecvDataSegmentLength = v;
                    return TargetMaxRecvDataSegmentLength = Offer.MaxRecvDataSegmentLength;
                });
            case "MaxBurstLength":
                return Numeric(value, MinSegment, MaxSegment, v => MaxBurstLength = Math.Min(v, Offer.MaxBurstLength));
            case "FirstBurstLength":
                return Numeric(value, MinSegment, MaxSegment, v => FirstBurstLength = Math.Min(v, Offer.FirstBurstLength));
            case "DefaultTime2Wait":
                return Numeric(value, 0, 3600, v => DefaultTime2Wait = Math.Max(v, Offer.DefaultTime2Wait));
            case "DefaultTime2Retain":
                return Numeric(value, 0, 3600, v => DefaultTime2Retain = Math.Min(v, Offer.DefaultTime2Retain));
            case "MaxOutstandingR2T":
                return Numeric(value, 1, 65535, v => MaxOutstandingR2T = Math.Min(v, Offer.MaxOutstandingR2T));
            case "ErrorRecoveryLevel":
                return Numeric(value, 0, 2, _ => ErrorRecoveryLevel = 0);
            default:
                return null;
        }
    }

    /// <summary>FirstBurstLength may not exceed MaxBurstLength (RFC 7143 13.14); applied once negotiation ends.</summary>
    public void Settle() => FirstBurstLength = Math.Min(FirstBurstLength, MaxBurstLength);

    private static bool TryNumber(string value, long min, long max, out int result)
    {
        result = 0;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < min || n > max) return false;
        result = (int)n;
        return true;
    }

    private static string Numeric(string value, long min, long max, Func<int, int> negotiate) =>
        TryNumber(value, min, max, out var n) ? Text(negotiate(n)) : "Reject";

    private static string Boolean(string value, Action<bool> apply, bool or, bool ours)
    {
        if (value is not ("Yes" or "No")) return "Reject";
        var theirs = value == "Yes";
        var result = or ? theirs || ours : theirs && ours;
        apply(result);
        return result ? "Yes" : "No";
    }

    private static string Text(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The parameters by their RFC key names, for display.</summary>
    public IReadOnlyDictionary<string, string> ToDictionary() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["HeaderDigest"] = HeaderDigest ? "CRC32C" : "None",
        ["DataDigest"] = DataDigest ? "CRC32C" : "None",
        ["MaxConnections"] = Text(MaxConnections),
        ["InitialR2T"] = InitialR2T ? "Yes" : "No",
        ["ImmediateData"] = ImmediateData ? "Yes" : "No",
        ["MaxRecvDataSegmentLength(initiator)"] = Text(InitiatorMaxRecvDataSegmentLength),
        ["MaxRecvDataSegmentLength(target)"] = Text(TargetMaxRecvDataSegmentLength),
        ["MaxBurstLength"] = Text(MaxBurstLength),
        ["FirstBurstLength"] = Text(FirstBurstLength),
        ["DefaultTime2Wait"] = Text(DefaultTime2Wait),
        ["DefaultTime2Retain"] = Text(DefaultTime2Retain),
        ["MaxOutstandingR2T"] = Text(MaxOutstandingR2T),
        ["DataPDUInOrder"] = DataPduInOrder ? "Yes" : "No",
        ["DataSequenceInOrder"] = DataSequenceInOrder ? "Yes" : "No",
        ["ErrorRecoveryLevel"] = Text(ErrorRecoveryLevel),
    };
}
