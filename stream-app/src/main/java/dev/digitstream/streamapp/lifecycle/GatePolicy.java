package dev.digitstream.streamapp.lifecycle;

/**
 * How the decider judges a version in shadow (settings {@code GATE_*} and {@code
 * PROBATION_RECORDS}, docs/model-lifecycle.md).
 *
 * @param automatic whether the decider decides at all; when not, replicas still score candidates in
 *     shadow and report, and a person decides with the trainer's commands
 * @param minRecords labelled records a candidate needs before it is judged; with no labelled record
 *     among this many scored, the label-free rule applies
 * @param tolerance how much less accurate than the serving version a candidate may be (0-1)
 * @param floor the accuracy a candidate must reach, and below which a promoted version is rolled
 *     back (0-1)
 * @param confidence of the one-sided bounds that guard each judgement (0.5-1)
 * @param maxDisagreement the label-free rule: the most a candidate may disagree with the serving
 *     version (0-1)
 * @param probationRecords labelled records after a promotion during which the replaced version is
 *     scored in shadow and a rollback may follow; 0: no probation
 * @param shadowShare the share of batches a version in shadow is run on (0-1]: less costs less
 *     inference and takes longer to reach a verdict
 */
public record GatePolicy(
    boolean automatic,
    long minRecords,
    double tolerance,
    double floor,
    double confidence,
    double maxDisagreement,
    long probationRecords,
    double shadowShare) {

  /** Whether a promotion starts a probation. */
  public boolean probations() {
    return automatic && probationRecords > 0;
  }
}
