package io.github.gmailoauth.standin;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The demo user's mailbox: a fixed list of messages whose dates are placed relative to the moment
 * the stand-in starts, so that "today", "earlier this year" and "previous years" date formatting
 * can all be seen (and tested) on any day the demo runs.
 *
 * <p>Forty messages are made from fields (one text/plain part each); ten more are full MIME
 * messages ({@link FullMessage}) for the message reader. Fifty in all: "all mail" at 50 to a page
 * shows the whole mailbox on one page, which the list page's tests rely on.
 *
 * <p>Dates use the JVM's default zone, the same one an application in the same JVM would use when
 * it decides whether a message arrived "today".
 */
public final class SeedMailbox {

  private static final String DEMO = "\"Demo User\" <demo@example.com>";

  /** The full MIME messages of the demo mailbox; {@link #find} gives the stored message. */
  public enum FullMessage {
    /** multipart/alternative; the HTML has two https images and one http tracking pixel. */
    NEWSLETTER,
    /** One text/plain part, UTF-8, with URLs: {@link #PLAIN_TEXT_BODY}. */
    PLAIN_TEXT,
    /** text/plain in ISO-8859-1, quoted-printable; From and Subject ISO-8859-1 encoded-words. */
    LATIN1,
    /** text/html in windows-1252 (curly quotes, en dash, euro sign); Subject a Q encoded-word. */
    WINDOWS_1252,
    /** text/plain in ISO-2022-JP (7bit); Subject and From ISO-2022-JP B encoded-words. */
    ISO_2022_JP,
    /** text/plain in Shift_JIS (base64); Subject a Shift_JIS encoded-word. */
    SHIFT_JIS,
    /** text/html in GB18030 (base64), with a character outside GBK; Subject GB18030. */
    GB18030,
    /**
     * multipart/related: a multipart/alternative whose HTML shows {@code cid:} {@link
     * #INLINE_IMAGE_CONTENT_ID}, and that PNG (inline, filename logo.png); the Subject is {@link
     * #RFC_2047_SUBJECT} as a UTF-8 B encoded-word.
     */
    INLINE_IMAGE,
    /**
     * multipart/mixed: a text/plain body, report.pdf (application/pdf, a valid PDF), statement.html
     * (text/html, {@link #HTML_ATTACHMENT}) and invoice.pdf.exe (an "MZ" executable declared
     * application/pdf).
     */
    ATTACHMENTS,
    /** multipart/alternative whose HTML holds OWASP XSS Filter Evasion Cheat Sheet vectors. */
    HOSTILE;

    /** The Message-ID header the message carries, by which {@link #find} knows it. */
    public String messageIdHeader() {
      return "<" + name().toLowerCase(Locale.ROOT).replace('_', '-') + "@seed.stand-in.example>";
    }
  }

  /** Text in the LATIN1 message's body (every character in ISO-8859-1, most not in ASCII). */
  public static final String LATIN1_TEXT =
      "Crème brûlée à la façade du café, naïve Zoë: 5 m² pour 12 francs? Non, ¡Olé! «Größe» ±½.";

  /** Text in the WINDOWS_1252 message's HTML (characters windows-1252 has in 0x80-0x9F). */
  public static final String WINDOWS_1252_TEXT =
      "The “new” office costs €1,200 – that’s the quote… œuvre complète — ‘final’ ™.";

  /** Text in the ISO_2022_JP message's body. */
  public static final String ISO_2022_JP_TEXT = "来週の会議は金曜日の午後三時に変更になりました。";

  /** Text in the SHIFT_JIS message's body. */
  public static final String SHIFT_JIS_TEXT = "お見積書をお送りいたします。ご確認のほどよろしくお願いいたします。";

  /** Text in the GB18030 message's HTML; U+20000 is a four-byte sequence in GB18030 only. */
  public static final String GB18030_TEXT = "会议改到星期五下午三点。请准时参加。\uD840\uDC00";

  /** The INLINE_IMAGE message's subject, decoded (non-Latin scripts, sent as =?UTF-8?B?..?=). */
  public static final String RFC_2047_SUBJECT = "Фото с конференции — 会議の写真 📷";

