package dev.chatstream.pod.support;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a test class one {@link PodFixture} (nats-server, redis-server and an in-process pod), started before
 * its first test and closed after its last, in its {@code static PodFixture} field, as {@code @TempDir} fills
 * a static field. The class then says only what differs: the settings in {@link #env()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(PodExtension.class)
public @interface WithPod {

    /** Pod settings over the fixture's defaults, as name, value, name, value... */
    String[] env() default {};
}
