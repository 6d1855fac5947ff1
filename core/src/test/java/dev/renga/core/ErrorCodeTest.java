package dev.renga.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  @Test
  void everyCodeHasTheStatusOfTheContract() {
    Map<String, Integer> contract =
        Map.ofEntries(
            // Not in DESIGN §6: what the gateway answers a request its HTTP parser refuses (default status 400).
            Map.entry("request-invalid", 400),
            Map.entry("handler-missing", 400),
            Map.entry("handler-url-invalid", 400),
            Map.entry("handler-forbidden", 403),
            Map.entry("handler-fetch-failed", 502),
            Map.entry("handler-too-large", 413),
            Map.entry("body-too-large", 413),
            Map.entry("compile-error", 500),
            Map.entry("exception", 500),
            Map.entry("timeout", 500),
            Map.entry("cpu-limit", 500),
            Map.entry("memory-limit", 500),
            Map.entry("no-response", 500),
            Map.entry("tenant-overloaded", 429),
            Map.entry("no-capacity", 503),
            Map.entry("quarantined", 503),
            Map.entry("node-lost", 502));
    assertEquals(contract.size(), ErrorCode.values().length);
    for (ErrorCode code : ErrorCode.values()) {
      assertEquals(contract.get(code.code()), code.status(), code.code());
    }
  }

  @Test
  void errorBodyNamesTheHandlerAndTheCause() {
    String body = new HandlerError(ErrorCode.TIMEOUT, "did not complete").body("https://example.com/h.js");
    assertTrue(body.contains("https://example.com/h.js"), body);
    assertTrue(body.contains("did not complete"), body);
    assertTrue(body.startsWith("timeout: "), body);
  }

  @Test
  void tenantIsTheOriginOfTheHandlerUrl() {
    assertEquals("https://example.com:443", Tenant.of("https://Example.com/a/b.js?x=1"));
    assertEquals("http://127.0.0.1:8000", Tenant.of("http://127.0.0.1:8000/hello.js"));
  }
}
