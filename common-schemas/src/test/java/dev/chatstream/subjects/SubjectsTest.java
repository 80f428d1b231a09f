package dev.chatstream.subjects;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SubjectsTest {

    @Test
    @DisplayName("spells every subject of DESIGN exactly")
    void spellsEverySubject() {
        assertThat(Subjects.workflowExecute("s1")).isEqualTo("chat.workflow.execute.s1");
        assertThat(Subjects.workflowCancel("s1")).isEqualTo("chat.workflow.cancel.s1");
        assertThat(Subjects.podResponse("pod-1")).isEqualTo("chat.pod.pod-1.response");
        assertThat(Subjects.podHealth("pod-1")).isEqualTo("chat.pod.pod-1.health");
        assertThat(Subjects.podHeartbeat("pod-1")).isEqualTo("chat.pod.pod-1.heartbeat");
        assertThat(Subjects.sessionBroadcast("s1")).isEqualTo("chat.session.s1.broadcast");
        assertThat(Subjects.history("s1")).isEqualTo("chat.history.s1");
        assertThat(Subjects.dlq("s1")).isEqualTo("chat.dlq.workflow.s1");
    }

    @Test
    @DisplayName("wildcards cover what the builders produce")
    void wildcards() {
        assertThat(Subjects.WORKFLOW_EXECUTE_ALL).isEqualTo("chat.workflow.execute.*");
        assertThat(Subjects.WORKFLOW_CANCEL_ALL).isEqualTo("chat.workflow.cancel.*");
        assertThat(Subjects.SESSION_BROADCAST_ALL).isEqualTo("chat.session.*.broadcast");
        assertThat(Subjects.HISTORY_ALL).isEqualTo("chat.history.*");
        assertThat(Subjects.POD_HEARTBEAT_ALL).isEqualTo("chat.pod.*.heartbeat");
        assertThat(Subjects.DLQ_ALL).isEqualTo("chat.dlq.>");
        assertThat(Subjects.dlq(Subjects.DLQ_UNKNOWN_SESSION)).startsWith("chat.dlq.");
    }

    @ParameterizedTest(name = "no builder takes \"{0}\"")
    @ValueSource(strings = {"a.b", "*", ">", "a b", "", "é", "a\u0001", "01234567890123456789012345678901234567890123456789012345678901234"})
    void everyBuilderRefusesABadToken(String bad) {
        List<Function<String, String>> builders = List.of(Subjects::workflowExecute, Subjects::workflowCancel,
                Subjects::podResponse, Subjects::podHealth, Subjects::podHeartbeat, Subjects::sessionBroadcast,
                Subjects::history, Subjects::dlq);
        for (Function<String, String> builder : builders) {
            assertThatThrownBy(() -> builder.apply(bad)).isInstanceOf(InvalidTokenException.class);
        }
    }

    @Test
    @DisplayName("named parsers read the id out of each kind of subject and refuse other subjects")
    void parsers() {
        assertThat(Subjects.sessionOfWorkflowExecute(Subjects.workflowExecute("s-1"))).isEqualTo("s-1");
        assertThat(Subjects.podOfHeartbeat(Subjects.podHeartbeat("pod_7"))).isEqualTo("pod_7");
        assertThat(Subjects.sessionOfBroadcast(Subjects.sessionBroadcast("abc"))).isEqualTo("abc");
        assertThat(Subjects.sessionOfHistory(Subjects.history("s9"))).isEqualTo("s9");
        assertThat(Subjects.podOfHeartbeat(Subjects.podResponse("pod_7"))).isNull();
        assertThat(Subjects.sessionOfWorkflowExecute("chat.workflow.execute.a.b")).isNull();
        assertThat(Subjects.sessionOfHistory("chat.history.")).isNull();
    }
}
