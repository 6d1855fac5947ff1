package dev.renga.e2e.servers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

/**
 * A test certificate authority and a server certificate it signed for {@code localhost} and {@code 127.0.0.1}, made
 * with the JDK's keytool, as PEM files (what PostgreSQL reads, and what a handler passes as {@code ssl: { ca }}).
 *
 * @param caPem the CA's certificate, PEM
 * @param certificate the server's certificate file (PEM)
 * @param privateKey the server's private key file (PKCS#8 PEM)
 */
public record TestCertificates(String caPem, Path certificate, Path privateKey) {
  private static final String PASSWORD = "renga-test";

  /** Makes the CA and the server certificate in {@code dir}. */
  public static TestCertificates make(Path dir) {
    try {
      Files.createDirectories(dir);
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      Path store = dir.resolve("keys.p12");
      Files.deleteIfExists(store);
      List<String> common = List.of("-keystore", store.toString(), "-storepass", PASSWORD, "-storetype", "PKCS12");
      keytool(dir, keytool, common, "-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
          "-dname", "CN=Renga Test CA", "-ext", "bc:c");
      keytool(dir, keytool, common, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3",
          "-dname", "CN=localhost");
      keytool(dir, keytool, common, "-certreq", "-alias", "server", "-file", "server.csr");
      keytool(dir, keytool, common, "-gencert", "-alias", "ca", "-infile", "server.csr", "-outfile", "server.crt", "-rfc",
          "-validity", "3", "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth");
      keytool(dir, keytool, common, "-exportcert", "-alias", "ca", "-rfc", "-file", "ca.crt");
      KeyStore keys = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keys.load(in, PASSWORD.toCharArray());
      }
      Key key = keys.getKey("server", PASSWORD.toCharArray());
      Path privateKey = dir.resolve("server.key");
      Files.writeString(privateKey, "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded()) + "\n-----END PRIVATE KEY-----\n");
      return new TestCertificates(Files.readString(dir.resolve("ca.crt")), dir.resolve("server.crt"), privateKey);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void keytool(Path dir, String keytool, List<String> common, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(keytool, "-noprompt"));
    command.addAll(List.of(args));
    command.addAll(common);
    Command.run(dir, 60, command);
  }
}
