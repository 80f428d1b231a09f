package dev.chatstream.pod.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts the {@link PodFixture} a {@link WithPod} class asks for and closes it after the class. */
final class PodExtension implements BeforeAllCallback, AfterAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        Field field = fixtureField(testClass);
        field.set(null, PodFixture.start(env(testClass.getAnnotation(WithPod.class))));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Field field = fixtureField(context.getRequiredTestClass());
        PodFixture fixture = (PodFixture) field.get(null);
        if (fixture != null) {
            fixture.close();
            field.set(null, null);
        }
    }

    private static Map<String, String> env(WithPod settings) {
        String[] pairs = settings.env();
        if (pairs.length % 2 != 0) {
            throw new ExtensionConfigurationException("@WithPod env wants name, value pairs: " + Arrays.toString(pairs));
        }
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    /** The one static {@link PodFixture} field of the test class. */
    private static Field fixtureField(Class<?> testClass) {
        List<Field> fields = Arrays.stream(testClass.getDeclaredFields())
                .filter(f -> f.getType() == PodFixture.class && Modifier.isStatic(f.getModifiers()))
                .toList();
        if (fields.size() != 1) {
            throw new ExtensionConfigurationException(testClass.getSimpleName()
                    + " needs exactly one static PodFixture field for @WithPod, has " + fields.size());
        }
        Field field = fields.get(0);
        field.setAccessible(true);
        return field;
    }
}
