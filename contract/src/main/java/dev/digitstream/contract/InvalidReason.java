package dev.digitstream.contract;

/**
 * Why a record went to the dead-letter topic; the code travels in the dead-letter reason header.
 * The first four are contract violations ({@link ImageRecord#check}); the last two are decided by
 * the stream-app.
 */
public enum InvalidReason {
  NULL_VALUE("null-value", "record value is null"),
  EMPTY_VALUE("empty-value", "record value is empty"),
  WRONG_LENGTH("wrong-length", "record value is not " + ImageRecord.SIZE + " bytes"),
  BAD_LABEL("bad-label", "label header is not exactly one ASCII digit"),
  /**
   * The record, its prediction or its pending-store entry would exceed the largest record the app
   * may write; the dead letter carries what fits, with the original sizes and SHA-256 in headers.
   */
  TOO_LARGE("too-large", "record too large to carry whole"),
  /** An unexpected error while handling this one record; the detail names the exception. */
  PROCESSING_ERROR("processing-error", "unexpected error while processing the record");

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
