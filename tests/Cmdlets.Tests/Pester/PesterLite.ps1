# PesterLite: the subset of Pester 5 syntax the acceptance files use, for engines without Pester.
# Describe/Context/It (-TestCases, -Skip, <name> placeholders), BeforeAll/AfterAll/BeforeEach/
# AfterEach, and Should with the common operators. Like Pester 5, a block's body is first run to
# discover its setup and tests; then the block runs in a child scope where BeforeAll is
# dot-sourced, so what it sets is visible to every It below it. Only the language and core
# commands are used, so it runs in a bare System.Management.Automation runspace.

$global:__PL = @{
    Stack   = [System.Collections.Generic.List[object]]::new()
    Results = [System.Collections.Generic.List[object]]::new()
}

function global:New-PLBlock([string] $Name, [scriptblock] $Body) {
    [pscustomobject]@{
        Name = $Name; Body = $Body
        BeforeAll = [System.Collections.Generic.List[scriptblock]]::new()
        AfterAll = [System.Collections.Generic.List[scriptblock]]::new()
        BeforeEach = [System.Collections.Generic.List[scriptblock]]::new()
        AfterEach = [System.Collections.Generic.List[scriptblock]]::new()
        Items = [System.Collections.Generic.List[object]]::new()
    }
}

function global:Describe {
    param([Parameter(Mandatory, Position = 0)] [string] $Name, [Parameter(Mandatory, Position = 1)] [scriptblock] $Fixture)
    $__plNew = New-PLBlock $Name $Fixture
    if ($global:__PL.Stack.Count -gt 0) {
        $global:__PL.Stack[$global:__PL.Stack.Count - 1].Items.Add($__plNew) # discovered; runs with its parent
        return
    }
    Invoke-PLBlock $__plNew
}
function global:Context {
    param([Parameter(Mandatory, Position = 0)] [string] $Name, [Parameter(Mandatory, Position = 1)] [scriptblock] $Fixture)
    Describe -Name $Name -Fixture $Fixture
}

function global:Find-PLBlock($__plBlock) {
    $global:__PL.Stack.Add($__plBlock)
    try { $null = & $__plBlock.Body } finally { $global:__PL.Stack.RemoveAt($global:__PL.Stack.Count - 1) }
}

function global:Get-PLCurrent {
    if ($global:__PL.Stack.Count -eq 0) { throw 'BeforeAll, AfterAll, BeforeEach, AfterEach and It belong inside Describe or Context.' }
    $global:__PL.Stack[$global:__PL.Stack.Count - 1]
}

function global:BeforeAll([Parameter(Mandatory, Position = 0)] [scriptblock] $Scriptblock) { (Get-PLCurrent).BeforeAll.Add($Scriptblock) }
function global:AfterAll([Parameter(Mandatory, Position = 0)] [scriptblock] $Scriptblock) { (Get-PLCurrent).AfterAll.Add($Scriptblock) }
function global:BeforeEach([Parameter(Mandatory, Position = 0)] [scriptblock] $Scriptblock) { (Get-PLCurrent).BeforeEach.Add($Scriptblock) }
function global:AfterEach([Parameter(Mandatory, Position = 0)] [scriptblock] $Scriptblock) { (Get-PLCurrent).AfterEach.Add($Scriptblock) }

function global:It {
    param(
        [Parameter(Mandatory, Position = 0)] [string] $Name,
        [Parameter(Position = 1)] [scriptblock] $Test = {},
        [System.Collections.IDictionary[]] $TestCases,
        [switch] $Skip
    )
    $cases = @($null)
    if ($TestCases) { $cases = $TestCases }
    foreach ($case in $cases) {
        $title = $Name
        if ($case) { foreach ($key in $case.Keys) { $title = $title.Replace("<$key>", "$($case[$key])") } }
        (Get-PLCurrent).Items.Add([pscustomobject]@{ Kind = 'It'; Name = $title; Test = $Test; Case = $case; Skip = [bool] $Skip })
    }
}

function global:Add-PLResult([string] $Path, [string] $Outcome, [string] $Message) {
    $global:__PL.Results.Add([pscustomobject]@{ Path = $Path; Outcome = $Outcome; Message = $Message })
}

function global:Format-PLError($ErrorRecord) {
    $where = if ($ErrorRecord.InvocationInfo) { " (line $($ErrorRecord.InvocationInfo.ScriptLineNumber): $($ErrorRecord.InvocationInfo.Line.Trim()))" } else { '' }
    "$($ErrorRecord.Exception.Message)$where"
}

# Runs a discovered block: a child scope, BeforeAll dot-sourced into it, then its tests and child blocks.
function global:Invoke-PLBlock($__plBlock, [string] $__plPath = '', [object[]] $__plOuterEach = @(), [object[]] $__plOuterAfter = @()) {
    $__plPath = if ($__plPath) { "$__plPath > $($__plBlock.Name)" } else { $__plBlock.Name }
    try { Find-PLBlock $__plBlock }
    catch { Add-PLResult $__plPath 'Failed' ("Discovery failed: " + (Format-PLError $_)); return }
    & {
        try {
            foreach ($__plSetup in $__plBlock.BeforeAll) { . $__plSetup }
        }
        catch {
            Add-PLResult "$__plPath > BeforeAll" 'Failed' (Format-PLError $_)
            return
        }
        $__plEach = @($__plOuterEach) + @($__plBlock.BeforeEach)
        $__plAfter = @($__plBlock.AfterEach) + @($__plOuterAfter)
        try {
            foreach ($__plItem in $__plBlock.Items) {
                if ($__plItem.PSObject.Properties['Kind'] -and $__plItem.Kind -eq 'It') {
                    Invoke-PLTest $__plItem "$__plPath > $($__plItem.Name)" $__plEach $__plAfter
                }
                else {
                    Invoke-PLBlock $__plItem $__plPath $__plEach $__plAfter
                }
            }
        }
        finally {
            foreach ($__plTeardown in $__plBlock.AfterAll) {
                try { . $__plTeardown } catch { Add-PLResult "$__plPath > AfterAll" 'Failed' (Format-PLError $_) }
            }
        }
    }
}

