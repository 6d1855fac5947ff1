package dev.renga.node;

import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import dev.renga.core.HandlerError;
import dev.renga.core.Invocation;
import dev.renga.core.NodeProtocol;
import dev.renga.node.fetch.HandlerBundle;
import dev.renga.node.fetch.HandlerFetchException;
import dev.renga.node.fetch.NetworkPolicy;
import dev.renga.node.outbound.OutboundCalls;
import dev.renga.node.outbound.OutboundClient;
import dev.renga.node.net.RequestSockets;
import dev.renga.node.net.SocketEvent;
import dev.renga.node.net.SocketLoop;
import dev.renga.node.sandbox.Execution;
import dev.renga.node.sandbox.JsEngine;
import dev.renga.node.sandbox.RunningTurns;
import dev.renga.node.sandbox.RuntimeHost;
import dev.renga.node.sandbox.Sandbox;
import dev.renga.node.sandbox.SandboxSettings;
import dev.renga.core.tenants.TenantTable;
import dev.renga.node.tenants.MaskedLines;
import dev.renga.node.tenants.TenantSettings;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs one request: fetches the handler, opens the place its isolation level gives it (a fresh context, or a fresh
 * scope in the handler's frozen context), runs the handler and its event loop (timers, outbound results) one turn at a
 * time, answers exactly once, and gives the place back the moment the response ends.
 */
public final class RequestActor extends AbstractBehavior<RequestActor.Command> {
  private static final Logger console = LoggerFactory.getLogger("renga.handler");

  public sealed interface Command {}

  private record HandlerFetched(HandlerBundle bundle) implements Command {}

  private record FetchFailed(HandlerError error) implements Command {}

  private record TimerFired(int id) implements Command {}

  /** An outbound request (fetch, http) ended; its result goes to JS in a turn of its own. */
  private record OutboundSettled(OutboundCalls.Settled settled) implements Command {}

  /** One of the request's sockets or DNS look-ups has news (net, tls, dns); JS gets it in a turn of its own. */
  private record SocketNews(SocketEvent event) implements Command {}

  /** The deadline passed (the context is already cancelled). */
  private record Cancelled() implements Command {}

  /** A turn found the request's context busy with another request's turn, and the context is free now: run it again. */
  private record RetryTurn(Consumer<Value> turn) implements Command {}

  /**
   * The actor for an invocation a gateway sent: its replies go back as {@link NodeProtocol.Replied} to the sender, and
   * its log lines carry the request id.
   */
  public static Behavior<Command> forInvoke(NodeProtocol.Invoke invoke, Sandbox sandbox) {
    return Behaviors.withMdc(
        Command.class,
        Map.of("requestId", invoke.invocation().requestId()),
        create(invoke.invocation(), reply -> invoke.replyTo().tell(new NodeProtocol.Replied(invoke.id(), reply)), sandbox));
  }

  public static Behavior<Command> create(
      Invocation invocation, ActorRef<NodeProtocol.Reply> replyTo, Sandbox sandbox) {
    return create(invocation, replyTo::tell, sandbox);
  }

  /** {@code replyTo} takes the replies in order; the guardian wraps them with the invocation's id for the gateway. */
  public static Behavior<Command> create(
      Invocation invocation, Consumer<NodeProtocol.Reply> replyTo, Sandbox sandbox) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new RequestActor(context, timers, invocation, replyTo, sandbox)));
  }

  private final TimerScheduler<Command> timers;
  private final Invocation invocation;
  private final Consumer<NodeProtocol.Reply> replyTo;
  private static final Timer CONTEXT_CREATION =
      Timer.builder("renga.node.context.creation")
          .description("Time a request waits for its place to run: a fresh context (from the pool, or made on the spot "
              + "if the pool is empty), or a scope in its handler's context")
          .publishPercentiles(0.5, 0.99)
          .register(Metrics.globalRegistry);

  /** Most characters of a response head, far above what browsers and proxies accept anyway. */
  private static final int MAX_HEAD_CHARS = 64 * 1024;

  private final Sandbox sandbox;
  /** The request's tenant, looked up once: a reload of the tenants never changes a request in flight. */
  private final TenantSettings tenant;
  /** The limits it runs under: its tenant's. */
  private final SandboxSettings limits;
  private final RunningTurns.Budget budget;
  private final Cancellable deadline;
  /** Set once, by the deadline (another thread) or by this actor, before the context is cancelled. */
  private final AtomicReference<HandlerError> cancelled = new AtomicReference<>();

  private final Set<Integer> activeTimers = new HashSet<>();
  /** The active timers the handler unref'd: they fire while something else keeps the request waiting, as in Node. */
  private final Set<Integer> unrefTimers = new HashSet<>();
  /** This request's outbound HTTP; pending requests keep the event loop alive like timers. */
  private final OutboundCalls outbound;
  /** This request's sockets and look-ups; open referenced sockets keep the event loop alive too. */
  private final RequestSockets sockets;
  /** Written by this actor, read by the deadline's and the watchdog's threads to stop running JS. */
  private volatile Execution js;

  /** The handler's source parsed: a SyntaxError from now on is thrown by its code, not a compile error. */
  private boolean compiled;
  /** Console output written to the node's log so far (characters). */
  private long loggedBytes;
  private boolean answered;
  /** The response's head went to the gateway: it is streamed, and ends with Ended (or is cut off by Failed). */
  private boolean streaming;
  private long responseBytes;
  private final ConsoleCapture captured;
  /** Console output on its way to the node's log, the tenant's secrets masked across console calls. */
  private final MaskedLines logLines;
  private final long startedAt = System.nanoTime();
  private RunningTurns.Usage usage = RunningTurns.Usage.NONE;

  private RequestActor(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      Invocation invocation,
      Consumer<NodeProtocol.Reply> replyTo,
      Sandbox sandbox) {
    super(context);
    this.timers = timers;
    this.invocation = invocation;
    this.replyTo = replyTo;
    this.sandbox = sandbox;
    TenantTable.Match<TenantSettings> match = tenantOf(sandbox, invocation.handlerUrl());
    this.tenant = match.settings();
    this.limits = tenant.sandbox();
    this.budget = new RunningTurns.Budget(limits.cpuLimit(), limits.memoryLimit());
    this.captured = new ConsoleCapture(ConsoleCapture.Mode.of(invocation.headers()), limits.consoleMaxBytes(), tenant.mask());
    this.logLines = new MaskedLines(tenant.mask());
    Duration timeout = limits.requestTimeout();
    this.deadline =
        context
            .getSystem()
            .scheduler()
            .scheduleOnce(
                timeout,
                () -> cancel(atDeadline(timeout)),
                sandbox.blocking());
    this.outbound =
        new OutboundCalls(
            OutboundClient.get(context.getSystem()),
            match.key(),
            tenant.network(),
            tenant.outboundMaxRequests(),
            settled -> context.pipeToSelf(settled, (result, failure) -> new OutboundSettled(result)));
    SocketLoop loop = SocketLoop.get(context.getSystem());
    ActorRef<Command> self = context.getSelf();
    this.sockets = new RequestSockets(loop, loop.settings(), networkPolicy(), event -> self.tell(new SocketNews(event)));
    context.pipeToSelf(
        sandbox.modules().load(invocation.handlerUrl()),
        (code, failure) -> failure == null ? new HandlerFetched(code) : new FetchFailed(fetchError(failure)));
  }

  /**
   * Why the deadline stops the request. Its CPU limit is CPU time, and a node short of CPU (a cold JVM compiling, other
   * work on its cores) gives the request's thread less than the clock passes: a loop can reach the time limit before it
   * has used its CPU limit. So a request that spent most of its time limit running its JavaScript (wall-clock, its turns
   * added up: more than half of it, and longer than its CPU limit) is compute-bound and stopped for its CPU use; one
   * whose time went mostly to waiting (I/O, timers, a JS thread, its context) is stopped for its time.
   */
  private HandlerError atDeadline(Duration timeout) {
    RunningTurns.Usage used = sandbox.turns().usage(invocation.requestId());
    if (used.wallNanos() > budget.cpuLimit().toNanos() && used.wallNanos() * 2 > timeout.toNanos()) {
      return new HandlerError(
          ErrorCode.CPU_LIMIT,
          "ran its JavaScript for " + used.wallNanos() / 1_000_000 + "ms without finishing, more than its CPU limit of "
              + budget.cpuLimit().toMillis() + "ms (the node, short of CPU, gave it " + used.cpuNanos() / 1_000_000
              + "ms of CPU time within the time limit of " + timeout.toMillis() + "ms)");
    }
    return new HandlerError(ErrorCode.TIMEOUT, "did not complete within the time limit of " + timeout.toMillis() + "ms");
  }

  /** The handler URL's tenant; a URL the gateway let through but that does not parse belongs to the default one. */
  private static TenantTable.Match<TenantSettings> tenantOf(Sandbox sandbox, String handlerUrl) {
    try {
      return sandbox.tenants().match(handlerUrl);
    } catch (RuntimeException e) {
      TenantSettings defaults = sandbox.tenants().table().entries().get(TenantTable.DEFAULT);
      return new TenantTable.Match<>(handlerUrl, TenantTable.DEFAULT, defaults);
    }
  }

  /** This request's network policy: its tenant's over the node's. Every connection the request opens asks it. */
  public NetworkPolicy networkPolicy() {
    return tenant.network();
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(HandlerFetched.class, this::onHandlerFetched)
        .onMessage(FetchFailed.class, m -> fail(m.error()))
        .onMessage(TimerFired.class, this::onTimerFired)
        .onMessage(OutboundSettled.class, this::onOutboundSettled)
        .onMessage(SocketNews.class, this::onSocketNews)
        .onMessage(Cancelled.class, m -> fail(cancelled.get()))
        .onMessage(RetryTurn.class, m -> runJs(m.turn()))
        .onSignal(PostStop.class, signal -> onPostStop())
        .build();
  }

  private Behavior<Command> onHandlerFetched(HandlerFetched fetched) {
    if (cancelled.get() != null) {
      return fail(cancelled.get());
    }
    long creating = System.nanoTime();
    var isolation = tenant.isolation().map(sandbox::isolation).orElseGet(sandbox::isolation);
    js = isolation.open(fetched.bundle(), hostBridge(fetched.bundle()));
    CONTEXT_CREATION.record(System.nanoTime() - creating, TimeUnit.NANOSECONDS);
    // The deadline may have fired before the place existed: it stops what it sees, so check again.
    if (cancelled.get() != null) {
      return fail(cancelled.get());
    }
    return runJs(
        request -> {
          Value handler = js.handler();
          compiled = true;
          request
              .getMember("run")
              .executeVoid(
                  handler,
                  invocation.method(),
                  invocation.url(),
                  invocation.httpVersion(),
                  headerPairs(ConsoleCapture.withoutModeHeader(invocation.headers())),
                  new String(invocation.body(), StandardCharsets.UTF_8));
        });
  }

  private Behavior<Command> onTimerFired(TimerFired fired) {
    unrefTimers.remove(fired.id());
    if (!activeTimers.remove(fired.id())) {
      return this; // cleared after it was queued
    }
    return runJs(request -> request.getMember("fireTimer").executeVoid(fired.id()));
  }

  private Behavior<Command> onOutboundSettled(OutboundSettled settled) {
    if (!outbound.isPending(settled.settled())) {
      return this; // the handler aborted it after the result was queued
    }
    return runJs(request -> outbound.deliver(settled.settled()));
  }

  private Behavior<Command> onSocketNews(SocketNews news) {
    if (!sockets.wants(news.event())) {
      return this; // destroyed after the event was queued
    }
    return runJs(request -> sockets.deliver(news.event(), request.getMember("socketEvent")));
  }

  /** Whether the handler still waits on something: a timer it did not unref, outbound HTTP, a referenced socket. */
  private boolean waiting() {
    return activeTimers.size() > unrefTimers.size() || outbound.pending() > 0 || sockets.keepsAlive();
  }

  /**
   * Enters JS once (a turn, charged to this request's CPU and memory budgets), then decides whether the request is
   * finished, failed, or still waiting on timers.
   */
  private Behavior<Command> runJs(Consumer<Value> turn) {
    if (cancelled.get() != null) {
      return fail(cancelled.get());
    }
    ActorRef<Command> self = getContext().getSelf(); // the wake-up may come from any thread
    RunningTurns.Turn running = sandbox.turns().enter(invocation.requestId(), usage, budget, this::cancel);
    try {
      js.turn(
          request -> {
            turn.accept(request);
            if (!answered && waiting()) {
              // Still waiting on something: what the turn wrote goes to the client now (streaming).
              request.getMember("flush").executeVoid();
            }
          },
          () -> self.tell(new RetryTurn(turn)));
    } catch (PolyglotException e) {
      return fail(classify(e));
    } catch (Execution.Lost e) {
      return fail(new HandlerError(ErrorCode.EXCEPTION, e.getMessage()));
    } catch (Execution.Busy e) {
      // Nothing ran: give the thread back; the context tells this actor (RetryTurn) when it is free.
      return this;
    } finally {
      usage = sandbox.turns().exit(running);
    }
    if (cancelled.get() != null) {
      return fail(cancelled.get());
    }
    if (answered) {
      return Behaviors.stopped();
    }
    if (!waiting()) {
      return fail(new HandlerError(ErrorCode.NO_RESPONSE, "handler finished without ending the response"));
    }
    return this;
  }

  private Behavior<Command> fail(HandlerError error) {
    answer(new NodeProtocol.Failed(error));
    return Behaviors.stopped();
  }

  private void answer(NodeProtocol.Reply reply) {
    if (reply instanceof NodeProtocol.Failed failed && !tenant.mask().isEmpty()) {
      // Renga's error body and log line carry the message and stack the handler threw: never its tenant's secrets.
      reply = new NodeProtocol.Failed(new HandlerError(failed.error().code(), tenant.mask().apply(failed.error().cause())));
    }
    if (!answered) {
      answered = true;
      deadline.cancel();
      replyTo.accept(reply);
      String outcome = reply instanceof NodeProtocol.Failed failed ? failed.error().code().code() : "ok";
      if (reply instanceof NodeProtocol.Failed failed) {
        getContext().getLog().info("{} failed: {}: {}", invocation.handlerUrl(), outcome, firstLine(failed.error().cause()));
      }
      Timer.builder("renga.node.requests")
          .description("Requests this node ran, by outcome (ok or the x-renga-error code)")
          .tag("outcome", outcome)
          .register(Metrics.globalRegistry)
          .record(System.nanoTime() - startedAt, TimeUnit.NANOSECONDS);
    }
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }

  private Behavior<Command> onPostStop() {
    deadline.cancel();
    outbound.cancelAll();
    sockets.closeAll();
    sandbox.turns().ended(invocation.requestId());
    for (MaskedLines.Line line : logLines.flush()) {
      writeLog(line.level(), line.text());
    }
    // A bug in this actor stops it before it answered: the client still gets a clean error.
    answer(new NodeProtocol.Failed(new HandlerError(ErrorCode.EXCEPTION, "internal error while running the handler")));
    Execution execution = js;
    if (execution != null) {
      try {
        execution.close();
      } catch (RuntimeException e) {
        getContext().getLog().debug("giving back the request's place failed", e);
      }
    }
    return this;
  }

  /** Called from the deadline's thread: records why, then stops any JS that is running. */
  private void cancel(HandlerError reason) {
    if (!cancelled.compareAndSet(null, reason)) {
      return;
    }
    Execution execution = js;
    if (execution != null) {
      execution.stop();
    }
    getContext().getSelf().tell(new Cancelled());
  }

  private HandlerError classify(PolyglotException e) {
    HandlerError reason = cancelled.get();
    if (reason != null) {
      return reason;
    }
    if (e.isCancelled() || e.isInterrupted()) {
      return new HandlerError(ErrorCode.TIMEOUT, "execution was cancelled");
    }
    // Once the handler compiled, a SyntaxError is one its code threw (JSON.parse, eval, new RegExp): an exception.
    if (e.isSyntaxError() && !compiled) {
      return new HandlerError(ErrorCode.COMPILE_ERROR, JsEngine.describeSyntaxError(e.getMessage()));
    }
    if (e.isResourceExhausted()) {
      return new HandlerError(ErrorCode.MEMORY_LIMIT, e.getMessage());
    }
    if (e.isInternalError()) {
      getContext().getLog().error("internal error in handler {}: {}", invocation.handlerUrl(), tenant.mask().apply(e.getMessage()));
      return new HandlerError(ErrorCode.EXCEPTION, "internal error: " + e.getMessage());
    }
    return new HandlerError(ErrorCode.EXCEPTION, e.getMessage() + guestStack(e));
  }

  private static String guestStack(PolyglotException e) {
    StringBuilder stack = new StringBuilder();
    for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
      if (frame.isGuestFrame() && frame.getSourceLocation() != null
          && !frame.getSourceLocation().getSource().getName().startsWith(JsEngine.RUNTIME_PREFIX)) {
        stack.append("\n    at ").append(frame);
      }
    }
    return stack.toString();
  }

  private static HandlerError fetchError(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof HandlerFetchException fetch) {
      return fetch.error();
    }
    return new HandlerError(ErrorCode.HANDLER_FETCH_FAILED, String.valueOf(cause.getMessage()));
  }

  private static ProxyArray headerPairs(List<Header> headers) {
    Object[] flat = new Object[headers.size() * 2];
    for (int i = 0; i < headers.size(); i++) {
      flat[2 * i] = headers.get(i).name();
      flat[2 * i + 1] = headers.get(i).value();
    }
    return ProxyArray.fromArray(flat);
  }

  /** The functions runtime.js calls; they run on this actor's thread, inside a JS turn. */
  private ProxyObject hostBridge(HandlerBundle bundle) {
    Map<String, Object> bridge = new HashMap<>(new RuntimeHost(sandbox.engine(), bundle, invocation.body()).functions());
    bridge.put("log", (ProxyExecutable) args -> log(args[0].asString(), args[1].asString()));
    bridge.put("env", (ProxyExecutable) args -> ProxyArray.fromArray(tenant.processEnv()));
    bridge.put("setTimer", (ProxyExecutable) args -> setTimer(args[0].asInt(), args[1].asLong(), args[2].asBoolean()));
    bridge.put("refTimer", (ProxyExecutable) args -> refTimer(args[0].asInt(), args[1].asBoolean()));
    bridge.put("clearTimer", (ProxyExecutable) args -> clearTimer(args[0].asInt()));
    bridge.put("respond", (ProxyExecutable) args -> respond(args[0].asInt(), reason(args), args[1], RuntimeHost.body(args[2])));
    bridge.put("write", (ProxyExecutable) args -> write(args[0].asInt(), reason(args), args[1], RuntimeHost.body(args[2])));
    bridge.put("fail", (ProxyExecutable) args -> failFromJs(args[0].asString()));
    bridge.put("headWritten", (ProxyExecutable) args -> {
      captured.headWritten();
      return null;
    });
    bridge.put("outbound", (ProxyExecutable) args -> outbound.load(args[0], args[1]));
    bridge.put("sockets", (ProxyExecutable) args -> sockets.bridge());
    if (sandbox.settings().testCapabilities()) {
      bridge.put("blockHost", (ProxyExecutable) args -> blockHost(args[0].asLong()));
    }
    return ProxyObject.fromMap(bridge);
  }

  /** Test capability: holds this JS thread in host code, deaf to interrupts, as a stuck native call would. */
  private static Object blockHost(long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    return null;
  }

  /** One console call: captured for x-haiku-console (masked when returned), and logged once its masking is known. */
  private Object log(String level, String text) {
    if (!answered) {
      captured.add(text);
    }
    for (MaskedLines.Line line : logLines.add(level, text)) {
      writeLog(line.level(), line.text());
    }
    return null;
  }

  private void writeLog(String level, String text) {
    long budget = limits.consoleLogMaxBytes();
    if (loggedBytes > budget) {
      return;
    }
    loggedBytes += text.length();
    if (loggedBytes > budget) {
      level = "warn";
      text = "console output cut: this request wrote more than renga.sandbox.console.log-max-bytes (" + budget + " bytes)";
    }
    MDC.put("requestId", invocation.requestId());
    try {
      switch (level) {
        case "error" -> console.error("{}", text);
        case "warn" -> console.warn("{}", text);
        case "debug" -> console.debug("{}", text);
        default -> console.info("{}", text);
      }
    } finally {
      MDC.remove("requestId");
    }
  }

  private Object setTimer(int id, long delayMillis, boolean ref) {
    activeTimers.add(id);
    refTimer(id, ref);
    if (delayMillis <= 0) {
      getContext().getSelf().tell(new TimerFired(id));
    } else {
      timers.startSingleTimer(id, new TimerFired(id), Duration.ofMillis(delayMillis));
    }
    return null;
  }

  private Object refTimer(int id, boolean ref) {
    if (ref) {
      unrefTimers.remove(id);
    } else if (activeTimers.contains(id)) {
      unrefTimers.add(id);
    }
    return null;
  }

  private Object clearTimer(int id) {
    activeTimers.remove(id);
    unrefTimers.remove(id);
    timers.cancel(id);
    return null;
  }

  /** The reason phrase the handler set (res.statusMessage), or null for the standard one. */
  private static String reason(Value[] args) {
    return args.length > 3 && args[3].isString() ? args[3].asString() : null;
  }

  /** res.end: the whole response, or the last chunk of a streamed one. */
  private Object respond(int status, String reason, Value flatHeaders, byte[] bytes) {
    if (!withinResponseLimit(bytes.length) || !streaming && !headWithinLimit(reason, flatHeaders)) {
      return null;
    }
    switch (captured.mode()) {
      case BODY ->
          answer(new NodeProtocol.Completed(status, reason, headers(flatHeaders), captured.text().getBytes(StandardCharsets.UTF_8)));
      case TRAILER -> {
        // A trailer needs chunked transfer: the response is sent as a stream, whole or not.
        stream(status, reason, flatHeaders, bytes);
        answer(new NodeProtocol.Ended(List.of(captured.asTrailer())));
      }
      default -> {
        if (streaming) {
          stream(status, reason, flatHeaders, bytes);
          answer(new NodeProtocol.Ended(List.of()));
        } else {
          answer(new NodeProtocol.Completed(status, reason, headOf(flatHeaders), bytes));
        }
      }
    }
    return null;
  }

  /** What res.write wrote during one JS turn that did not end the response: streamed to the client at once. */
  private Object write(int status, String reason, Value flatHeaders, byte[] bytes) {
    if (!answered
        && withinResponseLimit(bytes.length)
        && (streaming || headWithinLimit(reason, flatHeaders))
        && captured.mode() != ConsoleCapture.Mode.BODY) {
      stream(status, reason, flatHeaders, bytes);
    }
    return null;
  }

  /** Sends the head the first time, then the bytes (if any) as a chunk. */
  private void stream(int status, String reason, Value flatHeaders, byte[] bytes) {
    if (!streaming) {
      streaming = true;
      replyTo.accept(new NodeProtocol.Head(status, reason, headOf(flatHeaders)));
    }
    if (bytes.length > 0) {
      replyTo.accept(new NodeProtocol.Chunk(bytes));
    }
  }

  /** The response head as the handler set it, plus what x-haiku-console adds to it. */
  private List<Header> headOf(Value flatHeaders) {
    List<Header> headers = headers(flatHeaders);
    switch (captured.mode()) {
      case HEADER -> headers.add(captured.asHeader());
      case TRAILER -> headers.add(new Header("trailer", ConsoleCapture.HEADER));
      default -> {}
    }
    return headers;
  }

  /** Counts body bytes against renga.sandbox.max-response-size; over it, the request fails. */
  private boolean withinResponseLimit(int more) {
    responseBytes += more;
    if (responseBytes <= limits.maxResponseSize()) {
      return true;
    }
    answer(
        new NodeProtocol.Failed(
            new HandlerError(
                ErrorCode.EXCEPTION,
                "response body of " + responseBytes + " bytes is larger than renga.sandbox.max-response-size ("
                    + limits.maxResponseSize() + " bytes)")));
    return false;
  }

  /**
   * The response head (reason phrase, header names and values) within {@value #MAX_HEAD_CHARS} characters; over it,
   * the request fails. It travels to the gateway in one message with the body, which Artery's frame size bounds.
   */
  private boolean headWithinLimit(String reason, Value flatHeaders) {
    long chars = reason == null ? 0 : reason.length();
    for (long i = 0; i < flatHeaders.getArraySize(); i++) {
      chars += flatHeaders.getArrayElement(i).asString().length();
    }
    if (chars <= MAX_HEAD_CHARS) {
      return true;
    }
    answer(
        new NodeProtocol.Failed(
            new HandlerError(
                ErrorCode.EXCEPTION, "response headers of " + chars + " characters are more than " + MAX_HEAD_CHARS)));
    return false;
  }

  private static List<Header> headers(Value flatHeaders) {
    List<Header> headers = new ArrayList<>((int) flatHeaders.getArraySize() / 2);
    for (long i = 0; i + 1 < flatHeaders.getArraySize(); i += 2) {
      headers.add(new Header(flatHeaders.getArrayElement(i).asString(), flatHeaders.getArrayElement(i + 1).asString()));
    }
    return headers;
  }

  private Object failFromJs(String description) {
    answer(new NodeProtocol.Failed(new HandlerError(ErrorCode.EXCEPTION, description)));
    return null;
  }
}
