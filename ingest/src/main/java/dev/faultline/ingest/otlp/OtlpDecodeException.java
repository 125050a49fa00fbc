package dev.faultline.ingest.otlp;

/** The bytes are not a valid OTLP trace export request in the encoding they claim. */
public final class OtlpDecodeException extends Exception {
  private static final long serialVersionUID = 1L;

  public OtlpDecodeException(String message) {
    super(message);
  }

  public OtlpDecodeException(String message, Throwable cause) {
    super(message, cause);
  }
}
