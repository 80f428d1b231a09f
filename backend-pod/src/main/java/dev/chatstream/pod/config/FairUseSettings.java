package dev.chatstream.pod.config;

import dev.chatstream.config.AnswerLimits;
import dev.chatstream.config.ConfigException;
import dev.chatstream.config.Env;

import java.util.List;

/**
 * Per-user and per-address limits, with defaults meant to hold without tuning:
 * {@code MAX_ACTIVE_ANSWERS_PER_USER} (answers generating at once, cluster-wide, default 4),
 * {@code MESSAGE_RATE_BURST} / {@code MESSAGE_RATE_PER_SECOND} (a token bucket per user, cluster-wide,
 * default 10 and 1), {@code MAX_CONNECTIONS_PER_USER} (open streams per user on one pod, default 16),
 * {@code MAX_CONNECTIONS_PER_IP} (open streams per client address on one pod, default 256) and
 * {@code TRUSTED_PROXIES} (addresses or CIDRs whose {@code X-Forwarded-For} is believed, default loopback).
 * {@code ANSWER_MAX_DURATION} bounds how long an answer may hold a user's slot.
 */
public record FairUseSettings(int maxActiveAnswers, int messageBurst, double messagesPerSecond, int maxStreamsPerUser,
                              int maxStreamsPerIp, List<String> trustedProxies, AnswerLimits answerLimits) {
    public static final int DEFAULT_MAX_ACTIVE_ANSWERS = 4;
    public static final int DEFAULT_MESSAGE_BURST = 10;
    public static final double DEFAULT_MESSAGES_PER_SECOND = 1.0;
    public static final int DEFAULT_MAX_STREAMS_PER_USER = 16;
    public static final int DEFAULT_MAX_STREAMS_PER_IP = 256;
    public static final String DEFAULT_TRUSTED_PROXIES = "127.0.0.1/8,::1";

    public static FairUseSettings fromEnv(Env env) {
        List<String> proxies = List.of(env.string("TRUSTED_PROXIES", DEFAULT_TRUSTED_PROXIES).split("\\s*,\\s*"))
                .stream().filter(s -> !s.isBlank()).toList();
        for (String proxy : proxies) {
            if (!AddressRange.isValid(proxy)) {
                throw new ConfigException("TRUSTED_PROXIES", "'" + proxy.replaceAll("[^\\x20-\\x7e]", "?")
                        + "' is not an IP address or CIDR range");
            }
        }
        return new FairUseSettings(
                env.integer("MAX_ACTIVE_ANSWERS_PER_USER", DEFAULT_MAX_ACTIVE_ANSWERS, 1, 10_000),
                env.integer("MESSAGE_RATE_BURST", DEFAULT_MESSAGE_BURST, 1, 1_000_000),
                env.decimal("MESSAGE_RATE_PER_SECOND", DEFAULT_MESSAGES_PER_SECOND, 0.001, 1_000_000),
                env.integer("MAX_CONNECTIONS_PER_USER", DEFAULT_MAX_STREAMS_PER_USER, 1, 10_000_000),
                env.integer("MAX_CONNECTIONS_PER_IP", DEFAULT_MAX_STREAMS_PER_IP, 1, 10_000_000),
                proxies, AnswerLimits.fromEnv(env));
    }
}
