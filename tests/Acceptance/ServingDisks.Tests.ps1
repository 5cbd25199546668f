# Issue 3's scenario: vios1 serves two disks to lpar2 and one to lpar3 through real SCSI in process;
# each client writes a pattern, neither sees the other's disks, and everything reads back after the
# server partition is stopped and started again. Each It gets a system of its own, served and with
# both clients connected.

Describe 'A VIOS serves disks to two clients' {
    BeforeAll {
        Register-VScsiShouldOperator   # -HaveMapping, -BeServedTo (about_VScsi_Pester)
        $pattern2 = [byte[]]::new(4096)
        $pattern3 = [byte[]]::new(4096)
        for ($i = 0; $i -lt 4096; $i++) { $pattern2[$i] = $i % 251; $pattern3[$i] = 255 - ($i % 253) }

        function Write-Patterns {
            Write-VScsiBlock -Device hdisk1 -Partition lpar2 -Lba 100 -Data $pattern2 -Confirm:$false
            Write-VScsiBlock -Device hdisk0 -Partition lpar3 -Lba 100 -Data $pattern3 -Confirm:$false
        }
    }

    BeforeEach {
        $sys = Join-Path $TestDrive ([Guid]::NewGuid().ToString('N'))
        $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
        $null = New-VScsiPartition -Name lpar2 -Type AixLinux -SystemPath $sys
        $null = New-VScsiPartition -Name lpar3 -Type AixLinux -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -RemotePartition lpar2 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiServerAdapter -Partition vios1 -Slot 12 -RemotePartition lpar3 -RemoteSlot 3 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar2 -Slot 3 -RemotePartition vios1 -RemoteSlot 11 -SystemPath $sys
        $null = New-VScsiClientAdapter -Partition lpar3 -Slot 3 -RemotePartition vios1 -RemoteSlot 12 -SystemPath $sys
        foreach ($disk in @(@('lpar2_root', 'vhost0'), @('lpar2_data', 'vhost0'), @('lpar3_root', 'vhost1'))) {
            $null = New-VScsiVirtualDisk -Partition vios1 -Name $disk[0] -Path ([IO.Path]::Combine($sys, $disk[0] + '.img')) -Size 16MB -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter $disk[1] -BackingDevice $disk[0] -SystemPath $sys
        }
        'vios1', 'lpar2', 'lpar3' | Start-VScsiPartition -SystemPath $sys
        $s2 = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
        $s3 = Connect-VScsiClient -Partition lpar3 -SystemPath $sys
    }

    AfterEach {
        Remove-VScsiSystem -Path $sys -Force   # stops what it serves (sessions, vios1) first
    }

    It 'vios1 maps lpar2''s disks on vhost0 and serves each disk to its own client' {
        Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Should -HaveMapping -BackingDevice lpar2_root
        Get-VScsiServerAdapter -Partition vios1 -Name vhost0 -SystemPath $sys | Should -HaveMapping -BackingDevice lpar2_data
        Get-VScsiServerAdapter -Partition vios1 -Name vhost1 -SystemPath $sys | Should -Not -HaveMapping -BackingDevice lpar2_root
        Get-VScsiVirtualDisk -Name lpar2_root -SystemPath $sys | Should -BeServedTo lpar2
        Get-VScsiVirtualDisk -Name lpar3_root -SystemPath $sys | Should -BeServedTo lpar3
        Get-VScsiVirtualDisk -Name lpar3_root -SystemPath $sys | Should -Not -BeServedTo lpar2
    }

    It 'lpar2 sees its two disks and lpar3 its one' {
        $d2 = @($s2 | Get-VScsiClientDevice)
        $d3 = @($s3 | Get-VScsiClientDevice)
        ($d2 | ForEach-Object Name) -join ',' | Should -Be 'hdisk0,hdisk1'
        ($d2 | ForEach-Object ViosLun) -join ',' | Should -Be '0x8100000000000000,0x8200000000000000'
        $d3 | Should -HaveCount 1
        $d3[0].CapacityBytes | Should -Be 16MB
        @($d2 | Where-Object Serial -eq $d3[0].Serial) | Should -HaveCount 0
    }

    It 'each client writes its own pattern' {
        Write-Patterns
        [Convert]::ToBase64String((Read-VScsiBlock -Device hdisk1 -Partition lpar2 -Lba 100 -Count 8)) | Should -Be ([Convert]::ToBase64String($pattern2))
        [Convert]::ToBase64String((Read-VScsiBlock -Device hdisk0 -Partition lpar3 -Lba 100 -Count 8)) | Should -Be ([Convert]::ToBase64String($pattern3))
    }

    It 'a read beyond the end answers LBA out of range' {
        $r = Invoke-VScsiCommand -Device hdisk0 -Partition lpar3 -Cdb ([byte[]](0x28, 0, 0, 0, 0x80, 0, 0, 0, 1, 0)) -DataInLength 512 -Confirm:$false
        $r.Status | Should -Be 'CheckCondition'
        $r.Description | Should -Be 'Logical block address out of range'
    }

    It 'everything reads back after the server is stopped and started' {
        Write-Patterns
        Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath $sys
        Start-VScsiPartition -Name vios1 -SystemPath $sys
        $null = Connect-VScsiClient -Partition lpar2 -SystemPath $sys
        $null = Connect-VScsiClient -Partition lpar3 -SystemPath $sys
        [Convert]::ToBase64String((Read-VScsiBlock -Device hdisk1 -Partition lpar2 -Lba 100 -Count 8)) | Should -Be ([Convert]::ToBase64String($pattern2))
        [Convert]::ToBase64String((Read-VScsiBlock -Device hdisk0 -Partition lpar3 -Lba 100 -Count 8)) | Should -Be ([Convert]::ToBase64String($pattern3))
    }

    It 'a disk mapped live reaches the connected client without dropping its session' {
        Write-Patterns
        $hdisk0 = Get-VScsiClientDevice -Partition lpar3 | Where-Object Name -eq 'hdisk0'
        $null = New-VScsiVirtualDisk -Partition vios1 -Name lpar3_data -Path ([IO.Path]::Combine($sys, 'lpar3_data.img')) -Size 8MB -SystemPath $sys
        $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost1 -BackingDevice lpar3_data -SystemPath $sys
        $ua = Invoke-VScsiCommand -Device $hdisk0 -Cdb ([byte[]]::new(6)) -Confirm:$false
        $ua.Description | Should -Be 'Reported LUNs data has changed'
        @(Get-VScsiClientDevice -Partition lpar3) | Should -HaveCount 2
        Remove-VScsiTargetDevice -Partition vios1 -Name vtscsi3 -Confirm:$false -SystemPath $sys
        @(Get-VScsiClientDevice -Partition lpar3) | Should -HaveCount 1
        [Convert]::ToBase64String((Read-VScsiBlock -Device hdisk0 -Partition lpar3 -Lba 100 -Count 8)) | Should -Be ([Convert]::ToBase64String($pattern3))
    }

    It 'a disk grown while served shows its new capacity to the client' {
        $hdisk0 = Get-VScsiClientDevice -Partition lpar3 | Where-Object Name -eq 'hdisk0'
        Resize-VScsiVirtualDisk -Name lpar3_root -Size 32MB -SystemPath $sys
        (Invoke-VScsiCommand -Device $hdisk0 -Cdb ([byte[]]::new(6)) -Confirm:$false).Description | Should -Be 'Capacity data has changed'
        (Get-VScsiClientDevice -Partition lpar3 | Where-Object Name -eq 'hdisk0').CapacityBytes | Should -Be 32MB
        { Resize-VScsiVirtualDisk -Name lpar3_root -Size 8MB -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'VirtualDiskSizeInvalid,*'
    }

    It 'a second session on the same client adapter is refused' {
        { Connect-VScsiClient -Partition lpar2 -SystemPath $sys -ErrorAction Stop } | Should -Throw -ErrorId 'ClientAdapterInUse,*'
    }
}
