@{
    RootModule           = 'VScsi.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e7c1e-2f4d-4a57-9a2e-6c1d3f8e9b41'
    Author               = 'VScsi developers'
    CompanyName          = 'VScsi'
    Copyright            = '(c) VScsi developers'
    Description          = 'Virtual SCSI between logical partitions, the way PowerVM''s Virtual I/O Server does it: partitions with HMC-style profiles, paired server and client adapters, virtual disks and storage pools served with real SCSI (SPC, SBC, MMC, SSC) in process or over iSCSI (RFC 7143), optical media and tape drives, online full and incremental backups, and a Mermaid or Graphviz picture of the topology.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VScsi.format.ps1xml')
    NestedModules        = @('VScsi.Pester.psm1')
    CmdletsToExport      = @(
        'Get-VScsiSystem'
        'New-VScsiSystem'
        'Remove-VScsiSystem'
        'New-VScsiPartition'
        'Get-VScsiPartition'
        'Set-VScsiPartition'
        'Remove-VScsiPartition'
        'Start-VScsiPartition'
        'Get-VScsiIscsiSession'
        'Stop-VScsiPartition'
        'New-VScsiPartitionProfile'
        'Get-VScsiPartitionProfile'
        'Set-VScsiPartitionProfile'
        'Remove-VScsiPartitionProfile'
        'New-VScsiServerAdapter'
        'Set-VScsiServerAdapter'
        'Set-VScsiClientAdapter'
        'Get-VScsiServerAdapter'
        'Remove-VScsiServerAdapter'
        'New-VScsiClientAdapter'
        'Get-VScsiClientAdapter'
        'Remove-VScsiClientAdapter'
        'Test-VScsiConfiguration'
        'New-VScsiVirtualDisk'
        'Get-VScsiVirtualDisk'
        'Remove-VScsiVirtualDisk'
        'Resize-VScsiVirtualDisk'
        'New-VScsiStoragePool'
        'Get-VScsiStoragePool'
        'Remove-VScsiStoragePool'
        'New-VScsiBackingDevice'
        'Get-VScsiBackingDevice'
        'Resize-VScsiBackingDevice'
        'Remove-VScsiBackingDevice'
        'Add-VScsiTargetDevice'
        'Get-VScsiMapping'
        'Remove-VScsiTargetDevice'
        'Connect-VScsiClient'
        'Disconnect-VScsiClient'
        'Get-VScsiClientDevice'
        'Read-VScsiBlock'
        'Write-VScsiBlock'
        'Invoke-VScsiCommand'
        'New-VScsiMediaRepository'
        'Get-VScsiMediaRepository'
        'Remove-VScsiMediaRepository'
        'Add-VScsiMedia'
        'New-VScsiMedia'
        'Get-VScsiMedia'
        'Rename-VScsiMedia'
        'Remove-VScsiMedia'
        'New-VScsiTapeCartridge'
        'Get-VScsiTapeCartridge'
        'Remove-VScsiTapeCartridge'
        'Mount-VScsiMedia'
        'Dismount-VScsiMedia'
        'Write-VScsiTape'
        'Read-VScsiTape'
        'Set-VScsiTapePosition'
        'Start-VScsiBackup'
        'Get-VScsiBackup'
        'Test-VScsiBackup'
        'Restore-VScsiBackup'
        'Remove-VScsiBackup'
        'Export-VScsiConfiguration'
        'Import-VScsiConfiguration'
        'Export-VScsiTopology'
    )
    FunctionsToExport    = @(
        'Register-VScsiShouldOperator'
    )
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('VScsi', 'SCSI', 'iSCSI', 'PowerVM', 'VIOS', 'Storage', 'VirtualSCSI', 'Mermaid', 'Graphviz', 'Linux', 'PSEdition_Core')
            # ProjectUri and LicenseUri are left out on purpose: the project has no public home page
            # and no LICENSE file yet, and a manifest must not point at pages that do not exist.
            ReleaseNotes = @'
0.1.0
- Partitions, HMC-style profiles, server and client adapters with every pairing rule; activation and dynamic add/remove.
- Virtual disks, storage pools and backing devices mapped as virtual target devices (lsmap-style Get-VScsiMapping).
- Serving in process or over iSCSI (RFC 7143, CHAP); client sessions with real SCSI (Read-/Write-VScsiBlock, Invoke-VScsiCommand).
- Media repositories, CD/DVD and tape drives; online full and incremental backups to folders or tape; configuration export and import.
- Export-VScsiTopology draws the managed system as Mermaid or Graphviz DOT.
- Installable with Install-PSResource from the .nupkg that build.ps1 -Task Package writes to output/packages.
'@
        }
    }
}