function global:Invoke-PLTest($__plTest, [string] $__plPath, [object[]] $__plEach, [object[]] $__plAfter) {
    if ($__plTest.Skip) { Add-PLResult $__plPath 'Skipped' ''; return }
    & {
        try {
            foreach ($__plSetup in $__plEach) { . $__plSetup }
            if ($__plTest.Case) { foreach ($__plKey in $__plTest.Case.Keys) { $ExecutionContext.SessionState.PSVariable.Set($__plKey, $__plTest.Case[$__plKey]) } }
            $null = . $__plTest.Test
            Add-PLResult $__plPath 'Passed' ''
        }
        catch {
            Add-PLResult $__plPath 'Failed' (Format-PLError $_)
        }
        finally {
            foreach ($__plTeardown in $__plAfter) {
                try { . $__plTeardown } catch { Add-PLResult "$__plPath > AfterEach" 'Failed' (Format-PLError $_) }
            }
        }
    }
}

function global:Format-PLValue($Value) {
    if ($null -eq $Value) { return '$null' }
    if ($Value -is [string]) { return "'$Value'" }
    if ($Value -is [System.Collections.IEnumerable]) { return '@(' + ((@($Value) | ForEach-Object { Format-PLValue $_ }) -join ', ') + ')' }
    "$Value"
}

function global:Should {
    [CmdletBinding()]
    param(
        [Parameter(ValueFromPipeline)] $ActualValue,
        [switch] $Not,
        $Be, $BeExactly, $BeGreaterThan, $BeLessThan, $Match, $Contain, $HaveCount, $BeOfType,
        [switch] $BeNullOrEmpty, [switch] $BeTrue, [switch] $BeFalse, [switch] $Throw, [switch] $Exist,
        [string] $ExpectedMessage, [string] $ErrorId, [string] $Because
    )
    begin { $items = [System.Collections.Generic.List[object]]::new() }
    process { $items.Add($ActualValue) }
    end {
        $actual = if ($items.Count -eq 1) { $items[0] } else { $items.ToArray() }
        $bound = $PSBoundParameters
        $ok = $true; $expectation = ''
        if ($bound.ContainsKey('Be')) { $ok = if ($actual -is [array] -or $Be -is [array]) { (Format-PLValue $actual) -eq (Format-PLValue $Be) } else { $actual -eq $Be }; $expectation = "to be $(Format-PLValue $Be)" }
        elseif ($bound.ContainsKey('BeExactly')) { $ok = $actual -ceq $BeExactly; $expectation = "to be exactly $(Format-PLValue $BeExactly)" }
        elseif ($bound.ContainsKey('BeGreaterThan')) { $ok = $actual -gt $BeGreaterThan; $expectation = "to be greater than $BeGreaterThan" }
        elseif ($bound.ContainsKey('BeLessThan')) { $ok = $actual -lt $BeLessThan; $expectation = "to be less than $BeLessThan" }
        elseif ($bound.ContainsKey('Match')) { $ok = "$actual" -match $Match; $expectation = "to match '$Match'" }
        elseif ($bound.ContainsKey('Contain')) { $ok = @($items) -contains $Contain; $expectation = "to contain $(Format-PLValue $Contain)" }
        elseif ($bound.ContainsKey('HaveCount')) { $count = if ($items.Count -eq 1 -and $null -eq $items[0]) { 0 } else { $items.Count }; $ok = $count -eq $HaveCount; $expectation = "to have count $HaveCount (it has $count)" }
        elseif ($bound.ContainsKey('BeOfType')) { $ok = $actual -is $BeOfType; $expectation = "to be of type $BeOfType" }
        elseif ($BeNullOrEmpty) { $ok = $null -eq $actual -or "$actual" -eq '' -or ($actual -is [array] -and $actual.Count -eq 0); $expectation = 'to be null or empty' }
        elseif ($BeTrue) { $ok = [bool] $actual; $expectation = 'to be true' }
        elseif ($BeFalse) { $ok = -not [bool] $actual; $expectation = 'to be false' }
        elseif ($Exist) { $ok = [System.IO.File]::Exists("$actual") -or [System.IO.Directory]::Exists("$actual"); $expectation = 'to exist' }
        elseif ($Throw) {
            $thrown = $null
            try { $null = & $actual } catch { $thrown = $_ }
            $ok = $null -ne $thrown
            $expectation = 'to throw'
            if ($ok -and $ErrorId) { $ok = $thrown.FullyQualifiedErrorId -like "$ErrorId*"; $expectation = "to throw error id '$ErrorId' (got '$($thrown.FullyQualifiedErrorId)')" }
            if ($ok -and $ExpectedMessage) { $ok = $thrown.Exception.Message -like $ExpectedMessage; $expectation = "to throw a message like '$ExpectedMessage' (got '$($thrown.Exception.Message)')" }
            if ($Not) { $expectation = "not to throw (it threw '$($thrown.Exception.Message)')" }
        }
        else { throw 'Should needs an operator such as -Be, -BeTrue, -HaveCount or -Throw.' }
        if ($Not) { $ok = -not $ok }
        if (-not $ok) {
            $shown = if ($Throw) { '' } else { ", but got $(Format-PLValue $actual)" }
            $reason = if ($Because) { " because $Because" } else { '' }
            throw "Expected $(if ($Not -and -not $Throw) { 'not ' })$expectation$reason$shown."
        }
    }
}
