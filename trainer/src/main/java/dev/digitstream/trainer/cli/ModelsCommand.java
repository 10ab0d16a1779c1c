package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelManifest;
import dev.digitstream.registry.RegistryClient;
import dev.digitstream.registry.RegistrySnapshot;
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

  /** The table {@code models} prints: one row per version, then the latest decision. */
  static String table(RegistrySnapshot snapshot) {
    Optional<Decision> decision = snapshot.decision();
    String serving = decision.map(Decision::version).orElse(null);
    String previous = decision.map(Decision::previous).orElse(null);
    StringBuilder text = new StringBuilder();
    text.append(row("VERSION", "PUBLISHED AT", "RECIPE", "TEST ACC", "STATUS"));
    for (ModelManifest m : snapshot.manifests().values()) {
      String status =
          m.version().equals(serving) ? "serving" : m.version().equals(previous) ? "previous" : "";
      text.append(
          row(
              m.version(),
              m.publishedAt().toString(),
              m.recipe(),
              String.format(Locale.ROOT, "%.2f %%", 100 * m.testAccuracy()),
              status));
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
        () -> text.append(String.format("no decision yet: no version serves%n")));
    return text.toString();
  }

  private static String row(Object... cells) {
    return String.format(Locale.ROOT, ROW, cells).stripTrailing() + System.lineSeparator();
  }
}
