package dev.chatstream.deploy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The NATS image is a pinned patch release that has the fixes for the advisories affecting the 2.9.10 the
 * project started on. The newest of them, CVE-2025-30215 (GHSA-fhg8-qxh5-7q3w: JetStream API requests
 * across accounts without authorization), is fixed in 2.10.27 and 2.11.1; CVE-2023-47090 (no_auth_user
 * bypass) in 2.9.23 / 2.10.2. docs/security-edges.md lists them.
 */
class NatsServerVersionTest {
    private static final Pattern IMAGE = Pattern.compile("nats:(\\d+)\\.(\\d+)\\.(\\d+)-alpine");

    @Test
    @DisplayName("the NATS image is an exact patch release at or past the fixes for the advisories that affect 2.9.10")
    void imageHasTheSecurityFixes() {
        Matcher version = IMAGE.matcher(Images.NATS);
        assertThat(version.matches()).as(Images.NATS + " pins major.minor.patch").isTrue();
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        int patch = Integer.parseInt(version.group(3));
        assertThat(major).isEqualTo(2);
        boolean fixed = minor > 11 || (minor == 11 && patch >= 1) || (minor == 10 && patch >= 27);
        assertThat(fixed).as(Images.NATS + " has the CVE-2025-30215 fix (2.10.27+, 2.11.1+)").isTrue();
    }
}