  /** The Content-ID (without angle brackets) of the INLINE_IMAGE message's PNG. */
  public static final String INLINE_IMAGE_CONTENT_ID = "logo.7f3a@apollo.example.com";

  /** The PLAIN_TEXT message's whole body. */
  public static final String PLAIN_TEXT_BODY =
      "Hi Demo,\n\n"
          + "the slides from Tuesday are at https://slides.example.org/talks/oauth-pkce?ref=mail&n=1\n"
          + "and the RFC is at <https://datatracker.ietf.org/doc/html/rfc7636>.\n\n"
          + "    An indented line, kept as written.\n"
          + "<b>This is not markup</b> & neither is this.\n\n"
          + "Barbara\n";

  /** The statement.html attachment of the ATTACHMENTS message: a page that must never render. */
  public static final String HTML_ATTACHMENT =
      "<!DOCTYPE html><html><body><h1>Statement</h1>"
          + "<script>document.title='rendered';alert(document.cookie)</script></body></html>";

  private SeedMailbox() {}

  /** The stored message of the demo mailbox that is {@code which}. */
  public static StandInMessage find(StandInUser user, FullMessage which) {
    for (StandInUser.Entry e : user.entries()) {
      if (which.messageIdHeader().equals(e.mime().root().header("Message-ID"))) {
        return e.message();
      }
    }
    throw new IllegalArgumentException(which + " is not in " + user);
  }

  static void fill(StandInUser user, Instant now) {
    ZoneId zone = ZoneId.systemDefault();
    ZonedDateTime zNow = now.atZone(zone);
    Dates d = new Dates(zNow);
    fillFromFields(user, d);
    fillFullMessages(user, d);
  }

  /**
   * The full messages, written and parsed once per date: every test starts a stand-in, and writing
   * ten MIME messages (a PNG among them) each time would cost a tenth of a second per test. Their
   * dates fall on days before today, so they stay the same all day.
   */
  private static final Map<String, StoredMime> WRITTEN = new ConcurrentHashMap<>();

  private static void fillFullMessages(StandInUser user, Dates d) {
    add(user, FullMessage.NEWSLETTER, d.thisYear(0.995, 7, 30), SeedMime::newsletter, "UNREAD");
    add(user, FullMessage.HOSTILE, d.thisYear(0.99, 6, 55), SeedMime::hostile, "UNREAD");
    add(user, FullMessage.ATTACHMENTS, d.thisYear(0.985, 8, 15), SeedMime::attachments, "UNREAD");
    add(user, FullMessage.INLINE_IMAGE, d.thisYear(0.95, 17, 5), SeedMime::inlineImage, "STARRED");
    add(user, FullMessage.PLAIN_TEXT, d.thisYear(0.93, 9, 40), SeedMime::plainText);
    inCharset(user, FullMessage.LATIN1, d.thisYear(0.91, 14, 0), LATIN1_TEXT);
    inCharset(user, FullMessage.WINDOWS_1252, d.thisYear(0.86, 16, 30), WINDOWS_1252_TEXT);
    inCharset(user, FullMessage.ISO_2022_JP, d.thisYear(0.82, 10, 20), ISO_2022_JP_TEXT);
    inCharset(user, FullMessage.SHIFT_JIS, d.thisYear(0.78, 11, 45), SHIFT_JIS_TEXT, "UNREAD");
    inCharset(user, FullMessage.GB18030, d.thisYear(0.74, 13, 15), GB18030_TEXT);
  }

  /** Adds a message written wholly in one charset, with {@code text} in its body. */
  private static void inCharset(
      StandInUser user, FullMessage which, Instant date, String text, String... labels) {
    add(user, which, date, at -> SeedMime.inCharset(which, text, at), labels);
  }

