package dev.renga.node.tenants;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Takes a tenant's secret values out of text Renga itself writes or returns (the node's log, console capture, error
 * bodies): each occurrence becomes {@value #MASK}. Longer values first, so a value that contains another is masked
 * whole. A tenant without secrets returns text as it is, at no cost.
 */
public final class SecretMask {
  public static final String MASK = "*****";
  public static final SecretMask NONE = new SecretMask(List.of());

  private final List<String> values;

  private SecretMask(List<String> values) {
    this.values = values;
  }

  /** A mask for these values (empty ones are left out: they occur everywhere). */
  public static SecretMask of(Collection<String> values) {
    List<String> sorted =
        values.stream().filter(v -> !v.isEmpty()).distinct().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    return sorted.isEmpty() ? NONE : new SecretMask(sorted);
  }

  /** The text with every secret value replaced by the mask. */
  public String apply(String text) {
    if (values.isEmpty() || text == null) {
      return text;
    }
    String masked = text;
    for (String value : values) {
      if (masked.contains(value)) {
        masked = masked.replace(value, MASK);
      }
    }
    return masked;
  }

  /**
   * The pieces (console calls, say) masked as one text: every secret in their concatenation becomes {@value #MASK}
   * where it starts, and the rest of it is left out of the pieces it runs on into. So a secret written in two calls
   * ({@code console.log(s.slice(0, 3)); console.log(s.slice(3))}) is masked as a whole. Each piece alone comes out as
   * {@link #apply} makes it.
   */
  public List<String> applyAcross(List<String> pieces) {
    return maskAcross(pieces).pieces();
  }

  /**
   * The pieces masked as one text, and which characters of their concatenation a masked secret covers ({@code
   * covered}) and where each one starts ({@code starts}); both null when nothing was masked.
   */
  record Masked(List<String> pieces, boolean[] covered, boolean[] starts) {
    /** How many characters from {@code at} on belong to a secret that started before {@code at}. */
    int carriedInto(int at) {
      int carried = 0;
      while (covered != null && at + carried < covered.length && covered[at + carried] && !starts[at + carried]) {
        carried++;
      }
      return carried;
    }
  }

  Masked maskAcross(List<String> pieces) {
    if (values.isEmpty() || pieces.isEmpty()) {
      return new Masked(pieces, null, null);
    }
    String joined = String.join("", pieces);
    // Where each masked occurrence starts, and every character it covers; longer values first, as in apply.
    boolean[] covered = new boolean[joined.length()];
    boolean[] starts = new boolean[joined.length()];
    boolean any = false;
    for (String value : values) {
      for (int at = joined.indexOf(value); at >= 0; at = joined.indexOf(value, at + 1)) {
        if (free(covered, at, value.length())) {
          java.util.Arrays.fill(covered, at, at + value.length(), true);
          starts[at] = true;
          any = true;
        }
      }
    }
    if (!any) {
      return new Masked(pieces, null, null);
    }
    List<String> masked = new java.util.ArrayList<>(pieces.size());
    int at = 0;
    for (String piece : pieces) {
      StringBuilder out = new StringBuilder(piece.length());
      for (int i = 0; i < piece.length(); i++, at++) {
        if (starts[at]) {
          out.append(MASK);
        } else if (!covered[at]) {
          out.append(piece.charAt(i));
        }
      }
      masked.add(out.toString());
    }
    return new Masked(masked, covered, starts);
  }

  private static boolean free(boolean[] covered, int from, int length) {
    for (int i = from; i < from + length; i++) {
      if (covered[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Where the longest end of {@code text} that is the beginning of a secret (but not all of it) starts: text from
   * there on may turn out to be a secret once more is written. {@code text.length()} when no secret begins there.
   */
  public int openEnd(String text) {
    int open = text.length();
    for (String value : values) {
      for (int length = Math.min(value.length() - 1, text.length()); length > 0; length--) {
        if (text.length() - length < open && text.regionMatches(text.length() - length, value, 0, length)) {
          open = text.length() - length;
          break;
        }
      }
    }
    return open;
  }

  /** Whether there is anything to mask. */
  public boolean isEmpty() {
    return values.isEmpty();
  }
}
