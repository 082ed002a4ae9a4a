package io.github.gmailoauth.standin;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The stand-in's Cross-Account Protection transmitter: an RSA key generated at start (its public
 * half served as a JWKS at {@link StandInGoogle#RISC_JWKS_PATH}) that signs security event tokens
 * (RFC 8417) as Google's do, and the means to mint hostile ones: another key, another key id,
 * {@code alg=none}, HS256 keyed with the public key's bytes, any issuer, audience or time.
 */
public final class RiscTransmitter {
  /** Google's issuer, in the token and in its subjects. */
  public static final String ISSUER = "https://accounts.google.com/";

  public static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";
  public static final String OAUTH = "https://schemas.openid.net/secevent/oauth/event-type/";
  public static final String SESSIONS_REVOKED = RISC + "sessions-revoked";
  public static final String TOKENS_REVOKED = OAUTH + "tokens-revoked";
  public static final String TOKEN_REVOKED = OAUTH + "token-revoked";
  public static final String ACCOUNT_DISABLED = RISC + "account-disabled";
  public static final String ACCOUNT_ENABLED = RISC + "account-enabled";
  public static final String ACCOUNT_PURGED = RISC + "account-purged";
  public static final String CREDENTIAL_CHANGE_REQUIRED =
      RISC + "account-credential-change-required";
  public static final String VERIFICATION = RISC + "verification";

  private volatile RSAKey key = newKey();
  private final List<RSAKey> published = new ArrayList<>(); // guarded by itself
  private final String audience;

  RiscTransmitter(String audience) {
    this.audience = audience;
    synchronized (published) {
      published.add(key);
    }
  }

  /** A new RSA-2048 signing key with a random key id. */
  public static RSAKey newKey() {
    try {
      return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The JWKS served: the public halves of every key published so far. */
  String jwks() {
    synchronized (published) {
      return new JWKSet(
              published.stream().map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList())
          .toString();
    }
  }

  /** Google rotates: a new key signs from now on, and the JWKS serves it beside the old ones. */
  public RSAKey rotateKey() {
    RSAKey next = newKey();
    synchronized (published) {
      published.add(next);
    }
    key = next;
    return next;
  }

  /** The key that signs now. */
  public RSAKey key() {
    return key;
  }

  /**
   * Google's {@code hash_base64_sha512_sha512} identifier of {@code token}: SHA-512 of SHA-512,
   * base64.
   */
  public static String hashBase64Sha512Sha512(String token) {
    try {
      MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
      byte[] twice = sha512.digest(sha512.digest(token.getBytes(StandardCharsets.UTF_8)));
      return Base64.getEncoder().encodeToString(twice);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token of one event of {@code eventType}, about the Google user {@code userId}. */
  public Event event(String eventType, String userId) {
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("subject_type", "iss-sub");
    subject.put("iss", ISSUER);
    subject.put("sub", userId);
    return new Event(eventType, subject);
  }

  /** A token-revoked event naming a refresh token by its hash. */
  public Event tokenRevoked(String refreshToken) {
    Map<String, Object> subject = new LinkedHashMap<>();
    subject.put("subject_type", "oauth_token");
    subject.put("token_type", "refresh_token");
    subject.put("token_identifier_alg", "hash_base64_sha512_sha512");
    subject.put("token", hashBase64Sha512Sha512(refreshToken));
    return new Event(TOKEN_REVOKED, subject);
  }

  /** Google's stream:verify test event, with its state. */
  public Event verification(String state) {
    Event event = new Event(VERIFICATION, null);
    event.payload.put("state", state);
    return event;
  }

  /** One security event token being built; every claim as Google sends it until changed. */
  public final class Event {
    private final Map<String, Object> payload = new LinkedHashMap<>();
    private final Map<String, Object> claims = new LinkedHashMap<>();
    private String eventType;
    private RSAKey signingKey = key;
    private String keyId;
    private JOSEObjectType type;

    Event(String eventType, Map<String, Object> subject) {
      this.eventType = eventType;
      if (subject != null) {
        payload.put("subject", subject);
      }
      claims.put("iss", ISSUER);
      claims.put("aud", audience);
      claims.put("iat", Instant.now().getEpochSecond());
      claims.put("jti", UUID.randomUUID().toString().replace("-", ""));
    }

    /** Sets a payload member of the event, e.g. {@code reason}. */
    public Event with(String name, Object value) {
      payload.put(name, value);
      return this;
    }

    /** Sets (null: removes) a claim of the token. */
    public Event claim(String name, Object value) {
      if (value == null) {
        claims.remove(name);
      } else {
        claims.put(name, value);
      }
      return this;
    }

    public Event issuedAt(Instant iat) {
      return claim("iat", iat.getEpochSecond());
    }

    public Event jti(String jti) {
      return claim("jti", jti);
    }

    /** Signs with another key (which no JWKS publishes unless a test says so). */
    public Event signedWith(RSAKey other) {
      signingKey = other;
      return this;
    }

    /** Names another key id in the header, signing with the usual key. */
    public Event keyId(String kid) {
      keyId = kid;
      return this;
    }

    /** Sets the header's {@code typ}. */
    public Event type(String typ) {
      this.type = new JOSEObjectType(typ);
      return this;
    }

    /** The claims set as JSON-ready values. */
    JWTClaimsSet claimsSet() {
      JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
      claims.forEach(
          (name, value) ->
              builder.claim(
                  name,
                  ("iat".equals(name) || "exp".equals(name)) && value instanceof Long seconds
                      ? Date.from(Instant.ofEpochSecond(seconds))
                      : value));
      if (!claims.containsKey("events")) { // else a test's own events claim, whatever it is
        Map<String, Object> events = new LinkedHashMap<>();
        events.put(eventType, payload);
        builder.claim("events", events);
      }
      return builder.build();
    }

    /** The compact JWS, RS256, as Google sends it. */
    public String compact() {
      JWSHeader.Builder header =
          new JWSHeader.Builder(JWSAlgorithm.RS256)
              .keyID(keyId != null ? keyId : signingKey.getKeyID());
      if (type != null) {
        header.type(type);
      }
      SignedJWT jwt = new SignedJWT(header.build(), claimsSet());
      try {
        jwt.sign(new RSASSASigner(signingKey));
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
      return jwt.serialize();
    }

    /** The same claims, unsigned: {@code alg=none} (RFC 7519 §6). */
    public String unsecured() {
      return new PlainJWT(claimsSet()).serialize();
    }

    /**
     * The classic key-confusion forgery: HS256 keyed with the bytes of the published public key
     * (its X.509 encoding), which a verifier that lets the token choose the algorithm would accept.
     */
    public String hs256WithPublicKey() {
      try {
        byte[] secret = signingKey.toRSAPublicKey().getEncoded();
        SignedJWT jwt =
            new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signingKey.getKeyID()).build(),
                claimsSet());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A token whose payload is not JSON at all, correctly signed. */
    public String withPayloadNotJson() {
      try {
        JWSHeader header =
            new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(signingKey.getKeyID()).build();
        String signingInput =
            header.toBase64URL()
                + "."
                + Base64URL.encode(
                    ("{\"iss\":\"" + ISSUER + "\",\"events\":{").getBytes(StandardCharsets.UTF_8));
        Base64URL signature =
            new RSASSASigner(signingKey)
                .sign(header, signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + signature;
      } catch (JOSEException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
