using System.Net;

namespace InfoPortal.Infrastructure.Web;

/// <summary>Address ranges from configuration: the trusted proxies and the office networks.</summary>
public static class NetworkRange
{
    /// <summary>A CIDR range (<c>10.0.0.0/8</c>) or a bare address, which means that host alone.</summary>
    public static IPNetwork Parse(string cidr)
    {
        if (IPNetwork.TryParse(cidr.Trim(), out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(cidr.Trim(), out var address))
        {
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new FormatException($"'{cidr}' is not a CIDR range (Security:OfficeNetworks).");
    }
}
