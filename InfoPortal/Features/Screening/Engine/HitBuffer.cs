using System.Buffers;

namespace InfoPortal.Features.Screening.Engine;

/// <summary>
/// The hits of one scan, collected in pooled arrays and copied once into the exact-size list
/// <see cref="ScreeningEngine.Find(ReadOnlySpan{char}, bool)"/> returns. A list grown by doubling put
/// every intermediate array of a long text's hits on the large-object heap, and the full collections
/// that followed cost more than the scan on a 50k list (ADR 0061).
/// </summary>
internal sealed class HitBuffer : IDisposable
{
    private Hit[] _items = ArrayPool<Hit>.Shared.Rent(64);

    public int Count { get; private set; }

    public Span<Hit> Span => _items.AsSpan(0, Count);

    public void Add(in Hit hit)
    {
        if (Count == _items.Length)
        {
            var larger = ArrayPool<Hit>.Shared.Rent(_items.Length * 2);
            Span.CopyTo(larger);
            ArrayPool<Hit>.Shared.Return(_items);
            _items = larger;
        }

        _items[Count++] = hit;
    }

    public List<Hit> ToList()
    {
        var list = new List<Hit>(Count);
        list.AddRange(Span);
        return list;
    }

    public void Dispose()
    {
        ArrayPool<Hit>.Shared.Return(_items);
        _items = [];
        Count = 0;
    }
}
