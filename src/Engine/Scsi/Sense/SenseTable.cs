namespace VScsi.Engine.Scsi.Sense;

/// <summary>Sense key, additional sense code and qualifier of a reason (SPC-5 annex F, table F.1).</summary>
public readonly record struct SenseCode(SenseKey Key, byte Asc, byte Ascq);

/// <summary>The one mapping from <see cref="SenseReason"/> to sense codes.</summary>
public static class SenseTable
{
    public static SenseCode For(SenseReason reason) => reason switch
    {
        SenseReason.None => new(SenseKey.NoSense, 0x00, 0x00),
        SenseReason.InvalidOperationCode => new(SenseKey.IllegalRequest, 0x20, 0x00),
        SenseReason.InvalidFieldInCdb => new(SenseKey.IllegalRequest, 0x24, 0x00),
        SenseReason.InvalidFieldInParameterList => new(SenseKey.IllegalRequest, 0x26, 0x00),
        SenseReason.InvalidFieldInInformationUnit => new(SenseKey.IllegalRequest, 0x0E, 0x03),
        SenseReason.DataPhaseError => new(SenseKey.AbortedCommand, 0x4B, 0x00),
        SenseReason.FilemarkDetected => new(SenseKey.NoSense, 0x00, 0x01),
        SenseReason.EndOfMediumDetected => new(SenseKey.NoSense, 0x00, 0x02),
        SenseReason.BeginningOfMediumDetected => new(SenseKey.NoSense, 0x00, 0x04),
        SenseReason.EndOfDataDetected => new(SenseKey.BlankCheck, 0x00, 0x05),
        SenseReason.VolumeOverflow => new(SenseKey.VolumeOverflow, 0x00, 0x02),
        SenseReason.IncorrectLength => new(SenseKey.NoSense, 0x00, 0x00),
        SenseReason.MediumRemovalPrevented => new(SenseKey.IllegalRequest, 0x53, 0x02),
        SenseReason.MediumMayHaveChanged => new(SenseKey.UnitAttention, 0x28, 0x00),
        SenseReason.ParameterListLengthError => new(SenseKey.IllegalRequest, 0x1A, 0x00),
        SenseReason.LbaOutOfRange => new(SenseKey.IllegalRequest, 0x21, 0x00),
        SenseReason.LogicalUnitNotSupported => new(SenseKey.IllegalRequest, 0x25, 0x00),
        SenseReason.WriteProtected => new(SenseKey.DataProtect, 0x27, 0x00),
        SenseReason.MediumNotPresent => new(SenseKey.NotReady, 0x3A, 0x00),
        SenseReason.UnrecoverableReadError => new(SenseKey.MediumError, 0x11, 0x00),
        SenseReason.WriteError => new(SenseKey.MediumError, 0x0C, 0x00),
        SenseReason.InternalTargetFailure => new(SenseKey.HardwareError, 0x44, 0x00),
        SenseReason.SpaceAllocationFailed => new(SenseKey.DataProtect, 0x27, 0x07),
        SenseReason.MiscompareDuringVerify => new(SenseKey.Miscompare, 0x1D, 0x00),
        SenseReason.SavingParametersNotSupported => new(SenseKey.IllegalRequest, 0x39, 0x00),
        SenseReason.InvalidReleaseOfPersistentReservation => new(SenseKey.IllegalRequest, 0x26, 0x04),
        SenseReason.NotReadyInitializingCommandRequired => new(SenseKey.NotReady, 0x04, 0x02),
        SenseReason.PowerOnReset => new(SenseKey.UnitAttention, 0x29, 0x00),
        SenseReason.LogicalUnitReset => new(SenseKey.UnitAttention, 0x29, 0x03),
        SenseReason.CommandsClearedByAnotherInitiator => new(SenseKey.UnitAttention, 0x2F, 0x00),
        SenseReason.ModeParametersChanged => new(SenseKey.UnitAttention, 0x2A, 0x01),
        SenseReason.ReservationsPreempted => new(SenseKey.UnitAttention, 0x2A, 0x03),
        SenseReason.ReservationsReleased => new(SenseKey.UnitAttention, 0x2A, 0x04),
        SenseReason.RegistrationsPreempted => new(SenseKey.UnitAttention, 0x2A, 0x05),
        SenseReason.CapacityDataChanged => new(SenseKey.UnitAttention, 0x2A, 0x09),
        SenseReason.ReportedLunsDataChanged => new(SenseKey.UnitAttention, 0x3F, 0x0E),
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
