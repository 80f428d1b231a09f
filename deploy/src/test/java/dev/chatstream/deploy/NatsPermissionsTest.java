package dev.chatstream.deploy;

import dev.chatstream.streams.StreamDefinitions;
import dev.chatstream.subjects.ServiceSubjects;
import dev.chatstream.subjects.Subjects;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each role's application subjects in {@code deploy/nats/accounts.conf} are exactly the ones the code
 * uses, built from common-schemas' {@link Subjects}; its JetStream API subjects name only our streams
 * and consumer. {@link NatsClusterConfigTest} shows the same file working on a real cluster.
 */
class NatsPermissionsTest {
    private static final Map<String, Object> CONF = NatsConf.parse(DeployFiles.natsConf());
    private static final String SAMPLE = "tok3n";

    @Test
    @DisplayName("a pod may publish exactly requests, cancels and heartbeats")
    void podPublishes() {
        assertThat(chatSubjects("pod", "publish")).containsExactlyInAnyOrder(
                Subjects.WORKFLOW_EXECUTE_ALL, Subjects.WORKFLOW_CANCEL_ALL, Subjects.POD_HEARTBEAT_ALL);
    }

    @Test
    @DisplayName("a pod may subscribe exactly to pod responses, pod health and session broadcasts")
    void podSubscribes() {
        assertThat(chatSubjects("pod", "subscribe")).containsExactlyInAnyOrder(
                Subjects.POD_RESPONSE_ALL, wildcard(Subjects.podHealth(SAMPLE)), Subjects.SESSION_BROADCAST_ALL);
    }

    @Test
    @DisplayName("a worker may publish exactly pod responses, session broadcasts, history, dead letters, turns and cancels")
    void workerPublishes() {
        // Cancels: BUSY_POLICY=interrupt, a request cancels its session's earlier ones.
        assertThat(chatSubjects("worker", "publish")).containsExactlyInAnyOrder(
                Subjects.POD_RESPONSE_ALL, Subjects.SESSION_BROADCAST_ALL, Subjects.HISTORY_ALL, Subjects.DLQ_ALL,
                Subjects.CONVERSATION_ALL, Subjects.WORKFLOW_CANCEL_ALL);
    }

    @Test
    @DisplayName("a worker may subscribe exactly to cancels, heartbeats and its status endpoint")
    void workerSubscribes() {
        assertThat(chatSubjects("worker", "subscribe")).containsExactlyInAnyOrder(
                Subjects.WORKFLOW_CANCEL_ALL, Subjects.POD_HEARTBEAT_ALL, ServiceSubjects.WORKFLOW_STATUS);
    }

    @Test
    @DisplayName("every subject the builders make is allowed to the role that uses it and refused to the other")
    void buildersAreCoveredByTheirRole() {
        List<String> podPublishes = List.of(Subjects.workflowExecute(SAMPLE), Subjects.podHeartbeat(SAMPLE));
        List<String> workerPublishes = List.of(Subjects.podResponse(SAMPLE), Subjects.sessionBroadcast(SAMPLE),
                Subjects.history(SAMPLE), Subjects.dlq(SAMPLE), Subjects.dlq(Subjects.DLQ_UNKNOWN_SESSION),
                Subjects.conversation(SAMPLE));
        for (String subject : podPublishes) {
            assertThat(allows("pod", "publish", subject)).as("pod publishes " + subject).isTrue();
            assertThat(allows("worker", "publish", subject)).as("worker publishes " + subject).isFalse();
        }
        for (String subject : workerPublishes) {
            assertThat(allows("worker", "publish", subject)).as("worker publishes " + subject).isTrue();
            assertThat(allows("pod", "publish", subject)).as("pod publishes " + subject).isFalse();
        }
        assertThat(allows("pod", "subscribe", Subjects.podResponse(SAMPLE))).isTrue();
        assertThat(allows("pod", "subscribe", Subjects.podHealth(SAMPLE))).isTrue();
        assertThat(allows("pod", "subscribe", Subjects.sessionBroadcast(SAMPLE))).isTrue();
        assertThat(allows("pod", "subscribe", Subjects.workflowExecute(SAMPLE))).isFalse();
        assertThat(allows("worker", "subscribe", Subjects.workflowCancel(SAMPLE))).isTrue();
        assertThat(allows("worker", "subscribe", Subjects.podHeartbeat(SAMPLE))).isTrue();
        assertThat(allows("worker", "subscribe", Subjects.podResponse(SAMPLE))).isFalse();
        // Both cancel: a user through a pod, an interrupting request through its worker (BUSY_POLICY).
        assertThat(allows("pod", "publish", Subjects.workflowCancel(SAMPLE))).isTrue();
        assertThat(allows("worker", "publish", Subjects.workflowCancel(SAMPLE))).isTrue();
    }

