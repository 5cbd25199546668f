using VScsi.Engine.Transport.Iscsi;

namespace VScsi.Engine.Tests.Transport.Iscsi;

/// <summary>The portal's bounded buffer pool: what it keeps, what it leaves to the GC, and the count of the latter that decides an idle release.</summary>
public sealed class BufferPoolTests
{
    [Fact]
    public void Return_UnderTheRetainLimit_KeptAndReused()
    {
        var pool = new BufferPool(1 << 20, 1 << 20);
        var array = pool.Rent(1 << 20);
        pool.Return(array);
        Assert.Equal(1 << 20, pool.RetainedBytes);
        Assert.Same(array, pool.Rent(1 << 20));
        Assert.False(pool.TakeDropped(1));
    }

    [Fact]
    public void Return_OverTheRetainLimit_CountedAsDropped()
    {
        var pool = new BufferPool(1 << 20, 1 << 20);
        var (a, b) = (pool.Rent(1 << 20), pool.Rent(1 << 20));
        pool.Return(a);
        pool.Return(b);
        Assert.Equal(1 << 20, pool.RetainedBytes);
        Assert.False(pool.TakeDropped((1 << 20) + 1));
        Assert.True(pool.TakeDropped(1 << 20));
        Assert.False(pool.TakeDropped(1));                  // taken: the count starts again
    }

    [Fact]
    public void Trim_DropsEveryIdleArrayAndCountsIt()
    {
        var pool = new BufferPool(1 << 20, 4 << 20);
        pool.Return(pool.Rent(1 << 20));
        pool.Return(pool.Rent(4096));
        pool.Trim();
        Assert.Equal(0, pool.RetainedBytes);
        Assert.True(pool.TakeDropped((1 << 20) + 4096));
        Assert.Equal(0, pool.Rented);
    }

    [Fact]
    public void Rent_OverTheMaximumLength_Refused()
    {
        var pool = new BufferPool(1 << 20, 1 << 20);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent((1 << 20) + 1));
        Assert.Equal(0, pool.Rented);
    }
}
