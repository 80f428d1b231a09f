package dev.chatstream.pod.resume;

import dev.chatstream.pod.metrics.PodMetrics;
import dev.chatstream.pod.routing.Batch;
import dev.chatstream.pod.routing.DeliveryRound;
import dev.chatstream.pod.routing.SessionRouter;
import dev.chatstream.pod.sse.ChunkEventEncoder;
import dev.chatstream.wire.ChunkBatch;
import dev.chatstream.wire.Cursor;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The router and client connections together: live delivery, de-duplication, resume, repair, tail checks. */
class ClientConnectionTest {
    private final PodMetrics metrics = new PodMetrics();
    private final SessionRouter router = new SessionRouter(metrics);
    /** Who the connections ask for replays; a test replaces it to see the requests. */
    private Replayer replayer = Replayer.none();

    private ClientConnection attach(String session, FakeSink sink) {
        return attach(session, sink, null, null);
    }

    private ClientConnection attach(String session, FakeSink sink, Cursor cursor, Buffer gapNotice) {
        Replayer current = new Replayer() {
            @Override
            public void replay(ClientConnection c, long delayMs) {
                replayer.replay(c, delayMs);
            }

            @Override
            public void seenLive(Batch batch) {
                replayer.seenLive(batch);
            }
        };
        ClientConnection connection = new ClientConnection(session, sink, ChunkEventEncoder.INSTANCE, metrics,
                current, cursor, gapNotice);
        router.attach(connection);
        return connection;
    }

