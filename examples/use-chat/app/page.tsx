'use client';

// A useChat app on a chatstream cluster. The transport's URLs are the cluster's AI SDK routes (proxied by
// next.config.mjs): POST /api/chat sends a message and streams its answer, GET /api/chat/{id}/stream resumes
// an answer still streaming (after a reload, or on another pod), POST /api/chat/{id}/stop ends one.
// Works with ai@5 + @ai-sdk/react@2 and ai@6 + @ai-sdk/react@3 alike.
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useEffect, useState } from 'react';

const SESSION = /^[A-Za-z0-9_-]{1,64}$/;

/** The chat id is the cluster's session id: kept in the URL (?session=…), so a reload or a link joins it. */
function sessionId(): string {
  const url = new URL(window.location.href);
  let id = url.searchParams.get('session');
  if (!id || !SESSION.test(id)) {
    id = crypto.randomUUID().replaceAll('-', '');
    url.searchParams.set('session', id);
    window.history.replaceState(null, '', url);
  }
  return id;
}

export default function Page() {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => setId(sessionId()), []); // the URL exists only in the browser
  return id ? <Chat id={id} /> : null;
}

function Chat({ id }: { id: string }) {
  // A JWT instead of the guest cookie (AUTH_MODE=jwt): add headers: { Authorization: `Bearer ${token}` } here
  // and in the stop request below.
  const [transport] = useState(() => new DefaultChatTransport({
    api: '/api/chat',
    credentials: 'same-origin',
    // Resume from the cluster's own route: GET /api/chat/{id}/stream (204 when nothing streams).
    prepareReconnectToStreamRequest: ({ id: chatId }) => ({
      api: `/api/chat/${encodeURIComponent(chatId)}/stream`,
      credentials: 'same-origin',
    }),
  }));
  const { messages, sendMessage, status, stop, error } = useChat({
    id,
    transport,
    resume: true, // on mount: picks up the session's answer if one is still streaming
  });
  const [input, setInput] = useState('');
  const busy = status === 'submitted' || status === 'streaming';

  // useChat's stop() only aborts the fetch; the generation goes on unless the cluster is told.
  async function stopAnswer() {
    stop();
    await fetch(`/api/chat/${encodeURIComponent(id)}/stop`, { method: 'POST', credentials: 'same-origin' });
  }

  return (
    <main style={{ maxWidth: 720, margin: '2rem auto', fontFamily: 'system-ui, sans-serif' }}>
      <p>Session <code>{id}</code></p>
      {messages.map((message) => (
        <div key={message.id} style={{ whiteSpace: 'pre-wrap', margin: '1rem 0' }}>
          <strong>{message.role === 'user' ? 'You' : 'Assistant'}:</strong>{' '}
          {message.parts.map((part, i) => (part.type === 'text' ? <span key={i}>{part.text}</span> : null))}
        </div>
      ))}
      {error && <p role="alert">{error.message}</p>}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!input.trim()) return;
          sendMessage({ text: input });
          setInput('');
        }}
      >
        <input value={input} onChange={(event) => setInput(event.target.value)} placeholder="Ask anything"
               style={{ width: '70%' }} />
        {busy
          ? <button type="button" onClick={stopAnswer}>Stop</button>
          : <button type="submit">Send</button>}
      </form>
    </main>
  );
}
