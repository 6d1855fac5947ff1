package dev.renga.node.fetch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operator's npm packages (renga.handlers.packages): a {@code node_modules} tree made with {@code npm install},
 * read by the node, never by handler code. {@code require} resolves bare names in it as Node does for CommonJS
 * (package.json {@code exports} with the {@code require}/{@code node}/{@code default} conditions, {@code imports},
 * {@code main}, directory {@code index}, the {@code .js} and {@code .json} extensions, nested {@code node_modules}).
 *
 * <p>Files are named by their path under the tree's parent, {@code /node_modules/pg/lib/index.js}: that is their
 * {@code __filename} and what stack traces show, and no host path ever reaches a handler. A file is read once and
 * kept with its parsed Source for the life of the node (packages installed later are seen after the next recycle);
 * every request that requires it still gets its own module instance.
 */
public final class PackageDirectory {
  private static final ObjectMapper json = new ObjectMapper();
  private static final List<String> CONDITIONS = List.of("require", "node", "default");
  private static final String MODULES = "/node_modules";
  /**
   * Resolutions kept at most: handler code chooses the specifiers, and many spellings name one file
   * ({@code pg/lib/./index.js}), so the map is emptied when it grows past this rather than grow without bound.
   */
  private static final int MAX_RESOLUTIONS = 10_000;

  private final Path modules;
  private final Map<String, Resolution> resolutions = new ConcurrentHashMap<>();
  private final Map<String, Optional<HandlerCode>> files = new ConcurrentHashMap<>();
  private final Map<String, Optional<JsonNode>> manifests = new ConcurrentHashMap<>();

  private PackageDirectory(Path modules) {
    this.modules = modules;
  }

  /** No package directory: every bare name is missing. */
  public static PackageDirectory none() {
    return new PackageDirectory(null);
  }

