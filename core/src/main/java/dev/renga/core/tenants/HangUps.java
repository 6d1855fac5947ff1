package dev.renga.core.tenants;

import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP for this JVM: caught from {@link #catchEarly()} on, in place of the JVM's default (which exits), and passed to
 * the tenants' reloader once there is one ({@link #reloadTenants}); one that came before is passed on then. A node
 * catches it first thing, so a SIGHUP its launcher forwards while it starts or stands by reloads its tenants instead
 * of ending it. A process started with SIGHUP ignored (under {@code nohup}) cannot catch it: its tenants then reload
 * only when their files change.
 */
public final class HangUps {
  private static final Logger log = LoggerFactory.getLogger(HangUps.class);

  private static ActorRef<TenantsReloader.Command> reloader;
  /** A SIGHUP came before there was a reloader. */
  private static boolean missed;
  /** Whether SIGHUP is caught; null until {@link #catchEarly()} ran. */
  private static Boolean caught;

  private HangUps() {}

  /** Catches SIGHUP from now on; false when this process cannot (SIGHUP ignored, or no such signal here). */
  public static synchronized boolean catchEarly() {
    if (caught == null) {
      try {
        SignalHandler before = Signal.handle(new Signal("HUP"), signal -> hangUp());
        // The JVM leaves an ignored SIGHUP ignored (the handler is not installed) and says so by returning SIG_IGN.
        caught = before != SignalHandler.SIG_IGN;
        if (!caught) {
          log.warn("SIGHUP is ignored by this process (started under nohup?): tenants reload only when their files change");
        }
      } catch (IllegalArgumentException unsupported) {
        caught = false;
        log.info("SIGHUP cannot be handled on this platform: tenants reload when their files change");
      }
    }
    return caught;
  }

  /** Sends every SIGHUP from now on (and one that came earlier) to {@code tenants} as a reload. */
  public static synchronized void reloadTenants(ActorRef<TenantsReloader.Command> tenants) {
    catchEarly();
    reloader = tenants;
    if (missed) {
      missed = false;
      tenants.tell(new TenantsReloader.Reload("SIGHUP received while starting"));
    }
  }

  private static synchronized void hangUp() {
    if (reloader != null) {
      reloader.tell(new TenantsReloader.Reload("SIGHUP"));
    } else {
      missed = true;
    }
  }
}
