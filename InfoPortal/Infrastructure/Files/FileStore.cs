using System.Security.Cryptography;
using InfoPortal.Data;

namespace InfoPortal.Infrastructure.Files;

/// <summary>
/// Content-addressed files under <c>Storage:Root/files</c>, named by their SHA-256, outside the
/// web root: the same bytes are stored once, and a name says what the content is.
/// </summary>
public sealed class FileStore(DatabaseSettings settings)
{
    private string Root => Path.Combine(settings.StorageRoot, "files");

    public async Task<string> SaveAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes.Span));
        var path = PathOf(sha);
        if (File.Exists(path))
        {
            return sha;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes.ToArray(), cancellationToken);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }

        return sha;
    }

    /// <summary>Streams a large file (video) to disk while hashing it.</summary>
    public async Task<string> SaveAsync(Stream content, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, Guid.NewGuid().ToString("N") + ".tmp");
        string sha;
        await using (var output = File.Create(temp))
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            var buffer = new byte[81920];
            int read;
            content.Position = 0;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        var path = PathOf(sha);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            File.Delete(temp);
        }
        else
        {
            File.Move(temp, path);
        }

        return sha;
    }

    public Stream? OpenRead(string sha256)
    {
        var path = PathOf(sha256);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
    }

    /// <summary>The SHA-256 of every file in the store (names that are not a SHA-256, e.g. a partial write, are skipped).</summary>
    public IEnumerable<string> All() =>
        Directory.Exists(Root)
            ? Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>()
                .Where(name => name.Length == 64 && name.All(char.IsAsciiHexDigitLower))
            : [];

    public string PathOf(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Not a SHA-256.", nameof(sha256));
        }

        return Path.Combine(Root, sha256[..2], sha256);
    }
}
