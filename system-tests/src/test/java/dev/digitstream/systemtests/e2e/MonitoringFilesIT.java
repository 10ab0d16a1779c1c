package dev.digitstream.systemtests.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the Docker stack without a Docker engine: the compose file (with Debian's
 * docker-compose), the build contexts and Dockerfiles it names, the Prometheus configuration and
 * alert rules (promtool, including the rules' unit tests), and the dashboards' structure. That
 * every metric they use exists is checked against a real scrape in {@link EndToEndIT}.
 */
class MonitoringFilesIT {

  private static final Path ROOT = MonitoringFiles.root();

  private static String run(String... command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", List.of(command), output).isZero();
    return output;
  }

  @Test
  void composeFileIsValidAndEveryBuildItNamesExists() throws Exception {
    run("docker-compose", "-f", "docker-compose.yml", "config", "-q");

    JsonNode services =
        MonitoringFiles.YAML.readTree(ROOT.resolve("docker-compose.yml").toFile()).get("services");
    int builds = 0;
    for (Map.Entry<String, JsonNode> service : services.properties()) {
      JsonNode build = service.getValue().get("build");
      if (build != null) {
        builds++;
        Path context = ROOT.resolve(build.get("context").asText());
        assertThat(context).as(service.getKey()).isDirectory();
        Path dockerfile = context.resolve(build.get("dockerfile").asText());
        assertThat(dockerfile).as(service.getKey()).isRegularFile();
        // what an image copies from the sources (not from a build's target/) is in the repository
        Matcher copy =
            Pattern.compile("COPY --from=build /src/(\\S+)").matcher(Files.readString(dockerfile));
        while (copy.find()) {
          if (!copy.group(1).contains("/target/")) {
            assertThat(context.resolve(copy.group(1))).as(dockerfile + " copies").exists();
          }
        }
      }
    }
    assertThat(builds).as("trainer, stream-app, producer").isEqualTo(3);
    for (String mounted :
        List.of(
            "prometheus/prometheus.yml",
            "prometheus/alerts.yml",
            "grafana/provisioning",
            "grafana/dashboards")) {
      assertThat(ROOT.resolve(mounted)).exists();
    }
  }

  @Test
  void prometheusConfigurationAndAlertRulesPassPromtool() throws Exception {
    run("promtool", "check", "config", "prometheus/prometheus.yml");
    run("promtool", "check", "rules", "prometheus/alerts.yml");
    String tests = run("promtool", "test", "rules", "prometheus/alerts-test.yml");
    assertThat(tests).contains("SUCCESS");
  }

  @Test
  void dashboardsAreGrafanaDashboardModelsOnTheProvisionedDataSource() throws Exception {
    JsonNode datasources =
        MonitoringFiles.YAML.readTree(
            ROOT.resolve("grafana/provisioning/datasources/prometheus.yml").toFile());
    String uid = datasources.get("datasources").get(0).get("uid").asText();
    List<Path> dashboards = MonitoringFiles.dashboards();
    assertThat(dashboards).isNotEmpty();
    for (Path file : dashboards) {
      JsonNode dashboard = MonitoringFiles.JSON.readTree(file.toFile());
      assertThat(dashboard.path("uid").asText()).as(file + " uid").isNotBlank();
      assertThat(dashboard.path("title").asText()).as(file + " title").isNotBlank();
      assertThat(dashboard.path("schemaVersion").asInt())
          .as(file + " schemaVersion")
          .isGreaterThanOrEqualTo(36);
      Set<Integer> ids = new HashSet<>();
      for (JsonNode panel : dashboard.get("panels")) {
        String name = file.getFileName() + ": " + panel.path("title").asText();
        assertThat(ids.add(panel.get("id").asInt())).as(name + " has a unique id").isTrue();
        assertThat(panel.path("type").asText()).as(name).isNotBlank();
        JsonNode grid = panel.get("gridPos");
        assertThat(grid.get("x").asInt() + grid.get("w").asInt())
            .as(name + " fits 24 columns")
            .isLessThanOrEqualTo(24);
        if (panel.get("type").asText().equals("row")) {
          continue;
        }
        assertThat(panel.path("datasource").path("uid").asText()).as(name).isEqualTo(uid);
        assertThat(panel.get("targets")).as(name + " targets").isNotEmpty();
        for (JsonNode target : panel.get("targets")) {
          assertThat(target.path("expr").asText()).as(name + " expr").isNotBlank();
          assertThat(target.path("datasource").path("uid").asText()).as(name).isEqualTo(uid);
        }
      }
    }
  }

  @Test
  void metricNamesAreFoundInPromQl() {
    assertThat(
            MonitoringFiles.metricNames(
                "histogram_quantile(0.99, sum by (le, step) (rate(digitstream_batch_duration_seconds_bucket[$__rate_interval])))"
                    + " / on (instance) max(up{job=\"stream-app\", x=~\"a(b)\"}) and bool foo_total offset 5m"))
        .containsExactlyInAnyOrder("digitstream_batch_duration_seconds_bucket", "up", "foo_total");
  }
}
