package dev.renga.node.sandbox;

import dev.renga.node.fetch.HandlerBundle;
import dev.renga.node.fetch.HandlerCode;
import dev.renga.node.fetch.PackageDirectory;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;
import org.graalvm.polyglot.proxy.ProxyExecutable;
import org.graalvm.polyglot.proxy.ProxyObject;

/**
 * The host functions behind the built-in modules and binary data (runtime.js keeps them in its closure, out of
 * handlers' reach): per request, its prefetched relative modules and its body as bytes; per engine, built-in modules,
 * hashes and randomness from java.security, and fast byte encodings. Values cross as strings, numbers, JS ArrayBuffers (read
 * in bulk) and read-only ByteBuffers (seen by JS as plain buffers, with no methods): never as Java objects.
 */
public final class RuntimeHost {
  private static final SecureRandom random = new SecureRandom();

  private final JsEngine engine;
  private final HandlerBundle bundle;
  private final byte[] requestBody;

  public RuntimeHost(JsEngine engine, HandlerBundle bundle, byte[] requestBody) {
    this.engine = engine;
    this.bundle = bundle;
    this.requestBody = requestBody;
  }

  /** One request's functions, by the names runtime.js uses: its handler URL, its modules, its body. */
  public Map<String, Object> functions() {
    Map<String, Object> f = new HashMap<>();
    f.put("handlerUrl", (ProxyExecutable) args -> bundle == null ? "" : bundle.handler().url());
    f.put("module", (ProxyExecutable) args -> module(args[0].asString(), args[1].asString()));
    f.put("requestBody", (ProxyExecutable) args -> ByteBuffer.wrap(requestBody).asReadOnlyBuffer());
    f.put("requestBodyIsUtf8", (ProxyExecutable) args -> isUtf8(requestBody));
    return f;
  }

  /**
   * The functions every context of {@code engine} shares, whatever request runs: built-in modules (evaluated in the
   * calling context from a Source all contexts share), hashes, encodings and randomness.
   */
  static ProxyObject engineFunctions(JsEngine engine) {
    Map<String, Object> f = new HashMap<>();
    f.put("builtin", (ProxyExecutable) args -> builtin(engine, args[0].asString()));
    f.put("randomBytes", (ProxyExecutable) args -> randomBytes(args[0].asInt()));
    f.put("randomUUID", (ProxyExecutable) args -> UUID.randomUUID().toString());
    f.put("hash", (ProxyExecutable) args -> hash(args[0].asString(), args.length > 1 && !args[1].isNull() ? bytes(args[1]) : null));
    f.put("pbkdf2", (ProxyExecutable) args -> pbkdf2(bytes(args[0]), bytes(args[1]), args[2].asInt(), args[3].asInt(), args[4].asString()));
    f.put("nanoTime", (ProxyExecutable) args -> (double) System.nanoTime());
    f.put("memory", (ProxyExecutable) args -> memory());
    f.put("encode", (ProxyExecutable) args -> encode(bytes(args[0], args[1].asInt(), args[2].asInt()), args[3].asString()));
    return ProxyObject.fromMap(Map.copyOf(f));
  }

  /** A built-in module's factory, evaluated in the calling context (its Source is shared by all contexts). */
  private static Object builtin(JsEngine engine, String name) {
    Source source = engine.builtin(name);
    return source == null ? null : Context.getCurrent().eval(source);
  }

  /**
   * The module {@code specifier} names from the file {@code from}: {@code [name, "js", factory]}, {@code [name,
   * "json", text]}, or {@code [null, reason]} when it is missing. Relative modules of fetched files were prefetched
   * with the handler; bare names and the files of packages come from the package directory.
   */
  private Object module(String from, String specifier) {
    boolean relative = specifier.startsWith("./") || specifier.startsWith("../");
    if (bundle != null && (!relative || PackageDirectory.isPackageFile(from))) {
      PackageDirectory.Resolution found = bundle.packages().resolve(from, specifier);
      return found.code() == null ? ProxyArray.fromArray(null, found.error()) : loaded(found.code());
    }
    HandlerBundle.Module module = bundle == null ? null : bundle.module(from, specifier);
    if (module == null) {
      return ProxyArray.fromArray(
          null,
          "it was not loaded before the handler ran: only literal require('./...') calls are prefetched");
    }
    if (module.code() == null) {
      return ProxyArray.fromArray(null, module.error());
    }
    return loaded(module.code());
  }

  private ProxyArray loaded(HandlerCode code) {
    if (code.url().endsWith(".json")) {
      return ProxyArray.fromArray(code.url(), "json", code.code());
    }
    return ProxyArray.fromArray(code.url(), "js", Context.getCurrent().eval(engine.module(code)));
  }

  private static boolean isUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static ByteBuffer randomBytes(int size) {
    if (size < 0 || size > (1 << 20)) {
      throw new IllegalArgumentException("size out of range");
    }
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /** A running hash or HMAC: {@code update(data[, offset, length])}, {@code digest()} (a buffer). */
  private static ProxyObject hash(String algorithm, byte[] hmacKey) {
    String name = javaName(algorithm);
    try {
      if (hmacKey != null) {
        Mac mac = Mac.getInstance("Hmac" + name.replace("-", ""));
        // An empty key is legal in HMAC but SecretKeySpec refuses it.
        mac.init(hmacKey.length == 0 ? new EmptyKey(mac.getAlgorithm()) : new SecretKeySpec(hmacKey, mac.getAlgorithm()));
        return digestor(mac);
      }
      return digestor(MessageDigest.getInstance(name));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("Digest method not supported: " + algorithm);
    }
  }

  // A running digest's state copied into a second digest (crypto's hash.copy()); the JDK's digests and MACs clone.
  private static ProxyObject digestor(MessageDigest digest) {
    return digestor(
        digest::update,
        digest::digest,
        () -> {
          try {
            return digestor((MessageDigest) digest.clone());
          } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this digest cannot be copied", e);
          }
        });
  }

