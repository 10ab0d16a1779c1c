package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelManifest;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.registry.RegistrySnapshot;
import dev.digitstream.registry.ShadowReport;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code trainer models}: what the model topic holds, and which version serves. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "Lists the model versions on the model topic and which one serves.")
public final class ModelsCommand implements Callable<Integer> {

  private static final String ROW = "%-16s  %-24s  %-10s  %9s  %s";

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  private final Console console;
  private final Map<String, String> env;

  public ModelsCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() {
    registry.validate(spec);
    try (RegistryClient client = registry.open(env)) {
      RegistrySnapshot snapshot = client.read(registry.timeout);
      if (snapshot.manifests().isEmpty()) {
        console.println("no models on topic " + client.topic());
        return 0;
      }
      console.print(table(snapshot));
    }
    return 0;
  }

  /**
   * The table {@code models} prints: one row per version with its lifecycle state (as replicas with
   * the default probation see it), then the shadow figures, the statuses' reasons and the latest
   * decision.
   */
  static String table(RegistrySnapshot snapshot) {
    Optional<Decision> decision = snapshot.decision();
    String serving = decision.map(Decision::version).orElse("");
    Map<String, String> states = snapshot.states(serving, true);
    StringBuilder text = new StringBuilder();
    text.append(row("VERSION", "PUBLISHED AT", "RECIPE", "TEST ACC", "STATE"));
    for (ModelManifest m : snapshot.manifests().values()) {
      text.append(
          row(
              m.version(),
              m.publishedAt().toString(),
              m.recipe(),
              String.format(Locale.ROOT, "%.2f %%", 100 * m.testAccuracy()),
              states.get(m.version())));
    }
    for (ModelManifest m : snapshot.manifests().values()) {
      if (RegistrySnapshot.SHADOW.equals(states.get(m.version()))
          && !snapshot.reports(m.version()).isEmpty()) {
        ShadowReport f = ShadowReport.sum(m.version(), serving, snapshot.reports(m.version()));
        text.append(
            String.format(
                Locale.ROOT,
                "%s in shadow beside %s: %,d records from %d replica(s), %,d labelled: accuracy"
                    + " %s against %s, disagreement %s%n",
                m.version(),
                serving.isEmpty() ? "the MODEL_PATH model" : serving,
                f.scored(),
                snapshot.reports(m.version()).size(),
                f.labelled(),
                percent(f.shadowCorrect(), f.labelled()),
                percent(f.servingCorrect(), f.labelled()),
                percent(f.disagreements(), f.scored())));
      }
      snapshot
          .status(m.version())
          .ifPresent(
              st ->
                  text.append(
                      String.format(
                          "%s %s at %s: %s%n", m.version(), st.state(), st.at(), st.reason())));
    }
    decision.ifPresentOrElse(
        d ->
            text.append(
                String.format(
                    Locale.ROOT,
                    "decision #%d at %s: %s %s (previous %s)%s%n",
                    d.sequence(),
                    d.at(),
                    d.action(),
                    d.version(),
                    d.previous() == null ? "none" : d.previous(),
                    d.reason() == null ? "" : ", reason: " + d.reason())),
        () ->
            text.append(String.format("no decision yet: replicas serve their MODEL_PATH model%n")));
    return text.toString();
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "-" : String.format(Locale.ROOT, "%.2f %%", 100.0 * part / whole);
  }

  private static String row(Object... cells) {
    return String.format(Locale.ROOT, ROW, cells).stripTrailing() + System.lineSeparator();
  }
}
