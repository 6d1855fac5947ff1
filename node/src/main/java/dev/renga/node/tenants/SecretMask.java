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

  /** Whether there is anything to mask. */
  public boolean isEmpty() {
    return values.isEmpty();
  }
}
