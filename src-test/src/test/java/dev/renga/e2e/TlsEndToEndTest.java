package dev.renga.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.renga.node.testing.FixtureServer;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway serves HTTPS from a PKCS12 keystore: HTTP/2 when the client negotiates it, HTTP/1.1 with keep-alive. */
class TlsEndToEndTest {
  private static final String PASSWORD = "renga-test";
  private static final RengaProcesses renga = new RengaProcesses();
  private static final FixtureServer fixtures = new FixtureServer();
  private static Path keystore;
  private static String gateway;

  @BeforeAll
  static void start() throws Exception {
    keystore = Files.createTempDirectory("renga-tls").resolve("gateway.p12");
    String keytool = Path.of(System.getProperty("renga.e2e.java", "java")).resolveSibling("keytool").toString();
    Process generate =
        new ProcessBuilder(
                keytool, "-genkeypair", "-alias", "renga", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(generate.getInputStream().readAllBytes());
    assertTrue(generate.waitFor(60, TimeUnit.SECONDS) && generate.exitValue() == 0, "keytool: " + output);

    int cluster = RengaProcesses.freePort();
    int http = RengaProcesses.freePort();
    int admin = RengaProcesses.freePort();
    String seeds = "127.0.0.1:" + cluster;
    renga.gateway(
        "tls-gateway",
        cluster,
        http,
        admin,
        seeds,
        Map.of(
            "renga.gateway.tls.enabled", "on",
            "renga.gateway.tls.keystore", keystore.toString(),
            "renga.gateway.tls.password", PASSWORD));
    renga.node("tls-node", seeds, Map.of());
    gateway = "https://127.0.0.1:" + http;
    renga.awaitOk("http://127.0.0.1:" + admin + "/readyz", Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() throws Exception {
    renga.close();
    fixtures.close();
    if (keystore != null) {
      Files.deleteIfExists(keystore);
    }
  }

  /** A client that trusts the test's self-signed certificate, and nothing else. */
  private static HttpClient client(HttpClient.Version version) throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      server.load(in, PASSWORD.toCharArray());
    }
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("renga", server.getCertificate("renga"));
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, trust.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(ssl).version(version).connectTimeout(Duration.ofSeconds(5)).build();
  }

  private static HttpRequest hello() {
    return HttpRequest.newBuilder(URI.create(gateway + "/tls"))
        .header("x-haiku-handler", fixtures.url("hello.js"))
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void clientsThatNegotiateHttp2GetIt() throws Exception {
    var response = client(HttpClient.Version.HTTP_2).send(hello(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(HttpClient.Version.HTTP_2, response.version());
  }

  @Test
  void http11ClientsAreServedOverOneKeptAliveConnection() throws Exception {
    HttpClient client = client(HttpClient.Version.HTTP_1_1);
    for (int i = 0; i < 5; i++) {
      var response = client.send(hello(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), response.body());
      assertEquals(HttpClient.Version.HTTP_1_1, response.version());
      assertTrue(response.headers().firstValue("connection").map(v -> !v.equalsIgnoreCase("close")).orElse(true));
    }
  }

  @Test
  void plainHttpIsNotServedOnTheTlsPort() {
    var plain = HttpRequest.newBuilder(URI.create(gateway.replace("https:", "http:") + "/")).timeout(Duration.ofSeconds(10)).build();
    assertTrue(
        List.of(400, -1).contains(statusOrMinusOne(plain)),
        "a plain-HTTP request on the TLS port must not be answered as if it were HTTPS");
  }

  private static int statusOrMinusOne(HttpRequest request) {
    try {
      return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (Exception e) {
      return -1;
    }
  }
}
