// Shared pieces of the k6 scenarios: the HTTP contract (routes, event name, cursor) and the
// per-message chunk checker. Keep in step with docs/architecture.md and shared DESIGN.md.
import http from 'k6/http';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { Counter, Trend, Rate } from 'k6/metrics';

export const BASE_URL = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const SESSION_PREFIX = __ENV.SESSION_PREFIX || 'k6';
export const SESSIONS = parseInt(__ENV.SESSIONS || '10', 10);
export const MAX_TOKENS = parseInt(__ENV.MAX_TOKENS || '32', 10);
export const CHUNK_EVENT = 'chunk';

export const chunksReceived = new Counter('chunks_received');
export const chunksLost = new Counter('chunks_lost');
export const chunksDuplicated = new Counter('chunks_duplicated');
export const chunksOutOfOrder = new Counter('chunks_out_of_order');
export const badCursors = new Counter('chunks_bad_cursor');
export const chunkLag = new Trend('chunk_lag_ms', true);
export const ttft = new Trend('ttft_ms', true);
export const messagesComplete = new Rate('messages_complete');

export function sessionId(index) {
  return `${SESSION_PREFIX}-${index % SESSIONS}`;
}

// Who the requests of a session come from. The pods give a session to the first user who uses it, and
// the stream and the posts of one session run in different VUs (often different scripts), so every
// request of session sid must carry the same user: AUTH=jwt mints an HS256 token with sub = "k6-<sid>"
// from JWT_SECRET (the pods' AUTH_JWT_SECRET); AUTH=none sends nothing (pods in AUTH_MODE=none).
// Guest cookies cannot be shared between VUs: against a guest-mode cluster use the Java load tool.
export const AUTH = __ENV.AUTH || 'none';
const JWT_SECRET = __ENV.JWT_SECRET || '';
const tokens = {};

function base64url(text) {
  return encoding.b64encode(text, 'rawurl');
}

export function sessionToken(sid) {
  if (!tokens[sid]) {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: `k6-${sid}`, iat: now, exp: now + 12 * 3600 };
    if (__ENV.JWT_ISSUER) { claims.iss = __ENV.JWT_ISSUER; }
    if (__ENV.JWT_AUDIENCE) { claims.aud = __ENV.JWT_AUDIENCE; }
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
    tokens[sid] = `${unsigned}.${crypto.hmac('sha256', JWT_SECRET, unsigned, 'base64rawurl')}`;
  }
  return tokens[sid];
}

// Headers that say who sends a request of session sid (merged into each request's own headers).
export function authHeaders(sid, headers) {
  if (AUTH === 'jwt') {
    return Object.assign({ Authorization: `Bearer ${sessionToken(sid)}` }, headers);
  }
  return headers;
}

export function streamUrl(sid) {
  return `${BASE_URL}/api/sessions/${sid}/stream`;
}

export function messagesUrl(sid) {
  return `${BASE_URL}/api/sessions/${sid}/messages`;
}

// A message id the pod accepts (single subject token) and uses as message_id via Idempotency-Key.
export function newMessageId() {
  return `k6-${__VU}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
}

// POST /api/sessions/{sid}/messages -> 202 {message_id, correlation_id}.
export function postMessage(sid, messageId, maxTokens) {
  const body = JSON.stringify({
    message: `k6 message ${messageId}`,
    context: { ai_provider: 'demo', max_tokens: maxTokens },
  });
  return http.post(messagesUrl(sid), body, {
    headers: authHeaders(sid, { 'Content-Type': 'application/json', 'Idempotency-Key': messageId }),
    tags: { name: 'POST /api/sessions/{sid}/messages' },
  });
}

// The SSE id is the cursor "<message_id>:<chunk_id>".
export function parseCursor(id) {
  const colon = id ? id.lastIndexOf(':') : -1;
  if (colon <= 0) {
    return null;
  }
  return { messageId: id.substring(0, colon), chunkId: parseInt(id.substring(colon + 1), 10) };
}

// Per-stream bookkeeping: every message must arrive with chunk ids 0,1,2,... up to the final chunk.
export class ChunkChecker {
  constructor() {
    this.next = {};      // message_id -> next expected chunk_id
    this.done = {};      // message_id -> true once the final chunk came
    this.lastId = null;  // last SSE id, for Last-Event-ID
  }

  // Returns the parsed chunk, or null when the event is not a chunk of the contract.
  accept(event, strictStart) {
    if (event.name !== CHUNK_EVENT) {
      return null;
    }
    const cursor = parseCursor(event.id);
    const chunk = JSON.parse(event.data);
    if (!cursor || cursor.messageId !== chunk.message_id || cursor.chunkId !== chunk.chunk_id) {
      badCursors.add(1);
    }
    this.lastId = event.id;
    const mid = chunk.message_id;
    const id = chunk.chunk_id;
    chunksReceived.add(1);
    chunkLag.add(Date.now() - Date.parse(chunk.timestamp));
    if (this.done[mid] || (this.next[mid] !== undefined && id < this.next[mid])) {
      if (this.done[mid] || id === this.next[mid] - 1) {
        chunksDuplicated.add(1);
      } else {
        chunksOutOfOrder.add(1);
      }
      return chunk;
    }
    const expected = this.next[mid] === undefined ? (strictStart ? 0 : id) : this.next[mid];
    if (id > expected) {
      chunksLost.add(id - expected);
    }
    this.next[mid] = id + 1;
    if (chunk.is_final) {
      this.done[mid] = true;
      messagesComplete.add(true);
    }
    return chunk;
  }
}

// Thresholds shared with the Java load generator: any lost, duplicated or out-of-order chunk
// fails the run; latency goals are env-tunable (the defaults are the local zero-delay goals).
export function thresholds(extra) {
  return Object.assign({
    chunks_lost: ['count==0'],
    chunks_duplicated: ['count==0'],
    chunks_out_of_order: ['count==0'],
    chunks_bad_cursor: ['count==0'],
    chunk_lag_ms: [`p(99)<${__ENV.LAG_P99_MS || '50'}`],
    ttft_ms: [`p(99)<${__ENV.TTFT_P99_MS || '10'}`],
  }, extra || {});
}
