// Posts messages at a constant rate to POST /api/sessions/{sid}/messages, spread over the sessions
// the sse-stream.js VUs listen to (same SESSION_PREFIX and SESSIONS). Run both at once:
//
//   ./k6 run -e SESSIONS=50 loadtest/k6/sse-stream.js &
//   ./k6 run -e SESSIONS=50 -e RATE=100 -e DURATION=30s loadtest/k6/send-messages.js
import { check } from 'k6';
import { Counter } from 'k6/metrics';
import { MAX_TOKENS, newMessageId, postMessage, sessionId } from './lib/chat.js';

const accepted = new Counter('messages_accepted');

export const options = {
  scenarios: {
    messages: {
      executor: 'constant-arrival-rate',
      rate: parseInt(__ENV.RATE || '10', 10),
      timeUnit: '1s',
      duration: __ENV.DURATION || '30s',
      preAllocatedVUs: parseInt(__ENV.PRE_VUS || '20', 10),
      maxVUs: parseInt(__ENV.MAX_VUS || '200', 10),
    },
  },
  thresholds: {
    http_req_failed: ['rate==0'],
    'http_req_duration{name:POST /api/sessions/{sid}/messages}': [`p(99)<${__ENV.POST_P99_MS || '50'}`],
    checks: ['rate==1'],
  },
};

let sent = 0;

export default function () {
  const sid = sessionId(sent++ * 7919 + __VU);
  const mid = newMessageId();
  const res = postMessage(sid, mid, MAX_TOKENS);
  const ok = check(res, {
    'message accepted (202)': (r) => r.status === 202,
    'message_id is the Idempotency-Key': (r) => r.status === 202 && r.json('message_id') === mid,
    'correlation_id present': (r) => r.status === 202 && typeof r.json('correlation_id') === 'string',
  });
  if (ok) {
    accepted.add(1);
  }
}
