package dev.renga.bench;

import dev.renga.node.sandbox.PreparedContext;
import java.util.HashMap;
import java.util.Map;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/** One request as the node's RequestActor runs it (runtime.js, the handler, run), without the actor around it. */
final class Requests {
  static final String HELLO = "res.writeHead(200, { 'content-type': 'text/plain' });\nres.end('hello');";
  static final String WAIT = "setTimeout(() => res.end('waited'), 20000);";

  private Requests() {}

  /** A host bridge that records the answer: runtime.js calls respond() when the handler ends its response. */
  static final class Bridge {
    int status;
    final ProxyObject proxy;

    Bridge() {
      Map<String, Object> bridge = new HashMap<>();
      bridge.put("handlerUrl", (ProxyExecutable) args -> "http://127.0.0.1/bench.js");
      bridge.put("log", (ProxyExecutable) args -> null);
      bridge.put("headWritten", (ProxyExecutable) args -> null);
      bridge.put("setTimer", (ProxyExecutable) args -> null);
      bridge.put("clearTimer", (ProxyExecutable) args -> null);
      bridge.put("respond", (ProxyExecutable) args -> {
        status = args[0].asInt();
        return null;
      });
      bridge.put("fail", (ProxyExecutable) args -> {
        status = 500;
        return null;
      });
      proxy = ProxyObject.fromMap(bridge);
    }
  }

  /** Runs {@code handler} once in a prepared context, binding a fresh bridge; the status it answered. */
  static int run(PreparedContext prepared, Source handler) {
    Bridge bridge = new Bridge();
    Value fn = prepared.context().eval(handler);
    prepared.runtime().invokeMember("open", bridge.proxy).getMember("run")
        .executeVoid(fn, "GET", "/", "1.1", ProxyArray.fromArray("host", "localhost"), "");
    return bridge.status;
  }
}