  private static ProxyObject digestor(Mac mac) {
    return digestor(
        mac::update,
        mac::doFinal,
        () -> {
          try {
            return digestor((Mac) mac.clone());
          } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("this MAC cannot be copied", e);
          }
        });
  }

  /** PBKDF2 with an HMAC of {@code digest} (sha1, sha256, sha512...): {@code length} bytes. */
  private static ByteBuffer pbkdf2(byte[] password, byte[] salt, int iterations, int length, String digest) {
    if (iterations < 1 || length < 0 || length > (1 << 20)) {
      throw new IllegalArgumentException("pbkdf2: iterations must be >= 1 and keylen within 0..1048576");
    }
    try {
      Mac mac = Mac.getInstance("Hmac" + javaName(digest).replace("-", ""));
      mac.init(password.length == 0 ? new EmptyKey(mac.getAlgorithm()) : new SecretKeySpec(password, mac.getAlgorithm()));
      int size = mac.getMacLength();
      byte[] out = new byte[length];
      byte[] block = new byte[size];
      for (int index = 1, at = 0; at < length; index++, at += size) {
        mac.update(salt);
        mac.update(new byte[] {(byte) (index >>> 24), (byte) (index >>> 16), (byte) (index >>> 8), (byte) index});
        byte[] u = mac.doFinal();
        System.arraycopy(u, 0, block, 0, size);
        for (int i = 1; i < iterations; i++) {
          u = mac.doFinal(u);
          for (int k = 0; k < size; k++) {
            block[k] ^= u[k];
          }
        }
        System.arraycopy(block, 0, out, at, Math.min(size, length - at));
      }
      return ByteBuffer.wrap(out).asReadOnlyBuffer();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("pbkdf2: " + e.getMessage());
    }
  }

  /** The node's heap in bytes: [used, committed] (process.memoryUsage). */
  private static ProxyArray memory() {
    Runtime runtime = Runtime.getRuntime();
    return ProxyArray.fromArray((double) (runtime.totalMemory() - runtime.freeMemory()), (double) runtime.totalMemory());
  }

  private static ProxyObject digestor(
      java.util.function.Consumer<byte[]> update,
      java.util.function.Supplier<byte[]> digest,
      java.util.function.Supplier<ProxyObject> copy) {
    Map<String, Object> methods = new HashMap<>();
    methods.put("copy", (ProxyExecutable) args -> copy.get());
    methods.put(
        "update",
        (ProxyExecutable)
            args -> {
              update.accept(args.length >= 3 ? bytes(args[0], args[1].asInt(), args[2].asInt()) : bytes(args[0]));
              return null;
            });
    methods.put("digest", (ProxyExecutable) args -> ByteBuffer.wrap(digest.get()).asReadOnlyBuffer());
    return ProxyObject.fromMap(methods);
  }

  private static String javaName(String algorithm) {
    return switch (algorithm.toLowerCase(Locale.ROOT).replace("-", "")) {
      case "md5" -> "MD5";
      case "sha1" -> "SHA-1";
      case "sha224" -> "SHA-224";
      case "sha256" -> "SHA-256";
      case "sha384" -> "SHA-384";
      case "sha512" -> "SHA-512";
      default -> throw new IllegalArgumentException("Digest method not supported: " + algorithm);
    };
  }

  /** A string's UTF-8 bytes, or a whole ArrayBuffer's bytes. */
  static byte[] bytes(Value value) {
    if (value.isString()) {
      return value.asString().getBytes(StandardCharsets.UTF_8);
    }
    return bytes(value, 0, (int) value.getBufferSize());
  }

  /** Bytes of an ArrayBuffer, copied in bulk. */
  static byte[] bytes(Value buffer, int offset, int length) {
    if (!buffer.hasBufferElements()) {
      throw new IllegalArgumentException("not an ArrayBuffer");
    }
    byte[] bytes = new byte[length];
    buffer.readBuffer(offset, bytes, 0, length);
    return bytes;
  }

  /** A response body chunk: a string as UTF-8, an ArrayBuffer as its bytes. */
  public static byte[] body(Value body) {
    return bytes(body);
  }

  private static String encode(byte[] bytes, String encoding) {
    return switch (encoding) {
      case "base64" -> Base64.getEncoder().encodeToString(bytes);
      case "base64url" -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      case "hex" -> HexFormat.of().formatHex(bytes);
      case "latin1" -> new String(bytes, StandardCharsets.ISO_8859_1);
      default -> throw new IllegalArgumentException("Unknown encoding: " + encoding);
    };
  }

  /** A zero-length HMAC key, which SecretKeySpec refuses. */
  private record EmptyKey(String getAlgorithm) implements javax.crypto.SecretKey {
    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return new byte[0];
    }
  }
}
