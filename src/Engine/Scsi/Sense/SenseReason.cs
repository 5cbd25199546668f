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
}
