package io.github.gmailoauth.standin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** The stand-in's Google accounts, in the order they were added; the first is the default one. */
final class Accounts {

  private final AtomicLong messageSequence = new AtomicLong();
  private final Object usersLock = new Object();
  private final Map<String, StandInUser> users = new LinkedHashMap<>(); // guarded by usersLock
  private volatile StandInUser defaultUser;

  /** Adds an account with an empty mailbox; ids and emails must be unique. */
  StandInUser add(String id, String email, String name) {
    StandInUser user = new StandInUser(id, email, name, messageSequence);
    synchronized (usersLock) {
      if (users.containsKey(id)) {
        throw new IllegalArgumentException("A user with id " + id + " already exists");
      }
      for (StandInUser u : users.values()) {
        if (u.email().equalsIgnoreCase(email)) {
          throw new IllegalArgumentException("A user with email " + email + " already exists");
        }
      }
      users.put(id, user);
      if (defaultUser == null) {
        defaultUser = user;
      }
    }
    return user;
  }

  /**
   * The first account added: preselected on the consent page, and the one a form without a choice
   * gets.
   */
  StandInUser defaultUser() {
    return defaultUser;
  }

  List<StandInUser> snapshot() {
    synchronized (usersLock) {
      return List.copyOf(users.values());
    }
  }

  StandInUser byId(String id) {
    synchronized (usersLock) {
      return users.get(id);
    }
  }
}
