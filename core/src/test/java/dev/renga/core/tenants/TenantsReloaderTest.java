package dev.renga.core.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TenantsReloaderTest {
  private static final ActorTestKit testKit = ActorTestKit.create();
  private static final TenantsReloader.Parser<String> TAGS =
      new TenantsReloader.Parser<>((name, entry) -> entry.hasPath("tag") ? entry.getString("tag") : "", tag -> List.of());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  private static void write(Path file, String text, int generation) throws IOException {
    Files.writeString(file, text);
    // A distinct modification time per write, whatever the file system's clock resolution.
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(generation)));
  }

  @Test
  void aChangedFileIsPutInForceAndABrokenOneKeepsTheTenantsInForce(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tenants.conf");
    write(file, "acme { match = \"https://acme.example/\", tag = one }", 1);
    var source = new TenantsSource(ConfigFactory.empty(), Optional.of(file), Duration.ofMillis(50));
    var tenants = TenantsReloader.load(source, TAGS);
    assertEquals("one", tenants.match("https://acme.example/h.js").settings());
    testKit.spawn(TenantsReloader.create(source, TAGS, tenants));

    write(file, "acme { match = \"https://acme.example/\", tag = two }", 2);
    await(() -> "two".equals(tenants.match("https://acme.example/h.js").settings()));

    var reloader = testKit.spawn(TenantsReloader.create(new TenantsSource(ConfigFactory.empty(), Optional.of(file), Duration.ZERO), TAGS, tenants));
    TestProbe<Boolean> loaded = testKit.createTestProbe();
    write(file, "acme { match = \"https://acme.example/\", tag = three", 3); // unbalanced: does not parse
    reloader.tell(new TenantsReloader.Reload("test", loaded.getRef()));
    assertEquals(false, loaded.receiveMessage());
    write(file, "acme { match = \"https://acme.example/\", tag = four }\nbad { tag = x }", 4); // bad has no match
    reloader.tell(new TenantsReloader.Reload("test", loaded.getRef()));
    assertEquals(false, loaded.receiveMessage());
    assertEquals("two", tenants.match("https://acme.example/h.js").settings(), "a broken file keeps the tenants in force");
    write(file, "acme { match = \"https://acme.example/\", tag = five }", 5);
    await(() -> "five".equals(tenants.match("https://acme.example/h.js").settings()));
  }

  @Test
  void aReloadMessageReadsTheFileAtOnce(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tenants.conf");
    write(file, "acme { match = \"https://acme.example/\", tag = one }", 1);
    var source = new TenantsSource(ConfigFactory.empty(), Optional.of(file), Duration.ZERO);
    var tenants = TenantsReloader.load(source, TAGS);
    var reloader = testKit.spawn(TenantsReloader.create(source, TAGS, tenants));
    write(file, "acme { match = \"https://acme.example/\", tag = two }", 2);
    reloader.tell(new TenantsReloader.Reload("test"));
    await(() -> "two".equals(tenants.match("https://acme.example/h.js").settings()));
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
