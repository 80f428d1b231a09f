// Chatstream browser client: plain JS, no build step; the only third-party code is markdown-it, vendored as a
// file (vendor/markdown-it) and used through markdown.js to show answers as Markdown.
//
// One page = one session (`?session=<id>` in the URL; a link or a second tab joins it).
// Messages go out as POST /api/sessions/{sid}/messages with an Idempotency-Key, answers come back
// over one EventSource on /api/sessions/{sid}/stream as `chunk` events whose id is the cursor
// `<message_id>:<chunk_id>`. The rendered conversation and the last cursor are saved together, so
// a reload renders what was shown and resumes right after it: nothing missing, nothing twice.
'use strict';

(() => {
  const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
  const STORE_PREFIX = 'chatstream:v1:';
  const MAX_TURNS = 200;
  const SAVE_DELAY_MS = 150;
  const POST_RETRIES = 2;
  const FINAL = new Set(['done', 'cancelled', 'error']);
  const ACTIVE = new Set(['waiting', 'streaming']);
  const CONNECTION_TEXT = {
    connecting: 'Connecting…',
    connected: 'Connected',
    reconnecting: 'Reconnecting…',
    resumed: 'Resumed',
    offline: 'Offline — waiting for the network',
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    conversation: $('conversation'), empty: $('empty'), notice: $('notice'), connection: $('connection'),
    form: $('composer'), input: $('message'), send: $('send'), stop: $('stop'), maxTokens: $('max-tokens'),
    sessionId: $('session-id'), sessionLink: $('session-link'),
  };

  // ---- session id -------------------------------------------------------------------------------

  function randomToken(bytes) {
    const raw = crypto.getRandomValues(new Uint8Array(bytes));
    return btoa(String.fromCharCode(...raw)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function sessionFromUrl() {
    const url = new URL(location.href);
    let sid = url.searchParams.get('session');
    if (!sid && url.hash.length > 1) sid = decodeURIComponent(url.hash.slice(1));
    if (sid && !TOKEN.test(sid)) {
      showNotice('The session id in the link is not valid (letters, digits, - and _ only); this is a new conversation.');
      sid = null;
    }
    if (!sid) sid = randomToken(12);
    url.searchParams.set('session', sid);
    url.hash = '';
    history.replaceState(null, '', url);
    return sid;
  }

  const sid = sessionFromUrl();
  const storeKey = STORE_PREFIX + sid;
  ui.sessionId.textContent = sid;
  ui.sessionLink.href = location.href;
  ui.sessionLink.target = '_blank';

  // ---- state ------------------------------------------------------------------------------------
  // turn: {mid, user, from: 'self'|'tab'|'other', answer, last (highest chunk id shown), restarts[],
  //        status: 'sending'|'failed'|'waiting'|'streaming'|'done'|'cancelled'|'error', note, meta}

  const turns = new Map();
  let cursor = null;

  function snapshot() {
    const list = [...turns.values()].slice(-MAX_TURNS).map(({ el, ...plain }) => plain);
    return JSON.stringify({ cursor, turns: list });
  }

  let saveTimer = null;
  function scheduleSave() {
    if (saveTimer === null) saveTimer = setTimeout(saveNow, SAVE_DELAY_MS);
  }
  function saveNow() {
    clearTimeout(saveTimer);
    saveTimer = null;
    const text = snapshot();
    for (const storage of [sessionStorage, localStorage]) {
      try { storage.setItem(storeKey, text); } catch (e) { /* full or disabled: the page still works */ }
    }
  }

  function restore() {
    let text = null;
    let fromThisTab = false;
    try {
      text = sessionStorage.getItem(storeKey);
      fromThisTab = text !== null;
      if (text === null) text = localStorage.getItem(storeKey);
    } catch (e) { return; }
    if (!text) return;
    let saved;
    try { saved = JSON.parse(text); } catch (e) { return; }
    if (typeof saved.cursor === 'string') cursor = saved.cursor;
    for (const t of saved.turns || []) {
      if (!t || !TOKEN.test(t.mid)) continue;
      // Another tab's unconfirmed POST is that tab's business; this tab only waits for its answer.
      if (t.status === 'sending' && !fromThisTab) t.status = 'waiting';
      t.seenAt = Date.now();
      turns.set(t.mid, t);
      render(t);
    }
    for (const t of turns.values()) {
      if (t.status === 'sending') post(t); // same Idempotency-Key: processed once even if it got through
    }
  }

  // ---- rendering --------------------------------------------------------------------------------

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function build(t) {
    const li = element('li', 'turn');
    li.dataset.mid = t.mid;
    const user = element('div', 'msg user');
    user.append(element('span', 'who', 'You'), element('p', 'text'));
    const answer = element('div', 'msg answer');
    answer.append(element('span', 'who', 'Assistant'), element('div', 'text markdown'), element('p', 'note'));
    const retry = element('button', 'retry secondary', 'Retry');
    retry.type = 'button';
    retry.setAttribute('aria-label', 'Retry sending this message');
    retry.hidden = true;
    retry.addEventListener('click', () => post(t));
    answer.append(retry);
    li.append(user, answer);
    ui.conversation.append(li);
    ui.empty.hidden = true;
    t.el = {
      li, user: user.querySelector('.text'), answerBox: answer, answer: answer.querySelector('.text'),
      note: answer.querySelector('.note'), retry, rendered: '',
    };
  }

  function render(t) {
    const stick = nearBottom();
    if (!t.el) build(t);
    const el = t.el;
    el.li.dataset.status = t.status;
    el.answerBox.setAttribute('aria-busy', String(ACTIVE.has(t.status) || t.status === 'sending'));
    if (t.user === null || t.user === undefined) {
      el.user.textContent = '(message sent from another tab or device)';
      el.user.classList.add('placeholder');
    } else {
      el.user.textContent = t.user;
      el.user.classList.remove('placeholder');
    }
    // The Markdown source, also what the tests compare; the HTML follows at the next frame.
    if (el.answer.dataset.markdown !== t.answer) {
      el.answer.dataset.markdown = t.answer;
      scheduleMarkdown(t);
    }
    el.note.textContent = noteFor(t);
    el.retry.hidden = t.status !== 'failed';
    updateStop();
    if (stick) window.scrollTo(0, document.body.scrollHeight);
  }

  // An answer is rendered as Markdown again as a whole (an unclosed list or code block changes what came
  // before), at most once per frame however many chunks arrived: a replay of a long answer arrives in a burst.
  // The timeout covers a hidden tab, where animation frames wait until it is shown.
  const dirty = new Set();
  let frame = null;
  let frameTimer = null;

  function scheduleMarkdown(t) {
    dirty.add(t);
    if (frame !== null) return;
    frame = requestAnimationFrame(renderMarkdown);
    frameTimer = setTimeout(renderMarkdown, 100);
  }

  function renderMarkdown() {
    cancelAnimationFrame(frame);
    clearTimeout(frameTimer);
    frame = null;
    const stick = nearBottom();
    for (const t of dirty) {
      if (t.el && t.el.rendered !== t.answer) {
        window.ChatMarkdown.renderInto(t.el.answer, t.answer);
        t.el.rendered = t.answer;
      }
    }
    dirty.clear();
    if (stick) window.scrollTo(0, document.body.scrollHeight);
  }

  function noteFor(t) {
    const meta = t.meta ? [t.meta.model, t.meta.tokens_used != null ? `${t.meta.tokens_used} tokens` : null]
      .filter(Boolean).join(' · ') : '';
    switch (t.status) {
      case 'sending': return t.note || 'Sending…';
      case 'waiting': return t.answer ? '' : (t.note || 'Thinking…');
      case 'streaming': return t.note || '';
      case 'cancelled': return 'Stopped.' + (meta ? ` (${meta})` : '');
      default: return [t.note, meta].filter(Boolean).join(' — ');
    }
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 80;
  }

  function showNotice(text) {
    ui.notice.textContent = text;
    ui.notice.hidden = false;
  }

  function updateStop() {
    ui.stop.disabled = !activeTurn();
  }

  function activeTurn() {
    let found = null;
    for (const t of turns.values()) if (ACTIVE.has(t.status)) found = t;
    return found;
  }

  function turnFor(mid, user, from) {
    let t = turns.get(mid);
    if (!t) {
      t = { mid, user, from, answer: '', last: -1, restarts: [], status: 'waiting', note: '', meta: null };
      turns.set(mid, t);
    }
    return t;
  }

  // ---- chunks -----------------------------------------------------------------------------------

  function onChunk(event) {
    if (event.target !== source) return; // a stream closed for a resync: its queued events are stale
    let c;
    try { c = JSON.parse(event.data); } catch (e) { return; }
    if (!c || typeof c !== 'object' || !TOKEN.test(String(c.message_id))) return;
    if (apply(c) === GAP) {
      resync(turns.get(c.message_id));
    } else if (event.lastEventId) {
      cursor = event.lastEventId;
    }
    scheduleSave();
  }

  // Chunk ids of a message rise by exactly one. A chunk past a hole means the server lost some on the
  // way (e.g. a resume on another pod before the answer was routed there): rather than show text with
  // a piece missing, reconnect from the last chunk shown and let the server replay the rest from history.
  const GAP = 'gap';
  const MAX_RESYNCS_PER_GAP = 3;
  const resyncTries = new Map();
  let resyncs = 0;

  function isGap(t, id) {
    if (t.last < 0 || id <= t.last + 1) return false;
    return (resyncTries.get(`${t.mid}:${t.last}`) || 0) < MAX_RESYNCS_PER_GAP;
  }

  // The same for an answer that stops short: the chunks that end it may have been lost the same way,
  // and then no later chunk would reveal the hole. Silence while streaming asks for a replay.
  // An accepted message whose answer never starts may have lost its first chunks the same way.
  const STALL_MS = 4000;
  const NO_START_MS = 8000;
  setInterval(() => {
    if (!source || source.readyState !== EventSource.OPEN) return;
    const now = Date.now();
    for (const t of turns.values()) {
      if (t.status === 'streaming' && t.last >= 0 && now - (t.seenAt || now) > STALL_MS
          && (resyncTries.get(`${t.mid}:${t.last}`) || 0) < MAX_RESYNCS_PER_GAP) {
        t.seenAt = now;
        resync(t);
        return;
      }
      if (t.status === 'waiting' && t.acceptedAt && now - t.acceptedAt > NO_START_MS && cursor
          && (resyncTries.get(`${t.mid}:start`) || 0) < MAX_RESYNCS_PER_GAP) {
        t.acceptedAt = now;
        resyncFrom(cursor, `${t.mid}:start`);
        return;
      }
    }
  }, 1000);

  function resync(t) {
    resyncFrom(`${t.mid}:${t.last}`, `${t.mid}:${t.last}`);
  }

  // Reconnects after `position`; `key` counts the attempts for one hole.
  function resyncFrom(position, key) {
    resyncTries.set(key, (resyncTries.get(key) || 0) + 1);
    document.documentElement.dataset.resyncs = String(++resyncs);
    cursor = position;
    interrupted = true;
    setConnection('reconnecting');
    if (source) source.close();
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, 250); // history is written a few ms behind the live path
  }

  function apply(c) {
    const id = Number(c.chunk_id);
    if (c.chunk_type === 'system' && c.chunk === 'history_gap') {
      showNotice('Part of this conversation is older than the server keeps; some earlier text may be missing.');
      return;
    }
    const t = turnFor(c.message_id, otherTabTexts.get(c.message_id) ?? null, 'other');
    if (c.chunk_type === 'system') {
      // A redelivered request starts over: drop the partial answer instead of gluing two attempts.
      if (c.chunk === 'restart' && !t.restarts.includes(id) && !FINAL.has(t.status)) {
        t.restarts.push(id);
        t.answer = '';
        t.last = id;
        t.seenAt = Date.now();
        t.status = 'streaming';
        t.note = 'The answer restarted after a server hand-over.';
        render(t);
      }
      return;
    }
    // Defence in depth: the server already de-duplicates; never show a chunk twice.
    if (id <= t.last || FINAL.has(t.status)) return null;
    if (isGap(t, id)) return GAP;
    if (t.last >= 0 && id > t.last + 1) {
      showNotice('The server could not replay part of an answer; some text is missing.');
    }
    t.last = id;
    t.seenAt = Date.now();
    if (t.status !== 'streaming') t.note = '';
    t.status = 'streaming';
    if (c.chunk_type === 'content' && typeof c.chunk === 'string') t.answer += c.chunk;
    if (c.chunk_type === 'error') {
      t.status = 'error';
      t.note = 'The answer failed: ' + describe(c.error);
    }
    if (c.is_final) finish(t, c);
    render(t);
  }

  function finish(t, c) {
    const meta = c.metadata || {};
    t.meta = { model: meta.model || null, tokens_used: meta.tokens_used ?? null };
    switch (meta.finish_reason) {
      case 'cancelled': t.status = 'cancelled'; break;
      case 'error':
        t.status = 'error';
        if (!t.note) t.note = 'The answer failed: ' + describe(c.error);
        break;
      case 'length': t.status = 'done'; t.note = 'Stopped at the token limit.'; break;
      default: if (t.status !== 'error') t.status = 'done';
    }
  }

  function describe(error) {
    if (!error) return 'unknown error';
    const message = error.message || 'unknown error';
    return error.code ? `${message} (${error.code})` : message;
  }

  // ---- stream -----------------------------------------------------------------------------------

  let source = null;
  let everOpened = false;
  let interrupted = false;
  let reconnectDelay = 1000;
  let reconnectTimer = null;
  let openWaiters = [];

  // Resolves once the stream is open, or after timeoutMs. A stream that has never received an event
  // has no cursor to resume from, so a message is best posted while it is open: then no chunk of the
  // answer can pass by before the stream is there to receive it.
  function streamReady(timeoutMs) {
    if (cursor || (source && source.readyState === EventSource.OPEN)) return Promise.resolve();
    if (source && source.readyState === EventSource.CLOSED) connect();
    return new Promise((resolve) => {
      openWaiters.push(resolve);
      setTimeout(resolve, timeoutMs);
    });
  }

  function setConnection(state) {
    ui.connection.dataset.state = state;
    ui.connection.textContent = CONNECTION_TEXT[state];
    ui.connection.title = state === 'resumed' ? 'The stream was interrupted and resumed where it left off.' : '';
  }

  function connect() {
    clearTimeout(reconnectTimer);
    if (source) source.close();
    const url = new URL(`/api/sessions/${encodeURIComponent(sid)}/stream`, location.href);
    // Only a fresh EventSource needs the query parameter; its own reconnects send Last-Event-ID.
    if (cursor) url.searchParams.set('lastEventId', cursor);
    const es = new EventSource(url);
    source = es;
    es.addEventListener('open', () => {
      reconnectDelay = 1000;
      setConnection(everOpened && interrupted ? 'resumed' : 'connected');
      everOpened = true;
      interrupted = false;
      openWaiters.splice(0).forEach((resolve) => resolve());
    });
    es.addEventListener('chunk', onChunk);
    es.addEventListener('message', onChunk); // unnamed events, should a server send them
    es.addEventListener('error', () => {
      if (source !== es) return;
      interrupted = true;
      setConnection(navigator.onLine === false ? 'offline' : 'reconnecting');
      // CONNECTING: the browser retries by itself. CLOSED (e.g. a 502/503 answer): we retry, with backoff.
      if (es.readyState === EventSource.CLOSED) {
        reconnectTimer = setTimeout(connect, reconnectDelay);
        reconnectDelay = Math.min(reconnectDelay * 2, 15000);
      }
    });
  }

  window.addEventListener('online', () => {
    reconnectDelay = 1000;
    if (!source || source.readyState === EventSource.CLOSED) connect();
    else setConnection(source.readyState === EventSource.OPEN ? 'connected' : 'reconnecting');
  });
  window.addEventListener('offline', () => setConnection('offline'));

  // ---- sending ----------------------------------------------------------------------------------

  const channel = 'BroadcastChannel' in window ? new BroadcastChannel(storeKey) : null;
  const otherTabTexts = new Map();
  if (channel) {
    // Tabs of this browser tell each other what the user typed; the server streams only answers.
    channel.addEventListener('message', (event) => {
      const { mid, text } = event.data || {};
      if (!TOKEN.test(String(mid)) || typeof text !== 'string') return;
      otherTabTexts.set(mid, text);
      const t = turnFor(mid, text, 'tab');
      if (t.user === null) { t.user = text; t.from = 'tab'; }
      render(t);
      scheduleSave();
    });
  }

  function body(t) {
    const payload = { message: t.user };
    if (t.maxTokens) payload.context = { max_tokens: t.maxTokens };
    return JSON.stringify(payload);
  }

  async function post(t, attempt = 0) {
    if (attempt > 0 && t.status !== 'sending') return; // an answer arrived meanwhile: it got through
    t.status = 'sending';
    t.note = attempt ? 'Retrying…' : '';
    render(t);
    await streamReady(10000);
    let res;
    try {
      res = await fetch(`/api/sessions/${encodeURIComponent(sid)}/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Idempotency-Key': t.mid },
        body: body(t),
      });
    } catch (e) {
      return retryOrFail(t, attempt, 1000, 'Could not reach the server (is the network down?). The message was not sent.');
    }
    if (res.ok) {
      if (t.status === 'sending') { t.status = 'waiting'; t.note = ''; t.acceptedAt = Date.now(); }
      render(t);
      scheduleSave();
      return;
    }
    const error = await readError(res);
    const retryAfter = Number(res.headers.get('Retry-After')) || 1;
    const text = httpProblem(res.status, error, retryAfter);
    if (res.status === 503 || res.status === 502 || res.status === 504) return retryOrFail(t, attempt, retryAfter * 1000, text);
    fail(t, text);
  }

  function retryOrFail(t, attempt, delayMs, text) {
    if (attempt < POST_RETRIES) {
      t.note = text + ' Retrying…';
      render(t);
      // The Idempotency-Key stays the same, so the server processes the message at most once.
      setTimeout(() => post(t, attempt + 1), Math.min(delayMs, 5000) * (attempt + 1));
      return;
    }
    fail(t, text);
  }

  function fail(t, text) {
    if (t.status !== 'sending') return; // an answer arrived meanwhile: the message did get through
    t.status = 'failed';
    t.note = text;
    render(t);
    saveNow();
  }

  async function readError(res) {
    try {
      const json = await res.json();
      if (json && json.error) return json.error;
    } catch (e) { /* not JSON: fall through */ }
    return { code: `http_${res.status}`, message: res.statusText || 'no details' };
  }

  function httpProblem(status, error, retryAfter) {
    const detail = describe(error);
    switch (status) {
      case 400: return `The server refused the message: ${detail}`;
      case 413: return `The message is too long: ${detail}`;
      case 429: return `Too many messages; wait a moment. ${detail}`;
      case 502: case 503: case 504:
        return `The service is unavailable right now (HTTP ${status}, try again in ${retryAfter} s): ${detail}`;
      default: return `The message failed (HTTP ${status}): ${detail}`;
    }
  }

  async function cancel() {
    const t = activeTurn();
    if (!t) return;
    ui.stop.disabled = true;
    let res;
    try {
      res = await fetch(`/api/sessions/${encodeURIComponent(sid)}/messages/${encodeURIComponent(t.mid)}/cancel`,
        { method: 'POST' });
    } catch (e) {
      t.note = 'Could not reach the server to stop the answer.';
      render(t);
      return;
    }
    if (res.ok) {
      if (ACTIVE.has(t.status)) { t.note = 'Stopping…'; render(t); }
      return;
    }
    const error = await readError(res);
    if (res.status === 409) t.note = 'The answer had already finished.';
    else if (res.status === 404) t.note = 'The server no longer knows this message, so it cannot be stopped.';
    else t.note = `Could not stop the answer (HTTP ${res.status}): ${describe(error)}`;
    render(t);
  }

  function submit() {
    const text = ui.input.value;
    if (!text.trim()) {
      ui.input.focus();
      return;
    }
    const t = turnFor('m' + randomToken(12), text, 'self');
    const maxTokens = Number(ui.maxTokens.value);
    if (Number.isInteger(maxTokens) && maxTokens > 0) t.maxTokens = maxTokens;
    ui.input.value = '';
    ui.input.focus();
    if (channel) channel.postMessage({ mid: t.mid, text });
    post(t);
    saveNow();
  }

  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey
        && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  ui.stop.addEventListener('click', cancel);
  // Leaving the page (or entering the back/forward cache) closes the stream: a lingering one would hold
  // one of the browser's few connections per server. Coming back resumes from the cursor.
  window.addEventListener('pagehide', () => {
    saveNow();
    clearTimeout(reconnectTimer);
    if (source) source.close();
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted) {
      interrupted = true;
      connect();
    }
  });
  document.addEventListener('visibilitychange', () => { if (document.hidden) saveNow(); });

  // ---- earlier turns ----------------------------------------------------------------------------
  // The server keeps the conversation (GET /api/sessions/{sid}/messages): a second device, or a browser
  // whose storage was cleared, shows every earlier question and finished answer. Local turns the server
  // does not have yet (still being sent) keep their place after the stored ones.
  const STORED_STATUS = { stop: 'done', length: 'done', cancelled: 'cancelled', error: 'error' };

  async function loadEarlierTurns() {
    try {
      const res = await fetch(`/api/sessions/${encodeURIComponent(sid)}/messages`,
        { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) showStored((await res.json()).messages);
    } catch (e) {
      // offline or not reachable: the page works from what it has
    } finally {
      document.documentElement.dataset.earlierTurns = 'loaded'; // for tests
    }
  }

  function showStored(stored) {
    if (!Array.isArray(stored)) return;
    const order = [];
    for (const s of stored) {
      if (!s || !TOKEN.test(String(s.message_id)) || typeof s.text !== 'string') continue;
      const t = turnFor(s.message_id, null, 'other');
      if (!order.includes(t.mid)) order.push(t.mid);
      if (s.role === 'user' && (t.user === null || t.user === undefined)) t.user = s.text;
      if (s.role === 'assistant' && !FINAL.has(t.status)) {
        t.answer = s.text;
        t.status = STORED_STATUS[s.finish_reason] || 'done';
        if (s.finish_reason === 'length') t.note = 'Stopped at the token limit.';
      }
    }
    const rest = [...turns.keys()].filter((mid) => !order.includes(mid));
    const reordered = [...order, ...rest].map((mid) => turns.get(mid));
    turns.clear();
    for (const t of reordered) {
      turns.set(t.mid, t);
      render(t);
      ui.conversation.append(t.el.li); // moves it: the page shows the server's order
    }
    scheduleSave();
  }

  restore();
  connect();
  loadEarlierTurns();
  ui.input.focus();
})();
