# Issue 5's scenarios: a VIOS with a media repository serves a DVD drive and a tape drive. An ISO
# made by genisoimage reads back its ISO 9660 primary volume descriptor through a client, in
# process and over iSCSI (libiscsi's iscsi-inq and our initiator); a GNU tar archive written to tape
# through a client comes back byte-identical, tar lists it, and the cartridge file agrees record
# for record with a reader written here from the SIMH format description; media and tape rules.
# Each It gets a system of its own (vios1 with a media repository, lpar2 with an adapter for the
# DVD drive and one for the shared tape drive) and sets up the drives and media it needs itself.

Describe 'Optical and tape drives served by a VIOS' {
    BeforeAll {
        $work = Join-Path $TestDrive 'work'
        $null = [IO.Directory]::CreateDirectory($work)

        . ([IO.Path]::Combine($PSScriptRoot, 'TestTools.ps1'))

        # The records and tape marks of a SIMH tape image (32-bit little-endian length before and
        # after each record, data padded to even length, a zero word for a tape mark), read from
        # the format description alone: a list of byte arrays, $null for each tape mark.
        function Read-SimhTape([string] $path) {
            $bytes = [IO.File]::ReadAllBytes($path)
            $objects = [Collections.Generic.List[object]]::new()
            $at = 0
            while ($at + 4 -le $bytes.Length) {
                $length = [BitConverter]::ToUInt32($bytes, $at)
                $at += 4
                if ($length -eq 0) { $objects.Add($null); continue }
                if ($length -ge 4294967294) { break }                 # end of medium, erase gap
                $record = [byte[]]::new($length)
                [Array]::Copy($bytes, $at, $record, 0, $length)
                $at += $length + ($length % 2)
                if ([BitConverter]::ToUInt32($bytes, $at) -ne $length) { throw "record at ${at}: trailing length differs" }
                $at += 4
                $objects.Add($record)
            }
            , $objects
        }

        # The ISO and the blank DVD-RAM medium in the repository.
        function Add-TestMedia {
            $null = Add-VScsiMedia -Path $iso -Name install -ReadOnly -SystemPath $sys
            $null = New-VScsiMedia -Name scratch -Size 4MB -SystemPath $sys
        }

        # $count DVD drives on vhost0 (vtopt0, vtopt1, ...).
        function Add-OpticalDrive([int] $count = 1) {
            for ($i = 0; $i -lt $count; $i++) { $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -Optical -SystemPath $sys }
        }

        # Serves vios1 (also over iSCSI on loopback), starts lpar2 and connects its DVD adapter (slot 3).
        function Connect-Optical {
            Start-VScsiPartition -Name vios1 -IscsiPortal 127.0.0.1:0 -SystemPath $sys
            Start-VScsiPartition -Name lpar2 -SystemPath $sys
            Connect-VScsiClient -Partition lpar2 -Slot 3 -SystemPath $sys
        }

        # The tape drive vttape0 with cartridge backup01 on vhost1, lpar2 connected to it (slot 4):
        # sets $t2 (the session) and $rmt (lpar2's rmt0).
        function Connect-Tape {
            $null = New-VScsiTapeCartridge -Name backup01 -Capacity 32MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost1 -Tape -SystemPath $sys
            Mount-VScsiMedia -Device vttape0 -Media backup01 -SystemPath $sys
            $null = Connect-Optical
            $script:t2 = Connect-VScsiClient -Partition lpar2 -Slot 4 -SystemPath $sys
            $script:rmt = @($t2 | Get-VScsiClientDevice)[0]
        }

        # Writes content.tar (10 KiB records), a filemark, then the ISO (64 KiB records) to $rmt.
        function Write-TestTape {
            Set-VScsiTapePosition -Device $rmt -Rewind
            Write-VScsiTape -Device $rmt -Path $tar -BlockSize 10240 -Confirm:$false
            Write-VScsiTape -Device $rmt -Path $iso -BlockSize 65536 -Confirm:$false         # a second file after the filemark
        }

        # Connects another initiator over iSCSI to vhost1 (the 'any' adapter): sets $other and $rmtOther.
        function Connect-OtherInitiator {
            $portal = (Get-VScsiPartition -Name vios1 -SystemPath $sys).IscsiPortal
            $target = (Get-VScsiServerAdapter -Partition vios1 -Name vhost1 -SystemPath $sys).IscsiName   # an 'any' adapter admits any initiator
            $script:other = Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName 'iqn.2026-12.org.example:backup-host'
            $script:rmtOther = @($other | Get-VScsiClientDevice)[0]
        }

        $content = [IO.Path]::Combine($work, 'content')
        $null = [IO.Directory]::CreateDirectory($content)
        [IO.File]::WriteAllText([IO.Path]::Combine($content, 'README.TXT'), 'VScsi optical acceptance')
        $iso = [IO.Path]::Combine($work, 'install.iso')
        $null = Invoke-Tool 'genisoimage' @('-quiet', '-V', 'VSCSI_TEST', '-o', $iso, $content) $work
        $payload = [byte[]]::new(300000)
        [Random]::new(5).NextBytes($payload)
        [IO.File]::WriteAllBytes([IO.Path]::Combine($content, 'payload.bin'), $payload)
        $tar = [IO.Path]::Combine($work, 'content.tar')
        $null = Invoke-Tool 'tar' @('-b', '20', '-cf', $tar, '-C', $work, 'content') $work
    }

    BeforeEach {
        $sys = Join-Path $TestDrive ([Guid]::NewGuid().ToString('N'))
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -SystemPath $sys               # any client: the shared tape drive
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 4 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys
        $null = New-VScsiMediaRepository -Partition vios1 -Path ([IO.Path]::Combine($sys, 'VMLibrary')) -Size 64MB -SystemPath $sys
    }

    AfterEach {
        'lpar2', 'vios1' | Stop-VScsiPartition -Confirm:$false -SystemPath $sys -ErrorAction SilentlyContinue
        if ([IO.Directory]::Exists($sys)) { [IO.Directory]::Delete($sys, $true) }
    }

    It 'adds an ISO and blank media to the repository and refuses bad media' {
        $m = Add-VScsiMedia -Path $iso -Name install -ReadOnly -SystemPath $sys
        $m.ReadOnly | Should -BeTrue
        $m.Owned | Should -BeTrue
        [IO.File]::Exists($m.Path) | Should -BeTrue
        $null = New-VScsiMedia -Name scratch -Size 4MB -SystemPath $sys
        (Get-VScsiMediaRepository -Partition vios1 -SystemPath $sys).Media -join ',' | Should -Be 'install,scratch'
        { Add-VScsiMedia -Path $iso -Name install -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'MediaNameInUse,*'
        { New-VScsiMedia -Name odd -Size 1000 -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'MediaSizeInvalid,*'
        { New-VScsiMedia -Name huge -Size 1GB -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'MediaRepositoryFull,*'
    }

    It 'an empty drive answers NOT READY, MEDIUM NOT PRESENT, and a loaded one reads the ISO 9660 descriptor' {
        Add-TestMedia
        Add-OpticalDrive
        (Get-VScsiMapping -Partition vios1 -ServerAdapter vhost0 -SystemPath $sys).Device | Should -Be 'vtopt0'
        $s2 = Connect-Optical
        $cd = @($s2 | Get-VScsiClientDevice)
        $cd[0].Name | Should -Be 'cd0'
        $cd[0].Type | Should -Be 'Optical'
        (Invoke-VScsiCommand -Device $cd[0] -Cdb ([byte[]](0, 0, 0, 0, 0, 0)) -Confirm:$false).Description | Should -Be 'Medium not present'

        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        $r = Invoke-VScsiCommand -Device $cd[0] -Cdb ([byte[]](0, 0, 0, 0, 0, 0)) -Confirm:$false
        $r.SenseKey | Should -Be 'UnitAttention'
        $r.Asc | Should -Be 0x28
        $cd = @($s2 | Get-VScsiClientDevice)
        $cd[0].BlockSize | Should -Be 2048
        $cd[0].CapacityBytes | Should -Be ([IO.FileInfo]::new($iso).Length)
        $pvd = Read-VScsiBlock -Device cd0 -Lba 16 -Count 1
        $pvd[0] | Should -Be 1
        [Text.Encoding]::ASCII.GetString($pvd, 1, 5) | Should -Be 'CD001'
        [Text.Encoding]::ASCII.GetString($pvd, 40, 10) | Should -Be 'VSCSI_TEST'
    }

    It 'refuses to eject while the client prevents removal, unless forced' {
        Add-TestMedia
        Add-OpticalDrive
        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        $null = Connect-Optical
        $null = Invoke-VScsiCommand -Device cd0 -Cdb ([byte[]](0, 0, 0, 0, 0, 0)) -Confirm:$false   # takes any unit attention
        $null = Invoke-VScsiCommand -Device cd0 -Cdb ([byte[]](0x1E, 0, 0, 0, 1, 0)) -Confirm:$false
        { Dismount-VScsiMedia -Device vtopt0 -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'MediumRemovalPrevented,*'
        (Get-VScsiMedia -Name install -SystemPath $sys).LoadedIn -join ',' | Should -Be 'vtopt0'
        { Remove-VScsiMedia -Name install -Confirm:$false -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'MediaLoaded,*'
        Dismount-VScsiMedia -Device vtopt0 -Force -SystemPath $sys
        @((Get-VScsiMedia -Name install -SystemPath $sys).LoadedIn) | Should -HaveCount 0
        (Invoke-VScsiCommand -Device cd0 -Cdb ([byte[]](0, 0, 0, 0, 0, 0)) -Confirm:$false).Description | Should -Be 'Medium not present'
    }

    It 'a client ejecting the disc (START STOP UNIT) unloads it in the configuration too' {
        Add-TestMedia
        Add-OpticalDrive
        $null = Connect-Optical
        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        $null = Invoke-VScsiCommand -Device cd0 -Cdb ([byte[]](0, 0, 0, 0, 0, 0)) -Confirm:$false   # takes the medium-changed unit attention
        $r = Invoke-VScsiCommand -Device cd0 -Cdb ([byte[]](0x1B, 0, 0, 0, 2, 0)) -Confirm:$false       # LoEj=1, Start=0
        $r.Status | Should -Be 'Good'
        (Get-VScsiMapping -Partition vios1 -ServerAdapter vhost0 -SystemPath $sys | Where-Object Device -eq 'vtopt0').BackingDevice | Should -BeNullOrEmpty
        @((Get-VScsiMedia -Name install -SystemPath $sys).LoadedIn) | Should -HaveCount 0
    }

    It 'loads read-only media in two drives but rewritable media in one' {
        Add-TestMedia
        Add-OpticalDrive 2
        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        Mount-VScsiMedia -Device vtopt1 -Media install -SystemPath $sys
        (Get-VScsiMedia -Name install -SystemPath $sys).LoadedIn -join ',' | Should -Be 'vtopt0,vtopt1'
        { Mount-VScsiMedia -Device vtopt1 -Media scratch -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'DriveNotEmpty,*'
        Mount-VScsiMedia -Device vtopt1 -Media scratch -Force -SystemPath $sys
        Dismount-VScsiMedia -Device vtopt0 -SystemPath $sys
        { Mount-VScsiMedia -Device vtopt0 -Media scratch -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'MediaInUse,*'
    }

    It 'writes and reads back DVD-RAM media' {
        Add-TestMedia
        Add-OpticalDrive 2
        Mount-VScsiMedia -Device vtopt1 -Media scratch -SystemPath $sys
        $s2 = Connect-Optical
        $cd1 = @($s2 | Get-VScsiClientDevice) | Where-Object Name -eq 'cd1'
        $data = [byte[]]::new(4096)
        for ($i = 0; $i -lt $data.Length; $i++) { $data[$i] = $i % 199 }
        Write-VScsiBlock -Device $cd1 -Lba 10 -Data $data -Confirm:$false
        [Convert]::ToBase64String((Read-VScsiBlock -Device $cd1 -Lba 10 -Count 2)) | Should -Be ([Convert]::ToBase64String($data))
    }

    It 'reads the ISO over iSCSI: libiscsi sees a CD/DVD drive and reads sector 16, and so does our initiator' {
        Add-TestMedia
        Add-OpticalDrive
        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        $null = Connect-Optical
        $portal = (Get-VScsiPartition -Name vios1 -SystemPath $sys).IscsiPortal
        $target = (Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys).IscsiName
        $initiator = (Get-VScsiClientAdapter -Partition lpar2 -Name vscsi0 -SystemPath $sys).InitiatorName
        $inq = Invoke-Tool 'iscsi-inq' @('-i', $initiator, "iscsi://$portal/$target/0") $work
        $inq | Should -Match 'Peripheral Device Type:MMC'
        $inq | Should -Match 'Removable:1'
        $reader = [IO.Path]::Combine($work, 'iscsi-read-block')
        $null = Invoke-Tool 'cc' @('-o', $reader, [IO.Path]::Combine($PSScriptRoot, 'tools', 'iscsi-read-block.c'), '-liscsi') $work
        $sector = [IO.Path]::Combine($work, 'sector16.bin')
        $start = [Diagnostics.ProcessStartInfo]::new('sh')
        foreach ($a in @('-c', "'$reader' '$initiator' 'iscsi://$portal/$target/0' 16 1 2048 > '$sector'")) { $start.ArgumentList.Add($a) }
        $p = [Diagnostics.Process]::Start($start)
        $p.WaitForExit()
        $p.ExitCode | Should -Be 0
        [Text.Encoding]::ASCII.GetString([IO.File]::ReadAllBytes($sector), 1, 5) | Should -Be 'CD001'     # through libiscsi's initiator
        $remote = Connect-VScsiClient -Portal $portal -TargetName $target -InitiatorName $initiator
        $cd = @($remote | Get-VScsiClientDevice) | Where-Object Lun -eq 0
        $pvd = Read-VScsiBlock -Device $cd -Lba 16 -Count 1
        [Text.Encoding]::ASCII.GetString($pvd, 1, 5) | Should -Be 'CD001'
        Disconnect-VScsiClient -Session $remote -Confirm:$false
    }

    It 'a GNU tar archive written to tape comes back byte-identical and tar lists it' {
        Connect-Tape
        $rmt.Name | Should -Be 'rmt0'
        $rmt.Type | Should -Be 'Tape'
        Write-TestTape
        (Set-VScsiTapePosition -Device $rmt -Rewind -PassThru).BeginningOfPartition | Should -BeTrue
        $back = [IO.Path]::Combine($work, 'back.tar')
        $null = Read-VScsiTape -Device $rmt -Path $back
        [Convert]::ToBase64String([IO.File]::ReadAllBytes($back)) | Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($tar)))
        Invoke-Tool 'tar' @('-tf', $back) $work | Should -Match 'content/payload.bin'
        $second = [IO.Path]::Combine($work, 'second.iso')
        $null = Read-VScsiTape -Device $rmt -Path $second
        [IO.FileInfo]::new($second).Length | Should -Be ([IO.FileInfo]::new($iso).Length)
        $eod = [IO.Path]::Combine($work, 'eod.bin')
        $null = Read-VScsiTape -Device $rmt -Path $eod                                   # BLANK CHECK at end of data: nothing more
        [IO.FileInfo]::new($eod).Length | Should -Be 0
    }

    It 'the cartridge file agrees record for record with an independent SIMH reader' {
        Connect-Tape
        Write-TestTape
        $objects = Read-SimhTape (Get-VScsiTapeCartridge -Name backup01 -SystemPath $sys).Path
        $tarBytes = [IO.File]::ReadAllBytes([IO.Path]::Combine($work, 'content.tar'))
        $records = $tarBytes.Length / 10240
        $objects.Count | Should -Be ($records + 1 + [Math]::Ceiling([IO.FileInfo]::new($iso).Length / 65536) + 1)
        for ($i = 0; $i -lt $records; $i++) {
            $objects[$i].Length | Should -Be 10240
            [Convert]::ToBase64String($objects[$i]) | Should -Be ([Convert]::ToBase64String($tarBytes, $i * 10240, 10240))
        }
        $objects[$records] | Should -BeNullOrEmpty
        $objects[$objects.Count - 1] | Should -BeNullOrEmpty
    }

    It 'spaces over filemarks and locates blocks' {
        Connect-Tape
        Write-TestTape
        Set-VScsiTapePosition -Device rmt0 -Partition lpar2 -Rewind
        $afterFirst = 1 + [IO.FileInfo]::new([IO.Path]::Combine($work, 'content.tar')).Length / 10240
        (Set-VScsiTapePosition -Device rmt0 -Partition lpar2 -SpaceFilemarks 1 -PassThru).Block | Should -Be $afterFirst
        (Set-VScsiTapePosition -Device rmt0 -Partition lpar2 -Block 3 -PassThru).Block | Should -Be 3
        { Set-VScsiTapePosition -Device rmt0 -Partition lpar2 -SpaceFilemarks 5 -ErrorAction Stop } | Should -Throw -ErrorId 'TapeCommandFailed,*'
    }

    It 'serves one client at a time: another initiator gets a reservation conflict until the first disconnects' {
        Connect-Tape
        Write-TestTape
        Connect-OtherInitiator
        { Set-VScsiTapePosition -Device $rmtOther -Rewind -ErrorAction Stop } | Should -Throw -ExpectedMessage '*RESERVATION CONFLICT*'
        Disconnect-VScsiClient -Session $t2 -Confirm:$false
        Set-VScsiTapePosition -Device $rmtOther -Rewind
        $back = [IO.Path]::Combine($work, 'other.tar')
        $null = Read-VScsiTape -Device $rmtOther -Path $back
        Invoke-Tool 'tar' @('-tf', $back) $work | Should -Match 'content/README.TXT'
        Disconnect-VScsiClient -Session $other -Confirm:$false
    }

    It 'a write-protected cartridge answers DATA PROTECT and a full one VOLUME OVERFLOW' {
        Connect-Tape
        Disconnect-VScsiClient -Session $t2 -Confirm:$false
        Connect-OtherInitiator
        $null = New-VScsiTapeCartridge -Name locked -Capacity 2MB -ReadOnly -SystemPath $sys
        Mount-VScsiMedia -Device vttape0 -Media locked -Force -SystemPath $sys
        { Write-VScsiTape -Device $rmtOther -Path $iso -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*Write protected*'
        $null = New-VScsiTapeCartridge -Name small -Capacity 1MB -SystemPath $sys
        Mount-VScsiMedia -Device vttape0 -Media small -Force -SystemPath $sys
        $big = [IO.Path]::Combine($work, 'big.bin')
        [IO.File]::WriteAllBytes($big, [byte[]]::new(3MB))
        { Write-VScsiTape -Device $rmtOther -Path $big -BlockSize 4096 -Confirm:$false -ErrorAction Stop } | Should -Throw -ExpectedMessage '*VolumeOverflow*'
        (Get-VScsiTapeCartridge -Name small -SystemPath $sys).SizeBytes | Should -BeLessThan 1MB
        (Set-VScsiTapePosition -Device $rmtOther -EndOfData -PassThru).PastEarlyWarning | Should -BeTrue
        (Set-VScsiTapePosition -Device $rmtOther -Rewind -PassThru).PastEarlyWarning | Should -BeFalse
        Disconnect-VScsiClient -Session $other -Confirm:$false
    }

    It 'keeps loaded media in the configuration across a restart' {
        Add-TestMedia
        Add-OpticalDrive
        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        $null = Connect-Optical
        Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath $sys
        Start-VScsiPartition -Name vios1 -SystemPath $sys
        $s = Connect-VScsiClient -Partition lpar2 -Slot 3 -SystemPath $sys
        $pvd = Read-VScsiBlock -Device cd0 -Partition lpar2 -Lba 16 -Count 1
        [Text.Encoding]::ASCII.GetString($pvd, 1, 5) | Should -Be 'CD001'
    }

    It 'completes drive names, and media names that fit the drive' {
        Add-TestMedia
        Add-OpticalDrive 2
        $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost1 -Tape -SystemPath $sys
        $null = New-VScsiTapeCartridge -Name backup01 -Capacity 32MB -SystemPath $sys
        $null = New-VScsiTapeCartridge -Name locked -Capacity 2MB -ReadOnly -SystemPath $sys
        $null = New-VScsiTapeCartridge -Name small -Capacity 1MB -SystemPath $sys
        $line = "Mount-VScsiMedia -SystemPath '$sys' -Partition vios1 -Device "
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches | ForEach-Object CompletionText) -join ',' | Should -Be 'vtopt0,vtopt1,vttape0'
        $line = "Mount-VScsiMedia -SystemPath '$sys' -Device vttape0 -Media "
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches | ForEach-Object CompletionText) -join ',' | Should -Be 'backup01,locked,small'
        $line = "Remove-VScsiMedia -SystemPath '$sys' -Name "
        ([System.Management.Automation.CommandCompletion]::CompleteInput($line, $line.Length, $null).CompletionMatches | ForEach-Object CompletionText) -join ',' | Should -Be 'install,scratch'
    }

    It '-WhatIf changes nothing' {
        Add-TestMedia
        Add-OpticalDrive 2
        Mount-VScsiMedia -Device vtopt0 -Media install -SystemPath $sys
        Mount-VScsiMedia -Device vtopt1 -Media scratch -SystemPath $sys
        New-VScsiTapeCartridge -Name whatif -Capacity 4MB -WhatIf -SystemPath $sys
        Add-VScsiMedia -Path $iso -Name whatif -WhatIf -SystemPath $sys
        Mount-VScsiMedia -Device vtopt1 -Media install -Force -WhatIf -SystemPath $sys
        Dismount-VScsiMedia -Device vtopt0 -WhatIf -SystemPath $sys
        Remove-VScsiMedia -Name scratch -WhatIf -SystemPath $sys
        @(Get-VScsiTapeCartridge -Name whatif* -SystemPath $sys) | Should -HaveCount 0
        (Get-VScsiMapping -Partition vios1 -ServerAdapter vhost0 -SystemPath $sys | Where-Object Device -eq 'vtopt1').BackingDevice | Should -Be 'scratch'
    }
}
