package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.cli.UserFacingException;
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
import picocli.CommandLine.Spec;

/** {@code trainer rollback}: the version that served before serves again. */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description = {
      "Decides that an earlier model version serves again: by default the one the latest decision",
      "replaced (so two rollbacks in a row return to where they started)."
    })
public final class RollbackCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  @Option(
      names = "--to",
      paramLabel = "VERSION",
      description = "The version to serve. Default: the latest decision's previous version.")
  String to;

  @Option(names = "--reason", description = "Why, recorded with the decision.")
  String reason;

  private final Console console;
  private final Map<String, String> env;

  public RollbackCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() {
    registry.validate(spec);
    try (RegistryClient client = registry.open(env)) {
      String target = to != null ? to : previous(client);
      // what the replicas will load, checked first: a version they would refuse is never decided
      client.fetch(target, registry.timeout);
      Decision decision = client.decide(target, Decision.ROLLBACK, reason, registry.timeout);
      console.println(Decisions.describe("rolled back to", decision, client.topic()));
      try (ModelEvents events = registry.events(env)) {
        Decisions.emit(events, ModelEvent.ROLLED_BACK, decision);
      }
    }
    return 0;
  }

  private String previous(RegistryClient client) {
    Decision latest =
        client
            .read(registry.timeout)
            .decision()
            .orElseThrow(
                () ->
                    new UserFacingException(
                        "nothing to roll back: no model has been promoted on topic "
                            + client.topic()));
    if (latest.previous() == null) {
      throw new UserFacingException(
          "nothing to roll back to: decision #%d (%s %s) names no previous version; give --to VERSION"
              .formatted(latest.sequence(), latest.action(), latest.version()));
    }
    return latest.previous();
  }
}
