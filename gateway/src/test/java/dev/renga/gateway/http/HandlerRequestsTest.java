package dev.renga.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.core.ErrorCode;
import dev.renga.core.Header;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.junit.jupiter.api.Test;

class HandlerRequestsTest {

  private static ErrorCode error(HttpRequest request) {
    return assertInstanceOf(HandlerRequests.Invalid.class, HandlerRequests.handlerUrl(request)).error().code();
  }

  private static String url(HttpRequest request) {
    return assertInstanceOf(HandlerRequests.HandlerUrl.class, HandlerRequests.handlerUrl(request)).url();
  }

  @Test
  void handlerUrlComesFromTheHeaderOrTheQueryAndTheHeaderWins() {
    assertEquals("http://h/a.js", url(HttpRequest.GET("/x").addHeader(RawHeader.create("x-haiku-handler", "http://h/a.js"))));
    assertEquals("https://h/b.js", url(HttpRequest.GET("/x?x-haiku-handler=https%3A%2F%2Fh%2Fb.js")));
    assertEquals(
        "http://h/a.js",
        url(HttpRequest.GET("/x?x-haiku-handler=https%3A%2F%2Fh%2Fb.js")
            .addHeader(RawHeader.create("X-Haiku-Handler", "http://h/a.js"))));
  }

  @Test
  void missingOrBlankHandlerIsHandlerMissing() {
    assertEquals(ErrorCode.HANDLER_MISSING, error(HttpRequest.GET("/")));
    assertEquals(ErrorCode.HANDLER_MISSING, error(HttpRequest.GET("/?x-haiku-handler=")));
  }

  @Test
  void anythingButAnAbsoluteHttpUrlIsInvalid() {
    for (String bad : new String[] {"/relative.js", "ftp://h/a.js", "file:///etc/passwd", "javascript:alert(1)", "http://", "http:// bad/"}) {
      assertEquals(
          ErrorCode.HANDLER_URL_INVALID,
          error(HttpRequest.GET("/").addHeader(RawHeader.create("x-haiku-handler", bad))),
          bad);
    }
  }

  @Test
  void handlerSeesTheUrlWithoutRengasQueryParameters() {
    assertEquals(
        "/orders/1?a=1&b=%20two",
        HandlerRequests.handlerView(HttpRequest.GET("/orders/1?a=1&x-haiku-handler=http%3A%2F%2Fh%2Fa.js&b=%20two&x-haiku-console=body")));
    assertEquals("/", HandlerRequests.handlerView(HttpRequest.GET("/?x-haiku-handler=http%3A%2F%2Fh%2Fa.js")));
  }

  @Test
  void handlerSeesLowerCaseHeadersWithoutTheHandlerHeaderAndWithTheRequestId() {
    var headers =
        HandlerRequests.handlerHeaders(
            HttpRequest.GET("/").addHeader(RawHeader.create("X-Haiku-Handler", "http://h/a.js")).addHeader(RawHeader.create("X-Custom", "v")),
            "id-1",
            0);
    assertTrue(headers.contains(new Header("x-custom", "v")), headers.toString());
    assertTrue(headers.contains(new Header("x-request-id", "id-1")), headers.toString());
    assertTrue(headers.stream().noneMatch(h -> h.name().equals("x-haiku-handler")), headers.toString());
  }
}
