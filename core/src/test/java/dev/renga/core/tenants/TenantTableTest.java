package dev.renga.core.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

class TenantTableTest {
  private static TenantTable<String> table(String hocon) {
    Config tenants = ConfigFactory.parseString(hocon);
    return TenantTable.of(tenants, (name, entry) -> name + (entry.hasPath("tag") ? ":" + entry.getString("tag") : ""));
  }

  @Test
  void theLongestMatchingPrefixWinsAndEveryOtherUrlIsTheDefaultKeyedByItsOrigin() {
    var t =
        table(
            """
            acme { match = ["https://acme.example/"] }
            acme-api { match = ["https://acme.example/api/", "http://127.0.0.1:9001/acme"] }
            """);
    assertEquals("acme-api", t.match("https://ACME.example:443/api/v1/h.js").key());
    assertEquals("acme", t.match("https://acme.example/apiv2.js").key(), "a prefix ends at a path segment");
    assertEquals("acme", t.match("https://acme.example/other/h.js").name());
    assertEquals("acme-api", t.match("http://127.0.0.1:9001/acme/h.js").key());
    assertEquals("acme-api", t.match("http://127.0.0.1:9001/acme").key());
    var other = t.match("http://127.0.0.1:9001/acmeish/h.js");
    assertEquals(TenantTable.DEFAULT, other.name());
    assertEquals("http://127.0.0.1:9001", other.key(), "outside every entry each origin is a tenant, as before");
    assertEquals("default", other.settings());
    assertEquals("http://acme.example:80", t.match("http://acme.example/h.js").key(), "the scheme is part of a prefix");
  }

  @Test
  void theDefaultEntryMayCarrySettingsButNoMatch() {
    var t = table("default { tag = base }\nacme { match = \"https://acme.example/\", tag = a }");
    assertEquals("default:base", t.match("https://elsewhere.example/h.js").settings());
    assertEquals("acme:a", t.match("https://acme.example/h.js").settings());
    assertThrows(IllegalArgumentException.class, () -> table("default { match = [\"https://x.example/\"] }"));
  }

  @Test
  void wrongEntriesAreRefusedWithTheTenantNamed() {
    var missing = assertThrows(IllegalArgumentException.class, () -> table("acme { tag = a }"));
    assertTrue(missing.getMessage().contains("tenant acme: match"), missing.getMessage());
    var twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> table("a { match = \"https://x.example/p/\" }\nb { match = \"https://x.example:443/p/\" }"));
    assertTrue(twice.getMessage().contains("both match"), twice.getMessage());
    var notUrl = assertThrows(IllegalArgumentException.class, () -> table("a { match = \"ftp://x.example/\" }"));
    assertTrue(notUrl.getMessage().contains("tenant a: match"), notUrl.getMessage());
    assertThrows(IllegalArgumentException.class, () -> table("a = 3"));
  }

  @Test
  void changesNameTheTenantsAddedChangedAndRemoved() {
    var before = table("a { match = \"https://a.example/\", tag = 1 }\nb { match = \"https://b.example/\" }");
    var after = table("a { match = \"https://a.example/\", tag = 2 }\nc { match = \"https://c.example/\" }");
    assertEquals("added [c], changed [a], removed [b]", TenantsReloader.changes(before, after));
    assertEquals("no change", TenantsReloader.changes(before, before));
  }
}
