<#
.SYNOPSIS
The quick-start scenario: a managed system in a temporary folder where a Virtual I/O Server
partition serves disks from a storage pool to two client partitions (one of which writes and
reads its disk through real SCSI), a second VIOS serves a tape drive to the first, and the first
backs up everything it serves, online, into a folder and onto that tape.

.EXAMPLE
./vscsi -File examples/QuickStart.ps1
#>
param(
    # Where to create the managed system; a new temporary folder by default.
    [string] $SystemPath = (Join-Path ([IO.Path]::GetTempPath()) ('vscsi-quickstart-' + (New-Guid).ToString('N').Substring(0, 8)))
)
$ErrorActionPreference = 'Stop'
$PSDefaultParameterValues['*-VScsi*:SystemPath'] = $SystemPath

# A managed system of its own (New-VScsiSystem refuses a folder that already holds one).
$null = New-VScsiSystem -Path $SystemPath

# Partitions: two Virtual I/O Servers and two AIX/Linux clients.
$null = New-VScsiPartition -Name vios1 -Type Vios
$null = New-VScsiPartition -Name vios2 -Type Vios
$null = New-VScsiPartition -Name lpar2 -Type AixLinux
$null = New-VScsiPartition -Name lpar3 -Type AixLinux

# vios1 serves disks: server slot 11 to lpar2 slot 3, server slot 12 to lpar3 slot 3.
$null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3
$null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -Required
$null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition lpar3 -RemoteSlot 3
$null = New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 12 -Required

# vios2 has a server adapter for vios1 (for its tape drive), written in HMC profile syntax.
Set-VScsiPartitionProfile -Partition vios2 -Name default_profile -VirtualScsiAdapters '21/server/1/vios1/5/0'
Set-VScsiPartitionProfile -Partition vios1 -Name default_profile -VirtualScsiAdapters 'virtual_scsi_adapters+=5/client/2/vios2/21/0'

# vios1 carves a disk for each client from a storage pool and maps it to the client's server adapter.
$null = New-VScsiStoragePool -Partition vios1 -Name clients -Path (Join-Path $SystemPath 'clients') -Size 1GB
foreach ($client in @(@('lpar2', 'vhost0'), @('lpar3', 'vhost1'))) {
    $null = New-VScsiBackingDevice -Pool clients -Name "$($client[0])_root" -Size 256MB
    $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter $client[1] -BackingDevice "$($client[0])_root"
}

# vios2 owns a tape drive with a cartridge, which vios1 reaches as a client: "partitions A and B
# use a tape drive attached to partition D".
$null = New-VScsiMediaRepository -Partition vios2 -Path (Join-Path $SystemPath 'vios2-library')
$null = New-VScsiTapeCartridge -Partition vios2 -Name weekly01 -Capacity 1GB
$null = Add-VScsiTargetDevice -Partition vios2 -ServerAdapter vhost0 -Tape
Mount-VScsiMedia -Partition vios2 -Device vttape0 -Media weekly01

# Activate the servers first (this process serves their disks), then the clients.
'vios1', 'vios2', 'lpar2', 'lpar3' | Start-VScsiPartition

# Each listing goes through Out-Default on its own, so each gets its own table.
"Managed system in $SystemPath"
Get-VScsiPartition | Out-Default
Get-VScsiServerAdapter | Out-Default
Get-VScsiClientAdapter | Out-Default
Get-VScsiPartitionProfile | Out-Default
Get-VScsiMapping | Out-Default
Get-VScsiStoragePool | Out-Default

# lpar2 connects and uses its disk through real SCSI commands.
$session = Connect-VScsiClient -Partition lpar2
$session | Get-VScsiClientDevice | Out-Default
$block = [byte[]]::new(512)
[Text.Encoding]::ASCII.GetBytes('hello from lpar2').CopyTo($block, 0)
Write-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 0 -Data $block -Confirm:$false
"lpar2 read back: " + [Text.Encoding]::ASCII.GetString((Read-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 0 -Count 1), 0, 16)
# Backing up vios1 backs up lpar2's and lpar3's disks: online, into a folder and onto vios2's tape.
$tape = Connect-VScsiClient -Partition vios1 -Slot 5 | Get-VScsiClientDevice
$backups = New-Item -ItemType Directory -Path (Join-Path $SystemPath 'backups')
$backup = Start-VScsiBackup -Partition vios1 -Destination $backups.FullName -TapeDevice $tape -Compress
Get-VScsiBackup | Out-Default
"Backup check: valid = $((Test-VScsiBackup $backup).IsValid)"
Get-VScsiTapeCartridge | Out-Default
$findings = @(Test-VScsiConfiguration)
"Configuration check: $($findings.Count) problem(s)."
$findings | Out-Default
$session | Disconnect-VScsiClient -Confirm:$false
