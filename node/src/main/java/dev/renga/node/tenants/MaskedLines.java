package dev.renga.node.tenants;

import java.util.ArrayList;
import java.util.List;

/**
 * One request's console lines on their way to the node's log, masked as one text ({@link SecretMask#applyAcross}): a
 * secret the handler writes in pieces, over several console calls, is masked too. A line whose end could be the
 * beginning of a secret waits until the next line shows whether it is (or until {@link #flush()}, at the request's
 * end); every other line passes at once. With no secrets, every line passes as it is.
 */
public final class MaskedLines {

  /** A line for the log, with the console level it was written at. */
  public record Line(String level, String text) {}

  private final SecretMask mask;
  /** Lines written but not yet released, raw. */
  private final List<Line> held = new ArrayList<>();
  /** Characters at the start of the first held line that belong to a secret already masked in a released line. */
  private int covered;

  public MaskedLines(SecretMask mask) {
    this.mask = mask;
  }

  /** Takes one console call's text; returns the lines that can go to the log now, masked, in order. */
  public List<Line> add(String level, String text) {
    if (mask.isEmpty()) {
      return List.of(new Line(level, text));
    }
    held.add(new Line(level, text));
    List<String> raw = raw();
    int open = mask.openEnd(String.join("", raw));
    int release = 0;
    int end = 0;
    while (release < raw.size() && end + raw.get(release).length() <= open) {
      end += raw.get(release).length();
      release++;
    }
    if (release == 0) {
      return List.of();
    }
    SecretMask.Masked masked = mask.maskAcross(raw);
    List<Line> out = new ArrayList<>(release);
    for (int i = 0; i < release; i++) {
      out.add(new Line(held.get(i).level(), masked.pieces().get(i)));
    }
    held.subList(0, release).clear();
    // A secret masked in the lines released may run on into the first one held: that part stays masked.
    covered = masked.carriedInto(end);
    return out;
  }

  /** The request ended: every line still held, masked. */
  public List<Line> flush() {
    if (held.isEmpty()) {
      return List.of();
    }
    List<String> masked = mask.applyAcross(raw());
    List<Line> out = new ArrayList<>(held.size());
    for (int i = 0; i < held.size(); i++) {
      out.add(new Line(held.get(i).level(), masked.get(i)));
    }
    held.clear();
    covered = 0;
    return out;
  }

  /** The held lines' text, the first without what a released mask already covered. */
  private List<String> raw() {
    List<String> raw = new ArrayList<>(held.size());
    for (int i = 0; i < held.size(); i++) {
      String text = held.get(i).text();
      raw.add(i == 0 ? text.substring(Math.min(covered, text.length())) : text);
    }
    return raw;
  }
}
