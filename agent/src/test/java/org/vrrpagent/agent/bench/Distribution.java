package org.vrrpagent.agent.bench;

import java.util.Arrays;
import java.util.Collection;

/** Sorted samples and their order statistics (nearest-rank percentiles). */
record Distribution(double[] sorted) {
  static Distribution of(Collection<? extends Number> samples) {
    double[] v = samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
    return new Distribution(v);
  }

  int count() {
    return sorted.length;
  }

  double min() {
    return sorted.length == 0 ? Double.NaN : sorted[0];
  }

  double max() {
    return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
  }

  double median() {
    return percentile(50);
  }

  /**
   * The nearest-rank percentile: the smallest sample with at least {@code p} % of samples at or
   * below it.
   */
  double percentile(double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
  }

  @Override
  public String toString() {
    return Arrays.toString(sorted);
  }
}