  /** Adds the message to the inbox (with the extra labels), written and parsed once per date. */
  private static void add(
      StandInUser user,
      FullMessage which,
      Instant date,
      Function<Instant, byte[]> writer,
      String... labels) {
    if (WRITTEN.size() > 200) {
      WRITTEN.clear(); // on 1 January the dates move with the clock: keep the cache bounded
    }
    StoredMime mime =
        WRITTEN.computeIfAbsent(which + " " + date, k -> StoredMime.parse(writer.apply(date)));
    String[] labelIds = new String[labels.length + 1];
    labelIds[0] = "INBOX";
    System.arraycopy(labels, 0, labelIds, 1, labels.length);
    user.addParsed(mime, date, labelIds);
  }

  private static void fillFromFields(StandInUser user, Dates d) {

    // --- today -------------------------------------------------------------------------------
    user.add(
        "\"Ada Lovelace\" <ada@example.org>",
        "Notes on the Analytical Engine",
        "Charles, I&#39;ve finished the notes on Menabrea&#39;s paper. Note G has the program for the "
            + "Bernoulli numbers — please check the table before Thursday.",
        d.today(0.97),
        null,
        null,
        "INBOX",
        "UNREAD",
        "IMPORTANT");
    user.add(
        "GitHub <noreply@github.com>",
        "[gmail-oauth-webapp] Add PKCE to the login flow (PR #42)",
        "@octocat requested your review on: Add PKCE to the login flow. This switches the authorization "
            + "request to S256 &amp; keeps the verifier in the session.",
        d.today(0.9),
        null,
        null,
        "INBOX",
        "UNREAD");
    // Markup in headers and an escaped snippet: what a hostile sender can put in front of the app.
    user.add(
        "\"<img src=x onerror=alert('from')>\" <mallory@evil.example>",
        "<script>alert(\"subject\")</script> <b>Bold</b> offer & more",
        "Claim your prize now &lt;img src=x onerror=alert(1)&gt; &quot;free&quot; gifts &amp; more "
            + "&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
        d.today(0.75),
        null,
        null,
        "INBOX",
        "UNREAD");
    user.add(
        "Google <no-reply@accounts.google.com>",
        "Security alert",
        "Gmail OAuth Demo was granted access to your Google Account demo@example.com. If you did not "
            + "grant access, you should check this activity and secure your account.",
        d.today(0.6),
        null,
        null,
        "INBOX",
        "UNREAD",
        "IMPORTANT");
    StandInMessage nanoseconds =
        user.add(
            DEMO,
            "Nanoseconds for the talk",
            "Grace, could you bring the props for Friday&#39;s talk? People still can&#39;t picture a "
                + "nanosecond.",
            d.today(0.2),
            "\"Grace Hopper\" <grace@navy.example.mil>",
            null,
            "SENT");
    user.add(
        "\"Grace Hopper\" <grace@navy.example.mil>",
        "Re: Nanoseconds for the talk",
        "I&#39;ll bring a bundle of wires, each 11.8 inches long — that&#39;s how far light travels in "
            + "a nanosecond.",
        d.today(0.35),
        null,
        nanoseconds,
        "INBOX",
        "STARRED",
        "IMPORTANT");

    // --- earlier this year ---------------------------------------------------------------------
    StandInMessage turing =
        user.add(
            "\"Alan Turing\" <alan@bletchley.example.uk>",
            "Computing Machinery and Intelligence (draft)",
            "I propose to consider the question, &quot;Can machines think?&quot; A draft is attached; "
                + "comments welcome before Friday.",
            d.thisYear(0.05, 9, 14),
            null,
            null,
            "INBOX",
            "STARRED");
    user.add(
        DEMO,
        "Re: Computing Machinery and Intelligence (draft)",
        "Alan, the imitation game section reads well. One question about the &quot;argument from "
            + "consciousness&quot; on page 12.",
        d.thisYear(0.08, 18, 2),
        "\"Alan Turing\" <alan@bletchley.example.uk>",
        turing,
        "SENT");
    user.add(
        "Slack <notification@slack.com>",
        "3 new messages in #general",
        "Margaret: the build is green again. Linus: Ship it. Grace: who moved the coffee machine?",
        d.thisYear(0.97, 7, 45),
        null,
        null,
        "INBOX",
        "UNREAD");
    user.add(
        "Amazon.com <shipment-tracking@amazon.com>",
        "Your package has shipped",
        "Your order #112-4938201-5521043 of &quot;The Art of Computer Programming, Vol. 1&quot; has "
            + "shipped &amp; will arrive Thursday.",
        d.thisYear(0.12, 11, 3),
        null,
        null,
        "INBOX");
    user.add(
        "\"Linus Torvalds\" <torvalds@kernel.example.org>",
        "Re: [PATCH] fix off-by-one in page cache",
        "That&#39;s not a fix, that&#39;s a workaround. Please resend with a proper explanation of why "
            + "the loop bound was wrong.",
        d.thisYear(0.16, 23, 51),
        null,
        null,
        "INBOX",
        "UNREAD");
    user.add(
        DEMO,
        "Lunch on Thursday?",
        "Are you free for lunch on Thursday? The new place on Main St. does a decent pad thai &amp; "
            + "has quiet tables.",
        d.thisYear(0.2, 12, 30),
        "\"Barbara Liskov\" <liskov@mit.example.edu>",
        null,
        "SENT");
    user.add(
        "Stripe <receipts@stripe.com>",
        "Your receipt from Example Cloud Hosting #1893-2231",
        "Amount paid $24.00 USD. Summary: Hobby plan (monthly) &amp; 2 extra build-minute packs. "
            + "Questions? Contact us at billing@cloud.example.com.",
        d.thisYear(0.24, 6, 12),
        null,
        null,
        "INBOX");
    user.add(
        "\"Margaret Hamilton\" <margaret@apollo.example.com>",
        "Priority displays — review notes",
        "The 1202 alarm shows why priority scheduling matters: the computer shed low-priority jobs "
            + "&amp; kept landing.",
        d.thisYear(0.28, 15, 20),
        null,
        null,
        "INBOX",
        "IMPORTANT");
    user.add(
        "Google Calendar <calendar-notification@google.com>",
        "Invitation: Quarterly planning @ Mon 10am – 11am (demo@example.com)",
        "You have been invited to the following event. Quarterly planning. When: Monday 10am – 11am. "
            + "Joining info: meet.google.com/abc-defg-hij",
        d.thisYear(0.32, 8, 0),
        null,
        null,
        "INBOX");
    user.add(
        "\"Donald Knuth\" <knuth@cs.example.edu>",
        "Check for $2.56",
        "Thank you for finding an error on page 371 of Volume 2. A hexadecimal dollar is on its way "
            + "&amp; your name is in the errata.",
        d.thisYear(0.36, 10, 10),
        null,
        null,
        "INBOX",
        "STARRED");
    user.add(
        "LinkedIn <messages-noreply@linkedin.com>",
        "You appeared in 9 searches this week",
        "See who&#39;s looking at your profile. You appeared in searches for &quot;OAuth&quot;, "
            + "&quot;Java&quot; and 7 more.",
        d.thisYear(0.4, 5, 30),
        null,
        null,
        "INBOX");
    user.add(
        "GitHub <noreply@github.com>",
        "[gmail-oauth-webapp] Run failed: CI - main",
        "Run failed: build (17). 1 failing test: StandInGoogleTest &gt; batchReturnsAllParts. "
            + "View the workflow run for details.",
        d.thisYear(0.44, 14, 41),
        null,
        null,
        "INBOX",
        "UNREAD");
    user.add(
        "\"Barbara Liskov\" <liskov@mit.example.edu>",
        "Substitutability, once more",
        "If it walks like a duck but needs batteries, you&#39;ve probably got the wrong abstraction.",
        d.thisYear(0.48, 16, 5),
        null,
        null,
        "INBOX");
    user.add(
        "\"Tim Berners-Lee\" <timbl@w3.example.org>",
        "Information Management: A Proposal",
        "Vague but exciting... The proposal is attached. I&#39;d like your comments on the hypertext "
            + "section &amp; the diagram.",
        d.thisYear(0.52, 9, 58),
        null,
        null,
        "INBOX",
        "IMPORTANT");
    user.add(
        "Netflix <info@mailer.netflix.com>",
        "New on Netflix this week",
        "Three new documentaries about the history of computing, plus the season finale you&#39;ve "
            + "been waiting for.",
        d.thisYear(0.56, 19, 0),
        null,
        null,
        "INBOX");
    user.add(
        "\"Dennis Ritchie\" <dmr@bell-labs.example.com>",
        "K&R second edition errata",
        "A few corrections for chapter 5, pointers &amp; arrays: the example on page 105 should read "
            + "*p++ = c;",
        d.thisYear(0.6, 11, 11),
        null,
        null,
        "INBOX");
    user.add(
        "Dropbox <no-reply@dropbox.com>",
        "Ken shared \"Unix history\" with you",
        "Ken Thompson shared a folder with you: &quot;Unix history&quot;. Open the folder to view 14 "
            + "files.",
        d.thisYear(0.64, 13, 37),
        null,
        null,
        "INBOX");
    user.add(
        "\"Radia Perlman\" <radia@example.net>",
        "Algorhyme",
        "I think that I shall never see / a graph more lovely than a tree. A tree whose crucial "
            + "property / is loop-free connectivity.",
        d.thisYear(0.68, 20, 20),
        null,
        null,
        "INBOX",
        "STARRED");
    user.add(
        "\"Katherine Johnson\" <kjohnson@nasa.example.gov>",
        "Trajectory numbers check out",
        "I re-ran the orbital equations by hand; the numbers match the IBM 7090 output to eight "
            + "decimal places.",
        d.thisYear(0.72, 7, 7),
        null,
        null,
        "INBOX",
        "IMPORTANT");
    user.add(
        "Zoom <no-reply@zoom.us>",
        "Cloud recording is now available",
        "Hi Demo, your cloud recording of &quot;Weekly sync&quot; is now available. Recording "
            + "length: 00:42:17.",
        d.thisYear(0.76, 17, 45),
        null,
        null,
        "INBOX");
    user.add(
        DEMO,
        "Invoice for March",
        "Hello, please find the invoice for March attached. Payment terms are 30 days &amp; the "
            + "IBAN is on page 2.",
        d.thisYear(0.8, 9, 2),
        "Billing <billing@client.example.com>",
        null,
        "SENT");
    user.add(
        "PayPal <service@paypal.com>",
        "You sent a payment",
        "You sent $15.00 USD to Grace Hopper. Note: &quot;Coffee &amp; nanoseconds&quot;",
        d.thisYear(0.84, 12, 1),
        null,
        null,
        "INBOX");
    user.add(
        "\"Edsger Dijkstra\" <ewd@example.nl>",
        "EWD 1036: On the cruelty of really teaching computing science",
        "The usual way in which we plan today for tomorrow is in yesterday&#39;s vocabulary.",
        d.thisYear(0.88, 10, 36),
        null,
        null,
        "INBOX",
        "UNREAD");

    // --- previous years ------------------------------------------------------------------------
    user.add(
        "\"Ada Lovelace\" <ada@example.org>",
        "Happy new year!",
        "Wishing you a year of elegant algorithms &amp; few bugs. Babbage sends his regards.",
        d.yearsAgo(1, 1, 1, 0, 12),
        null,
        null,
        "IMPORTANT");
    user.add(
        "GitHub <noreply@github.com>",
        "[GitHub] A third-party OAuth application has been added to your account",
        "Hey demo! A third-party OAuth application (Gmail OAuth Demo) with read:user scope was "
            + "recently authorized to access your account.",
        d.yearsAgo(1, 6, 14, 10, 5),
        null,
        null,
        "INBOX");
    user.add(
        DEMO,
        "Photos from the conference",
        "Here are the photos from the conference — the one of the Difference Engine came out "
            + "great.",
        d.yearsAgo(1, 9, 30, 21, 15),
        "\"Ada Lovelace\" <ada@example.org>",
        null,
        "SENT");
    user.add(
        "\"Ken Thompson\" <ken@bell-labs.example.com>",
        "Reflections on trusting trust",
        "You can&#39;t trust code that you did not totally create yourself. (Especially code from "
            + "companies that employ people like me.)",
        d.yearsAgo(2, 3, 8, 9, 30),
        null,
        null,
        "INBOX",
        "STARRED");
    user.add(
        DEMO,
        "Re: Reflections on trusting trust",
        "Ken, so the compiler was the Trojan horse all along? I&#39;m going to re-read the "
            + "login.c part tonight.",
        d.yearsAgo(2, 3, 9, 8, 1),
        "\"Ken Thompson\" <ken@bell-labs.example.com>",
        null,
        "SENT");
    user.add(
        "Google <no-reply@accounts.google.com>",
        "Welcome to your new Google Account",
        "Hi Demo, welcome to Google. Your new account comes with access to Google products, apps "
            + "&amp; services.",
        d.yearsAgo(3, 2, 2, 12, 0),
        null,
        null,
        "INBOX");
    user.add(
        "\"John McCarthy\" <jmc@stanford.example.edu>",
        "LISP 1.5 Programmer's Manual",
        "The manual is finally printed. Chapter 1 explains (car (cdr x)) better than I ever did in "
            + "person.",
        d.yearsAgo(4, 8, 17, 15, 44),
        null,
        null,
        "INBOX");
    user.add(
        "\"Frances Allen\" <fran@ibm.example.com>",
        "Program optimization paper",
        "Attached is the control-flow analysis paper. Interval analysis makes the optimizer&#39;s job "
            + "so much easier.",
        d.yearsAgo(5, 11, 3, 11, 20),
        null,
        null,
        "INBOX",
        "IMPORTANT");
    user.add(
        "\"Claude Shannon\" <shannon@bell-labs.example.com>",
        "A mathematical theory of communication",
        "The fundamental problem of communication is that of reproducing at one point either exactly "
            + "or approximately a message selected at another point.",
        d.yearsAgo(6, 7, 1, 8, 8),
        null,
        null,
        "INBOX",
        "STARRED");
    user.add(
        "\"Vint Cerf\" <vint@example.org>",
        "TCP spec, version 4",
        "Bob &amp; I split TCP and IP into two layers. New draft attached, comments by the end of the "
            + "month please.",
        d.yearsAgo(7, 5, 20, 17, 30),
        null,
        null,
        "INBOX");
    user.add(
        "\"Hedy Lamarr\" <hedy@example.com>",
        "Frequency hopping patent",
        "The patent was granted! 88 frequencies, like the keys of a piano. George says the player "
            + "piano rolls were the key.",
        d.yearsAgo(8, 8, 11, 13, 13),
        null,
        null,
        "INBOX",
        "STARRED",
        "IMPORTANT");
  }