    private static Batch batch(String session, String message, long first, int count, int attempt) {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(("{\"chunk_id\":" + (first + i) + ",\"chunk\":\"t\"}").getBytes(StandardCharsets.UTF_8));
        }
        return new Batch(session, message, first, attempt, 0, ChunkBatch.join(chunks), false);
    }

    private void route(Batch frames) {
        router.route(frames.sessionId(), () -> frames);
    }

    private static List<String> ids(String message, int from, int toInclusive) {
        return IntStream.rangeClosed(from, toInclusive).mapToObj(i -> message + ":" + i).toList();
    }

    @Test
    @DisplayName("routes a batch to every connection of its session exactly once")
    void routesToEveryConnectionOfTheSession() {
        FakeSink first = new FakeSink();
        FakeSink second = new FakeSink();
        FakeSink other = new FakeSink();
        attach("s1", first);
        attach("s1", second);
        attach("s2", other);
        route(batch("s1", "m", 0, 3, 1));
        assertThat(first.ids()).containsExactly("m:0", "m:1", "m:2");
        assertThat(second.ids()).containsExactly("m:0", "m:1", "m:2");
        assertThat(other.ids()).isEmpty();
    }

    @Test
    @DisplayName("a delivery round serves the connections of one thread in one task, each with one write")
    void deliveryRoundGathersPerThread() {
        Object loop = new Object();
        FakeSink a = new FakeSink();
        FakeSink b = new FakeSink();
        a.thread = loop;
        b.thread = loop;
        attach("s1", a);
        attach("s2", b);
        DeliveryRound round = router.round();
        for (Batch batch : List.of(batch("s1", "m1", 0, 1, 1), batch("s2", "m2", 0, 1, 1), batch("s1", "m1", 1, 1, 1))) {
            round.route(batch.sessionId(), () -> batch);
        }
        assertThat(a.written).as("nothing before the dispatch").isEmpty();
        round.dispatch();
        assertThat(a.tasks + b.tasks).isEqualTo(1);
        assertThat(a.ids()).containsExactly("m1:0", "m1:1");
        assertThat(a.writes).isEqualTo(1);
        assertThat(b.ids()).containsExactly("m2:0");
    }

    @Test
    @DisplayName("rounds for an event loop that has not run the previous one join it: one task, one write per connection, in order")
    void roundsJoinWhileTheLoopIsBehind() {
        Object loop = new Object();
        FakeSink a = new FakeSink();
        FakeSink b = new FakeSink();
        a.thread = loop;
        b.thread = loop;
        a.deferred = new ArrayList<>();
        b.deferred = a.deferred;
        attach("s1", a);
        attach("s2", b);
        // Three frames arrive before the loop runs anything (it is busy): their rounds join the first one's task.
        for (List<Batch> frame : List.of(List.of(batch("s1", "m1", 0, 1, 1), batch("s2", "m2", 0, 1, 1)),
                List.of(batch("s1", "m1", 1, 1, 1)), List.of(batch("s1", "m1", 2, 1, 1), batch("s2", "m2", 1, 1, 1)))) {
            DeliveryRound round = router.round();
            frame.forEach(batch -> round.route(batch.sessionId(), () -> batch));
            round.dispatch();
        }
        assertThat(a.deferred).as("one task queued on the loop").hasSize(1);
        a.runDeferred();
        assertThat(a.ids()).containsExactly("m1:0", "m1:1", "m1:2");
        assertThat(a.writes).as("the three frames' chunks in one write").isEqualTo(1);
        assertThat(b.ids()).containsExactly("m2:0", "m2:1");
        assertThat(b.writes).isEqualTo(1);

        // The loop caught up: the next frame gets a task of its own, at once.
        DeliveryRound next = router.round();
        Batch later = batch("s1", "m1", 3, 1, 1);
        next.route("s1", () -> later);
        next.dispatch();
        assertThat(a.deferred).hasSize(1);
        a.runDeferred();
        assertThat(a.ids()).containsExactly("m1:0", "m1:1", "m1:2", "m1:3");
    }

    @Test
    @DisplayName("a batch for a session held nowhere here is not framed and reaches no one")
    void dropsUnknownSessions() {
        attach("s1", new FakeSink());
        int targets = router.route("unknown", () -> {
            throw new AssertionError("must not frame");
        });
        assertThat(targets).isZero();
    }

    @Test
    @DisplayName("the same batch arriving twice (pod subject and broadcast) is written once")
    void deduplicatesTwoPaths() {
        FakeSink sink = new FakeSink();
        attach("s", sink);
        route(batch("s", "m", 0, 2, 1));
        route(batch("s", "m", 0, 2, 1));
        route(batch("s", "m", 1, 3, 1));
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 0, 3));
    }

    @Test
    @DisplayName("chunks at or below the highest written are dropped; later ones go on in order")
    void dropsOlderChunks() {
        FakeSink sink = new FakeSink();
        attach("s", sink);
        route(batch("s", "m", 0, 5, 1));
        route(batch("s", "m", 2, 2, 1));
        route(batch("s", "m", 5, 1, 1));
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 0, 5));
    }

    @Test
    @DisplayName("a higher attempt is taken whole even when its ids are not above the highest; an older attempt is dropped")
    void restartsOnHigherAttempt() {
        FakeSink sink = new FakeSink();
        attach("s", sink);
        route(batch("s", "m", 0, 4, 1));
        route(batch("s", "m", 2, 3, 2));
        route(batch("s", "m", 4, 2, 1));
        route(batch("s", "m", 5, 1, 2));
        assertThat(sink.ids()).containsExactly("m:0", "m:1", "m:2", "m:3", "m:2", "m:3", "m:4", "m:5");
    }

    @Test
    @DisplayName("messages of a session are tracked separately")
    void tracksMessagesSeparately() {
        FakeSink sink = new FakeSink();
        attach("s", sink);
        route(batch("s", "a", 0, 2, 1));
        route(batch("s", "b", 0, 2, 1));
        route(batch("s", "a", 1, 2, 1));
        assertThat(sink.ids()).containsExactly("a:0", "a:1", "b:0", "b:1", "a:2");
    }

    @Test
    @DisplayName("a client whose buffer is still full when the next batch comes is disconnected and counted as slow")
    void disconnectsSlowClients() {
        FakeSink sink = new FakeSink();
        ClientConnection subscriber = attach("s", sink);
        route(batch("s", "m", 0, 1, 1));
        sink.full = true;
        route(batch("s", "m", 1, 3, 1));
        assertThat(sink.aborted).isTrue();
        assertThat(subscriber.isClosed()).isTrue();
        assertThat(metrics.scrape()).contains("chat_chunks_dropped_total{reason=\"slow_client\"} 3.0");
    }

    @Test
    @DisplayName("the registry listener hears of the first connection of a session and of its last")
    void tellsTheListener() {
        List<String> events = new ArrayList<>();
        router.listener(new SessionRouter.Listener() {
            @Override
            public void sessionOpened(String sessionId) {
                events.add("open " + sessionId);
            }

            @Override
            public void sessionClosed(String sessionId) {
                events.add("close " + sessionId);
            }
        });
        ClientConnection a = attach("s", new FakeSink());
        ClientConnection b = attach("s", new FakeSink());
        router.detach(a);
        router.detach(a);
        assertThat(events).containsExactly("open s");
        router.detach(b);
        assertThat(events).containsExactly("open s", "close s");
        assertThat(router.connectionCount()).isZero();
        assertThat(router.sessionIds()).isEmpty();
    }

    @Test
    @DisplayName("a live batch after a hole holds live delivery and fills the hole from history, without gap or duplicate")
    void repairsAHoleFromHistory() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 0, 3, 1));
        route(batch("s", "m", 6, 2, 1));
        assertThat(repairing).as("a repair was asked for").hasSize(1);
        route(batch("s", "m", 8, 1, 1));
        assertThat(sink.ids()).as("live waits for the hole").containsExactlyElementsOf(ids("m", 0, 2));

        ClientConnection subscriber = repairing.get(0);
        subscriber.deliverHistory(batch("s", "m", 0, 4, 1));
        subscriber.deliverHistory(batch("s", "m", 4, 4, 1));
        subscriber.endReplay(true);
        route(batch("s", "m", 9, 1, 1));
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 0, 9));
        assertThat(metrics.scrape()).contains("chat_stream_gaps_repaired_total 1.0");
    }

    private static Batch finalBatch(String session, String message, long first, int count) {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(("{\"chunk_id\":" + (first + i) + ",\"chunk\":\"t\"}").getBytes(StandardCharsets.UTF_8));
        }
        return new Batch(session, message, first, 1, 0, ChunkBatch.join(chunks), true);
    }

    @Test
    @DisplayName("an answer completed from history is not written again when its late live copy comes after other answers")
    void lateLiveCopyOfARepairedAnswerIsDropped() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "z", 0, 2, 1));
        route(batch("s", "z", 3, 1, 1));
        repairing.getLast().deliverHistory(batch("s", "z", 0, 2, 1));
        repairing.getLast().deliverHistory(batch("s", "z", 2, 2, 1));
        repairing.getLast().deliverHistory(finalBatch("s", "z", 4, 1));
        repairing.getLast().endReplay(true);
        for (int i = 0; i < DeliveryTracker.INITIAL_CAPACITY * 2; i++) {
            route(finalBatch("s", "next" + i, 0, 2));
        }
        // The worker's batch that waited for its history acknowledgement goes live only now.
        route(finalBatch("s", "z", 4, 1));
        assertThat(sink.ids()).filteredOn(id -> id.startsWith("z:")).containsExactlyElementsOf(ids("z", 0, 4));
        assertThat(repairing).as("no second repair of z").hasSize(1);
    }

    @Test
    @DisplayName("an answer that stops arriving live after a resume is fetched from history; one still flowing is left alone")
    void fetchesAStalledTailFromHistory() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:2"), Buffer.buffer("GAP"));
        subscriber.deliverHistory(batch("s", "m", 0, 5, 1));
        subscriber.endReplay(true);
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 3, 4));

        route(batch("s", "m", 5, 1, 1));
        assertThat(subscriber.checkTail()).as("live is flowing").isEqualTo(TailCheck.AGAIN);
        assertThat(subscriber.checkTail()).as("nothing live since").isEqualTo(TailCheck.REPAIRING);
        repairing.getLast().deliverHistory(batch("s", "m", 0, 9, 1));
        repairing.getLast().deliverHistory(new Batch("s", "m", 9, 1, 0,
                "{\"chunk_id\":9}".getBytes(StandardCharsets.UTF_8), true));
        repairing.getLast().endReplay(true);
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 3, 9));
        assertThat(subscriber.checkTail()).as("the answer is complete").isEqualTo(TailCheck.DONE);
    }

    @Test
    @DisplayName("tail checks visit every unfinished answer of a connection in turn, not only the latest")
    void tailChecksVisitEveryUnfinishedAnswer() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        ClientConnection connection = attach("s", sink);
        route(batch("s", "a", 0, 2, 1));
        route(batch("s", "b", 0, 2, 1));
        assertThat(connection.tail.start()).isTrue();
        assertThat(connection.checkTail()).isEqualTo(TailCheck.REPAIRING);
        assertThat(connection.replayScope()).isEqualTo("b");
        connection.endReplay(true);
        assertThat(connection.checkTail()).isEqualTo(TailCheck.REPAIRING);
        assertThat(connection.replayScope()).isEqualTo("a");
        assertThat(repairing).hasSize(2);
    }

    @Test
    @DisplayName("a repair replays only the message with the hole, never other messages of the session again")
    void repairTouchesOnlyItsMessage() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "a", 0, 3, 1));
        route(batch("s", "b", 0, 2, 1));
        for (int i = 0; i < 10; i++) {
            route(batch("s", "done" + i, 0, 1, 1));
        }
        route(batch("s", "b", 3, 1, 1));
        ClientConnection subscriber = repairing.get(0);
        subscriber.deliverHistory(batch("s", "a", 0, 3, 1));
        subscriber.deliverHistory(batch("s", "b", 0, 3, 1));
        subscriber.deliverHistory(batch("s", "a", 3, 1, 1));
        subscriber.endReplay(true);
        assertThat(sink.ids()).filteredOn(id -> id.startsWith("a:")).containsExactly("a:0", "a:1", "a:2");
        assertThat(sink.ids()).filteredOn(id -> id.startsWith("b:")).containsExactly("b:0", "b:1", "b:2", "b:3");
    }

    @Test
    @DisplayName("a hole whose history stayed unreadable is never stepped over: the stream ends after its last chunk, so the client resumes from there")
    void unreadableHoleEndsTheStream() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        ClientConnection connection = attach("s", sink);
        route(batch("s", "m", 0, 2, 1));
        route(batch("s", "m", 5, 1, 1));
        // SharedReplays ends a replay as incomplete only once its reads failed for the whole retry budget.
        repairing.get(0).endReplay(false);
        route(batch("s", "m", 6, 1, 1));
        assertThat(sink.ids()).as("nothing after the hole").containsExactly("m:0", "m:1");
        assertThat(sink.closed).as("closed: an EventSource reconnects with Last-Event-ID m:1").isTrue();
        assertThat(connection.isClosed()).isTrue();
        assertThat(repairing).hasSize(1);
        assertThat(metrics.scrape()).contains("chat_stream_repairs_abandoned_total 1.0");
    }

    @Test
    @DisplayName("a new attempt right after what was written is no hole: its restart goes out at once")
    void newAttemptIsNoHole() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 0, 3, 1));
        route(batch("s", "m", 3, 2, 2));
        assertThat(repairing).isEmpty();
        assertThat(sink.ids()).containsExactly("m:0", "m:1", "m:2", "m:3", "m:4");
    }

    @Test
    @DisplayName("a restart of an answer the connection never saw first gets the old attempt from history")
    void restartOfAnUnseenAnswer() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 2, 3, 2));
        assertThat(repairing).hasSize(1);
        ClientConnection subscriber = repairing.get(0);
        subscriber.deliverHistory(batch("s", "other", 0, 1, 1));
        subscriber.deliverHistory(batch("s", "m", 0, 2, 1));
        subscriber.deliverHistory(batch("s", "m", 2, 3, 2));
        subscriber.endReplay(true);
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 0, 4));
    }

    @Test
    @DisplayName("a new attempt after a hole first gets the old attempt's missing chunks from history")
    void newAttemptAfterAHole() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 0, 3, 1));
        route(batch("s", "m", 4, 2, 2));
        assertThat(repairing).hasSize(1);
        ClientConnection subscriber = repairing.get(0);
        subscriber.deliverHistory(batch("s", "m", 0, 4, 1));
        subscriber.deliverHistory(batch("s", "m", 4, 2, 2));
        subscriber.endReplay(true);
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 0, 5));
    }

    @Test
    @DisplayName("resume: history after the cursor, then held live batches merged without gap or duplicate")
    void resumesFromHistoryThenLive() {
        FakeSink sink = new FakeSink();
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:3"), Buffer.buffer("GAP"));
        route(batch("s", "m", 8, 3, 1));
        assertThat(sink.ids()).as("live is held during the replay").isEmpty();
        subscriber.deliverHistory(batch("s", "old", 0, 2, 1));
        subscriber.deliverHistory(batch("s", "m", 0, 5, 1));
        subscriber.deliverHistory(batch("s", "m", 5, 4, 1));
        subscriber.endReplay(true);
        route(batch("s", "m", 11, 1, 1));
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 4, 11));
        assertThat(sink.written.toString()).doesNotContain("GAP");
    }

    @Test
    @DisplayName("resume: a message the stream never saw, first arriving live past its chunk 0, is taken whole from history")
    void resumedStreamRepairsAnUnseenMessageFromItsStart() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m1:4"), Buffer.buffer("GAP"));
        subscriber.deliverHistory(batch("s", "m1", 0, 5, 1));
        subscriber.endReplay(true);
        route(batch("s", "m2", 7, 2, 1));
        assertThat(repairing).as("a repair of m2 was asked for").hasSize(1);
        assertThat(subscriber.replayScope()).isEqualTo("m2");

        subscriber.deliverHistory(batch("s", "m2", 0, 4, 1));
        subscriber.deliverHistory(batch("s", "m2", 4, 5, 1));
        subscriber.endReplay(true);
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m2", 0, 8));
    }

    @Test
    @DisplayName("a fresh live-only stream joining an answer mid-way starts where it joined")
    void freshLiveStreamJoinsMidway() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 7, 2, 1));
        assertThat(repairing).isEmpty();
        assertThat(sink.ids()).containsExactly("m:7", "m:8");
    }

    @Test
    @DisplayName("a released connection (its client left) asks for no replay: tail checks and holes end at once")
    void releasedConnectionStopsRepairs() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        ClientConnection subscriber = attach("s", sink);
        route(batch("s", "m", 0, 2, 1));
        subscriber.release();
        router.detach(subscriber);
        assertThat(subscriber.checkTail()).isEqualTo(TailCheck.DONE);
        route(batch("s", "m", 5, 1, 1));
        assertThat(repairing).isEmpty();
    }

    @Test
    @DisplayName("resume: a cursor history does not know gives the gap notice first, then live")
    void unknownCursorGivesGap() {
        FakeSink sink = new FakeSink();
        ClientConnection subscriber = attach("s", sink, Cursor.parse("gone:3"), Buffer.buffer("GAP\n"));
        subscriber.deliverHistory(batch("s", "m", 0, 2, 1));
        route(batch("s", "n", 0, 1, 1));
        subscriber.endReplay(true);
        assertThat(sink.written.toString()).startsWith("GAP\n");
        assertThat(sink.ids()).containsExactly("n:0");
    }

    @Test
    @DisplayName("resume: a replay that did not complete tells the client about a gap after what it could replay")
    void incompleteReplayGivesGap() {
        FakeSink sink = new FakeSink();
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:0"), Buffer.buffer("GAP\n"));
        subscriber.deliverHistory(batch("s", "m", 0, 3, 1));
        subscriber.endReplay(false);
        route(batch("s", "m", 9, 1, 1));
        assertThat(sink.written.toString()).contains("GAP\n");
        assertThat(sink.written.toString().indexOf("GAP")).isGreaterThan(sink.written.toString().indexOf("id: m:2"));
        assertThat(sink.ids()).containsExactly("m:1", "m:2", "m:9");
    }

    @Test
    @DisplayName("resume: history is written only as fast as the client drains it")
    void replayRespectsBackPressure() {
        FakeSink sink = new FakeSink();
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:0"), Buffer.buffer("GAP"));
        subscriber.deliverHistory(batch("s", "m", 0, 2, 1));
        sink.full = true;
        subscriber.deliverHistory(batch("s", "m", 2, 2, 1));
        subscriber.endReplay(true);
        assertThat(sink.ids()).containsExactly("m:1");
        assertThat(sink.aborted).isFalse();
        sink.release();
        assertThat(sink.ids()).containsExactly("m:1", "m:2", "m:3");
    }

    @Test
    @DisplayName("a hole history has not stored yet is asked for again until history has it, then filled without gap or duplicate")
    void holeStillBeingStoredIsAskedForAgain() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 0, 2, 1));
        route(batch("s", "m", 4, 1, 1));
        ClientConnection subscriber = repairing.get(0);
        subscriber.deliverHistory(batch("s", "m", 0, 2, 1));
        subscriber.endReplay(true);
        assertThat(repairing).as("history lacked m:2..3: asked again").hasSize(2);
        assertThat(sink.ids()).as("live still waits").containsExactly("m:0", "m:1");

        subscriber.deliverHistory(batch("s", "m", 0, 2, 1));
        subscriber.deliverHistory(batch("s", "m", 2, 2, 1));
        subscriber.endReplay(true);
        route(batch("s", "m", 5, 1, 1));
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 0, 5));
        assertThat(repairing).hasSize(2);
    }

    @Test
    @DisplayName("a hole history never gets is asked for a bounded number of times, then live goes on with it")
    void holeHistoryNeverGetsIsGivenUpOn() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        attach("s", sink);
        route(batch("s", "m", 0, 2, 1));
        route(batch("s", "m", 4, 1, 1));
        for (int i = 0; i <= ReplayMerge.MAX_LAG_RETRIES; i++) {
            repairing.getLast().endReplay(true);
        }
        assertThat(repairing).hasSize(1 + ReplayMerge.MAX_LAG_RETRIES);
        route(batch("s", "m", 5, 1, 1));
        assertThat(sink.ids()).containsExactly("m:0", "m:1", "m:4", "m:5");
    }

    @Test
    @DisplayName("resume: history not yet holding the client's last chunks gives no gap notice, and the rest comes without gap or duplicate")
    void resumeAheadOfHistory() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> repairing = new ArrayList<>();
        replayer = (c, delayMs) -> repairing.add(c);
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:5"), Buffer.buffer("GAP"));
        subscriber.deliverHistory(batch("s", "m", 0, 3, 1));
        route(batch("s", "m", 8, 1, 1));
        subscriber.endReplay(true);
        assertThat(sink.ids()).as("m:6..7 are not stored yet").isEmpty();
        ClientConnection again = repairing.getLast();
        again.deliverHistory(batch("s", "m", 0, 3, 1));
        again.deliverHistory(batch("s", "m", 3, 5, 1));
        again.endReplay(true);
        assertThat(sink.ids()).containsExactlyElementsOf(ids("m", 6, 8));
        assertThat(sink.written.toString()).doesNotContain("GAP");
    }

    @Test
    @DisplayName("resume: a cursor whose message history has not stored yet but which arrives live is looked for again before any gap notice")
    void resumeBeforeTheMessageIsStored() {
        FakeSink sink = new FakeSink();
        List<ClientConnection> replays = new ArrayList<>();
        replayer = (c, delayMs) -> replays.add(c);
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:1"), Buffer.buffer("GAP"));
        route(batch("s", "m", 3, 1, 1));
        subscriber.endReplay(true);
        assertThat(replays).as("looked again").hasSize(1);
        ClientConnection again = replays.getLast();
        again.deliverHistory(batch("s", "m", 0, 3, 1));
        again.endReplay(true);
        assertThat(sink.ids()).containsExactly("m:2", "m:3");
        assertThat(sink.written.toString()).doesNotContain("GAP");
    }

    @Test
    @DisplayName("resume inside a restarted answer: chunks of the new attempt up to the cursor are not sent again")
    void resumeInsideARestart() {
        FakeSink sink = new FakeSink();
        ClientConnection subscriber = attach("s", sink, Cursor.parse("m:5"), Buffer.buffer("GAP"));
        subscriber.deliverHistory(batch("s", "m", 0, 3, 1));
        subscriber.deliverHistory(batch("s", "m", 3, 4, 2));
        subscriber.deliverHistory(batch("s", "m", 7, 1, 2));
        subscriber.endReplay(true);
        route(batch("s", "m", 8, 1, 2));
        assertThat(sink.ids()).containsExactly("m:6", "m:7", "m:8");
    }

    @Test
    @DisplayName("closing every connection writes the last bytes (a retry hint) and closes each sink")
    void closesAll() {
        FakeSink a = new FakeSink();
        FakeSink b = new FakeSink();
        attach("s", a);
        attach("t", b);
        router.closeAll(Buffer.buffer("retry: 1000\n\n"));
        assertThat(a.closed).isTrue();
        assertThat(b.closed).isTrue();
        assertThat(a.written.toString()).endsWith("retry: 1000\n\n");
    }

    @Test
    @DisplayName("hands the replayer where a message's history begins once per message and start, not per batch")
    void learnsEachMessageStartOnce() {
        List<String> learned = new ArrayList<>();
        replayer = new Replayer() {
            @Override
            public void replay(ClientConnection connection, long delayMs) {
                connection.sink().execute(() -> connection.endReplay(true));
            }

            @Override
            public void seenLive(Batch batch) {
                learned.add(batch.messageId() + "@" + batch.historyStart());
            }
        };
        FakeSink sink = new FakeSink();
        attach("s", sink);
        route(startedAt("m1", 0, 0));
        for (long first = 1; first < 4; first++) {
            route(startedAt("m1", first, 7));
        }
        route(startedAt("m2", 0, 12));
        route(startedAt("m2", 1, 12));
        route(startedAt("m1", 4, 5)); // learned lower (a restart stored earlier): passed on again
        assertThat(learned).containsExactly("m1@7", "m2@12", "m1@5");
        assertThat(sink.ids()).hasSize(7);
    }

    private static Batch startedAt(String message, long chunkId, long historyStart) {
        byte[] body = ("{\"chunk_id\":" + chunkId + "}").getBytes(StandardCharsets.UTF_8);
        return new Batch("s", message, chunkId, 1, 0, body, false, historyStart);
    }
}
