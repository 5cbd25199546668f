<#
.SYNOPSIS
Serves a scratch disk over iSCSI for a conformance run: a Vios partition whose server adapter
accepts any initiator (libiscsi's suite logs in under two initiator names) with one disk at LUN 0.
Prints "TARGET <iqn>" and then serves on -Portal until SIGTERM or Ctrl+C.
#>
param(
    [Parameter(Mandatory)] [string] $SystemPath,
    [string] $Portal = '127.0.0.1:3260',
    [long] $DiskSize = 256MB,
    [switch] $Thin
)
$ErrorActionPreference = 'Stop'
$PSDefaultParameterValues['*-VScsi*:SystemPath'] = $SystemPath
$null = New-VScsiPartition -Name vios1 -Type Vios
$null = New-VScsiServerAdapter -Partition vios1 -Slot 11
$disk = [IO.Path]::Combine($SystemPath, 'scratch.img')
$null = New-VScsiVirtualDisk -Partition vios1 -Name scratch -Path $disk -Size $DiskSize -Fixed:(-not $Thin)
$null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice scratch
[Console]::Out.WriteLine("TARGET $((Get-VScsiServerAdapter -Partition vios1).IscsiName)")
[Console]::Out.Flush()
Start-VScsiPartition -Name vios1 -IscsiPortal $Portal -Wait -Verbose
