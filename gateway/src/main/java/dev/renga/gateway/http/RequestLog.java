package dev.renga.gateway.http;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.Address;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One access-log line and one measurement per request: method, path, handler URL, status, {@code x-renga-error},
 * duration and node, on the {@code renga.access} logger and the {@code renga.gateway.requests} timer.
 */
final class RequestLog {
  private static final Logger access = LoggerFactory.getLogger("renga.access");
  private final AtomicInteger inFlight = Metrics.gauge("renga.gateway.in.flight", new AtomicInteger());
  /** Registered once per status and error code: building and looking up a meter per request is not free. */
  private final Map<TimerKey, Timer> timers = new ConcurrentHashMap<>();

  private record TimerKey(String status, String error) {}

  private static Timer timer(TimerKey key) {
    return Timer.builder("renga.gateway.requests")
        .description("Requests the gateway answered, by status and x-renga-error code")
        .tag("status", key.status())
        .tag("error", key.error())
        .publishPercentileHistogram()
        .register(Metrics.globalRegistry);
  }

  /** Requests not yet answered (a streamed response counts as answered once its head is sent). */
  int inFlight() {
    return inFlight.get();
  }

  void started() {
    inFlight.incrementAndGet();
  }

  void finished(
      HttpRequest request, String requestId, String handlerUrl, HttpResponse response, Optional<Address> node, long startedAt) {
    inFlight.decrementAndGet();
    Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
    String status = String.valueOf(response.status().intValue());
    String error = response.getHeader("x-renga-error").map(HttpHeader::value).orElse("none");
    timers.computeIfAbsent(new TimerKey(status, error), RequestLog::timer).record(took);
    try (var id = MDC.putCloseable("requestId", requestId)) {
      access.info(
          "{} {} {} {} {} {} {}",
          kv("method", request.method().value()),
          kv("path", request.getUri().path()),
          kv("handler", handlerUrl),
          kv("status", status),
          kv("error", error),
          kv("ms", took.toMillis()),
          kv("node", node.map(Address::toString).orElse("-")));
    }
  }
}
