package dev.digitstream.streamapp;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.digitstream.contract.PredictionCodec;
import dev.digitstream.model.LoadedModel;
import dev.digitstream.model.Nd4jRuntime;
import dev.digitstream.registry.ModelEvents;
import dev.digitstream.streamapp.batching.Batchers;
import dev.digitstream.streamapp.batching.ModelGeneration;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.streamapp.http.MetricsServer;
import dev.digitstream.streamapp.lifecycle.InitialModel;
import dev.digitstream.streamapp.lifecycle.ModelFollower;
import dev.digitstream.streamapp.metrics.AppMetrics;
import dev.digitstream.streamapp.metrics.BatchMetrics;
import dev.digitstream.streamapp.metrics.FlowMetrics;
import dev.digitstream.streamapp.topology.RecordSizeLimit;
import dev.digitstream.streamapp.topology.TopologyFactory;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running application: model copies warmed up, metrics bound, HTTP endpoint serving, Kafka
 * Streams started. {@link #stop} drains pending batches before stopping.
 */
public final class StreamApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StreamApp.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final StreamAppConfig config;
  private final KafkaStreams streams;
  private final Batchers batchers;
  private final MetricsServer http;
  private final PrometheusMeterRegistry registry;
  private final KafkaStreamsMetrics streamsMetrics;
  private final InitialModel initial;
  private final ModelFollower follower;

  private StreamApp(
      StreamAppConfig config,
      KafkaStreams streams,
      Batchers batchers,
      MetricsServer http,
      PrometheusMeterRegistry registry,
      KafkaStreamsMetrics streamsMetrics,
      InitialModel initial,
      ModelFollower follower) {
    this.config = config;
    this.streams = streams;
    this.batchers = batchers;
    this.http = http;
    this.registry = registry;
    this.streamsMetrics = streamsMetrics;
    this.initial = initial;
    this.follower = follower;
  }

  /** Whether the JIT stops at C1, as the stream-app is meant to run (docs/stream-app.md). */
  private static boolean c1Only() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    try {
      return vm != null && "1".equals(vm.getVMOption("TieredStopAtLevel").getValue());
    } catch (IllegalArgumentException e) { // not HotSpot
      return true;
    }
  }

  /**
   * Loads and warms the model, checks the topics, and starts consuming.
   *
   * @throws StartupException with a one-line reason when the model or the topics are not usable
   */
  public static StreamApp start(StreamAppConfig requested) throws StartupException {
    LOG.info("starting with {}", requested);
    Nd4jRuntime.configure(requested.nd4jThreads());
    InitialModel initial = InitialModel.choose(requested);
    LoadedModel model = initial.model();
    LOG.info(
        "model {} ({}, test accuracy {}) from {}, oneDNN {}",
        model.metadata().versionId(),
        model.metadata().recipe(),
        model.metadata().testAccuracy(),
        initial.source(),
        Nd4jRuntime.oneDnnAvailable());
    if (!c1Only()) {
      LOG.info(
          "JIT: the JVM's full tiered compilation; -XX:TieredStopAtLevel=1 (C1 only) gave a faster"
              + " first minute and less CPU per image in our measurements (docs/stream-app.md,"
              + " \"Running it\")");
    }
    ModelGeneration served =
        ModelGeneration.warmedUp(model, requested.streamThreads(), requested.batchMaxSize());
    // the JSON mapper's one-time setup, otherwise paid by the first batch's predictions
    PredictionCodec.warmUp();
    Topics.Cluster cluster;
    try {
      cluster = Topics.ensure(requested);
      initial.createTopicIfAsked(requested, cluster.brokers());
    } catch (StartupException e) {
      initial.close();
      throw e;
    }
    StreamAppConfig config = forCluster(requested, cluster.brokers());
    RecordSizeLimit limit = sizeLimit(config, cluster);

    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    AppMetrics metrics =
        AppMetrics.bind(
            registry,
            config.batchMaxSize(),
            config.rollingAccuracyWindow(),
            model.metadata(),
            initial.decision());
    Batchers batchers =
        Batchers.withSystemClocks(
            served,
            initial.decision(),
            config.batchTiming(),
            metrics.batches(),
            config.review(),
            metrics.review().drift());
    LOG.info("triage: {}", config.review().describe(model.metadata()));

    BatchMetrics.bindPending(registry, batchers::pending);
    FlowMetrics.bindStored(registry, batchers.stored()::get);

    KafkaStreams streams =
        new KafkaStreams(
            TopologyFactory.build(config, batchers, metrics, limit), config.streamsProperties());
    streams.setUncaughtExceptionHandler(
        e -> {
          LOG.error("stream thread failed; shutting the application down", e);
          return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.setStateListener((now, before) -> LOG.info("Kafka Streams {} -> {}", before, now));
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);

    MetricsServer http;
    try {
      http =
          MetricsServer.start(
              config.metricsBindAddress(),
              config.metricsPort(),
              registry,
              () -> streams.state() == KafkaStreams.State.RUNNING);
    } catch (IOException e) {
      streams.close();
      throw new StartupException(
          "cannot serve metrics on %s:%d: %s"
              .formatted(config.metricsBindAddress(), config.metricsPort(), e.getMessage()),
          e);
    }
    streams.start();
    ModelFollower follower =
        initial.registry() == null
            ? null
            : new ModelFollower(
                    initial.registry(),
                    new ModelEvents(
                        config.clientProperties(), config.modelEventsTopic(), replicaId()),
                    config.clientProperties(),
                    config.modelTopic(),
                    config.applicationId() + "-model-decider",
                    config.gate(),
                    initial.decided(),
                    batchers,
                    metrics.model(),
                    config.streamThreads(),
                    config.batchMaxSize())
                .start();
    LOG.info(
        "consuming {} -> {} (review: {}, dead letters: {}); metrics on http://{}:{}/metrics",
        config.inputTopic(),
        config.outputTopic(),
        config.review().enabled() ? config.review().topic() : "off",
        config.dlqTopic(),
        config.metricsBindAddress(),
        http.port());
    return new StreamApp(
        config, streams, batchers, http, registry, streamsMetrics, initial, follower);
  }

  /**
   * This replica's name in shadow reports and events: host and process id, so that two replicas on
   * one host differ, and a restarted one reports afresh.
   */
  private static String replicaId() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return host.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + ProcessHandle.current().pid();
  }

  /** The configuration with the changelog's replicas capped to the cluster's size. */
  private static StreamAppConfig forCluster(StreamAppConfig config, int brokers) {
    StreamAppConfig capped = config.forCluster(brokers);
    if (capped.changelogReplicationFactor() < config.changelogReplicationFactor()) {
      LOG.warn(
          "only {} broker(s): the {} changelog gets {} replica(s) instead of {}, and loses records"
              + " awaiting prediction if that broker's disk is lost",
          brokers,
          TopologyFactory.PENDING_STORE,
          capped.changelogReplicationFactor(),
          config.changelogReplicationFactor());
    }
    return capped;
  }

  /**
   * The largest record the app may write: the producer's limit and the topics', less 1/64 when the
   * producer compresses (a compressed batch of incompressible bytes is a little larger).
   */
  private static RecordSizeLimit sizeLimit(StreamAppConfig config, Topics.Cluster cluster) {
    int max = Math.min(config.producerMaxRequestSize(), cluster.maxMessageBytes());
    return new RecordSizeLimit(config.producerCompresses() ? max - max / 64 : max);
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** Whether Kafka Streams stopped on its own (a failed thread, a fatal error). */
  public boolean failed() {
    KafkaStreams.State state = streams.state();
    return state == KafkaStreams.State.ERROR
        || state == KafkaStreams.State.PENDING_ERROR
        || state == KafkaStreams.State.NOT_RUNNING;
  }

  public int metricsPort() {
    return http.port();
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** The model served now. */
  public String modelVersion() {
    return batchers.generation().version();
  }

  /**
   * Stops gracefully: runs what waits in batches and emits every computed prediction (bounded
   * wait), then closes Kafka Streams, which commits and leaves the group so that the partitions
   * move at once.
   *
   * @return whether everything was emitted and Kafka Streams closed within its timeout
   */
  public boolean stop() {
    batchers.drain();
    long deadline =
        System.nanoTime() + Duration.ofMillis(config.batchMaxDelayMs() + 10_000).toNanos();
    // The stream threads read on while this waits: judge the drain by the count that ended the
    // wait, not by a second look, which may see a record admitted since (it stays in the
    // changelog, like whatever is read before the close, and is predicted by the task's next owner)
    long left = unsettled();
    while (left > 0
        && streams.state() == KafkaStreams.State.RUNNING
        && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      left = unsettled();
    }
    if (left == 0) {
      LOG.info("closing; every computed prediction emitted");
    } else {
      LOG.warn(
          "closing with {} image(s) not yet predicted or emitted; kept in the changelog, they are"
              + " predicted after the next start",
          left);
    }
    boolean closed = streams.close(CLOSE_TIMEOUT);
    if (!closed) {
      LOG.error("Kafka Streams did not close within {}", CLOSE_TIMEOUT);
    }
    if (follower != null) {
      follower.close();
    }
    initial.close();
    streamsMetrics.close();
    http.close();
    registry.close();
    return closed && left == 0;
  }

  private long unsettled() {
    return batchers.pending() + batchers.unsettled().get();
  }

  @Override
  public void close() {
    stop();
  }
}
