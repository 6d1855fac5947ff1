package dev.renga.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/** Bounded load for end-to-end tests: a fixed number of requests, a fixed concurrency, a deadline. */
public final class Load {
  private static final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .executor(java.util.concurrent.Executors.newFixedThreadPool(4, daemon()))
          .build();

  /** Runs {@link #run} in the background, on a thread of its own (never on the common pool). */
  public static CompletableFuture<List<Result>> runInBackground(int count, int concurrency, IntFunction<HttpRequest> request) {
    CompletableFuture<List<Result>> result = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name("renga-e2e-load")
        .start(
            () -> {
              try {
                result.complete(run(count, concurrency, request));
              } catch (Throwable t) {
                result.completeExceptionally(t);
              }
            });
    return result;
  }

  private static java.util.concurrent.ThreadFactory daemon() {
    return Thread.ofPlatform().daemon().name("renga-e2e-http-", 0).factory();
  }

  private Load() {}

  /** One answer: status, x-renga-error (or null), latency. */
  public record Result(int status, String error, long millis, String body) {
    public boolean ok() {
      return status == 200;
    }
  }

  /** A request for the gateway at {@code base} (a URL, optionally with a path) running the handler at {@code handlerUrl}. */
  public static HttpRequest request(String base, String handlerUrl) {
    return HttpRequest.newBuilder(URI.create(base.matches("https?://[^/]+") ? base + "/" : base))
        .header("x-haiku-handler", handlerUrl)
        .timeout(Duration.ofSeconds(60))
        .build();
  }

  /** Sends {@code count} requests, at most {@code concurrency} at a time, and waits for every answer. */
  public static List<Result> run(int count, int concurrency, IntFunction<HttpRequest> request) {
    Semaphore slots = new Semaphore(concurrency);
    List<Result> results = Collections.synchronizedList(new ArrayList<>());
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      try {
        if (!slots.tryAcquire(120, TimeUnit.SECONDS)) {
          throw new AssertionError("load stalled: no answer for 120 s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      long start = System.nanoTime();
      all.add(
          client
              .sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString())
              .handle(
                  (response, failure) -> {
                    long millis = (System.nanoTime() - start) / 1_000_000;
                    results.add(
                        failure != null
                            ? new Result(-1, failure.toString(), millis, "")
                            : new Result(
                                response.statusCode(),
                                response.headers().firstValue("x-renga-error").orElse(null),
                                millis,
                                response.body()));
                    slots.release();
                    return null;
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).orTimeout(180, TimeUnit.SECONDS).join();
    return List.copyOf(results);
  }

  /** One request, answered. */
  public static Result one(HttpRequest request) {
    return run(1, 1, i -> request).get(0);
  }

  /** The p-th percentile (0-100) of the latencies. */
  /**
   * Batches of {@code batch} requests at {@code concurrency} until at least {@code min} were sent and {@code done}
   * holds (e.g. two nodes were recycled), failing the test if that takes longer than {@code limit}.
   */
  public static List<Result> until(
      int min, int batch, int concurrency, IntFunction<HttpRequest> request, java.util.function.BooleanSupplier done,
      Duration limit, String what) {
    List<Result> results = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (results.size() < min || !done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + what + " within " + limit);
      }
      results.addAll(run(batch, concurrency, request));
    }
    return results;
  }

  /** How many times {@code pattern} occurs in the logs of the JVMs (or launchers) named {@code names}. */
  public static int inLogs(List<String> names, String pattern) {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(pattern);
    return names.stream().mapToInt(n -> (int) p.matcher(RengaProcesses.log(n)).results().count()).sum();
  }

  public static long percentile(List<Result> results, double p) {
    List<Long> sorted = results.stream().map(Result::millis).sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }
}
