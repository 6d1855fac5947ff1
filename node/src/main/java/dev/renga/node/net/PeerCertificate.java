package dev.renga.node.net;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/** A peer certificate as Node's {@code tlsSocket.getPeerCertificate()} describes it, as JSON for the runtime. */
final class PeerCertificate {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** OpenSSL's date format, which Node's valid_from and valid_to use ("Jan  5 09:00:00 2026 GMT"). */
  private static final DateTimeFormatter OPENSSL_DATE =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss yyyy 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private PeerCertificate() {}

  static String json(X509Certificate certificate) {
    try {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("subject", names(certificate.getSubjectX500Principal()));
      out.put("issuer", names(certificate.getIssuerX500Principal()));
      String altNames = altNames(certificate);
      if (altNames != null) {
        out.put("subjectaltname", altNames);
      }
      out.put("valid_from", OPENSSL_DATE.format(certificate.getNotBefore().toInstant()));
      out.put("valid_to", OPENSSL_DATE.format(certificate.getNotAfter().toInstant()));
      byte[] der = certificate.getEncoded();
      out.put("fingerprint", fingerprint("SHA-1", der));
      out.put("fingerprint256", fingerprint("SHA-256", der));
      out.put("fingerprint512", fingerprint("SHA-512", der));
      out.put("serialNumber", certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
      out.put("raw", Base64.getEncoder().encodeToString(der));
      return JSON.writeValueAsString(out);
    } catch (GeneralSecurityException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot describe the peer certificate", e);
    }
  }

  private static Map<String, Object> names(X500Principal principal) {
    Map<String, Object> names = new LinkedHashMap<>();
    try {
      List<Rdn> rdns = new ArrayList<>(new LdapName(principal.getName(X500Principal.RFC2253)).getRdns());
      for (Rdn rdn : rdns) { // most significant first (C, O, CN), as Node lists them
        names.merge(rdn.getType(), String.valueOf(rdn.getValue()), (a, b) -> a instanceof List<?> l ? append(l, b) : List.of(a, b));
      }
    } catch (InvalidNameException e) {
      names.put("CN", principal.getName());
    }
    return names;
  }

  private static List<Object> append(List<?> list, Object value) {
    List<Object> out = new ArrayList<>(list);
    out.add(value);
    return out;
  }

  private static String altNames(X509Certificate certificate) throws GeneralSecurityException {
    var names = certificate.getSubjectAlternativeNames();
    if (names == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (List<?> name : names) {
      int type = (Integer) name.get(0);
      if (type == 2) {
        out.add("DNS:" + name.get(1));
      } else if (type == 7) {
        out.add("IP Address:" + name.get(1));
      } else if (type == 6) {
        out.add("URI:" + name.get(1));
      } else if (type == 1) {
        out.add("email:" + name.get(1));
      }
    }
    return String.join(", ", out);
  }

  private static String fingerprint(String algorithm, byte[] der) throws GeneralSecurityException {
    byte[] digest = MessageDigest.getInstance(algorithm).digest(der);
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
  }
}
