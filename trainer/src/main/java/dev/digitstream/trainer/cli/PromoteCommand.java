package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.registry.Decision;
import dev.digitstream.registry.ModelEvent;
import dev.digitstream.registry.ModelEvents;
import dev.digitstream.registry.RegistryClient;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trainer promote}: decides that a published version serves from now on. */
@Command(
    name = "promote",
    mixinStandardHelpOptions = true,
    description = "Decides that a published model version serves from now on.")
public final class PromoteCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  @Parameters(paramLabel = "VERSION", description = "The model version (see 'trainer models').")
  String version;

  @Option(names = "--reason", description = "Why, recorded with the decision.")
  String reason;

  private final Console console;
  private final Map<String, String> env;

  public PromoteCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() {
    registry.validate(spec);
    try (RegistryClient client = registry.open(env)) {
      // what the replicas will load, checked first: a version they would refuse is never decided
      client.fetch(version, registry.timeout);
      Decision decision = client.decide(version, Decision.PROMOTE, reason, registry.timeout);
      console.println(Decisions.describe("promoted", decision, client.topic()));
      try (ModelEvents events = registry.events(env)) {
        Decisions.emit(events, ModelEvent.PROMOTED, decision);
      }
    }
    return 0;
  }
}
