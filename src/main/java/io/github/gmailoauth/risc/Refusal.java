package io.github.gmailoauth.risc;

/**
 * Why a security event token was refused, as the RFC 8935 §2.3 error code the answer carries (the
 * codes of its §7.1 registry). The description is fixed text: nothing of the token is echoed.
 */
public enum Refusal {
  /** Not a JWT, not JSON, a claim missing or of the wrong type, too large, or the wrong type. */
  MALFORMED("invalid_request", "The request is not a well-formed security event token."),
  /** The signature, algorithm or key id did not verify against the issuer's keys. */
  KEY("invalid_key", "The token's signature could not be verified."),
  /** {@code iss} is not Google's. */
  ISSUER("invalid_issuer", "The token's issuer is not accepted."),
  /** {@code aud} names none of this app's client ids. */
  AUDIENCE("invalid_audience", "The token's audience is not accepted."),
  /** {@code iat} too old, in the future, or {@code exp} passed. */
  STALE("invalid_request", "The token was issued outside the accepted time window."),
  /** This {@code jti} was accepted before, on this node or another. */
  REPLAYED("invalid_request", "The token was already received.");

  private final String err;
  private final String description;

  Refusal(String err, String description) {
    this.err = err;
    this.description = description;
  }

  /** The RFC 8935 §2.3 {@code err} code. */
  public String err() {
    return err;
  }

  /** A short, fixed, human-readable description. */
  public String description() {
    return description;
  }

  /** Thrown by the verification and the event parsing; carries no text of the token. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Refusal refusal;

    RefusedException(Refusal refusal, String why) {
      super(why, null, false, false);
      this.refusal = refusal;
    }

    Refusal refusal() {
      return refusal;
    }
  }
}
