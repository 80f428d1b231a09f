package dev.chatstream.deploy;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps the server errors a connection reports (e.g. permissions violations) for assertions. */
final class RecordingErrorListener implements ErrorListener {
    private final List<String> errors = new CopyOnWriteArrayList<>();

    @Override
    public void errorOccurred(Connection conn, String error) {
        errors.add(error);
    }

    List<String> errors() {
        return List.copyOf(errors);
    }

    List<String> violations() {
        return errors.stream().filter(e -> e.contains("Permissions Violation")).toList();
    }
}