    @Test
    @DisplayName("JetStream API permissions name only our streams, and only workers touch the work queue's consumer")
    void jetStreamPermissionsNameOurStreams() {
        // KV buckets are streams named KV_<bucket>: the workers' "answered" markers, the pods' owners and keys.
        Set<String> streams = Set.of(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.CHAT_HISTORY, StreamDefinitions.CHAT_DLQ,
                StreamDefinitions.CHAT_CONVERSATIONS, "KV_" + StreamDefinitions.ANSWERED, "KV_" + StreamDefinitions.SESSION_OWNERS,
                "KV_" + StreamDefinitions.IDEMPOTENCY_KEYS);
        for (String user : List.of("pod", "worker")) {
            for (String subject : allowed(user, "publish")) {
                if (subject.startsWith("$JS.") && !subject.equals("$JS.API.INFO") && !subject.equals("$JS.API.STREAM.NAMES")) {
                    assertThat(streams).as(user + ": stream named by " + subject).contains(streamToken(subject));
                }
            }
        }
        String next = "$JS.API.CONSUMER.MSG.NEXT." + StreamDefinitions.WORKFLOW_REQUESTS + "." + StreamDefinitions.WORKFLOW_WORKERS;
        String ack = "$JS.ACK." + StreamDefinitions.WORKFLOW_REQUESTS + "." + StreamDefinitions.WORKFLOW_WORKERS + ".>";
        assertThat(allowed("worker", "publish")).contains(next, ack);
        assertThat(allowed("pod", "publish")).noneMatch(s -> s.contains(StreamDefinitions.WORKFLOW_REQUESTS) && s.contains("CONSUMER"));
        assertThat(allowed("pod", "publish")).noneMatch(s -> s.contains(StreamDefinitions.ANSWERED));
        // Pods may create a missing stream, never change, purge or delete one: workers own their configuration.
        // The pods' own KV buckets are the exception: the pods configure them (replicas, TTL).
        assertThat(allowed("pod", "publish")).noneMatch(s -> (s.startsWith("$JS.API.STREAM.UPDATE") && !s.startsWith("$JS.API.STREAM.UPDATE.KV_"))
                || s.startsWith("$JS.API.STREAM.DELETE") || s.startsWith("$JS.API.STREAM.PURGE") || s.startsWith("$JS.API.CONSUMER.DELETE"));
    }

    @Test
    @DisplayName("passwords come from the environment, never from the file")
    void passwordsComeFromTheEnvironment() {
        assertThat(users()).extracting(u -> u.get("password"))
                .allSatisfy(p -> assertThat((String) p).matches("\\$NATS_[A-Z]+_PASSWORD"));
    }

    /** The {@code chat.*} subjects of {@code user}'s allow list for {@code direction}. */
    private static Set<String> chatSubjects(String user, String direction) {
        return allowed(user, direction).stream().filter(s -> s.startsWith("chat.")).collect(Collectors.toSet());
    }

    @SuppressWarnings("unchecked")
    static List<String> allowed(String user, String direction) {
        Map<String, Object> permissions = (Map<String, Object>) user(user).get("permissions");
        Map<String, Object> section = (Map<String, Object>) permissions.get(direction);
        return ((List<Object>) section.get("allow")).stream().map(String.class::cast).toList();
    }

    static boolean allows(String user, String direction, String subject) {
        return allowed(user, direction).stream().anyMatch(pattern -> SubjectMatch.matches(pattern, subject));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> users() {
        Map<String, Object> accounts = (Map<String, Object>) CONF.get("accounts");
        return accounts.values().stream()
                .flatMap(a -> ((List<Object>) ((Map<String, Object>) a).get("users")).stream())
                .map(u -> (Map<String, Object>) u).toList();
    }

    private static Map<String, Object> user(String name) {
        return users().stream().filter(u -> name.equals(u.get("user"))).findFirst().orElseThrow();
    }

    /** {@code chat.pod.tok3n.health} becomes {@code chat.pod.*.health}. */
    private static String wildcard(String subject) {
        return subject.replace("." + SAMPLE, ".*");
    }

    /** The stream token of a JetStream API, ack or flow-control subject. */
    private static String streamToken(String subject) {
        String[] t = subject.split("\\.");
        if (t[1].equals("ACK") || t[1].equals("FC")) {
            return t[2];                                   // $JS.ACK.<stream>..., $JS.FC.<stream>...
        }
        return t[3].equals("MSG") || t[3].equals("DURABLE") ? t[5] : t[4];   // $JS.API.<kind>.<op>[.<op>].<stream>
    }
}
