package dev.renga.node.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class ContextPoolTest {
  private static final JsEngine engine = new JsEngine();

  @AfterAll
  static void closeEngine() {
    engine.close();
  }

  /** Counts preparations; {@code prepared} opens once {@code n} have been made. */
  private static final class Counting implements Supplier<PreparedContext> {
    final AtomicInteger made = new AtomicInteger();
    final CountDownLatch prepared;

    Counting(int n) {
      prepared = new CountDownLatch(n);
    }

    final List<Context> contexts = Collections.synchronizedList(new ArrayList<>());

    @Override
    public PreparedContext get() {
      PreparedContext context = engine.prepare();
      contexts.add(context.context());
      made.incrementAndGet();
      prepared.countDown();
      return context;
    }

    /** How many of the contexts made are closed now. */
    int closed() {
      int closed = 0;
      for (Context context : List.copyOf(contexts)) {
        try {
          context.eval("js", "1");
        } catch (IllegalStateException e) {
          closed++;
        }
      }
      return closed;
    }
  }

  @Test
  void fillsAheadOfDemandAndEveryContextServesOneRequestOnly() throws Exception {
    int size = 4;
    Counting counting = new Counting(size + 1);
    List<PreparedContext> taken = new ArrayList<>();
    try (ContextPool pool = new ContextPool(counting, size)) {
      // The filler prepares contexts one after another; the (size+1)th is made only after the size-th was pooled.
      assertTrue(counting.prepared.await(60, TimeUnit.SECONDS), "the pool filled by itself");
      assertEquals(size, pool.ready());
      for (int i = 0; i < 3 * size; i++) { // more than the pool holds: the rest are made on the spot
        taken.add(pool.take());
      }
      Set<Context> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
      for (PreparedContext prepared : taken) {
        distinct.add(prepared.context());
      }
      assertEquals(taken.size(), distinct.size(), "no context is handed out twice");

      // A context one request polluted is not the next request's: each starts from runtime.js alone.
      PreparedContext first = taken.get(0);
      PreparedContext second = taken.get(1);
      Map<String, Object> answers = run(first, "globalThis.leak = 'secret'; Object.prototype.evil = 1; res.end('a')");
      assertEquals("a", answers.get("body"));
      assertEquals(
          "undefined undefined",
          run(second, "res.end(typeof globalThis.leak + ' ' + typeof ({}).evil)").get("body"));

      // Binding a second request to a context that already served one is refused.
      PolyglotException again = assertThrows(PolyglotException.class, () -> run(first, "res.end('b')"));
      assertTrue(again.getMessage().contains("one request only"), again.getMessage());
    } finally {
      taken.forEach(p -> p.context().close());
    }
  }

  @Test
  void closeStopsTheFillerAndClosesWhatWaitsInThePool() throws Exception {
    Set<Thread> before = fillers();
    Counting counting = new Counting(3);
    ContextPool pool = new ContextPool(counting, 2);
    assertTrue(counting.prepared.await(60, TimeUnit.SECONDS));
    Set<Thread> ours = fillers();
    ours.removeAll(before);
    assertEquals(1, ours.size(), "the pool runs one filler thread");
    pool.close();
    assertEquals(0, pool.ready());
    assertFalse(ours.iterator().next().isAlive(), "the filler thread ended");
    assertEquals(counting.made.get(), counting.closed(), "every context the pool made and nobody took is closed");
  }

  private static Set<Thread> fillers() {
    Set<Thread> threads = Collections.newSetFromMap(new IdentityHashMap<>());
    Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("renga-context-pool")).forEach(threads::add);
    return threads;
  }

  /** Runs {@code code} as a handler in {@code prepared}, binding a bridge that records the response. */
  private static Map<String, Object> run(PreparedContext prepared, String code) {
    Map<String, Object> answers = new java.util.HashMap<>();
    Map<String, Object> bridge = new java.util.HashMap<>();
    bridge.put(
        "respond",
        (ProxyExecutable)
            args -> {
              answers.put("status", args[0].asInt());
              answers.put("body", new String(RuntimeHost.body(args[2]), java.nio.charset.StandardCharsets.UTF_8));
              return null;
            });
    bridge.put("fail", (ProxyExecutable) args -> answers.put("error", args[0].asString()));
    bridge.put("handlerUrl", (ProxyExecutable) args -> "http://127.0.0.1/test.js");
    bridge.put("headWritten", (ProxyExecutable) args -> null);
    Value handler = prepared.context().eval(engine.handler("http://127.0.0.1/test.js", code));
    prepared
        .runtime()
        .invokeMember("open", ProxyObject.fromMap(bridge))
        .getMember("run")
        .executeVoid(handler, "GET", "/", "1.1", ProxyArray.fromArray(), "");
    return answers;
  }
}
