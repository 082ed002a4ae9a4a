package io.github.gmailoauth.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code /metrics} answer in Prometheus's text format, parsed: every sample with its name, labels
 * and value. Written for the tests from the format's description, so that a test reads values, not
 * substrings.
 */
record Scrape(String text, List<Sample> samples) {

  record Sample(String name, Map<String, String> labels, double value) {}

  static Scrape parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      Map<String, String> labels = new LinkedHashMap<>();
      String name;
      String rest;
      if (brace >= 0 && brace < space) {
        name = line.substring(0, brace);
        int end = readLabels(line, brace + 1, labels);
        rest = line.substring(end + 1).strip();
      } else {
        name = line.substring(0, space);
        rest = line.substring(space + 1).strip();
      }
      String value = rest.split(" ")[0];
      samples.add(new Sample(name, labels, parseValue(value)));
    }
    return new Scrape(text, samples);
  }

  /** Reads {@code k="v",...} from {@code from}; answers the index of the closing brace. */
  private static int readLabels(String line, int from, Map<String, String> labels) {
    int i = from;
    while (line.charAt(i) != '}') {
      if (line.charAt(i) == ',') {
        i++;
        continue;
      }
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq);
      StringBuilder value = new StringBuilder();
      i = eq + 2; // past ="
      while (line.charAt(i) != '"') {
        char c = line.charAt(i);
        if (c == '\\') {
          char next = line.charAt(++i);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        i++;
      }
      labels.put(key, value.toString());
      i++; // past the closing quote
    }
    return i;
  }

  private static double parseValue(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(value);
    };
  }

  /** The sum of the samples named {@code name} whose labels include all of {@code labels}. */
  double sum(String name, Map<String, String> labels) {
    return samples.stream()
        .filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value)
        .sum();
  }

  double sum(String name) {
    return sum(name, Map.of());
  }

  /** Whether a sample of this name (a series of a metric family) is in the answer. */
  boolean has(String name) {
    return samples.stream().anyMatch(s -> s.name().equals(name));
  }
}
