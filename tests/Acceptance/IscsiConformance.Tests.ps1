# Issue 4's conformance requirement: libiscsi's SCSI/iSCSI conformance suite (iscsi-test-cu from
# Debian's libiscsi-bin, written against LIO, tgt and SCST) runs against a partition served on
# loopback, with --dataloss, on a thick disk and on a thin disk over two sessions (multipath).
# A failure fails the test unless iscsi-conformance-not-applicable.txt lists it with its reason.

Describe 'libiscsi conformance suite against a served partition' {
    BeforeAll {
        $tool = @($env:PATH -split [IO.Path]::PathSeparator | ForEach-Object { [IO.Path]::Combine($_, 'iscsi-test-cu') } |
            Where-Object { [IO.File]::Exists($_) })[0]
        $notApplicable = @([IO.File]::ReadAllLines([IO.Path]::Combine($PSScriptRoot, 'iscsi-conformance-not-applicable.txt')) |
            ForEach-Object { ($_ -split '#')[0].Trim() } | Where-Object { $_ })

        # Serves a fresh 256 MiB disk from vios1 on a free loopback port; returns the LUN's iscsi:// URL.
        function Start-ScratchTarget([string] $sys, [switch] $Thin) {
            $null = New-VScsiPartition -Name vios1 -Type Vios -SystemPath $sys
            $null = New-VScsiServerAdapter -Partition vios1 -Slot 11 -SystemPath $sys     # any initiator: the suite uses two names
            $null = New-VScsiVirtualDisk -Partition vios1 -Name scratch -Path ([IO.Path]::Combine($sys, 'scratch.img')) -Size 256MB -Fixed:(-not $Thin) -SystemPath $sys
            $null = Add-VScsiTargetDevice -Partition vios1 -ServerAdapter vhost0 -BackingDevice scratch -SystemPath $sys
            Start-VScsiPartition -Name vios1 -IscsiPortal 127.0.0.1:0 -SystemPath $sys
            $portal = (Get-VScsiPartition -Name vios1 -SystemPath $sys).IscsiPortal
            "iscsi://$portal/$((Get-VScsiServerAdapter -Partition vios1 -SystemPath $sys).IscsiName)/0"
        }

        # Runs the suite (ALL family, destructive tests allowed) and returns the failed tests as Suite.Test names.
        function Invoke-Suite([string[]] $urls, [string] $folder) {
            if (-not $tool) { throw 'iscsi-test-cu was not found on PATH: install it with apt-get install libiscsi-bin.' }
            $start = [Diagnostics.ProcessStartInfo]::new($tool)
            foreach ($a in @('--test=ALL', '--dataloss', '--xml') + $urls) { $start.ArgumentList.Add($a) }
            $start.WorkingDirectory = $folder
            $start.RedirectStandardOutput = $true
            $start.RedirectStandardError = $true
            $process = [Diagnostics.Process]::Start($start)
            $stderr = $process.StandardError.ReadToEndAsync()
            $null = $process.StandardOutput.ReadToEnd()
            if (-not $process.WaitForExit(600000)) { $process.Kill($true); throw 'iscsi-test-cu did not finish within 10 minutes.' }
            $resultsFile = [IO.Path]::Combine($folder, 'CUnitAutomated-Results.xml')
            if (-not [IO.File]::Exists($resultsFile)) { throw "iscsi-test-cu wrote no results (exit $($process.ExitCode)): $($stderr.Result)" }
            $results = [xml][IO.File]::ReadAllText($resultsFile)
            $summary = $results.CUNIT_TEST_RUN_REPORT.CUNIT_RUN_SUMMARY.CUNIT_RUN_SUMMARY_RECORD | Where-Object { $_.TYPE.Trim() -eq 'Test Cases' }
            if ([int]$summary.RUN.Trim() -lt 150) { throw "Only $($summary.RUN.Trim()) tests ran; the suite did not get through." }
            foreach ($suite in $results.SelectNodes('//CUNIT_RUN_SUITE_SUCCESS | //CUNIT_RUN_SUITE_FAILURE')) {
                $suiteName = $suite.SUITE_NAME.Trim()
                foreach ($failure in $suite.SelectNodes('CUNIT_RUN_TEST_RECORD/CUNIT_RUN_TEST_FAILURE')) {
                    "$suiteName.$($failure.TEST_NAME.Trim())"
                }
            }
        }
    }

    AfterEach {
        Stop-VScsiPartition -Name vios1 -Confirm:$false -SystemPath $script:sys -ErrorAction SilentlyContinue
        if ([IO.Directory]::Exists($script:sys)) { [IO.Directory]::Delete($script:sys, $true) }
    }

    It 'passes every test on a thick disk' {
        $script:sys = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'vscsi-conformance-' + [Guid]::NewGuid().ToString('N'))
        $url = Start-ScratchTarget $script:sys
        $failed = @(Invoke-Suite @($url) $script:sys | Where-Object { $_ -notin $notApplicable })
        $failed -join ', ' | Should -Be ''
    }

    It 'passes every test on a thin disk with two sessions (multipath)' {
        $script:sys = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'vscsi-conformance-' + [Guid]::NewGuid().ToString('N'))
        $url = Start-ScratchTarget $script:sys -Thin
        $failed = @(Invoke-Suite @($url, $url) $script:sys | Where-Object { $_ -notin $notApplicable })
        $failed -join ', ' | Should -Be ''
    }
}
