using VScsi.Engine.Configuration;

// Usage: ConcurrencyProbe <folder> <prefix> <count> [<go-file>]
// Waits until <go-file> exists (so two probes start writing together), then creates <count>
// partitions named <prefix>N and appends one adapter per partition to the shared VIOS "hub"
// profile with a read-modify-write HMC '+=' edit and a client adapter pointing back at it, each
// partition in its own open/close, as separate cmdlet calls would. Exit 0 when every write succeeded.
var (folder, prefix, count) = (args[0], args[1], int.Parse(args[2]));
if (args.Length > 3)
{
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (!File.Exists(args[3]) && DateTime.UtcNow < deadline)
        Thread.Sleep(5);
}
for (var i = 0; i < count; i++)
{
    using (var s = ManagedSystem.Open(folder))
        s.CreatePartition($"{prefix}{i}", PartitionType.AixLinux);
    using (var s = ManagedSystem.Open(folder))
    {
        var slot = s.GetProfile("hub", "default_profile").VirtualScsiAdapters.Split(',').Length + 2; // a guess that may collide
        while (true)
        {
            try
            {
                s.UpdateProfile("hub", "default_profile", $"virtual_scsi_adapters+={slot}/server//{prefix}{i}/2/0");
                break;
            }
            catch (ConfigurationException e) when (e.Error == ConfigurationError.SlotInUse)
            {
                slot++; // the other process took this slot first; the refusal left nothing behind
            }
        }
        s.UpdateProfile($"{prefix}{i}", "default_profile", $"virtual_scsi_adapters+=2/client//hub/{slot}/1");
    }
}
return 0;
