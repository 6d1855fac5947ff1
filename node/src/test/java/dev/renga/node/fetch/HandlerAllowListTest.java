package dev.renga.node.fetch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerAllowListTest {
  private static boolean allows(String pattern, String url) {
    return HandlerAllowList.of(List.of(pattern)).allows(URI.create(url));
  }

  @Test
  void starAloneAllowsEverything() {
    assertTrue(allows("*", "http://10.0.0.1:9999/x.js"));
  }

  @Test
  void subdomainWildcardMatchesSubdomainsAndAnyPath() {
    assertTrue(allows("https://*.example.com/*", "https://a.example.com/h.js"));
    assertTrue(allows("https://*.example.com/*", "https://a.b.example.com/deep/path/h.js?v=1"));
    assertTrue(allows("https://*.example.com/*", "https://A.Example.COM/h.js"));
    assertTrue(allows("https://*.example.com/*", "https://a.example.com:443/h.js"));
  }

  @Test
  void wildcardInTheOriginNeverCrossesIntoThePath() {
    assertFalse(allows("https://*.example.com/*", "https://evil.test/x.example.com/h.js"));
    assertFalse(allows("https://*.example.com/*", "https://evil.test/?.example.com/"));
    assertFalse(allows("https://*.example.com/*", "https://example.com.evil.test/h.js"));
    assertFalse(allows("https://*.example.com/*", "https://user@evil.test/.example.com/"));
  }

  @Test
  void schemeAndPortMustMatch() {
    assertFalse(allows("https://*.example.com/*", "http://a.example.com/h.js"));
    assertFalse(allows("https://*.example.com/*", "https://a.example.com:8443/h.js"));
    assertTrue(allows("https://a.example.com:*/*", "https://a.example.com:8443/h.js"));
  }

  @Test
  void pathPrefixRestrictsToADirectory() {
    assertTrue(allows("https://code.example.com/tenants/acme/*", "https://code.example.com/tenants/acme/h.js"));
    assertFalse(allows("https://code.example.com/tenants/acme/*", "https://code.example.com/tenants/other/h.js"));
    assertFalse(allows("https://code.example.com/h.js", "https://code.example.com/h.jsx"));
  }

  @Test
  void anyOfSeveralPatternsAllows() {
    var list = HandlerAllowList.of(List.of("https://a.test/*", "https://b.test/*"));
    assertTrue(list.allows(URI.create("https://b.test/h.js")));
    assertFalse(list.allows(URI.create("https://c.test/h.js")));
  }
}
