package dev.digitstream.trainer.cli;

import dev.digitstream.common.cli.Console;
import dev.digitstream.common.cli.UserFacingException;
import dev.digitstream.common.kafka.TopicCheck;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.registry.ModelEvent;
import dev.digitstream.registry.ModelEvents;
import dev.digitstream.registry.ModelManifest;
import dev.digitstream.registry.RegistryClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trainer publish}: a model file onto the model topic, for replicas on any host. */
@Command(
    name = "publish",
    mixinStandardHelpOptions = true,
    description = {
      "Publishes a model to the model topic (its chunks, then its manifest), after checking that it",
      "loads. Publishing a version the topic already holds with the same bytes writes nothing."
    })
public final class PublishCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin RegistryOptions registry;

  @Option(
      names = "--model",
      required = true,
      description = "A model.zip, a run folder, or a folder of runs (the newest is taken).")
  Path model;

  @Option(
      names = "--create-topic",
      description = "Create the model topic (and the events topic) if it does not exist.")
  boolean createTopic;

  @Option(
      names = "--replication-factor",
      defaultValue = "0",
      description = "Replicas of the topic --create-topic makes. Default: the broker's default.")
  int replicationFactor;

  private final Console console;
  private final Map<String, String> env;

  public PublishCommand(Console console, Map<String, String> env) {
    this.console = console;
    this.env = env;
  }

  @Override
  public Integer call() {
    registry.validate(spec);
    try (RegistryClient client = registry.open(env)) {
      if (!client.topicExists(registry.timeout)) {
        if (!createTopic) {
          throw new UserFacingException(
              TopicCheck.missingMessage(
                      List.of(client.topic()),
                      registry
                          .kafkaProperties(env)
                          .get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG))
                  + " (--create-topic creates it)");
        }
        client.createTopic(replicationFactor);
        console.status("created topic " + client.topic());
      }
      if (createTopic && !registry.eventsTopic(env).isEmpty()) {
        client.createEventsTopic(registry.eventsTopic(env), replicationFactor);
      }
      Nd4jRuntime.configure(1);
      RegistryClient.Published published = client.publish(model, registry.timeout);
      ModelManifest manifest = published.manifest();
      if (published.written()) {
        try (ModelEvents events = registry.events(env)) {
          events.emit(
              ModelEvent.PUBLISHED,
              manifest.version(),
              "SHA-256 %s, test accuracy %.4f"
                  .formatted(manifest.sha256(), manifest.testAccuracy()));
        }
        console.printf(
            "published model %s to topic %s: %,d bytes in %d chunks, SHA-256 %s%n",
            manifest.version(),
            client.topic(),
            manifest.size(),
            manifest.chunks(),
            manifest.sha256());
      } else {
        console.printf(
            "model %s is already on topic %s (published %s, same SHA-256): nothing written%n",
            manifest.version(), client.topic(), manifest.publishedAt());
      }
    }
    return 0;
  }
}
