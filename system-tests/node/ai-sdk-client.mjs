// Drives the real AI SDK client (DefaultChatTransport + readUIMessageStream, package "ai" pinned in
// package.json) against running pods. Run by AiSdkSystemTest; prints one JSON line with what the client got.
//
//   node ai-sdk-client.mjs send <baseUrl> <chatId> <token> <text>
//   node ai-sdk-client.mjs abort-then-resume <baseUrl> <resumeBaseUrl> <chatId> <token> <text> <abortAfterChars>
//   node ai-sdk-client.mjs resume <baseUrl> <chatId> <token>
import { DefaultChatTransport, readUIMessageStream } from 'ai';

const [mode, ...args] = process.argv.slice(2);

function transport(baseUrl, token) {
  return new DefaultChatTransport({
    api: `${baseUrl}/api/chat`,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}

function userMessage(text) {
  return { id: `u-${Date.now()}`, role: 'user', parts: [{ type: 'text', text }] };
}

function textOf(message) {
  return message.parts.filter(part => part.type === 'text').map(part => part.text).join('');
}

// Reads a UI message stream to its end; counts the raw chunks by type so the test can see each arrived once.
async function readAll(stream, onMessage = () => {}) {
  const types = {};
  const counted = stream.pipeThrough(new TransformStream({
    transform(chunk, controller) {
      types[chunk.type] = (types[chunk.type] ?? 0) + 1;
      controller.enqueue(chunk);
    },
  }));
  let last;
  for await (const message of readUIMessageStream({
    stream: counted,
    onError: error => { types.onError = String(error); },
  })) {
    last = message;
    onMessage(message);
  }
  return { messageId: last?.id, text: last ? textOf(last) : null, types };
}

async function send([baseUrl, chatId, token, text]) {
  const stream = await transport(baseUrl, token).sendMessages({
    chatId, messages: [userMessage(text)], trigger: 'submit-message', messageId: undefined, abortSignal: undefined,
  });
  return readAll(stream);
}

async function abortThenResume([baseUrl, resumeBaseUrl, chatId, token, text, abortAfter]) {
  const controller = new AbortController();
  const stream = await transport(baseUrl, token).sendMessages({
    chatId, messages: [userMessage(text)], trigger: 'submit-message', messageId: undefined,
    abortSignal: controller.signal,
  });
  let seen = '';
  try {
    await readAll(stream, message => {
      seen = textOf(message);
      if (seen.length >= Number(abortAfter)) {
        controller.abort();
      }
    });
  } catch (error) {
    if (error.name !== 'AbortError' && !controller.signal.aborted) {
      throw error;
    }
  }
  const resumed = await transport(resumeBaseUrl, token).reconnectToStream({ chatId });
  if (resumed == null) {
    return { beforeAbort: seen, resumed: null };
  }
  return { beforeAbort: seen, resumed: await readAll(resumed) };
}

async function resume([baseUrl, chatId, token]) {
  const stream = await transport(baseUrl, token).reconnectToStream({ chatId });
  return stream == null ? { resumed: null } : { resumed: await readAll(stream) };
}

const modes = { send, 'abort-then-resume': abortThenResume, resume };
try {
  const result = await modes[mode](args);
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.stack ?? error) }) + '\n');
  process.exitCode = 1;
}
