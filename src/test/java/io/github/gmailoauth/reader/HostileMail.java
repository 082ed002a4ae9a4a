package io.github.gmailoauth.reader;

import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hostile-mail corpus in {@code src/test/resources/hostile-mail}: HTML bodies in {@code
 * vectors.txt} (see its head for the format) and whole messages in {@code mime/*.eml}, each with an
 * id and a line saying what it attacks. Every vector is written so that, were it to work, a test
 * could tell: it sets {@code top.__pwned}, asks a {@code .invalid} host for something, or moves the
 * top page.
 */
final class HostileMail {
  private HostileMail() {}

  /** The hosts the corpus reaches for; none of them exists (RFC 6761 reserves .invalid). */
  static final String REMOTE_HOST_SUFFIX = ".invalid";

  /** One HTML body. {@code live}: it does something when opened raw in Chromium 150. */
  record Vector(String id, boolean live, String description, String html) {
    @Override
    public String toString() {
      return id;
    }

    /**
     * The vector as a mail: a single text/html part in UTF-8 (base64, so a NUL survives), built by
     * Jakarta Mail, with the vector's id in its subject.
     */
    byte[] asMime() {
      try {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("hostile@example.org", "Hostile Sender"));
        message.setRecipients(
            jakarta.mail.Message.RecipientType.TO, "\"Reader\" <reader@example.org>");
        message.setSubject("hostile " + id, "UTF-8");
        message.setText(html, "UTF-8", "html");
        message.setHeader("Content-Transfer-Encoding", "base64");
        message.setHeader("X-Hostile-Vector", description);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
      } catch (jakarta.mail.MessagingException | IOException e) {
        throw new IllegalStateException("building the mail of " + id, e);
      }
    }
  }

  /** A whole message, as a sender wrote it (broken MIME, odd charsets, hostile headers). */
  record MimeVector(String id, String description, byte[] rfc5322) {
    @Override
    public String toString() {
      return id;
    }
  }

  private static final Pattern HEADER =
      Pattern.compile("^=== (\\S+) \\| (live|dead) \\| (.+)$", Pattern.MULTILINE);

  static List<Vector> vectors() {
    String text = resource("hostile-mail/vectors.txt");
    List<Vector> vectors = new ArrayList<>();
    Matcher header = HEADER.matcher(text);
    List<int[]> spans = new ArrayList<>();
    List<String[]> heads = new ArrayList<>();
    while (header.find()) {
      spans.add(new int[] {header.start(), header.end()});
      heads.add(new String[] {header.group(1), header.group(2), header.group(3)});
    }
    for (int i = 0; i < spans.size(); i++) {
      int end = i + 1 < spans.size() ? spans.get(i + 1)[0] : text.length();
      String payload = text.substring(spans.get(i)[1], end).strip().replace("\\x00", "\0");
      String[] head = heads.get(i);
      vectors.add(new Vector(head[0], head[1].equals("live"), head[2], payload));
    }
    return vectors;
  }

  static List<MimeVector> mimeVectors() {
    try {
      URL folder = HostileMail.class.getClassLoader().getResource("hostile-mail/mime");
      if (folder == null) {
        throw new IllegalStateException("no hostile-mail/mime on the test class path");
      }
      try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
        return files
            .filter(f -> f.getFileName().toString().endsWith(".eml"))
            .sorted()
            .map(HostileMail::mimeVector)
            .toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MimeVector mimeVector(Path file) {
    try {
      byte[] bytes = Files.readAllBytes(file);
      String head = new String(bytes, StandardCharsets.ISO_8859_1);
      Matcher vector =
          Pattern.compile("^X-Hostile-Vector: ([^\r\n]+)", Pattern.MULTILINE).matcher(head);
      if (!vector.find()) {
        throw new IllegalStateException(file + " has no X-Hostile-Vector header");
      }
      String id = file.getFileName().toString().replaceFirst("\\.eml$", "");
      return new MimeVector(id, vector.group(1), bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = HostileMail.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("no " + name + " on the test class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
