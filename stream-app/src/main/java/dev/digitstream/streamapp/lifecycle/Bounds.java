package dev.digitstream.streamapp.lifecycle;

/**
 * The one-sided confidence bounds the gate uses: on the difference of two accuracies measured on
 * the same records (paired, as McNemar's test pairs them), and on one proportion (Wilson's score
 * interval).
 */
final class Bounds {

  private Bounds() {}

  /**
   * The difference of accuracies {@code (aOnly - bOnly) / n} of A and B on the same {@code n}
   * records, and its bounds at the given z (a normal approximation, clamped to [-1, 1]).
   *
   * @param aOnly records only A got right
   * @param bOnly records only B got right
   */
  static Interval pairedDifference(long aOnly, long bOnly, long n, double z) {
    if (n <= 0) {
      return new Interval(0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }
    double d = (double) (aOnly - bOnly) / n;
    double variance = Math.max(0, (double) (aOnly + bOnly) / n - d * d); // of one record's A-B
    double half = z * Math.sqrt(variance / n);
    return new Interval(d, Math.max(-1, d - half), Math.min(1, d + half));
  }

  /** The proportion {@code k / n} and its Wilson score bounds at the given z. */
  static Interval proportion(long k, long n, double z) {
    if (n <= 0) {
      return new Interval(0, 0, 1);
    }
    double p = (double) k / n;
    double z2 = z * z;
    double centre = (p + z2 / (2.0 * n)) / (1 + z2 / n);
    double half = z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return new Interval(p, Math.max(0, centre - half), Math.min(1, centre + half));
  }

  /**
   * The z of a one-sided bound at {@code confidence}: the standard normal quantile, by Acklam's
   * rational approximation (relative error below 1.2e-9).
   */
  static double z(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), got " + confidence);
    }
    double[] a = {
      -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00
    };
    double[] b = {
      -5.447609879822406e+01,
      1.615858368580409e+02,
      -1.556989798598866e+02,
      6.680131188771972e+01,
      -1.328068155288572e+01
    };
    double[] c = {
      -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00
    };
    double[] d = {
      7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00
    };
    double p = confidence;
    double low = 0.02425;
    if (p < low) {
      double q = Math.sqrt(-2 * Math.log(p));
      return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
      double q = Math.sqrt(-2 * Math.log(1 - p));
      return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
          / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    double q = p - 0.5;
    double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5])
        * q
        / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }

  /**
   * An estimate and its one-sided bounds (each at the same confidence).
   *
   * @param value the point estimate
   * @param lower what the true value is above, at the confidence
   * @param upper what the true value is below, at the confidence
   */
  record Interval(double value, double lower, double upper) {}
}
