package io.github.gmailoauth.gmail;

import java.util.List;

/** One page of the message list and the token of the next one (null on the last page). */
public record MessagePage(
    List<MessageSummary> messages, String nextPageToken, long resultSizeEstimate) {}
