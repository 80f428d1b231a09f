package dev.chatstream.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local load balancer's access log never holds a query string: stream URLs carry {@code access_token}
 * (an EventSource cannot send headers), and a bearer token in a log file is a credential anyone with the
 * logs can replay.
 */
class NginxAccessLogTest {
    private static final Pattern LOG_FORMAT = Pattern.compile("log_format\\s+\\w+((?:\\s+'[^']*')+)\\s*;");
    /** nginx variables that include the query string, or single arguments of it. */
    private static final List<String> WITH_QUERY = List.of("$request ", "$request\"", "$request_uri", "$args",
            "$query_string", "$arg_", "$is_args");

    @Test
    @DisplayName("every access log format logs the path ($uri) and no variable that carries the query string")
    void accessLogHasNoQueryStrings() throws Exception {
        String conf = Files.readString(DeployFiles.resolve("nginx/nginx.conf.template"));
        Matcher formats = LOG_FORMAT.matcher(conf);
        int found = 0;
        while (formats.find()) {
            found++;
            String format = formats.group(1);
            assertThat(format).contains("$uri");
            for (String variable : WITH_QUERY) {
                assertThat(format).as("log_format uses %s", variable.strip()).doesNotContain(variable);
            }
        }
        assertThat(found).as("log_format lines").isPositive();
        // No access_log falls back to nginx's predefined "combined" format, which logs $request.
        assertThat(conf).containsPattern("access_log\\s+\\S+\\s+chat;")
                .doesNotContainPattern("access_log\\s+\\S+\\s*;")
                .doesNotContain("combined");
    }
}
