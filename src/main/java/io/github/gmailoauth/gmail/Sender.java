package io.github.gmailoauth.gmail;

/** A From header split into display name and address: {@code "Ada" <ada@example.org>}. */
record Sender(String name, String address) {
  static Sender parse(String from) {
    String value = from == null ? "" : from.strip();
    int open = value.lastIndexOf('<');
    if (open >= 0 && value.endsWith(">")) {
      String address = value.substring(open + 1, value.length() - 1).strip();
      String name = value.substring(0, open).strip();
      if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
        name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      return new Sender(name.isEmpty() ? address : name, address);
    }
    return new Sender(value, value);
  }
}
