package dev.renga.gateway.http;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;

/**
 * HTTPS on the gateway's HTTP port (renga.gateway.tls.*), from a PKCS12 keystore; read once at start-up. With TLS,
 * clients get HTTP/2 through ALPN, or HTTP/1.1.
 */
public record TlsSettings(boolean enabled, String keystore, String password) {

  public static TlsSettings from(Config config) {
    Config c = config.getConfig("renga.gateway.tls");
    return new TlsSettings(c.getBoolean("enabled"), c.getString("keystore"), c.getString("password"));
  }

  /** The server's TLS context, or empty when TLS is off; a keystore that cannot be read stops the gateway. */
  public Optional<HttpsConnectionContext> context() {
    if (!enabled) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(Path.of(keystore))) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password.toCharArray());
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(keys.getKeyManagers(), null, null);
      return Optional.of(ConnectionContext.httpsServer(ssl));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("renga.gateway.tls: cannot load the PKCS12 keystore " + keystore + ": " + e.getMessage(), e);
    }
  }
}
