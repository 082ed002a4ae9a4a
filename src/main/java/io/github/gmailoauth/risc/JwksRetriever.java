package io.github.gmailoauth.risc;

import com.google.api.client.http.GenericUrl;
import com.google.api.client.http.HttpRequest;
import com.google.api.client.http.HttpResponse;
import com.google.api.client.http.HttpTransport;
import com.nimbusds.jose.util.Resource;
import com.nimbusds.jose.util.ResourceRetriever;
import io.github.gmailoauth.google.BoundedHttpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Fetches the issuer's JWKS through the app's one bounded way to Google ({@link
 * BoundedHttpTransport}): one deadline for the whole answer, no redirects, identity coding only,
 * and an answer larger than {@link #MAX_BYTES} refused while it is read. Google's JWKS is about 2
 * KB; a hostile or broken upstream gets nothing more out of the app than that.
 */
public final class JwksRetriever implements ResourceRetriever {
  /** Google's JWKS holds two or three RSA keys: a few KB. */
  public static final int MAX_BYTES = 64 * 1024;

  private final HttpTransport transport;

  public JwksRetriever() {
    this.transport = new BoundedHttpTransport(MAX_BYTES);
  }

  @Override
  public Resource retrieveResource(URL url) throws IOException {
    HttpRequest request =
        transport
            .createRequestFactory(BoundedHttpTransport.requestDefaults())
            .buildGetRequest(new GenericUrl(url))
            .setThrowExceptionOnExecuteError(false);
    HttpResponse response = request.execute();
    try {
      if (response.getStatusCode() != 200) {
        // Only the status: an error page's text is the upstream's, not ours to log.
        throw new IOException("the JWKS answered " + response.getStatusCode());
      }
      try (InputStream in = response.getContent()) {
        byte[] body = in == null ? new byte[0] : in.readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
          throw new IOException("the JWKS is larger than " + MAX_BYTES + " bytes");
        }
        return new Resource(new String(body, StandardCharsets.UTF_8), response.getContentType());
      }
    } finally {
      response.disconnect();
    }
  }
}
