package dev.renga.node.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's socket I/O for handler code: one thread around one NIO {@link Selector}, never running JavaScript. Every
 * {@link TcpSocket} lives on it (connects, reads, writes, TLS); what it observes goes to the owning request's actor as
 * messages, so JS sees it in a turn of that request. Work from other threads arrives through {@link #execute}.
 */
public final class SocketLoop implements Extension, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SocketLoop.class);
  private static final Id ID = new Id();

  public static SocketLoop get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** One loop per actor system, closed when the system terminates. */
  public static final class Id extends ExtensionId<SocketLoop> {
    @Override
    public SocketLoop createExtension(ActorSystem<?> system) {
      SocketLoop loop =
          new SocketLoop("renga-sockets-" + system.name(), SocketSettings.from(system.settings().config()));
      system.getWhenTerminated().whenComplete((done, failure) -> loop.close());
      return loop;
    }
  }

  private final SocketSettings settings;
  private final Selector selector;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  /** Sockets still connecting, checked against their deadline on every wake-up. */
  private final Set<TcpSocket> connecting = new HashSet<>();
  private final Thread thread;
  private volatile boolean open = true;

  public SocketLoop(String name, SocketSettings settings) {
    this.settings = settings;
    try {
      this.selector = Selector.open();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.thread = Thread.ofPlatform().name(name).daemon(true).start(this::run);
  }

  /** The per-request socket limits (renga.sandbox.sockets). */
  public SocketSettings settings() {
    return settings;
  }

  /** Runs {@code task} on the loop's thread, soon. */
  public void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  Selector selector() {
    return selector;
  }

  void connecting(TcpSocket socket, boolean waiting) {
    if (waiting) {
      connecting.add(socket);
    } else {
      connecting.remove(socket);
    }
  }

  private void run() {
    while (open) {
      try {
        long now = System.nanoTime();
        long wait = 0;
        for (TcpSocket socket : connecting) {
          long left = Math.max(1, (socket.connectDeadline() - now) / 1_000_000);
          wait = wait == 0 ? left : Math.min(wait, left);
        }
        if (tasks.isEmpty()) {
          selector.select(wait);
        } else {
          selector.selectNow();
        }
        Runnable task;
        while ((task = tasks.poll()) != null) {
          safely(task);
        }
        for (SelectionKey key : selector.selectedKeys()) {
          TcpSocket socket = (TcpSocket) key.attachment();
          safely(() -> socket.ready(key));
        }
        selector.selectedKeys().clear();
        if (!connecting.isEmpty()) {
          long after = System.nanoTime();
          for (TcpSocket socket : Set.copyOf(connecting)) {
            if (after - socket.connectDeadline() >= 0) {
              safely(socket::connectTimedOut);
            }
          }
        }
      } catch (ClosedSelectorException e) {
        return;
      } catch (IOException | RuntimeException e) {
        log.warn("socket loop", e);
      }
    }
    for (SelectionKey key : selector.keys()) {
      safely(((TcpSocket) key.attachment())::close);
    }
    try {
      selector.close();
    } catch (IOException e) {
      log.debug("closing the selector", e);
    }
  }

  private static void safely(Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      log.warn("socket task failed", e);
    }
  }

  @Override
  public void close() {
    if (!open) {
      return;
    }
    open = false;
    selector.wakeup();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
