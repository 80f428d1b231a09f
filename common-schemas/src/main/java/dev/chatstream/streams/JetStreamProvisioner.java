package dev.chatstream.streams;

import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * Applies {@link StreamDefinitions} idempotently: creates what is missing, updates what differs,
 * leaves what matches. Safe when several instances start at once.
 */
public final class JetStreamProvisioner {
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int CONSUMER_NOT_FOUND = 10014;
    private static final int STREAM_NAME_IN_USE = 10058;

    /** What {@link #apply} did to one stream or consumer. */
    public enum Outcome { CREATED, UPDATED, UNCHANGED }

    /** One line per stream or consumer. */
    public record Change(String name, Outcome outcome) {
    }

    private final JetStreamManagement jsm;

    public JetStreamProvisioner(JetStreamManagement jsm) {
        this.jsm = Objects.requireNonNull(jsm);
    }

    /** Applies every stream and the {@code workflow-workers} consumer. */
    public List<Change> apply(StreamSettings settings) throws IOException, JetStreamApiException {
        List<Change> changes = new ArrayList<>();
        for (StreamConfiguration stream : StreamDefinitions.all(settings)) {
            changes.add(new Change(stream.getName(), applyStream(stream)));
        }
        changes.add(new Change(StreamDefinitions.WORKFLOW_WORKERS,
                applyConsumer(StreamDefinitions.WORKFLOW_REQUESTS, StreamDefinitions.workflowWorkers(settings))));
        return changes;
    }

    /** Applies every stream only (what pods need: they publish and replay). */
    public List<Change> applyStreams(StreamSettings settings) throws IOException, JetStreamApiException {
        List<Change> changes = new ArrayList<>();
        for (StreamConfiguration stream : StreamDefinitions.all(settings)) {
            changes.add(new Change(stream.getName(), applyStream(stream)));
        }
        return changes;
    }

    /**
     * Applies the pods' KV buckets ({@link StreamDefinitions#buckets}): creates what is missing, updates a
     * bucket whose replicas, storage or TTL differ.
     */
    public static List<Change> applyBuckets(KeyValueManagement kvm, StreamSettings settings)
            throws IOException, JetStreamApiException {
        List<Change> changes = new ArrayList<>();
        for (KeyValueConfiguration wanted : StreamDefinitions.buckets(settings)) {
            changes.add(new Change(wanted.getBucketName(), applyBucket(kvm, wanted)));
        }
        return changes;
    }

    static Outcome applyBucket(KeyValueManagement kvm, KeyValueConfiguration wanted) throws IOException, JetStreamApiException {
        KeyValueConfiguration current;
        try {
            current = kvm.getStatus(wanted.getBucketName()).getConfiguration();
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            try {
                kvm.create(wanted);
                return Outcome.CREATED;
            } catch (JetStreamApiException raced) {
                if (raced.getApiErrorCode() != STREAM_NAME_IN_USE) {
                    throw raced;
                }
                current = kvm.getStatus(wanted.getBucketName()).getConfiguration();
            }
        }
        if (current.getReplicas() == wanted.getReplicas() && current.getStorageType() == wanted.getStorageType()
                && Objects.equals(current.getTtl(), wanted.getTtl())) {
            return Outcome.UNCHANGED;
        }
        kvm.update(wanted);
        return Outcome.UPDATED;
    }

    Outcome applyStream(StreamConfiguration wanted) throws IOException, JetStreamApiException {
        StreamInfo current;
        try {
            current = jsm.getStreamInfo(wanted.getName());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            try {
                jsm.addStream(wanted);
                return Outcome.CREATED;
            } catch (JetStreamApiException raced) {
                // Another instance created it between our look-up and our add: compare with theirs.
                if (raced.getApiErrorCode() != STREAM_NAME_IN_USE) {
                    throw raced;
                }
                current = jsm.getStreamInfo(wanted.getName());
            }
        }
        if (sameStream(current.getConfiguration(), wanted)) {
            return Outcome.UNCHANGED;
        }
        jsm.updateStream(wanted);
        return Outcome.UPDATED;
    }

    Outcome applyConsumer(String stream, ConsumerConfiguration wanted) throws IOException, JetStreamApiException {
        ConsumerInfo current;
        try {
            current = jsm.getConsumerInfo(stream, wanted.getDurable());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
                throw e;
            }
            jsm.addOrUpdateConsumer(stream, wanted);
            return Outcome.CREATED;
        }
        if (sameConsumer(current.getConsumerConfiguration(), wanted)) {
            return Outcome.UNCHANGED;
        }
        jsm.addOrUpdateConsumer(stream, wanted);
        return Outcome.UPDATED;
    }

    static boolean sameStream(StreamConfiguration a, StreamConfiguration b) {
        return new HashSet<>(a.getSubjects()).equals(new HashSet<>(b.getSubjects()))
                && a.getRetentionPolicy() == b.getRetentionPolicy()
                && a.getStorageType() == b.getStorageType()
                && a.getReplicas() == b.getReplicas()
                && Objects.equals(a.getMaxAge(), b.getMaxAge())
                && a.getMaxMsgsPerSubject() == b.getMaxMsgsPerSubject()
                && a.getMaxBytes() == b.getMaxBytes()
                && a.getMaxMsgs() == b.getMaxMsgs()
                && a.getDiscardPolicy() == b.getDiscardPolicy()
                // Unset (zero) means "server default", which the server reports as 2 minutes.
                && (b.getDuplicateWindow() == null || b.getDuplicateWindow().isZero()
                    || Objects.equals(a.getDuplicateWindow(), b.getDuplicateWindow()));
    }

    static boolean sameConsumer(ConsumerConfiguration a, ConsumerConfiguration b) {
        return Objects.equals(a.getFilterSubject(), b.getFilterSubject())
                && a.getAckPolicy() == b.getAckPolicy()
                && Objects.equals(a.getAckWait(), b.getAckWait())
                && a.getMaxDeliver() == b.getMaxDeliver()
                && a.getMaxAckPending() == b.getMaxAckPending();
    }
}
