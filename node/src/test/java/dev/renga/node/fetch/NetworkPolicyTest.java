package dev.renga.node.fetch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class NetworkPolicyTest {
  private static final NetworkPolicy strict = new NetworkPolicy(false);
  private static final NetworkPolicy local = new NetworkPolicy(true);

  private static InetAddress ip(String literal) throws UnknownHostException {
    return InetAddress.getByName(literal);
  }

  @Test
  void metadataAndLinkLocalAreDeniedEvenWhenPrivateNetworksAreAllowed() throws Exception {
    for (String address : new String[] {"169.254.169.254", "169.254.1.1", "fe80::1", "100.100.100.200", "fd00:ec2::254"}) {
      assertTrue(local.denial(ip(address)).isPresent(), address);
      assertTrue(strict.denial(ip(address)).isPresent(), address);
    }
  }

  @Test
  void loopbackAndPrivateRangesAreDeniedUnlessAllowed() throws Exception {
    for (String address : new String[] {"127.0.0.1", "::1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "fc00::1", "100.64.0.1"}) {
      assertTrue(strict.denial(ip(address)).isPresent(), address);
      assertFalse(local.denial(ip(address)).isPresent(), address);
    }
  }

  @Test
  void publicAddressesAreAllowed() throws Exception {
    for (String address : new String[] {"93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"}) {
      assertFalse(strict.denial(ip(address)).isPresent(), address);
    }
  }

  @Test
  void unspecifiedAndMulticastAddressesAreDenied() throws Exception {
    for (String address : new String[] {"0.0.0.0", "::", "224.0.0.1"}) {
      assertTrue(local.denial(ip(address)).isPresent(), address);
    }
  }

  @Test
  void allowedDestinationsOpenPrivatePortsButNeverMetadataOrLinkLocal() throws Exception {
    var tenant =
        new NetworkPolicy(
            false,
            java.util.List.of(
                Destination.parse("10.0.0.5:5432"), Destination.parse("127.0.0.1:6379"),
                Destination.parse("db.internal:5432"), Destination.parse("10.2.0.0/16:5000-5999"),
                Destination.parse("169.254.0.0/16"), Destination.parse("[fd00::5]:5432")),
            false);
    assertFalse(tenant.denial("10.0.0.5", ip("10.0.0.5"), 5432).isPresent());
    assertTrue(tenant.denial("10.0.0.5", ip("10.0.0.5"), 5433).isPresent(), "another port of the same host");
    assertFalse(tenant.denial("localhost", ip("127.0.0.1"), 6379).isPresent());
    assertTrue(tenant.denial("localhost", ip("127.0.0.1"), 6380).isPresent());
    assertFalse(tenant.denial("DB.internal.", ip("10.9.9.9"), 5432).isPresent(), "a host name matches by name");
    assertFalse(tenant.denial("x", ip("10.2.200.1"), 5500).isPresent());
    assertTrue(tenant.denial("x", ip("10.3.0.1"), 5500).isPresent(), "outside the range");
    assertFalse(tenant.denial("x", ip("fd00::5"), 5432).isPresent());
    assertTrue(tenant.denial("x", ip("169.254.169.254"), 80).isPresent(), "metadata stays denied");
    assertFalse(tenant.denial("example.org", ip("93.184.216.34"), 443).isPresent(), "public addresses stay allowed");
  }

  @Test
  void onlyAllowedLimitsATenantToItsDestinations() throws Exception {
    var tenant = new NetworkPolicy(true, java.util.List.of(Destination.parse("api.example.com:443")), true);
    assertFalse(tenant.denial("api.example.com", ip("93.184.216.34"), 443).isPresent());
    assertTrue(tenant.denial("other.example.com", ip("93.184.216.34"), 443).isPresent());
    assertTrue(tenant.denial("x", ip("10.0.0.1"), 443).isPresent());
  }

  @Test
  void malformedDestinationsAreRefused() {
    for (String text : new String[] {"10.0.0.5:0", "10.0.0.5:70000", "10.0.0.0/33", "db.internal/8", "http://x", "a:5-4", ""}) {
      assertThrowsIllegal(text);
    }
  }

  private static void assertThrowsIllegal(String text) {
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Destination.parse(text), text);
  }
}
