package dev.chatstream.pod.resume;

/** What {@link ClientConnection#checkTail} found. */
public enum TailCheck {
    /** Nothing unfinished (or the connection is gone): stop watching. */
    DONE,
    /** Check again later. */
    AGAIN,
    /** A repair started; its end starts the next watch. */
    REPAIRING
}
