package dev.digitstream.kafka.embedded;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The properties of embedded KRaft nodes, shared by the single broker and the cluster: the settings
 * every node has, a node's identity, and a SASL_SSL client listener.
 */
final class NodeConfig {

  /** Plaintext client and controller listeners. */
  static final String PLAINTEXT_PROTOCOLS = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";

  private NodeConfig() {}

  /**
   * The settings every embedded node shares: internal topics sized for a cluster of this many
   * replicas (exactly-once needs the transaction log's min ISR to be reachable), no initial
   * rebalance delay, no topic auto-creation, and no forced flushes.
   */
  static Properties shared(int internalReplicationFactor, int internalMinIsr) {
    String replicas = String.valueOf(internalReplicationFactor);
    String minIsr = String.valueOf(internalMinIsr);
    Properties props = new Properties();
    props.put("offsets.topic.replication.factor", replicas);
    props.put("offsets.topic.num.partitions", "5");
    props.put("transaction.state.log.replication.factor", replicas);
    props.put("transaction.state.log.min.isr", minIsr);
    props.put("transaction.state.log.num.partitions", "5");
    props.put("share.coordinator.state.topic.replication.factor", replicas);
    props.put("share.coordinator.state.topic.min.isr", minIsr);
    props.put("group.initial.rebalance.delay.ms", "0");
    props.put("auto.create.topics.enable", "false");
    props.put("num.partitions", "1");
    props.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    return props;
  }

  /**
   * Sets a node's identity in {@code props}: its id and roles, the controller quorum it belongs to
   * (reached through the {@code CONTROLLER} listener) and its data folder.
   */
  static void identify(Properties props, int id, String roles, String voters, Path dataDir) {
    props.put("node.id", String.valueOf(id));
    props.put("process.roles", roles);
    props.put("controller.listener.names", "CONTROLLER");
    props.put("controller.quorum.voters", voters);
    props.put("log.dirs", dataDir.toAbsolutePath().toString());
  }

  /**
   * Makes the {@code SASL_SSL} listener authenticate with SCRAM-SHA-512 and TLS, and authorise
   * every request with Kafka's ACLs ({@code admin} is a super user).
   */
  static void secure(Properties props, EmbeddedKafka.Secured secured) {
    String admin = secured.users().get("admin");
    props.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    props.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    props.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    props.put(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        secured.client("admin", admin).get("sasl.jaas.config"));
    props.put("ssl.keystore.location", secured.keyStore().toAbsolutePath().toString());
    props.put("ssl.keystore.type", "PKCS12");
    props.put("ssl.keystore.password", secured.storePassword());
    props.put("ssl.key.password", secured.storePassword());
    props.put("ssl.truststore.location", secured.trustStore().toAbsolutePath().toString());
    props.put("ssl.truststore.type", "PKCS12");
    props.put("ssl.truststore.password", secured.storePassword());
    props.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    // the controller listener is PLAINTEXT inside this process: its principal is ANONYMOUS
    props.put("super.users", "User:admin;User:ANONYMOUS");
    props.put("allow.everyone.if.no.acl.found", "false");
  }

  /** Storage-tool arguments that create SCRAM credentials for {@code users} when formatting. */
  static List<String> scramUsers(Map<String, String> users) {
    List<String> args = new ArrayList<>();
    users.forEach(
        (user, password) -> {
          args.add("--add-scram");
          args.add("SCRAM-SHA-512=[name=%s,password=%s]".formatted(user, password));
        });
    return args;
  }
}
