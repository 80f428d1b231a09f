// Resume: each VU posts a message, reads part of the answer, drops the stream, reopens it with
// Last-Event-ID = the last cursor seen, and asserts that the rest follows with no gap and no
// duplicate up to the final chunk. Give the workers a token delay (DEMO_TOKEN_DELAY_MS, e.g. 20)
// so the answer is still streaming when the stream is reopened.
//
//   ./k6 run -e BASE_URL=http://127.0.0.1:8080 -e VUS=20 loadtest/k6/resume.js
import sse from 'k6/x/sse';
import { check, fail } from 'k6';
import { Counter } from 'k6/metrics';
import { authHeaders, ChunkChecker, MAX_TOKENS, newMessageId, postMessage, streamUrl, thresholds, SESSION_PREFIX } from './lib/chat.js';

const CUT_AFTER = parseInt(__ENV.CUT_AFTER || '5', 10);
const resumeGaps = new Counter('resume_gaps');
const resumeDuplicates = new Counter('resume_duplicates');

export const options = {
  scenarios: {
    resume: {
      executor: 'per-vu-iterations',
      vus: parseInt(__ENV.VUS || '10', 10),
      iterations: parseInt(__ENV.ITERATIONS || '3', 10),
      maxDuration: '2m',
    },
  },
  thresholds: thresholds({
    resume_gaps: ['count==0'],
    resume_duplicates: ['count==0'],
    'checks{check:resumed up to the final chunk}': ['rate==1'],
  }),
};

export default function () {
  const sid = `${SESSION_PREFIX}-resume-${__VU}-${__ITER}`;
  const mid = newMessageId();
  const checker = new ChunkChecker();
  let seen = 0;

  // First stream: post once it is open, keep CUT_AFTER chunks of our message, then drop it.
  const first = sse.open(streamUrl(sid), { method: 'GET', headers: authHeaders(sid, { Accept: 'text/event-stream' }) }, function (client) {
    client.on('open', function () {
      const res = postMessage(sid, mid, MAX_TOKENS);
      if (res.status !== 202) {
        fail(`POST answered ${res.status}`);
      }
    });
    client.on('event', function (event) {
      const chunk = checker.accept(event, true);
      if (chunk !== null && chunk.message_id === mid && (++seen >= CUT_AFTER || chunk.is_final)) {
        client.close();
      }
    });
  });
  check(first, { 'first stream opened': (r) => r && r.status === 200 });
  const cursor = checker.lastId;
  if (cursor === null) {
    fail('no chunk before the cut');
  }
  const lastBeforeCut = parseInt(cursor.substring(cursor.lastIndexOf(':') + 1), 10);

  // Second stream: resume after the cursor; the first chunk must be the next id.
  let firstAfterResume = null;
  let finished = checker.done[mid] === true;
  if (!finished) {
    const second = sse.open(streamUrl(sid), {
      method: 'GET',
      headers: authHeaders(sid, { Accept: 'text/event-stream', 'Last-Event-ID': cursor }),
    }, function (client) {
      client.on('event', function (event) {
        if (event.name !== 'chunk') {
          return;
        }
        const data = JSON.parse(event.data);
        if (data.message_id === mid && firstAfterResume === null) {
          firstAfterResume = data.chunk_id;
          if (data.chunk_id > lastBeforeCut + 1) {
            resumeGaps.add(data.chunk_id - lastBeforeCut - 1);
          } else if (data.chunk_id <= lastBeforeCut) {
            resumeDuplicates.add(lastBeforeCut + 1 - data.chunk_id);
          }
        }
        const chunk = checker.accept(event, true);
        if (chunk !== null && chunk.message_id === mid && chunk.is_final) {
          finished = true;
          client.close();
        }
      });
    });
    check(second, { 'resumed stream opened': (r) => r && r.status === 200 });
  }
  check(finished, { 'resumed up to the final chunk': (f) => f === true });
}
