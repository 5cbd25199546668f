<#
.SYNOPSIS
Builds, tests and packages the VScsi module.

.DESCRIPTION
-Task Build    builds the solution and checks that the MAML help is current.
-Task Package  builds the module project, then assembles output/VScsi/<version>/, a module folder
               ready for Import-Module.
               It also writes output/packages/VScsi.<version>.nupkg (Compress-PSResource), which
               Install-PSResource installs from a local repository.
-Task Test     builds the solution, packages, then runs every test: the engine and hosted-cmdlet
               tests (dotnet test, TRX) and the acceptance scenarios in tests/Acceptance under
               Pester 5.7.1 (restored from NuGet by tools/TestPackages, JUnit XML) in a child pwsh
               with the packaged module, plus one It alone to prove the tests do not depend on their
               order. Prints one closing line "N passed, N failed, N skipped".

.EXAMPLE
./vscsi -File build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$solution = Join-Path $root 'VScsi.PowerShell.sln'
$env:POWERSHELL_TELEMETRY_OPTOUT = '1'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Invoke-Dotnet {
    & dotnet @args | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    (Import-PowerShellDataFile (Join-Path $root 'module' 'VScsi.psd1')).ModuleVersion
}

function Test-HelpCurrent {
    # The MAML help is generated from module/help/*.md and the compiled cmdlets; it must be current.
    Invoke-Dotnet run --project (Join-Path $root 'tools' 'HelpGen') --no-build -c $Configuration -- $root --check
}

function Invoke-Build {
    Invoke-Dotnet build $solution -c $Configuration -nologo -v q
    Test-HelpCurrent
}

