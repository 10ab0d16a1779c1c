package dev.digitstream.systemtests.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.digitstream.common.TestData;
import dev.digitstream.kafka.embedded.EmbeddedKafka;
import dev.digitstream.producer.ProducerCli;
import dev.digitstream.producer.report.RunReport;
import dev.digitstream.streamapp.config.StreamAppConfig;
import dev.digitstream.testsupport.StreamAppEnv;
import dev.digitstream.testsupport.StreamAppProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A real broker with TLS, SCRAM-SHA-512 and ACLs (no ACL, no access). The stream-app and the
 * producer are configured only through their documented pass-through (KAFKA_CFG_* variables,
 * --client-config). The right credentials with exactly the ACLs the README lists work; wrong ones
 * are refused with a clear error, once, and no secret reaches a log.
 */
@Timeout(300)
class SecurityIT {

  private static final String APP_ID = "secure-app";
  private static final String APP_PASSWORD = "app-" + UUID.randomUUID();
  private static final String LOAD_PASSWORD = "load-" + UUID.randomUUID();
  private static final String STORE_PASSWORD = "store-" + UUID.randomUUID();

  private static Path dir;
  private static EmbeddedKafka.Secured secured;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    dir = Files.createDirectories(Path.of("target", "security-" + UUID.randomUUID()));
    Path keyStore = dir.resolve("broker.p12");
    Path certificate = dir.resolve("broker.crt");
    Path trustStore = dir.resolve("trust.p12");
    keytool(
        "-genkeypair",
        "-alias",
        "broker",
        "-keyalg",
        "RSA",
        "-keysize",
        "2048",
        "-validity",
        "2",
        "-dname",
        "CN=127.0.0.1",
        "-ext",
        "SAN=IP:127.0.0.1,DNS:localhost",
        "-keystore",
        keyStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD,
        "-keypass",
        STORE_PASSWORD);
    keytool(
        "-exportcert",
        "-alias",
        "broker",
        "-keystore",
        keyStore.toString(),
        "-storepass",
        STORE_PASSWORD,
        "-file",
        certificate.toString());
    keytool(
        "-importcert",
        "-noprompt",
        "-alias",
        "broker",
        "-file",
        certificate.toString(),
        "-keystore",
        trustStore.toString(),
        "-storetype",
        "PKCS12",
        "-storepass",
        STORE_PASSWORD);
    secured =
        new EmbeddedKafka.Secured(
            keyStore,
            trustStore,
            STORE_PASSWORD,
            Map.of(
                "admin",
                "admin-" + UUID.randomUUID(),
                "digitstream",
                APP_PASSWORD,
                "loadtest",
                LOAD_PASSWORD));
    kafka = EmbeddedKafka.startSecured(secured);
    for (String topic : List.of("images", "predictions", "review")) {
      kafka.createTopic(topic, 3);
    }
    kafka.createTopic("images-dlq", 1);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.createAcls(documentedAcls()).all().get(30, TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Exactly the permissions the README documents, for the stream-app and for the producer. */
  static List<AclBinding> documentedAcls() {
    List<AclBinding> acls = new ArrayList<>();
    String app = "User:digitstream";
    allow(
        acls,
        app,
        ResourceType.TOPIC,
        "images",
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    allow(
        acls,
        app,
        ResourceType.TOPIC,
        "predictions",
        PatternType.LITERAL,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    allow(
        acls,
        app,
        ResourceType.TOPIC,
        "review",
        PatternType.LITERAL,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    allow(
        acls,
        app,
        ResourceType.TOPIC,
        "images-dlq",
        PatternType.LITERAL,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    allow(acls, app, ResourceType.TOPIC, APP_ID + "-", PatternType.PREFIXED, AclOperation.ALL);
    allow(
        acls,
        app,
        ResourceType.GROUP,
        APP_ID,
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    allow(
        acls,
        app,
        ResourceType.TRANSACTIONAL_ID,
        APP_ID + "-",
        PatternType.PREFIXED,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    String load = "User:loadtest";
    allow(
        acls,
        load,
        ResourceType.TOPIC,
        "images",
        PatternType.LITERAL,
        AclOperation.WRITE,
        AclOperation.DESCRIBE);
    allow(
        acls,
        load,
        ResourceType.TOPIC,
        "predictions",
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    allow(
        acls,
        load,
        ResourceType.TOPIC,
        "review",
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    allow(
        acls,
        load,
        ResourceType.TOPIC,
        "images-dlq",
        PatternType.LITERAL,
        AclOperation.READ,
        AclOperation.DESCRIBE);
    return acls;
  }

  private static void allow(
      List<AclBinding> acls,
      String principal,
      ResourceType type,
      String name,
      PatternType pattern,
      AclOperation... operations) {
    for (AclOperation operation : operations) {
      acls.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
    }
  }

  private static void keytool(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
  }

  /** The stream-app's environment: security only through KAFKA_CFG_* pass-through. */
  private static Map<String, String> appEnv(String password) {
    return StreamAppEnv.of(kafka.bootstrapServers(), APP_ID)
        .review("review")
        .set(StreamAppConfig.STREAM_THREADS, 1)
        .stateDir(dir.resolve("state-" + UUID.randomUUID()))
        .kafka(secured.client("digitstream", password))
        .toMap();
  }

  /** The producer's --client-config file. */
  private static Path clientConfig(String password) throws IOException {
    Properties props = new Properties();
    secured.client("loadtest", password).forEach((k, v) -> props.put(k, v.toString()));
    Path file = dir.resolve("client-" + UUID.randomUUID() + ".properties");
    try (var out = Files.newBufferedWriter(file)) {
      props.store(out, null);
    }
    return file;
  }

  private static int produce(String password, PrintStream err, String... options)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--client-config",
                clientConfig(password).toString(),
                "--data-dir",
                TestData.mnistDir().toString(),
                "--timeout",
                "20s"));
    args.addAll(List.of(options));
    PrintStream old = System.err;
    System.setErr(err);
    try {
      return ProducerCli.run(args.toArray(String[]::new), Map.of(), () -> false);
    } finally {
      System.setErr(old);
    }
  }

  @Test
  void theRightCredentialsWithTheDocumentedAclsRunThePipeline() throws Exception {
    try (StreamAppProcess app =
        StreamAppProcess.start(appEnv(APP_PASSWORD), "secure-app").awaitReady()) {
      Path report = dir.resolve("report.json");
      int code =
          produce(
              LOAD_PASSWORD,
              System.err,
              "--count",
              "2000",
              "--rate",
              "0",
              "--malformed-fraction",
              "0.01",
              "--verify",
              "--report",
              report.toString());
      var v = RunReport.fromJson(Files.readString(report)).verification();
      assertThat(code).isZero();
      assertThat(v.predictions() + v.reviewed()).isEqualTo(1_980);
      assertThat(v.deadLettered()).isEqualTo(20);
      assertThat(v.complete()).isTrue();
      assertThat(app.stop()).isZero();
      assertThat(Files.readString(app.log()))
          .doesNotContain(APP_PASSWORD)
          .doesNotContain(STORE_PASSWORD);
    }
  }

  @Test
  void aWrongStreamAppPasswordEndsItOnceWithAClearErrorAndNoSecretInTheLog() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    StreamAppProcess app = StreamAppProcess.start(appEnv(wrong), "secure-app-wrong-password");
    long start = System.nanoTime();
    int exit = app.awaitExit(java.time.Duration.ofSeconds(90));
    app.close();
    String log = Files.readString(app.log());
    FaultFixture.record(
        "security",
        "stream-app with a wrong password: exit %d after %.0f s; log: %s",
        exit,
        (System.nanoTime() - start) / 1e9,
        log.lines().filter(l -> l.contains("ERROR")).findFirst().orElse("(no error line)"));
    assertThat(exit).as("exits by itself with 1, no retry loop; log %s", app.log()).isEqualTo(1);
    assertThat(log)
        .contains("Authentication failed")
        .doesNotContain(wrong)
        .doesNotContain(APP_PASSWORD);
  }

  @Test
  void aWrongProducerPasswordIsOneLineAndExitOne() throws Exception {
    String wrong = "wrong-" + UUID.randomUUID();
    var err = new ByteArrayOutputStream();
    int code = produce(wrong, new PrintStream(err, true, StandardCharsets.UTF_8), "--count", "10");
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(1);
    assertThat(text.strip().lines().filter(l -> l.startsWith("producer: ")))
        .singleElement()
        .asString()
        .contains("Authentication failed");
    assertThat(text).doesNotContain(wrong);
  }
}
