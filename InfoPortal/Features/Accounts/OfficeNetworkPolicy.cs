using System.Net;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// rules.md §1 第十五条: no back-office sign-in from outside the office. Checks an address against
/// the configured CIDR allow-list; IPv4-mapped IPv6 addresses are compared as IPv4.
/// </summary>
public sealed class OfficeNetworkPolicy
{
    private readonly IReadOnlyList<IPNetwork> _networks;

    public OfficeNetworkPolicy(IOptions<SecurityOptions> options)
        : this(options.Value.EffectiveOfficeNetworks)
    {
    }

    public OfficeNetworkPolicy(IEnumerable<string> cidrs)
    {
        _networks = [.. cidrs.Select(Parse)];
    }

    public static IPNetwork Parse(string cidr) => Infrastructure.Web.NetworkRange.Parse(cidr);

    public bool IsAllowed(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return _networks.Any(n => n.Contains(address));
    }
}