function Invoke-Package([switch] $NoBuild) {
    if (-not $NoBuild) {
        # HelpGen references the module project, so this builds the module and its help checker only.
        Invoke-Dotnet build (Join-Path $root 'tools' 'HelpGen') -c $Configuration -nologo -v q
        Test-HelpCurrent
    }
    $source = Join-Path $root 'src' 'Cmdlets' 'bin' $Configuration 'net8.0'
    $target = Join-Path $root 'output' 'VScsi' (Get-ModuleVersion)
    if (Test-Path $target) { Remove-Item $target -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $target
    Copy-Item -Path (Join-Path $source '*') -Destination $target -Recurse -Exclude '*.pdb'
    $manifest = Get-Item (Join-Path $target 'VScsi.psd1')
    $null = Test-ModuleManifest -Path $manifest.FullName
    # The same folder as a NuGet package, the form PSResourceGet installs:
    # Register-PSResourceRepository -Name local -Uri output/packages; Install-PSResource VScsi -Repository local.
    $packages = Join-Path $root 'output' 'packages'
    $null = New-Item -ItemType Directory -Path $packages -Force
    Remove-Item (Join-Path $packages "VScsi.$(Get-ModuleVersion).nupkg") -ErrorAction Ignore
    $nupkg = Compress-PSResource -Path $target -DestinationPath $packages -PassThru
    $manifest.LastWriteTime = Get-Date # ./vscsi repackages when a source is newer than this file
    Write-Host "Module packaged: $target"
    Write-Host "NuGet package: $($nupkg.FullName)"
    $target
}

# The folder of a package in the NuGet cache, as the restore of tools/TestPackages recorded it.
function Get-RestoredPackage([string] $id, [string] $version) {
    $project = Join-Path $root 'tools' 'TestPackages'
    Invoke-Dotnet restore $project -nologo -v q
    $assets = Get-Content -Raw (Join-Path $project 'obj' 'project.assets.json') | ConvertFrom-Json
    foreach ($cache in $assets.packageFolders.PSObject.Properties.Name) {
        $folder = Join-Path $cache $id.ToLowerInvariant() $version
        if (Test-Path $folder) { return $folder }
    }
    throw "$id $version is not in the NuGet cache after restoring tools/TestPackages."
}

# Runs script text in a new pwsh process (this same PowerShell) and returns its exit code.
function Invoke-ChildPwsh([string] $script) {
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    if ((Split-Path -Leaf ([Environment]::ProcessPath)) -like 'dotnet*' -and (Test-Path $pwshDll)) {
        & ([Environment]::ProcessPath) $pwshDll -NoLogo -NoProfile -NonInteractive -Command $script | Out-Host
    } else {
        & (Join-Path $PSHOME 'pwsh') -NoLogo -NoProfile -NonInteractive -Command $script | Out-Host
    }
    $LASTEXITCODE
}

# Runs tests/Acceptance under real Pester with the packaged module; writes a JUnit XML result.
function Invoke-Acceptance([string] $modulePath, [string] $resultFile, [string] $fullName) {
    $pester = Join-Path (Get-RestoredPackage 'Pester' '5.7.1') 'tools' 'Pester.psd1'
    $filter = if ($fullName) { "`$c.Filter.FullName = '$($fullName -replace "'", "''")'" } else { '' }
    $null = Invoke-ChildPwsh @"
`$ErrorActionPreference = 'Stop'
Import-Module '$pester'
Import-Module '$(Join-Path $modulePath 'VScsi.psd1')'
`$c = New-PesterConfiguration
`$c.Run.Path = '$(Join-Path $root 'tests' 'Acceptance')'
`$c.Output.Verbosity = 'Normal'
`$c.TestResult.Enabled = `$true
`$c.TestResult.OutputFormat = 'JUnitXml'
`$c.TestResult.OutputPath = '$resultFile'
$filter
Invoke-Pester -Configuration `$c
"@
}

# Counts the outcomes in the TRX files dotnet test wrote and the JUnit files Pester wrote.
function Get-TestCounts([string] $directory) {
    $counts = [ordered]@{ passed = 0; failed = 0; skipped = 0 }
    foreach ($file in Get-ChildItem $directory -Filter '*.trx') {
        $trx = [xml] (Get-Content -Raw $file.FullName)
        foreach ($result in $trx.TestRun.Results.UnitTestResult) {
            switch ($result.outcome) {
                'Passed' { $counts.passed++ }
                'NotExecuted' { $counts.skipped++ }
                default { $counts.failed++ }
            }
        }
    }
    foreach ($file in Get-ChildItem $directory -Filter '*.junit.xml') {
        $junit = [xml] (Get-Content -Raw $file.FullName)
        foreach ($case in $junit.SelectNodes('//testcase')) {
            if ($case.SelectSingleNode('failure|error')) { $counts.failed++ }
            elseif ($case.SelectSingleNode('skipped')) { $counts.skipped++ }
            else { $counts.passed++ }
        }
    }
    $counts
}

function Invoke-Test {
    Invoke-Dotnet tool restore
    Invoke-Build
    $modulePath = Invoke-Package -NoBuild
    $results = Join-Path $root 'output' 'test-results'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $null = New-Item -ItemType Directory -Path $results

    & dotnet test $solution -c $Configuration --no-build --logger trx --results-directory $results | Out-Host
    $testExit = $LASTEXITCODE
    $acceptance = Join-Path $results 'acceptance.junit.xml'
    Invoke-Acceptance $modulePath $acceptance
    # One It alone, in a process of its own: it must not need the Its before it.
    $alone = 'A VIOS serves disks to two clients.a second session on the same client adapter is refused'
    Invoke-Acceptance $modulePath (Join-Path $results 'alone.junit.xml') $alone

    $counts = Get-TestCounts $results
    foreach ($file in $acceptance, (Join-Path $results 'alone.junit.xml')) {
        if (-not (Test-Path $file)) { Write-Host "Pester wrote no result to $file."; $counts.failed++ }
    }
    if ((Test-Path (Join-Path $results 'alone.junit.xml')) -and
        ([xml] (Get-Content -Raw (Join-Path $results 'alone.junit.xml'))).SelectNodes('//testcase').Count -ne 1) {
        Write-Host "The filter '$alone' did not select exactly one It."
        $counts.failed++
    }
    if ($testExit -ne 0 -and $counts.failed -eq 0) { $counts.failed++ } # a crash that wrote no result still fails
    Write-Host "$($counts.passed) passed, $($counts.failed) failed, $($counts.skipped) skipped"
    if ($counts.failed -gt 0) { exit 1 }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Package' { $null = Invoke-Package }
    'Test' { Invoke-Test }
}
