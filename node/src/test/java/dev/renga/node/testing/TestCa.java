package dev.renga.node.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A certificate authority made for the test by the JDK's keytool, and a server certificate it signed for
 * {@code localhost} and {@code 127.0.0.1}; plus a self-signed certificate nobody trusts.
 */
public final class TestCa {
  private static final String PASSWORD = "changeit";
  private static TestCa instance;

  private final Path dir;
  private final String caPem;

  private TestCa() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("renga-test-ca");
    dir.toFile().deleteOnExit();
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Renga Test CA",
        "-ext", "bc:c", "-validity", "3", "-keystore", "ca.p12", "-storetype", "PKCS12");
    keytool("-exportcert", "-alias", "ca", "-keystore", "ca.p12", "-rfc", "-file", "ca.pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=localhost, O=Renga Test", "-validity", "3", "-keystore", "server.p12", "-storetype", "PKCS12");
    keytool("-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
    keytool("-gencert", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile", "server.pem", "-rfc",
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3");
    keytool("-importcert", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12", "-noprompt");
    keytool("-importcert", "-alias", "server", "-file", "server.pem", "-keystore", "server.p12", "-noprompt");
    keytool("-genkeypair", "-alias", "self", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-validity", "3", "-keystore", "self.p12", "-storetype", "PKCS12");
    caPem = Files.readString(dir.resolve("ca.pem"));
  }

  /** The one CA of this test JVM (made on first use: keytool takes a few seconds). */
  public static synchronized TestCa get() {
    if (instance == null) {
      try {
        instance = new TestCa();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return instance;
  }

  /** The CA's certificate, PEM. */
  public String caPem() {
    return caPem;
  }

  /** A server context with the certificate the CA signed (CN=localhost, SAN localhost and 127.0.0.1). */
  public SSLContext server() {
    return context("server.p12");
  }

  /** A server context with a self-signed certificate for localhost. */
  public SSLContext selfSigned() {
    return context("self.p12");
  }

  private SSLContext context(String store) {
    try (InputStream in = Files.newInputStream(dir.resolve(store))) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, PASSWORD.toCharArray());
      KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, PASSWORD.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storepass", PASSWORD, "-keypass", PASSWORD));
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
