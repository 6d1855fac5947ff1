package dev.renga.node.sandbox;

import dev.renga.node.fetch.HandlerBundle;
import dev.renga.node.fetch.HandlerCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Isolation {@code scope}: every handler version gets contexts of its own (never shared with another handler) whose
 * realm was deep-frozen before any handler code ran (runtime.js's {@code lockdown}), and every request a fresh scope in
 * one of them: its own call of the handler function (compiled once per context), its own req, res, timers, modules
 * and console. Nothing one request writes can reach the next: the realm it shares is frozen, and its own objects are
 * reachable only from its own scope.
 *
 * <p>A context runs one turn at a time, so a handler has up to {@code contexts-per-handler} of them (a turn that finds
 * its context busy gives its thread back and is woken when the context frees, so requests of one slow handler cannot
 * hold every JS thread waiting for their contexts); a node keeps at
 * most {@code max-contexts} (the least recently used handlers' idle ones close first), adds none without closing an
 * idle one while its old generation holds more than {@code max-heap} of the heap after a collection, and closes a
 * quarter of them (least recently used first) each second it stays there; each is retired after
 * {@code requests-per-context} requests. A request that must be stopped is interrupted ({@link Context#interrupt}):
 * its turn ends with an exception, the context stays usable, and the other requests in it carry on. Only if the
 * interrupt does not take within {@link #INTERRUPT_TIMEOUT} (code stuck in a host call) is the context closed, and the
 * other requests in it (same handler) fail with {@link Execution.Lost}.
 */
final class ScopeIsolation implements Isolation {
  private static final Logger log = LoggerFactory.getLogger(ScopeIsolation.class);
  static final Duration INTERRUPT_TIMEOUT = Duration.ofSeconds(2);
  /** How often the end of a request looks at the heap, to give memory back while it stays above max-heap. */
  static final Duration MEMORY_CHECK_INTERVAL = Duration.ofSeconds(1);
  private static final Execution.Busy BUSY = new Execution.Busy();

  private final JsEngine engine;
  private final Settings settings;
  /** The old generation's use after the last collection, as a fraction of the heap ({@link OldGeneration}). */
  private final DoubleSupplier heap;
  /** Contexts closed because the heap was above max-heap. */
  private final LongAdder closedForMemory = new LongAdder();
  /** When (System.nanoTime) the end of a request next looks at the heap. */
  private volatile long nextMemoryCheck = System.nanoTime();
  /**
   * Each handler version's contexts, least recently used first, by URL and source text (two fetches of the same
   * version are one handler). Guarded by this.
   */
  private final LinkedHashMap<Version, Handler> handlers = new LinkedHashMap<>(16, 0.75f, true);
  /** Contexts open now, over all handlers (retiring ones included). Guarded by this. */
  private int contexts;
  private boolean closed;

  ScopeIsolation(JsEngine engine, Settings settings, DoubleSupplier heap) {
    this.engine = engine;
    this.settings = settings;
    this.heap = heap;
  }

  /** A handler version: its URL and its source text. */
  private record Version(String url, String code) {
    Version(HandlerCode code) {
      this(code.url(), code.code());
    }
  }

  @Override
  public Execution open(HandlerBundle bundle, ProxyObject bridge) {
    HandlerCode code = bundle.handler();
    Version version = new Version(code);
    Place place;
    synchronized (this) {
      Handler handler = handlers.computeIfAbsent(version, v -> new Handler());
      place = handler.pick(settings.contextsPerHandler());
      // Every context the handler may have is still being made: wait for one rather than make more.
      while (place == null && handler.creating >= settings.contextsPerHandler()) {
        awaitCreated();
        handler = handlers.computeIfAbsent(version, v -> new Handler());
        place = handler.pick(settings.contextsPerHandler());
      }
      if (place == null) {
        handler.creating++;
      } else {
        admit(handler, place);
      }
    }
    if (place == null) {
      place = create(code, version);
    }
    return new Scoped(place, bridge);
  }

  /** A new context for {@code code}'s handler (a pooled, frozen realm), admitted with its first request. */
  private Place create(HandlerCode code, Version version) {
    PreparedContext prepared;
    try {
      prepared = engine.take(Level.SCOPE);
    } catch (RuntimeException e) {
      synchronized (this) {
        handlers.computeIfAbsent(version, v -> new Handler()).creating--;
        notifyAll();
      }
      throw e;
    }
    Place place = new Place(prepared, code, version);
    boolean overMemory = overMemory();
    List<Place> idle;
    synchronized (this) {
      Handler handler = handlers.computeIfAbsent(version, v -> new Handler());
      handler.creating--;
      notifyAll();
      if (closed) {
        place.close();
        throw new IllegalStateException("the node is stopping");
      }
      handler.places.add(place);
      contexts++;
      admit(handler, place);
      idle = new ArrayList<>();
      closeIdle(idle, contexts - settings.maxContexts());
      if (overMemory && idle.isEmpty()) {
        // Above the memory bound the node's contexts do not grow: the new one takes an idle one's place.
        closeIdle(idle, 1);
        closedForMemory.add(idle.size());
      }
    }
    idle.forEach(Place::close);
    return place;
  }

  /** Whether the heap's old generation holds more than max-heap after the last collection. */
  private boolean overMemory() {
    return settings.maxHeap() > 0 && heap.getAsDouble() > settings.maxHeap();
  }

  /**
   * While the heap is above max-heap, closes a quarter of the open contexts (at least one), idle ones of the least
   * recently used handlers first; the next requests of their handlers make new ones. Returns how many it closed.
   */
  int giveBackMemory() {
    if (!overMemory()) {
      return 0;
    }
    List<Place> idle = new ArrayList<>();
    synchronized (this) {
      closeIdle(idle, Math.max(1, contexts / 4));
    }
    closedForMemory.add(idle.size());
    idle.forEach(Place::close);
    if (!idle.isEmpty()) {
      log.info("the heap's old generation holds {}% after collection, above renga.sandbox.scope.max-heap: closed {} idle handler contexts",
          Math.round(heap.getAsDouble() * 100), idle.size());
    }
    return idle.size();
  }

  /** Waits (under this lock) until a context being made is ready or failed. */
  private void awaitCreated() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while a handler context was being made", e);
    }
  }

  /** One more request in {@code place}; a place that served its quota takes no more. Under this lock. */
  private void admit(Handler handler, Place place) {
    place.active++;
    if (++place.served >= settings.requestsPerContext()) {
      handler.places.remove(place);
      place.retiring = true;
    }
  }

  /**
   * Takes up to {@code most} idle contexts out, those of the least recently used handlers first, into {@code closing}
   * (the caller closes them outside this lock). Under this lock.
   */
  private void closeIdle(List<Place> closing, int most) {
    int goal = closing.size() + most;
    Iterator<Map.Entry<Version, Handler>> eldest = handlers.entrySet().iterator();
    while (closing.size() < goal && eldest.hasNext()) {
      Handler handler = eldest.next().getValue();
      for (Iterator<Place> places = handler.places.iterator(); places.hasNext() && closing.size() < goal; ) {
        Place place = places.next();
        if (place.active == 0) {
          places.remove();
          contexts--;
          closing.add(place);
        }
      }
      if (handler.places.isEmpty() && handler.creating == 0) {
        eldest.remove();
      }
    }
  }

  /** A request left {@code place}: a retiring or broken place closes once it is empty. */
  private void release(Place place) {
    boolean close;
    synchronized (this) {
      place.active--;
      close = place.active == 0 && (place.retiring || place.broken) && !place.closed;
      if (close) {
        contexts--;
        Handler handler = handlers.get(place.version);
        if (handler != null && handler.places.isEmpty() && handler.creating == 0) {
          handlers.remove(place.version);
        }
      }
    }
    if (close) {
      place.close();
    }
    long now = System.nanoTime();
    if (settings.maxHeap() > 0 && now - nextMemoryCheck >= 0) {
      nextMemoryCheck = now + MEMORY_CHECK_INTERVAL.toNanos();
      giveBackMemory();
    }
  }

  /** A context stuck in host code was closed: no request may start in it, those in it are lost. */
  private void broke(Place place) {
    synchronized (this) {
      Handler handler = handlers.get(place.version);
      if (handler != null && handler.places.remove(place)) {
        place.retiring = true;
      }
      place.broken = true;
    }
  }

  /** Handler contexts open now. */
  synchronized int contexts() {
    return contexts;
  }

  /** Requests in the contexts that take new requests now. */
  synchronized int activeRequests() {
    int active = 0;
    for (Handler handler : handlers.values()) {
      for (Place place : handler.places) {
        active += place.active;
      }
    }
    return active;
  }

  /** The URLs of the handlers that have contexts open, least recently used first. */
  synchronized List<String> handlersWithContexts() {
    List<String> urls = new ArrayList<>();
    handlers.forEach((version, handler) -> {
      if (!handler.places.isEmpty()) {
        urls.add(version.url());
      }
    });
    return urls;
  }

  /** Contexts closed so far because the heap was above max-heap. */
  long closedForMemory() {
    return closedForMemory.sum();
  }

  @Override
  public void close() {
    List<Place> all = new ArrayList<>();
    synchronized (this) {
      closed = true;
      handlers.values().forEach(h -> all.addAll(h.places));
      handlers.clear();
    }
    all.forEach(Place::close);
  }

  /** One handler version's contexts that take new requests. */
  private static final class Handler {
    final List<Place> places = new ArrayList<>(2);
    /** Contexts being made for it now. */
    int creating;

    /** The context with the fewest requests, or null when a new one should be made (all busy, room for more). */
    Place pick(int most) {
      Place least = null;
      for (Place place : places) {
        if (least == null || place.active < least.active) {
          least = place;
        }
      }
      if (least == null || least.active > 0 && places.size() + creating < most) {
        return null;
      }
      return least;
    }
  }

  /** One frozen context of one handler version. */
  private final class Place {
    final Context context;
    final Value runtime;
    final HandlerCode code;
    final Version version;
    /** One thread in the context at a time: a turn holds it. */
    final ReentrantLock turns = new ReentrantLock();
    /** Turns that found the context busy, woken one at a time (in arrival order) as turns end. */
    final ConcurrentLinkedQueue<Waiter> waiters = new ConcurrentLinkedQueue<>();
    /** The request whose turn runs now; read and written under {@code this} (the place's monitor). */
    Scoped running;
    /**
     * Stopped requests that must let go of their state in the context (runtime.js's {@code leave}): it would stay
     * reachable, with all that its closures hold (what it was stopped for allocating, a pending timer's data), until
     * the next request took a turn here, and the heap guard's cancellations would free nothing. Left by whoever holds
     * the context next, or finds it free.
     */
    final ConcurrentLinkedQueue<Value> leaving = new ConcurrentLinkedQueue<>();
    /** The handler compiled in this context, on first use; under {@link #turns}. */
    Value handler;
    // Under ScopeIsolation.this:
    int active;
    long served;
    boolean retiring;
    boolean broken;
    boolean closed;

    Place(PreparedContext prepared, HandlerCode code, Version version) {
      this.context = prepared.context();
      this.runtime = prepared.runtime();
      this.code = code;
      this.version = version;
    }

    /**
     * Tells the longest-waiting turn of a live request to try again (it may find the context taken again, and queue
     * again); requests stopped or ended while they waited are passed over, so no wake-up is lost on them.
     */
    void wakeOne() {
      for (Waiter next; (next = waiters.poll()) != null; ) {
        if (!next.execution().stopped && !next.execution().released) {
          next.retry().run();
          return;
        }
      }
    }

    /**
     * Lets the stopped requests in {@link #leaving} go, if the context is free now. If a turn holds it, that turn's end
     * calls this again (a request stopped during its own turn is left right after it).
     */
    void leave() {
      while (!leaving.isEmpty() && turns.tryLock()) {
        try {
          if (!usable()) {
            leaving.clear(); // closed or closing: its requests go with it
            return;
          }
          for (Value request; (request = leaving.poll()) != null; ) {
            request.invokeMember("leave");
          }
        } catch (PolyglotException | IllegalStateException e) {
          log.debug("a stopped request could not leave its context of {}", code.url(), e);
        } finally {
          turns.unlock();
          wakeOne();
        }
      }
    }

    private boolean usable() {
      synchronized (ScopeIsolation.this) {
        return !broken && !closed;
      }
    }

    void close() {
      synchronized (ScopeIsolation.this) {
        closed = true;
      }
      // Whoever waits for the context learns it is gone on its next try.
      for (Waiter waiter; (waiter = waiters.poll()) != null; ) {
        waiter.retry().run();
      }
      try {
        context.close(true);
      } catch (RuntimeException e) {
        log.debug("closing a handler context failed", e);
      }
    }
  }

  /** A turn waiting for its context, and how to tell it to try again. */
  private record Waiter(Scoped execution, Runnable retry) {}

  /** One request's fresh scope in a handler's context. */
  private final class Scoped implements Execution {
    private final Place place;
    private final ProxyObject bridge;
    private Value request;
    private volatile boolean stopped;
    private volatile boolean released;

    Scoped(Place place, ProxyObject bridge) {
      this.place = place;
      this.bridge = bridge;
    }

    @Override
    public void turn(Consumer<Value> work, Runnable retry) {
      if (!place.turns.tryLock()) {
        place.waiters.add(new Waiter(this, retry));
        // The turn that held the context may have ended between the try and the queueing: wake someone now.
        if (!place.turns.isLocked()) {
          place.wakeOne();
        }
        throw BUSY;
      }
      try {
        synchronized (place) {
          if (place.broken) {
            throw new Execution.Lost(
                "its context was closed to stop another request of the same handler that did not answer an interrupt");
          }
          if (stopped) {
            return;
          }
          place.running = this;
        }
        if (request == null) {
          request = place.runtime.invokeMember("open", bridge);
        } else {
          request.invokeMember("enter");
        }
        work.accept(request);
      } finally {
        synchronized (place) {
          place.running = null;
        }
        place.turns.unlock();
        place.wakeOne();
        place.leave();
      }
    }

    @Override
    public Value handler() {
      if (place.handler == null) {
        place.handler = place.context.eval(engine.handler(place.code));
      }
      return place.handler;
    }

    @Override
    public void stop() {
      stopped = true;
      synchronized (place) {
        if (place.running != this) {
          return; // between turns: it never runs again
        }
        try {
          place.context.interrupt(INTERRUPT_TIMEOUT);
          return;
        } catch (TimeoutException | PolyglotException | IllegalStateException e) {
          log.warn("a request in a context of {} did not stop on interrupt within {} ms; closing the context",
              place.code.url(), INTERRUPT_TIMEOUT.toMillis());
        }
      }
      broke(place);
      place.close();
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        // A stopped request may hold a great deal (it was stopped for its memory, or waited holding it), so it leaves
        // at once; one that ended by itself stays the context's current request until the next one takes a turn.
        if (stopped && request != null) {
          place.leaving.add(request);
          place.leave();
        }
        request = null;
        release(place);
      }
    }
  }
}
