namespace VScsi.Engine.Scsi.Sense;

/// <summary>Why a command ended in CHECK CONDITION; <see cref="SenseTable"/> gives the sense key, ASC and ASCQ.</summary>
public enum SenseReason
{
    None,
    InvalidOperationCode,
    InvalidFieldInCdb,
    InvalidFieldInParameterList,
    InvalidFieldInInformationUnit,
    DataPhaseError,
    ParameterListLengthError,
    LbaOutOfRange,
    LogicalUnitNotSupported,
    WriteProtected,
    MediumNotPresent,
    UnrecoverableReadError,
    WriteError,
    InternalTargetFailure,
    SpaceAllocationFailed,
    MiscompareDuringVerify,
    SavingParametersNotSupported,
    InvalidReleaseOfPersistentReservation,
    NotReadyInitializingCommandRequired,
    // Sequential access (SSC-4 4.2.21): with the FILEMARK, EOM and ILI bits in ScsiResult.SenseFlags
    FilemarkDetected,
    EndOfMediumDetected,
    BeginningOfMediumDetected,
    EndOfDataDetected,
    VolumeOverflow,
    IncorrectLength,
    MediumRemovalPrevented,
    // Unit attentions (SPC-5 5.14)
    PowerOnReset,
    LogicalUnitReset,
    CommandsClearedByAnotherInitiator,
    ModeParametersChanged,
    ReservationsPreempted,
    ReservationsReleased,
    RegistrationsPreempted,
    CapacityDataChanged,
    ReportedLunsDataChanged,
    MediumMayHaveChanged,
}
