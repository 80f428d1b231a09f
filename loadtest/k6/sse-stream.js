// One SSE stream per VU on GET /api/sessions/{sid}/stream (xk6-sse), checking that every message
// arrives with chunk ids 0,1,2,... once and in order, the lag from each chunk's timestamp, and,
// with SEND=1, the time to first token of messages this VU posts itself.
//
//   ./k6 run -e BASE_URL=http://127.0.0.1:8080 -e VUS=200 -e SEND=1 loadtest/k6/sse-stream.js
import sse from 'k6/x/sse';
import { check } from 'k6';
import { setInterval, setTimeout, clearInterval } from 'k6/timers';
import {
  authHeaders, ChunkChecker, MAX_TOKENS, newMessageId, postMessage, sessionId, streamUrl, thresholds, ttft,
} from './lib/chat.js';

const HOLD_SECONDS = parseFloat(__ENV.HOLD_SECONDS || '30');
const SEND = __ENV.SEND === '1';
const SEND_INTERVAL_MS = parseInt(__ENV.SEND_INTERVAL_MS || '1000', 10);

export const options = {
  scenarios: {
    streams: {
      executor: 'per-vu-iterations',
      vus: parseInt(__ENV.VUS || '50', 10),
      iterations: 1,
      maxDuration: `${HOLD_SECONDS + 30}s`,
    },
  },
  thresholds: thresholds({ 'checks{check:stream opened}': ['rate==1'] }),
};

export default function () {
  const sid = sessionId(__VU);
  const checker = new ChunkChecker();
  const sentAt = {};        // message_id -> Date.now() when this VU posted it
  const firstSeen = {};     // message_id -> true once its first chunk came

  const response = sse.open(streamUrl(sid), {
    method: 'GET',
    headers: authHeaders(sid, { Accept: 'text/event-stream' }),
    tags: { name: 'GET /api/sessions/{sid}/stream' },
  }, function (client) {
    let sender = null;
    client.on('open', function () {
      if (SEND) {
        sender = setInterval(function () {
          const mid = newMessageId();
          sentAt[mid] = Date.now();
          const res = postMessage(sid, mid, MAX_TOKENS);
          check(res, { 'message accepted (202)': (r) => r.status === 202 });
        }, SEND_INTERVAL_MS);
      }
      setTimeout(function () {
        if (sender !== null) {
          clearInterval(sender);
        }
        client.close();
      }, HOLD_SECONDS * 1000);
    });

    client.on('event', function (event) {
      const chunk = checker.accept(event, false);
      if (chunk === null) {
        return;
      }
      const mid = chunk.message_id;
      if (sentAt[mid] !== undefined && !firstSeen[mid]) {
        firstSeen[mid] = true;
        ttft.add(Date.now() - sentAt[mid]);
        check(chunk, { 'own message starts at chunk 0': (c) => c.chunk_id === 0 });
      }
    });

    client.on('error', function (e) {
      console.error(`stream ${sid}: ${e.error()}`);
    });
  });

  check(response, { 'stream opened': (r) => r && r.status === 200 });
}
