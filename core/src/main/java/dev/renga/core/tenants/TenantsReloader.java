package dev.renga.core.tenants;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the tenants file without a restart: on SIGHUP, and when the file or a secret file its tenants read changes
 * (their modification times and sizes, checked every renga.tenants-reload-interval on a timer; a change is read once it
 * has held for one interval). A file that does not
 * load keeps the tenants in force and logs why; one that loads is put in force whole, and the log names the tenants
 * added, changed and removed (never a setting's value). Runs on the blocking dispatcher: it reads files.
 *
 * @param <T> what one side keeps of each entry
 */
public final class TenantsReloader<T> extends AbstractBehavior<TenantsReloader.Command> {
  private static final Logger log = LoggerFactory.getLogger(TenantsReloader.class);

  public sealed interface Command {}

  /**
   * Read the tenants again now; {@code reason} goes to the log; {@code loaded}, if not null, is told whether the
   * tenants loaded (true) or the ones in force stay (false).
   */
  public record Reload(String reason, ActorRef<Boolean> loaded) implements Command {
    public Reload(String reason) {
      this(reason, null);
    }
  }

  private enum Check implements Command {
    INSTANCE
  }

  /** What one side makes of the tenants: its settings of an entry, and the files an entry's settings were read from. */
  public record Parser<T>(BiFunction<String, Config, T> settings, Function<T, List<Path>> files) {}

  public static <T> Behavior<Command> create(TenantsSource source, Parser<T> parser, Tenants<T> tenants) {
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  if (!source.reloadInterval().isZero() && source.file().isPresent()) {
                    timers.startTimerWithFixedDelay(Check.INSTANCE, source.reloadInterval());
                  }
                  return new TenantsReloader<>(context, source, parser, tenants);
                }));
  }

  /**
   * Loads the tenants once, at start-up: the caller fails to start on an IllegalArgumentException, which names the
   * entry and the key at fault. A reloader made with them later reloads on any change since this load.
   */
  public static <T> Tenants<T> load(TenantsSource source, Parser<T> parser) {
    // The tenants file as it was before it was read (a change while it is read is seen), its secret files after.
    String before = fileStamp(source);
    TenantTable<T> table = TenantTable.of(source.read(), parser.settings());
    Tenants<T> tenants = new Tenants<>(table);
    tenants.replace(table, before + secretsStamp(parser, table));
    return tenants;
  }

  /** Tells {@code reloader} to reload on SIGHUP (the JVM's default, exiting, is replaced); see {@link HangUps}. */
  public static void reloadOnHangUp(ActorRef<Command> reloader) {
    HangUps.reloadTenants(reloader);
  }

  private final TenantsSource source;
  private final Parser<T> parser;
  private final Tenants<T> tenants;
  private String fingerprint;
  /** The files' stamp at the last check when it differed from {@link #fingerprint}: a change not yet settled. */
  private String changing;

  private TenantsReloader(ActorContext<Command> context, TenantsSource source, Parser<T> parser, Tenants<T> tenants) {
    super(context);
    this.source = source;
    this.parser = parser;
    this.tenants = tenants;
    this.fingerprint = tenants.stamp();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Reload.class, this::onReload)
        .onMessageEquals(Check.INSTANCE, this::onCheck)
        .build();
  }

  /**
   * A change is reloaded once the files have stayed as they are for one check: a file read while an editor or a
   * deployment tool is still writing it could be cut short and still parse (an empty file is valid, with no tenants).
   */
  private Behavior<Command> onCheck() {
    String now = fingerprint(source, parser, tenants.table());
    if (now.equals(fingerprint)) {
      changing = null;
    } else if (now.equals(changing)) {
      changing = null;
      reload("a file changed");
    } else {
      changing = now;
    }
    return this;
  }

  private Behavior<Command> onReload(Reload reload) {
    boolean loaded = reload(reload.reason());
    if (reload.loaded() != null) {
      reload.loaded().tell(loaded);
    }
    return this;
  }

  private boolean reload(String reason) {
    String seen = fingerprint(source, parser, tenants.table());
    Tenants<T> loaded;
    try {
      loaded = load(source, parser);
    } catch (RuntimeException e) {
      // Remember what was seen, so a broken file is reported once, not at every check.
      fingerprint = seen;
      log.error("tenants not reloaded ({}): {}; the tenants in force stay", reason, e.getMessage());
      return false;
    }
    TenantTable<T> before = tenants.table();
    tenants.replace(loaded.table(), loaded.stamp());
    fingerprint = loaded.stamp();
    log.info("tenants reloaded ({}): {}", reason, changes(before, loaded.table()));
    return true;
  }

  /** "added [a], changed [b], removed [c]" by name only, or "no change". */
  static <T> String changes(TenantTable<T> before, TenantTable<T> after) {
    Map<String, T> old = before.entries();
    Map<String, T> now = after.entries();
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    for (String name : new TreeSet<>(now.keySet())) {
      if (!old.containsKey(name)) {
        added.add(name);
      } else if (!Objects.equals(old.get(name), now.get(name)) || !before.prefixes(name).equals(after.prefixes(name))) {
        changed.add(name);
      }
    }
    for (String name : new TreeSet<>(old.keySet())) {
      if (!now.containsKey(name)) {
        removed.add(name);
      }
    }
    if (added.isEmpty() && changed.isEmpty() && removed.isEmpty()) {
      return "no change";
    }
    return "added " + added + ", changed " + changed + ", removed " + removed;
  }

  /** Modification times and sizes of the tenants file and of every file and directory the tenants read. */
  private static <T> String fingerprint(TenantsSource source, Parser<T> parser, TenantTable<T> table) {
    return fileStamp(source) + secretsStamp(parser, table);
  }

  private static String fileStamp(TenantsSource source) {
    StringBuilder print = new StringBuilder();
    source.file().ifPresent(file -> stamp(file, print));
    return print.toString();
  }

  private static <T> String secretsStamp(Parser<T> parser, TenantTable<T> table) {
    StringBuilder print = new StringBuilder();
    for (T settings : table.entries().values()) {
      for (Path path : parser.files().apply(settings)) {
        stamp(path, print);
        if (Files.isDirectory(path)) {
          try (Stream<Path> entries = Files.list(path)) {
            entries.sorted().forEach(entry -> stamp(entry, print));
          } catch (IOException e) {
            print.append(path).append(":unreadable;");
          }
        }
      }
    }
    return print.toString();
  }

  private static void stamp(Path path, StringBuilder print) {
    print.append(path).append(':');
    try {
      print.append(Files.getLastModifiedTime(path).toMillis()).append('/').append(Files.size(path));
    } catch (IOException e) {
      print.append("missing");
    }
    print.append(';');
  }
}
