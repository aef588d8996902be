package dev.underway.sandbox.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One figure of a benchmark repeated N times in one command ({@code --repeat N}): the median of
 * the runs that have it, the spread (min and max) and every run's value in run order (null where
 * a run had none: a phase too short for a rate, a step that run did not take). The median of an
 * even count is the mean of the two middle values.
 *
 * @param median null when no run has the figure
 * @param min null when no run has the figure
 * @param max null when no run has the figure
 * @param runs each run's value, in run order (nulls kept)
 */
public record Spread(Double median, Double min, Double max, List<Double> runs) {

  public Spread {
    runs = Collections.unmodifiableList(new ArrayList<>(runs));
  }

  /** The spread of {@code values} (one per run, nulls allowed). */
  public static Spread of(List<Double> values) {
    Objects.requireNonNull(values, "values");
    List<Double> present = new ArrayList<>();
    for (Double v : values) {
      if (v != null && !v.isNaN()) {
        present.add(v);
      }
    }
    if (present.isEmpty()) {
      return new Spread(null, null, null, values);
    }
    Collections.sort(present);
    int n = present.size();
    double median = n % 2 == 1 ? present.get(n / 2)
        : (present.get(n / 2 - 1) + present.get(n / 2)) / 2.0;
    return new Spread(median, present.get(0), present.get(n - 1), values);
  }

  /** One run's figure. */
  public static Spread one(Double value) {
    List<Double> l = new ArrayList<>();
    l.add(value);
    return of(l);
  }

  /** How many runs have the figure. */
  public int count() {
    return (int) runs.stream().filter(v -> v != null && !v.isNaN()).count();
  }

  /**
   * The median with {@code format} ({@code %.2f}), and its spread when the runs differ: {@code
   * 2.10 (1.95-2.40)}; {@code -} when no run has it.
   */
  public String text(String format) {
    if (median == null) {
      return "-";
    }
    String m = String.format(Locale.ROOT, format, median);
    String lo = String.format(Locale.ROOT, format, min);
    String hi = String.format(Locale.ROOT, format, max);
    return lo.equals(hi) ? m : m + " (" + lo + "-" + hi + ")";
  }
}
