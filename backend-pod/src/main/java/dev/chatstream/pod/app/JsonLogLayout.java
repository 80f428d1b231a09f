package dev.chatstream.pod.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import org.slf4j.event.KeyValuePair;

import java.time.Instant;
import java.util.Map;

/**
 * One JSON object per line: {@code ts}, {@code level}, {@code logger}, {@code msg}, {@code pod_id}, then the
 * MDC entries and the event's key-value pairs ({@code correlation_id}, {@code session_id},
 * {@code message_id}...) as top-level fields, and {@code error} with the stack trace when there is one.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
    private static volatile String podId;

    /** Sets the {@code pod_id} field of every line from now on. */
    public static void podId(String id) {
        podId = id;
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(256);
        out.append('{');
        field(out, "ts", Instant.ofEpochMilli(event.getTimeStamp()).toString());
        out.append(',');
        field(out, "level", event.getLevel().toString());
        out.append(',');
        field(out, "logger", event.getLoggerName());
        out.append(',');
        field(out, "thread", event.getThreadName());
        out.append(',');
        field(out, "msg", event.getFormattedMessage());
        boolean hasPod = false;
        if (event.getKeyValuePairs() != null) {
            for (KeyValuePair pair : event.getKeyValuePairs()) {
                if (pair.value == null) {
                    continue;
                }
                hasPod |= "pod_id".equals(pair.key);
                out.append(',');
                field(out, pair.key, String.valueOf(pair.value));
            }
        }
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc != null) {
            for (Map.Entry<String, String> entry : mdc.entrySet()) {
                hasPod |= "pod_id".equals(entry.getKey());
                out.append(',');
                field(out, entry.getKey(), entry.getValue());
            }
        }
        if (!hasPod && podId != null) {
            out.append(',');
            field(out, "pod_id", podId);
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            out.append(',');
            field(out, "error", ThrowableProxyUtil.asString(error));
        }
        out.append("}\n");
        return out.toString();
    }

    private static void field(StringBuilder out, String name, String value) {
        string(out, name);
        out.append(':');
        if (value == null) {
            out.append("null");
        } else {
            string(out, value);
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
