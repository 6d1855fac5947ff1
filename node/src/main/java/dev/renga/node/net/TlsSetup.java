package dev.renga.node.net;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * TLS for handler sockets on the JDK's {@link SSLEngine}: the trust anchors (the JDK's, or the PEM certificates of
 * the {@code ca} option, which replace them as in Node), host name verification against {@code servername} or the
 * host, SNI and ALPN. A certificate that fails verification is recorded with Node's {@code authorizationError} code;
 * the handshake fails on it only with {@code rejectUnauthorized}.
 */
final class TlsSetup {
  /** Session key under which a tolerated verification failure is kept (rejectUnauthorized: false). */
  static final String AUTHORIZATION_ERROR = "renga.authorizationError";

  /** What tls.connect was given. {@code host} is what was connected to (a name or an address). */
  record Options(
      String host, int port, String servername, List<String> ca, boolean rejectUnauthorized, List<String> alpn,
      boolean verifyHost) {

    Options(String host, int port, String servername, List<String> ca, boolean rejectUnauthorized, List<String> alpn) {
      this(host, port, servername, ca, rejectUnauthorized, alpn, true);
    }

    /** The same options for another host and port. */
    Options at(String host, int port) {
      return new Options(host, port, servername, ca, rejectUnauthorized, alpn, verifyHost);
    }
  }

  /** A certificate verification failure, with Node's code (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED...). */
  static final class Unauthorized extends CertificateException {
    private final String code;

    Unauthorized(String code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  private record ContextKey(List<String> ca, boolean reject) {}

  /** SSL contexts by trust anchors: building one per socket would cost every connect and lose session resumption. */
  private static final Map<ContextKey, SSLContext> CONTEXTS = new ConcurrentHashMap<>();
  private static final int MAX_CONTEXTS = 64;

  private TlsSetup() {}

  /** A client engine for {@code options}, ready for beginHandshake. */
  static SSLEngine engine(Options options) {
    SSLContext context = context(options);
    // The name verified is the servername, else the host, as Node's checkServerIdentity does. The JDK verifies the
    // engine's peer host (after the SNI name, which it falls back from): so the peer host is that name too.
    String sni = options.servername() != null && !options.servername().isEmpty() ? options.servername() : options.host();
    SSLEngine engine = context.createSSLEngine(sni, options.port());
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    // Without it (a handler's own checkServerIdentity) the chain is still verified, the name is not.
    parameters.setEndpointIdentificationAlgorithm(options.verifyHost() ? "HTTPS" : null);
    if (sni != null && !sni.isEmpty() && !isAddress(sni)) {
      parameters.setServerNames(List.of(new SNIHostName(sni)));
    }
    if (!options.alpn().isEmpty()) {
      parameters.setApplicationProtocols(options.alpn().toArray(String[]::new));
    }
    engine.setSSLParameters(parameters);
    return engine;
  }

  static boolean isAddress(String host) {
    return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static SSLContext context(Options options) {
    ContextKey key = new ContextKey(List.copyOf(options.ca()), options.rejectUnauthorized());
    SSLContext cached = CONTEXTS.get(key);
    if (cached != null) {
      return cached;
    }
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new Verifying(anchors(key.ca()), key.reject())}, null);
      if (CONTEXTS.size() >= MAX_CONTEXTS) {
        CONTEXTS.clear();
      }
      CONTEXTS.put(key, context);
      return context;
    } catch (GeneralSecurityException e) {
      throw new SocketFailure("ERR_SSL_CONTEXT", "cannot set up TLS: " + e.getMessage(), "tls");
    }
  }

  /** The JDK's trust manager for the default anchors, or for the given PEM certificates only. */
  private static X509ExtendedTrustManager anchors(List<String> pems) throws GeneralSecurityException {
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (pems.isEmpty()) {
      factory.init((KeyStore) null);
    } else {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      try {
        store.load(null, null);
      } catch (java.io.IOException e) {
        throw new GeneralSecurityException(e);
      }
      CertificateFactory certificates = CertificateFactory.getInstance("X.509");
      int n = 0;
      for (String pem : pems) {
        for (Certificate certificate :
            certificates.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
          store.setCertificateEntry("ca-" + n++, certificate);
        }
      }
      if (n == 0) {
        throw new SocketFailure("ERR_INVALID_ARG_VALUE", "the ca option holds no PEM certificate", "tls");
      }
      factory.init(store);
    }
    for (TrustManager manager : factory.getTrustManagers()) {
      if (manager instanceof X509ExtendedTrustManager extended) {
        return extended;
      }
    }
    throw new GeneralSecurityException("no X509ExtendedTrustManager");
  }

  /** Node's authorizationError code for a failed verification. */
  static String code(CertificateException e, X509Certificate[] chain) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CertificateExpiredException) {
        return "CERT_HAS_EXPIRED";
      }
      if (t instanceof CertificateNotYetValidException) {
        return "CERT_NOT_YET_VALID";
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("No subject alternative") || message.contains("No name matching")) {
        return "ERR_TLS_CERT_ALTNAME_INVALID";
      }
    }
    if (chain.length == 1 && chain[0].getSubjectX500Principal().equals(chain[0].getIssuerX500Principal())) {
      return "DEPTH_ZERO_SELF_SIGNED_CERT";
    }
    X509Certificate last = chain[chain.length - 1];
    if (chain.length > 1 && last.getSubjectX500Principal().equals(last.getIssuerX500Principal())) {
      return "SELF_SIGNED_CERT_IN_CHAIN";
    }
    return chain.length == 1 ? "UNABLE_TO_VERIFY_LEAF_SIGNATURE" : "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
  }

  /** Node's message for an authorizationError code. */
  static String message(String code, String detail) {
    return switch (code) {
      case "CERT_HAS_EXPIRED" -> "certificate has expired";
      case "CERT_NOT_YET_VALID" -> "certificate is not yet valid";
      case "DEPTH_ZERO_SELF_SIGNED_CERT" -> "self-signed certificate";
      case "SELF_SIGNED_CERT_IN_CHAIN" -> "self-signed certificate in certificate chain";
      case "UNABLE_TO_VERIFY_LEAF_SIGNATURE" -> "unable to verify the first certificate";
      case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" -> "unable to get local issuer certificate";
      case "ERR_TLS_CERT_ALTNAME_INVALID" -> "Hostname/IP does not match certificate's altnames: " + detail;
      default -> detail;
    };
  }

  /**
   * Verifies with the JDK (chain, validity, host name from SNI or the peer host). A failure is thrown (the handshake
   * fails) when {@code reject}, else recorded in the handshake session for {@code authorizationError}.
   */
  private static final class Verifying extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final boolean reject;

    Verifying(X509ExtendedTrustManager delegate, boolean reject) {
      this.delegate = delegate;
      this.reject = reject;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      try {
        delegate.checkServerTrusted(chain, authType, engine);
      } catch (CertificateException e) {
        String code = code(e, chain);
        Unauthorized unauthorized = new Unauthorized(code, message(code, e.getMessage()), e);
        if (reject) {
          throw unauthorized;
        }
        SSLSession session = engine.getHandshakeSession();
        if (session != null) {
          session.putValue(AUTHORIZATION_ERROR, code);
        }
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("handler sockets verify on SSLEngine only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("handler sockets verify on SSLEngine only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("client sockets only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("client sockets only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("client sockets only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return delegate.getAcceptedIssuers();
    }
  }
}