  /**
   * The packages under {@code dir}: the directory {@code npm install} ran in (it holds {@code node_modules}), or the
   * {@code node_modules} directory itself.
   */
  public static PackageDirectory at(Path dir) {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("renga.handlers.packages: " + dir + " does not exist", e);
    }
    Path modules = Files.isDirectory(real.resolve("node_modules")) ? real.resolve("node_modules") : real;
    if (!Files.isDirectory(modules)) {
      throw new IllegalArgumentException("renga.handlers.packages: " + dir + " is not a directory");
    }
    return new PackageDirectory(modules);
  }

  /** Whether a directory is configured. */
  public boolean configured() {
    return modules != null;
  }

  /** Whether a module name is a package file's ({@code /node_modules/...}) rather than a URL. */
  public static boolean isPackageFile(String name) {
    return name.startsWith(MODULES + "/");
  }

  /**
   * What {@code require(specifier)} names when called from {@code from} (a handler or module URL, or a package
   * file): a file with its code, or why there is none.
   */
  public Resolution resolve(String from, String specifier) {
    if (modules == null) {
      return Resolution.missing("no package directory is configured (renga.handlers.packages)");
    }
    boolean fromPackage = isPackageFile(from);
    String fromDir = fromPackage ? from.substring(0, from.lastIndexOf('/')) : MODULES;
    if (resolutions.size() > MAX_RESOLUTIONS) {
      resolutions.clear();
    }
    return resolutions.computeIfAbsent(fromDir + '\0' + specifier, key -> compute(fromDir, fromPackage, specifier));
  }

  private Resolution compute(String fromDir, boolean fromPackage, String specifier) {
    String found;
    if (specifier.startsWith("./") || specifier.startsWith("../") || specifier.equals(".") || specifier.equals("..")) {
      if (!fromPackage) {
        return Resolution.missing("relative modules of a handler are fetched from its URL");
      }
      String target = normalize(fromDir + "/" + specifier);
      if (target == null) {
        return Resolution.missing("it is outside the package directory");
      }
      found = fileOrDirectory(target);
    } else if (specifier.startsWith("/") || specifier.contains("\\") || specifier.contains("\0")) {
      return Resolution.missing("only package names and relative paths can be required");
    } else if (specifier.startsWith("#")) {
      found = fromPackage ? packageImport(fromDir, specifier) : null;
    } else {
      found = bare(fromDir, specifier);
    }
    if (found == null) {
      return Resolution.missing("it is not in the package directory (renga.handlers.packages)");
    }
    if (found.endsWith(".node")) {
      return Resolution.missing(found + " is a native addon, which handlers cannot load");
    }
    if (found.endsWith(".mjs") || (found.endsWith(".js") && isEsm(found))) {
      return Resolution.missing(found + " is an ES module, which require() does not load here: bundle the handler"
          + " with esbuild --platform=node --bundle instead");
    }
    Optional<HandlerCode> code = read(found);
    return code.isPresent() ? new Resolution(code.get(), null) : Resolution.missing("it could not be read");
  }

  /** A bare name: {@code name[/subpath]} in the nearest node_modules from {@code fromDir} up to the tree's root. */
  private String bare(String fromDir, String specifier) {
    int slash = specifier.indexOf('/');
    if (specifier.startsWith("@")) {
      slash = slash < 0 ? -1 : specifier.indexOf('/', slash + 1);
    }
    String name = slash < 0 ? specifier : specifier.substring(0, slash);
    String subpath = slash < 0 ? "" : specifier.substring(slash + 1);
    if (name.isEmpty() || name.startsWith(".") || (specifier.startsWith("@") && !name.contains("/"))) {
      return null;
    }
    // As Node: DIR/node_modules for DIR = the requiring file's directory and each one above it ("" is the root).
    String dir = fromDir;
    while (true) {
      if (!dir.endsWith(MODULES)) {
        String packageDir = dir + MODULES + "/" + name;
        if (Files.isDirectory(host(packageDir))) {
          JsonNode manifest = manifest(packageDir + "/package.json");
          if (manifest != null && manifest.has("exports") && !manifest.get("exports").isNull()) {
            return exported(packageDir, manifest.get("exports"), subpath.isEmpty() ? "." : "./" + subpath);
          }
          return fileOrDirectory(subpath.isEmpty() ? packageDir : normalize(packageDir + "/" + subpath));
        }
      }
      if (dir.isEmpty()) {
        return null;
      }
      dir = dir.substring(0, dir.lastIndexOf('/'));
    }
  }

  /** A {@code #name} from the {@code imports} of the package that holds {@code fromDir}. */
  private String packageImport(String fromDir, String specifier) {
    for (String dir = fromDir; dir.startsWith(MODULES + "/"); dir = dir.substring(0, dir.lastIndexOf('/'))) {
      JsonNode manifest = manifest(dir + "/package.json");
      if (manifest != null) {
        JsonNode imports = manifest.get("imports");
        return imports == null || !imports.isObject() ? null : mapped(dir, imports, specifier);
      }
    }
    return null;
  }

  /** A subpath through a package's {@code exports}; null when the package does not export it. */
  private String exported(String packageDir, JsonNode exports, String subpath) {
    boolean subpaths = false;
    if (exports.isObject()) {
      Iterator<String> keys = exports.fieldNames();
      subpaths = keys.hasNext() && keys.next().startsWith(".");
    }
    if (!subpaths) {
      return subpath.equals(".") ? target(packageDir, exports, null) : null;
    }
    return mapped(packageDir, exports, subpath);
  }

  /** An exports or imports map: the exact key, else the longest {@code *} pattern that matches. */
  private String mapped(String packageDir, JsonNode map, String key) {
    JsonNode exact = map.get(key);
    if (exact != null && !key.contains("*")) {
      return target(packageDir, exact, null);
    }
    String bestKey = null;
    String bestMatch = null;
    for (Iterator<String> keys = map.fieldNames(); keys.hasNext(); ) {
      String pattern = keys.next();
      int star = pattern.indexOf('*');
      if (star < 0) {
        continue;
      }
      String prefix = pattern.substring(0, star);
      String suffix = pattern.substring(star + 1);
      if (key.length() >= prefix.length() + suffix.length() && key.startsWith(prefix) && key.endsWith(suffix)
          && (bestKey == null || prefix.length() > bestKey.indexOf('*'))) {
        bestKey = pattern;
        bestMatch = key.substring(prefix.length(), key.length() - suffix.length());
      }
    }
    return bestKey == null ? null : target(packageDir, map.get(bestKey), bestMatch);
  }

  /** One target of an exports/imports entry: a path, the first of an array that resolves, or conditions. */
  private String target(String packageDir, JsonNode target, String match) {
    if (target.isTextual()) {
      String path = target.asText();
      if (match != null) {
        path = path.replace("*", match);
      }
      if (!path.startsWith("./")) {
        return null;
      }
      String file = normalize(packageDir + "/" + path.substring(2));
      return file != null && file.startsWith(packageDir + "/") && Files.isRegularFile(host(file)) ? file : null;
    }
    if (target.isArray()) {
      for (JsonNode each : target) {
        String file = target(packageDir, each, match);
        if (file != null) {
          return file;
        }
      }
      return null;
    }
    if (target.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> entries = target.fields(); entries.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = entries.next();
        if (CONDITIONS.contains(entry.getKey())) {
          String file = target(packageDir, entry.getValue(), match);
          if (file != null) {
            return file;
          }
        }
      }
    }
    return null;
  }

  /** Node's LOAD_AS_FILE, then LOAD_AS_DIRECTORY. */
  private String fileOrDirectory(String path) {
    if (path == null) {
      return null;
    }
    for (String candidate : List.of(path, path + ".js", path + ".json", path + ".node")) {
      if (Files.isRegularFile(host(candidate))) {
        return candidate;
      }
    }
    if (!Files.isDirectory(host(path))) {
      return null;
    }
    JsonNode manifest = manifest(path + "/package.json");
    if (manifest != null && manifest.path("main").isTextual() && !manifest.path("main").asText().isEmpty()) {
      String main = normalize(path + "/" + manifest.path("main").asText());
      if (main != null) {
        for (String candidate : List.of(main, main + ".js", main + ".json", main + "/index.js", main + "/index.json")) {
          if (Files.isRegularFile(host(candidate))) {
            return candidate;
          }
        }
      }
    }
    for (String candidate : List.of(path + "/index.js", path + "/index.json")) {
      if (Files.isRegularFile(host(candidate))) {
        return candidate;
      }
    }
    return null;
  }

  /** Whether a .js file belongs to a package whose nearest package.json says {@code "type": "module"}. */
  private boolean isEsm(String file) {
    for (String dir = file.substring(0, file.lastIndexOf('/')); dir.startsWith(MODULES + "/");
        dir = dir.substring(0, dir.lastIndexOf('/'))) {
      JsonNode manifest = manifest(dir + "/package.json");
      if (manifest != null) {
        return "module".equals(manifest.path("type").asText());
      }
    }
    return false;
  }

  private JsonNode manifest(String file) {
    return manifests
        .computeIfAbsent(
            file,
            f -> {
              Path path = host(f);
              if (!Files.isRegularFile(path)) {
                return Optional.empty();
              }
              try {
                return Optional.of(json.readTree(path.toFile()));
              } catch (IOException e) {
                return Optional.empty();
              }
            })
        .orElse(null);
  }

  private Optional<HandlerCode> read(String file) {
    return files.computeIfAbsent(
        file,
        f -> {
          try {
            Path path = host(f).toRealPath();
            // A symbolic link may point anywhere; only files inside the package directory are read.
            if (!path.startsWith(modules)) {
              return Optional.empty();
            }
            byte[] bytes = Files.readAllBytes(path);
            String text = new String(bytes, StandardCharsets.UTF_8);
            // As Node does: a leading byte-order mark and "#!" line are not code.
            if (text.startsWith("\uFEFF")) {
              text = text.substring(1);
            }
            if (text.startsWith("#!")) {
              int end = text.indexOf('\n');
              text = end < 0 ? "" : "//" + text.substring(end);
            }
            return Optional.of(new HandlerCode(f, text, bytes.length));
          } catch (IOException e) {
            return Optional.empty();
          }
        });
  }

  /** The host path of a package file's name ({@code /node_modules/x} is the tree itself). */
  private Path host(String name) {
    return modules.resolve(name.substring(MODULES.length()).replaceFirst("^/", ""));
  }

  /** A name with "." and ".." segments taken out; null if it leaves /node_modules. */
  static String normalize(String name) {
    String[] segments = name.split("/");
    StringBuilder out = new StringBuilder();
    java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
    for (String segment : segments) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (kept.isEmpty()) {
          return null;
        }
        kept.removeLast();
      } else {
        kept.addLast(segment);
      }
    }
    for (String segment : kept) {
      out.append('/').append(segment);
    }
    String result = out.toString();
    return result.equals(MODULES) || result.startsWith(MODULES + "/") ? result : null;
  }

  /**
   * What a require found: the file (its name is {@code code.url()}), or why nothing was found.
   *
   * @param code the file, null when missing
   * @param error why it is missing, null when found
   */
  public record Resolution(HandlerCode code, String error) {
    static Resolution missing(String error) {
      return new Resolution(null, error);
    }
  }
}
