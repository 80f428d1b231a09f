package dev.chatstream.worker.fanout;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class WriteDeadlinesTest {
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    @DisplayName("a write with no acknowledgement fails with a timeout once its deadline passed, not before")
    void unansweredWriteTimesOut() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<String> write = new CompletableFuture<>();
        AtomicLong sentAt = new AtomicLong();
        context.runOnContext(v -> {
            sentAt.set(System.nanoTime());
            WriteDeadlines.within(write, 200);
        });

        assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt.get());
        assertThat(waitedMs).isGreaterThanOrEqualTo(200);
    }

    @Test
    @DisplayName("acknowledged writes keep their result and leave the queue; only the one left unanswered fails")
    void acknowledgedWritesAreLeftAlone() {
        Context context = vertx.getOrCreateContext();
        List<CompletableFuture<String>> writes = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            writes.add(new CompletableFuture<>());
        }
        AtomicInteger watched = new AtomicInteger(-1);
        context.runOnContext(v -> {
            for (CompletableFuture<String> write : writes) {
                WriteDeadlines.within(write, 100);
            }
            for (int i = 0; i < 99; i++) {
                writes.get(i).complete("ack " + i);
            }
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> writes.get(99).isDone());
        assertThatThrownBy(writes.get(99)::join).hasCauseInstanceOf(TimeoutException.class);
        for (int i = 0; i < 99; i++) {
            assertThat(writes.get(i).join()).isEqualTo("ack " + i);
        }
        context.runOnContext(v -> watched.set(context.<WriteDeadlines>get(WriteDeadlines.class.getName()).watched()));
        await().atMost(Duration.ofSeconds(5)).until(() -> watched.get() == 0);
    }

    @Test
    @DisplayName("two unanswered writes sent apart each fail at their own deadline: the later one not with the first")
    void eachWriteAtItsOwnDeadline() throws Exception {
        Context context = vertx.getOrCreateContext();
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        AtomicLong firstSent = new AtomicLong();
        AtomicLong secondSent = new AtomicLong();
        context.runOnContext(v -> {
            firstSent.set(System.nanoTime());
            WriteDeadlines.within(first, 200);
            vertx.setTimer(150, id -> {
                secondSent.set(System.nanoTime());
                WriteDeadlines.within(second, 1_000);
            });
        });

        assertThatThrownBy(() -> first.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        long firstFailedAt = System.nanoTime();
        assertThat(second).isNotDone();
        assertThatThrownBy(() -> second.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - secondSent.get())).isGreaterThanOrEqualTo(1_000);
        assertThat(TimeUnit.NANOSECONDS.toMillis(firstFailedAt - firstSent.get())).isGreaterThanOrEqualTo(200);
    }

    @Test
    @DisplayName("off an event loop a write still gets its timeout")
    void offTheEventLoop() {
        CompletableFuture<String> write = WriteDeadlines.within(new CompletableFuture<>(), 50);

        assertThatThrownBy(() -> write.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
    }
}