  /** Places seed dates relative to the start moment. */
  private static final class Dates {
    private final ZonedDateTime now;
    private final ZonedDateTime startOfToday;
    private final LocalDate firstOfYear;
    private int nudge; // makes "this year" dates unique if they collapse onto today (1 January)

    Dates(ZonedDateTime now) {
      this.now = now;
      this.startOfToday = now.truncatedTo(ChronoUnit.DAYS);
      this.firstOfYear = now.toLocalDate().withDayOfYear(1);
    }

    /** Today, at the given fraction of the time elapsed since midnight: never in the future. */
    Instant today(double fraction) {
      Duration sinceMidnight = Duration.between(startOfToday, now);
      return startOfToday
          .plus(Duration.ofMillis((long) (sinceMidnight.toMillis() * fraction)))
          .truncatedTo(ChronoUnit.SECONDS)
          .toInstant();
    }

    /** A day before today in the current year, at hh:mm; on 1 January, earlier today instead. */
    Instant thisYear(double fraction, int hour, int minute) {
      long daysSoFar = ChronoUnit.DAYS.between(firstOfYear, now.toLocalDate());
      if (daysSoFar == 0) {
        nudge++;
        return today(0.02 + nudge * 0.004);
      }
      LocalDate day = firstOfYear.plusDays((long) (daysSoFar * fraction));
      return day.atTime(hour, minute).atZone(now.getZone()).toInstant();
    }

    Instant yearsAgo(int years, int month, int day, int hour, int minute) {
      return ZonedDateTime.of(now.getYear() - years, month, day, hour, minute, 0, 0, now.getZone())
          .toInstant();
    }
  }
}
