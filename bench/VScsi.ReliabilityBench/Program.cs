using VScsi.ReliabilityBench;

// Usage: dotnet run -c Release --project bench/VScsi.ReliabilityBench -- [fuzz|rss|serve] [options]
//   fuzz  --seed N --minutes M --connections C [--probe-every K] [--idle N] [--disk-mib 64] [--no-huge-edtl] [--canary-each-batch] [--phases PreLogin,Login,FullFeature,SingleCommand,Slow] [--log]
//         the iSCSI fuzzer (pre-login, login, full feature, single commands, slow and idle connections)
//         against a serving child process; prints attempts, failures and each finding as (seed, phase, index).
//   rss   --seed N --minutes 10 --connections C [--reads 200] [--read-mib 64] [--idle-seconds 60] [--no-huge-edtl]
//         the memory figure of issue 10: VmRSS of the serving process at start, peak, after the run and after idle.
//   replay --seed N --phase FullFeature --from I --count K [--disk-mib 16] [--trace] [--probe]
//         runs those cases one at a time and compares the canary after each: names the case that changed it.
//   serve [--disk-mib 1024] [--login-timeout 30] [--keepalive 30] [--log]
//         the serving child: a temporary managed system served over iSCSI on loopback; "stop" on stdin stops it.
var options = new Options(args);
return options.Verb switch
{
    "serve" => await ServeVerb.RunAsync(options),
    "fuzz" => await FuzzVerb.RunAsync(options),
    "rss" => await RssVerb.RunAsync(options),
    "replay" => await ReplayVerb.RunAsync(options),
    _ => throw new ArgumentException($"unknown verb '{options.Verb}': use fuzz, rss, replay or serve"),
};
