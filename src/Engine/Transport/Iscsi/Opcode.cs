namespace VScsi.Engine.Transport.Iscsi;

/// <summary>PDU opcodes (RFC 7143 11.2.1.2): initiator opcodes below 20h, target opcodes from 20h.</summary>
public static class Opcode
{
    public const byte NopOut = 0x00;
    public const byte ScsiCommand = 0x01;
    public const byte TaskManagementRequest = 0x02;
    public const byte LoginRequest = 0x03;
    public const byte TextRequest = 0x04;
    public const byte DataOut = 0x05;
    public const byte LogoutRequest = 0x06;
    public const byte Snack = 0x10;

    public const byte NopIn = 0x20;
    public const byte ScsiResponse = 0x21;
    public const byte TaskManagementResponse = 0x22;
    public const byte LoginResponse = 0x23;
    public const byte TextResponse = 0x24;
    public const byte DataIn = 0x25;
    public const byte LogoutResponse = 0x26;
    public const byte ReadyToTransfer = 0x31;
    public const byte AsyncMessage = 0x32;
    public const byte Reject = 0x3F;
}

/// <summary>Reject reasons (RFC 7143 11.17.1).</summary>
public static class RejectReason
{
    public const byte DataDigestError = 0x02;
    public const byte SnackReject = 0x03;
    public const byte ProtocolError = 0x04;
    public const byte CommandNotSupported = 0x05;
    public const byte ImmediateCommandReject = 0x06;
    public const byte TaskInProgress = 0x07;
    public const byte InvalidPduField = 0x09;
}

/// <summary>Login status class and detail (RFC 7143 11.13.5), as one 16-bit value.</summary>
public static class LoginStatus
{
    public const ushort Success = 0x0000;
    public const ushort InitiatorError = 0x0200;
    public const ushort AuthenticationFailure = 0x0201;
    public const ushort AuthorizationFailure = 0x0202;
    public const ushort NotFound = 0x0203;
    public const ushort TargetRemoved = 0x0204;
    public const ushort UnsupportedVersion = 0x0205;
    public const ushort TooManyConnections = 0x0206;
    public const ushort MissingParameter = 0x0207;
    public const ushort CannotIncludeInSession = 0x0208;
    public const ushort SessionTypeNotSupported = 0x0209;
    public const ushort SessionDoesNotExist = 0x020A;
    public const ushort InvalidDuringLogin = 0x020B;
    public const ushort TargetError = 0x0300;
    public const ushort ServiceUnavailable = 0x0301;
    public const ushort OutOfResources = 0x0302;

    public static string Describe(ushort status) => status switch
    {
        Success => "success",
        AuthenticationFailure => "authentication failure",
        AuthorizationFailure => "authorization failure (the initiator may not use this target)",
        NotFound => "target not found",
        TargetRemoved => "target removed",
        UnsupportedVersion => "unsupported version",
        TooManyConnections => "too many connections",
        MissingParameter => "missing parameter",
        CannotIncludeInSession => "cannot include in session",
        SessionTypeNotSupported => "session type not supported",
        SessionDoesNotExist => "session does not exist",
        InvalidDuringLogin => "invalid request during login",
        ServiceUnavailable => "service unavailable (the partition is not serving)",
        OutOfResources => "out of resources",
        _ when status >> 8 == 2 => $"initiator error 0x{status:x4}",
        _ when status >> 8 == 3 => $"target error 0x{status:x4}",
        _ => $"status 0x{status:x4}",
    };
}

/// <summary>Task management functions (RFC 7143 11.5.1) and responses (11.6.1).</summary>
public static class TaskFunction
{
    public const byte AbortTask = 1;
    public const byte AbortTaskSet = 2;
    public const byte ClearAca = 3;
    public const byte ClearTaskSet = 4;
    public const byte LogicalUnitReset = 5;
    public const byte TargetWarmReset = 6;
    public const byte TargetColdReset = 7;
    public const byte TaskReassign = 8;

    public const byte FunctionComplete = 0;
    public const byte TaskDoesNotExist = 1;
    public const byte LunDoesNotExist = 2;
    public const byte ReassignNotSupported = 4;
    public const byte FunctionNotSupported = 5;
    public const byte FunctionRejected = 255;
}
