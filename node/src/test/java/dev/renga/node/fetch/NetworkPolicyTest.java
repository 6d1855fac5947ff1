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
}
