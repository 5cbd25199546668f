# Issue 6's scenarios: backing up vios1 backs up lpar2's and lpar3's disks, online, full and
# incremental; GNU tar lists and extracts the archive with holes kept; the catalog, verification
# (a corrupted and a truncated archive), restores (whole, per client partition, refused while in
# use), retention, and a backup to a tape drive that another server partition (vios2) serves to vios1.
# Each It gets a system of its own (vios1 serving both clients, patterns written) and takes the
# backups it needs itself.

Describe 'Backing up a server partition' {
    BeforeAll {
        . ([IO.Path]::Combine($PSScriptRoot, 'TestTools.ps1'))
        function Get-Hash([string] $path) { [Convert]::ToHexString([Security.Cryptography.SHA256]::HashData([IO.File]::ReadAllBytes($path))) }
        function New-Pattern([int] $seed, [int] $length) { $b = [byte[]]::new($length); [Random]::new($seed).NextBytes($b); , $b }

        # A full backup of vios1; sets $fullRoot and $fullData to the images' hashes at that time.
        function New-FullBackup {
            $backup = Start-VScsiBackup -Partition vios1 -Destination $backups -SystemPath $sys
            $script:fullRoot = Get-Hash $root
            $script:fullData = Get-Hash $data
            $backup
        }

        # A change to lpar2's disk, then a compressed incremental; sets $incRoot.
        function New-IncrementalBackup {
            Write-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 10000 -Data (New-Pattern 4 64KB) -Confirm:$false
            $backup = Start-VScsiBackup -Partition vios1 -Destination $backups -Type Incremental -Compress -SystemPath $sys
            $script:incRoot = Get-Hash $root
            $backup
        }

        # vios2 serves vios1 a tape drive with the cartridge weekly loaded; returns vios1's tape device.
        function Connect-Vios2Tape {
            $null = New-VScsiServerAdapter -Partition vios2 -Slot 11 -RemotePartition vios1 -RemoteSlot 20 -SystemPath $sys
            $null = New-VScsiClientAdapter -Partition vios1 -Slot 20 -RemotePartition vios2 -RemoteSlot 11 -SystemPath $sys
            $null = New-VScsiMediaRepository -Partition vios2 -Path ([IO.Path]::Combine($sys, 'vios2lib')) -SystemPath $sys
            $null = New-VScsiTapeCartridge -Partition vios2 -Name weekly -Capacity 64MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios2 -ServerAdapter vhost0 -Tape -SystemPath $sys
            Mount-VScsiMedia -Partition vios2 -Device vttape0 -Media weekly -SystemPath $sys
            Start-VScsiPartition -Name vios2 -SystemPath $sys
            Connect-VScsiClient -Partition vios1 -Slot 20 -SystemPath $sys | Get-VScsiClientDevice
        }
    }

    BeforeEach {
        $sys = Join-Path $TestDrive ([Guid]::NewGuid().ToString('N'))
        $null = New-VScsiSystem -Path $sys
        $backups = [IO.Path]::Combine($sys, 'backups')
        $null = [IO.Directory]::CreateDirectory($backups)
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name vios2 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name lpar3 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition lpar3 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys
        $null = New-VScsiStoragePool -Partition vios1 -Name clients -Path ([IO.Path]::Combine($sys, 'pool')) -SystemPath $sys
        $null = New-VScsiBackingDevice -Pool clients -Name lpar2_root -Size 32MB -SystemPath $sys
        $null = New-VScsiBackingDevice -Pool clients -Name lpar3_data -Size 16MB -SystemPath $sys
        $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice lpar2_root -SystemPath $sys
        $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost1 -BackingDevice lpar3_data -SystemPath $sys
        'vios1', 'lpar2', 'lpar3' | Start-VScsiPartition -SystemPath $sys
        $null = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
        $null = Connect-VScsiClient -Partition lpar3 -SystemPath $sys
        Write-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 0 -Data (New-Pattern 1 1MB) -Confirm:$false
        Write-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 40000 -Data (New-Pattern 2 512KB) -Confirm:$false
        Write-VScsiBlock -Device hdisk0 -Partition lpar3 -Lba 2048 -Data (New-Pattern 3 2MB) -Confirm:$false
        $root = [IO.Path]::Combine($sys, 'pool', 'lpar2_root.img')
        $data = [IO.Path]::Combine($sys, 'pool', 'lpar3_data.img')
    }

    AfterEach {
        'lpar3', 'lpar2', 'vios1', 'vios2' | Stop-VScsiPartition -Confirm:$false -SystemPath $sys -ErrorAction SilentlyContinue
        if ([IO.Directory]::Exists($sys)) { [IO.Directory]::Delete($sys, $true) }
    }

    It 'a full online backup of vios1 holds both clients'' disks and its configuration' {
        $full = New-FullBackup
        $full.Type | Should -Be 'Full'
        $full.Devices -join ',' | Should -Be 'lpar2_root,lpar3_data'
        $full.LogicalBytes | Should -Be (48MB)
        $full.StoredBytes | Should -BeLessThan (4MB)                               # holes are not stored
    }

    It 'GNU tar lists the archive and extracts the images byte for byte with holes kept' {
        $full = New-FullBackup
        $listing = Invoke-Tool 'tar' @('-tvf', $full.Path) $sys
        $listing | Should -Match 'vscsi-config.json'
        $listing | Should -Match 'disks/lpar2_root.img'
        $out = [IO.Path]::Combine($sys, 'extracted')
        $null = [IO.Directory]::CreateDirectory($out)
        $null = Invoke-Tool 'tar' @('-xf', $full.Path) $out
        Get-Hash ([IO.Path]::Combine($out, 'disks', 'lpar2_root.img')) | Should -Be $fullRoot
        $used = Invoke-Tool 'du' @('-k', [IO.Path]::Combine($out, 'disks', 'lpar2_root.img')) $sys
        [int]($used -split '\s+')[0] | Should -BeLessThan 4096                       # 32 MiB image, about 1.5 MiB of data
        [IO.File]::ReadAllText([IO.Path]::Combine($out, 'vscsi-config.json')) | Should -Match 'lpar3_data'
    }

    It 'an incremental after a change stores only the changed extents and names its parent' {
        $full = New-FullBackup
        $inc = New-IncrementalBackup
        $inc.Parent | Should -Be $full.Id
        $inc.StoredBytes | Should -BeLessThan (256KB)
        $inc.Path | Should -Match '\.tar\.zst$'
        (Get-VScsiBackup -Partition vios1 -SystemPath $sys | ForEach-Object Id) -join ',' | Should -Be "$($full.Id),$($inc.Id)"
        (Test-VScsiBackup $inc -SystemPath $sys).IsValid | Should -BeTrue
    }

    It 'a corrupted byte and a truncated archive are detected' {
        $full = New-FullBackup
        $bytes = [IO.File]::ReadAllBytes($full.Path)
        $corrupt = [IO.Path]::Combine($sys, 'corrupt.tar')
        $bytes[600000] = $bytes[600000] -bxor 0x5A
        [IO.File]::WriteAllBytes($corrupt, $bytes)
        $t = Test-VScsiBackup -Archive $corrupt -SystemPath $sys
        $t.IsValid | Should -BeFalse
        ($t.Problems -join "`n") | Should -Match 'disks/lpar2_root.img'
        $truncated = [IO.Path]::Combine($sys, 'truncated.tar')
        [IO.File]::WriteAllBytes($truncated, $bytes[0..($bytes.Length - 2000)])
        (Test-VScsiBackup -Archive $truncated -SystemPath $sys).IsValid | Should -BeFalse
    }

    It 'refuses to overwrite images in use, and restores the chain into a folder exactly' {
        $null = New-FullBackup
        $inc = New-IncrementalBackup
        { Restore-VScsiBackup $inc -Confirm:$false -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'DeviceInUse,*'
        $to = [IO.Path]::Combine($sys, 'restored')
        $r = @(Restore-VScsiBackup $inc -Destination $to -Confirm:$false -SystemPath $sys)
        $r | Should -HaveCount 2
        Get-Hash ([IO.Path]::Combine($to, 'lpar2_root.img')) | Should -Be $incRoot
        Get-Hash ([IO.Path]::Combine($to, 'lpar3_data.img')) | Should -Be $fullData
    }

    It 'restores only one client partition''s disks, over the originals once the partition is stopped' {
        $null = New-FullBackup
        $inc = New-IncrementalBackup
        Write-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 0 -Data (New-Pattern 9 64KB) -Confirm:$false   # damage after the backup
        Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath $sys
        Restore-VScsiBackup $inc -WhatIf -SystemPath $sys
        Get-Hash $root | Should -Not -Be $incRoot
        $r = @(Restore-VScsiBackup $inc -ClientPartition lpar2 -Confirm:$false -SystemPath $sys)
        ($r | ForEach-Object Device) -join ',' | Should -Be 'lpar2_root'
        Get-Hash $root | Should -Be $incRoot
        Start-VScsiPartition -Name vios1 -SystemPath $sys
        $null = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
        [Convert]::ToBase64String((Read-VScsiBlock -Device hdisk0 -Partition lpar2 -Lba 0 -Count 128)) | Should -Be ([Convert]::ToBase64String((New-Pattern 1 1MB)[0..65535]))
    }

    It 'backs up to a tape drive that vios2 serves to vios1, and restores from it' {
        $tape = Connect-Vios2Tape
        $tape.Type | Should -Be 'Tape'
        $b = Start-VScsiBackup -Partition vios1 -Destination $backups -TapeDevice $tape -Compress -SystemPath $sys     # zstd on tape too
        (Get-VScsiTapeCartridge -Name weekly -SystemPath $sys).SizeBytes | Should -BeGreaterThan ($b.ArchiveBytes)
        Set-VScsiTapePosition -Device $tape -Rewind
        $to = [IO.Path]::Combine($sys, 'fromtape')
        $r = @(Restore-VScsiBackup -TapeDevice $tape -Destination $to -Confirm:$false -SystemPath $sys)
        $r | Should -HaveCount 2
        Get-Hash ([IO.Path]::Combine($to, 'lpar2_root.img')) | Should -Be (Get-Hash $root)
        $media = Start-VScsiBackup -Partition vios2 -Destination $backups -IncludeTape -SystemPath $sys      # vios2 owns no disks, only the cartridge
        $media.Devices -join ',' | Should -Be 'tape.weekly'
        (Test-VScsiBackup $media -SystemPath $sys).IsValid | Should -BeTrue
        { Start-VScsiBackup -Partition vios2 -Destination $backups -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'NothingToBackUp,*'
    }

    It 'keeps the newest full backups with -KeepLast, and rebuilds the catalog from the folder' {
        $full = New-FullBackup
        $inc = New-IncrementalBackup
        $null = Start-VScsiBackup -Partition vios1 -Destination $backups -SystemPath $sys
        Remove-VScsiBackup -Partition vios1 -KeepLast 1 -Confirm:$false -SystemPath $sys
        $left = @(Get-VScsiBackup -Partition vios1 -SystemPath $sys)
        $left | Should -HaveCount 1
        [IO.File]::Exists($full.Path) | Should -BeFalse
        [IO.File]::Exists($inc.Path) | Should -BeFalse
        $left[0] | Remove-VScsiBackup -WhatIf -SystemPath $sys
        [IO.File]::Exists($left[0].Path) | Should -BeTrue
        @(Get-VScsiBackup -Partition vios1 -Path $backups -SystemPath $sys) | Should -HaveCount 1
    }

    It 'an incremental after the tracking file is lost says so and takes a full backup' {
        $null = New-FullBackup
        Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath $sys
        [IO.File]::Delete($root + '.cbt')
        $b = Start-VScsiBackup -Partition vios1 -Destination $backups -Type Incremental -SystemPath $sys -WarningVariable lost -WarningAction SilentlyContinue   # offline, from the files
        $b.Type | Should -Be 'Full'
        "$lost" | Should -Match 'lpar2_root: no tracking file existed'
        (Start-VScsiBackup -Partition vios1 -Destination $backups -Type Incremental -SystemPath $sys).Parent | Should -Be $b.Id
    }

    It 'exports the configuration without secrets' {
        $file = [IO.Path]::Combine($sys, 'config.json')
        $null = Export-VScsiConfiguration -Path $file -Partition vios1 -SystemPath $sys
        $json = [IO.File]::ReadAllText($file)
        $json | Should -Match 'lpar2_root'
        $json | Should -Not -Match 'secret'
    }

    It 'imports the export into a new system: -Validate first changes nothing, then the same topology and unit ids' {
        $null = Connect-Vios2Tape
        $file = [IO.Path]::Combine($sys, 'all.json')
        $null = Export-VScsiConfiguration -Path $file -SystemPath $sys
        $other = [IO.Path]::Combine($sys, 'rebuilt')
        $null = New-VScsiSystem -Path $other
        $trial = @(Import-VScsiConfiguration -Path $file -Validate -SystemPath $other)
        @($trial | Where-Object Outcome -eq 'Error') | Should -HaveCount 0
        @($trial | Where-Object Item -eq 'virtual disk lpar2_root').Outcome | Should -Be 'Created'
        @(Get-VScsiPartition -SystemPath $other) | Should -HaveCount 0
        $done = @(Import-VScsiConfiguration -Path $file -Confirm:$false -SystemPath $other)
        @($done | Where-Object Outcome -eq 'Error') | Should -HaveCount 0
        (Get-VScsiPartition -SystemPath $other | ForEach-Object Name) -join ',' | Should -Be ((Get-VScsiPartition -SystemPath $sys | ForEach-Object Name) -join ',')
        (Get-VScsiMapping -Partition vios1 -SystemPath $other | ForEach-Object { "$($_.ServerAdapter)/$($_.Device)/$($_.ViosLun)" }) -join ',' |
            Should -Be ((Get-VScsiMapping -Partition vios1 -SystemPath $sys | ForEach-Object { "$($_.ServerAdapter)/$($_.Device)/$($_.ViosLun)" }) -join ',')
        (Get-VScsiVirtualDisk -Name lpar2_root -SystemPath $other).UnitId | Should -Be (Get-VScsiVirtualDisk -Name lpar2_root -SystemPath $sys).UnitId
        (Get-VScsiMapping -Partition vios2 -SystemPath $other).BackingDevice | Should -Be 'weekly'
        @(Import-VScsiConfiguration -Path $file -Confirm:$false -SystemPath $other | Where-Object Outcome -ne 'Exists') | Should -HaveCount 0
        { Import-VScsiConfiguration -Path $root -SystemPath $other -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidImport,*'
    }
}
