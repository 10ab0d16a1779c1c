package dev.digitstream.systemtests.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.digitstream.common.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The monitoring files users deploy (prometheus/, grafana/, docker-compose.yml), read as the tests
 * need them: their PromQL expressions, the metric names those use, and the Prometheus configuration
 * pointed at a local stream-app instead of the compose network.
 */
public final class MonitoringFiles {

  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "bool",
          "offset",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan");

  private MonitoringFiles() {}

  static Path root() {
    return TestData.projectRoot();
  }

  static List<Path> dashboards() throws IOException {
    try (Stream<Path> files = Files.list(root().resolve("grafana/dashboards"))) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Every query of every dashboard panel and annotation. */
  public static List<String> dashboardExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (Path dashboard : dashboards()) {
      JsonNode root = JSON.readTree(dashboard.toFile());
      for (JsonNode panel : root.get("panels")) {
        for (JsonNode target : panel.path("targets")) {
          exprs.add(target.get("expr").asText());
        }
      }
      for (JsonNode annotation : root.path("annotations").path("list")) {
        if (annotation.has("expr")) {
          exprs.add(annotation.get("expr").asText());
        }
      }
    }
    return exprs;
  }

  /**
   * Whether a metric exists only while the model lifecycle has something to show: the state of
   * published versions, the figures of a version in shadow. ModelLifecycleIT finds these in a real
   * scrape; every other metric is in any running stream-app's scrape.
   */
  public static boolean lifecycleOnly(String metric) {
    return metric.equals("digitstream_model_state")
        || metric.matches("digitstream_model_shadow_(records|labelled|accuracy|disagreement)");
  }

  /** Every alert rule's expression. */
  static List<String> alertExpressions() throws IOException {
    List<String> exprs = new ArrayList<>();
    for (JsonNode group :
        YAML.readTree(root().resolve("prometheus/alerts.yml").toFile()).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        exprs.add(rule.get("expr").asText());
      }
    }
    return exprs;
  }

  /** The metric names a PromQL expression reads (not functions, keywords or label names). */
  public static Set<String> metricNames(String promql) {
    String s =
        promql
            .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
            .replaceAll("(?<![a-zA-Z0-9_:])\\d[\\w.]*", " "); // numbers and durations
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(s);
    while (m.find()) {
      String token = m.group();
      boolean function = s.substring(m.end()).stripLeading().startsWith("(");
      boolean variable = m.start() > 0 && s.charAt(m.start() - 1) == '$';
      if (!function && !variable && !KEYWORDS.contains(token.toLowerCase())) {
        names.add(token);
      }
    }
    return names;
  }

  /**
   * The compose file's Prometheus configuration with the stream-app job scraping {@code target}
   * every second, its rule files resolved from the repository: written to {@code dir}.
   */
  static Path prometheusConfigFor(String target, Path dir) throws IOException {
    Path source = root().resolve("prometheus/prometheus.yml");
    ObjectNode config = (ObjectNode) YAML.readTree(source.toFile());
    ObjectNode global = (ObjectNode) config.get("global");
    global.put("scrape_interval", "1s");
    global.put("evaluation_interval", "1s");
    ArrayNode rules = config.putArray("rule_files");
    for (JsonNode rule : YAML.readTree(source.toFile()).get("rule_files")) {
      rules.add(source.getParent().resolve(rule.asText()).toAbsolutePath().toString());
    }
    for (JsonNode job : config.get("scrape_configs")) {
      if (job.get("job_name").asText().equals("stream-app")) {
        ((ObjectNode) job).remove("dns_sd_configs");
        ((ObjectNode) job).putArray("static_configs").addObject().putArray("targets").add(target);
      }
    }
    Path file = dir.resolve("prometheus.yml");
    YAML.writeValue(file.toFile(), config);
    return file;
  }
}
