import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publishes N demo requests straight to WORKFLOW_REQUESTS, as pods would (one session each), for
 * worker-capacity.sh. Usage: java -cp jnats.jar PublishRequests.java NATS_URL N MAX_TOKENS PREFIX
 */
public class PublishRequests {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        int n = Integer.parseInt(args[1]);
        int maxTokens = Integer.parseInt(args[2]);
        String prefix = args[3];
        try (Connection nc = Nats.connect(url)) {
            JetStream js = nc.jetStream();
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String sid = prefix + "-s" + i;
                String mid = prefix + "-m" + i;
                String json = "{\"message_id\":\"" + mid + "\",\"session_id\":\"" + sid + "\",\"message\":\"capacity\","
                        + "\"context\":{\"ai_provider\":\"demo\",\"max_tokens\":" + maxTokens + "},"
                        + "\"timestamp\":\"" + Instant.now() + "\",\"correlation_id\":\"c-" + mid + "\"}";
                acks.add(js.publishAsync("chat.workflow.execute." + sid, null, json.getBytes(StandardCharsets.UTF_8),
                        PublishOptions.builder().messageId(mid).build()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
            System.out.println("published " + n);
        }
    }
}
