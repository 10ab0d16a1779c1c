package dev.digitstream.contract;

/** Why a record broke the contract; the code travels in the dead-letter reason header. */
public enum InvalidReason {
  NULL_VALUE("null-value", "record value is null"),
  EMPTY_VALUE("empty-value", "record value is empty"),
  WRONG_LENGTH("wrong-length", "record value is not " + ImageRecord.SIZE + " bytes"),
  BAD_LABEL("bad-label", "label header is not exactly one ASCII digit");

  private final String code;
  private final String description;

  InvalidReason(String code, String description) {
    this.code = code;
    this.description = description;
  }

  /** Short, stable, low-cardinality code, fit for a metric tag. */
  public String code() {
    return code;
  }

  /** Human-readable explanation. */
  public String description() {
    return description;
  }
}
