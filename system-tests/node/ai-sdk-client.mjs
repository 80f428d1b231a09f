// Drives the real AI SDK client (DefaultChatTransport + readUIMessageStream) against running pods. Run by
// AiSdkSystemTest; prints one JSON line with what the client got. The package is pinned in package.json:
// "ai" is ai@5, "ai6" is ai@6 under an npm alias; AI_SDK_PACKAGE names the one to use (default "ai").
//
//   node ai-sdk-client.mjs send <baseUrl> <chatId> <token> <text>
//   node ai-sdk-client.mjs abort-then-resume <baseUrl> <resumeBaseUrl> <chatId> <token> <text> <abortAfterChars>
//   node ai-sdk-client.mjs resume <baseUrl> <chatId> <token>
//   node ai-sdk-client.mjs lose-then-resume <baseUrl> <resumeBaseUrl> <chatId> <token> <text> <readyAfterChars>
//     prints {"ready":true} after <readyAfterChars> characters and reads on until the stream breaks (the test
//     kills the pod), then resumes on <resumeBaseUrl>.
//   node ai-sdk-client.mjs send-until-stopped ... as send; prints {"ready":true} after the first text (the test stops it)
const { DefaultChatTransport, readUIMessageStream } = await import(process.env.AI_SDK_PACKAGE ?? 'ai');

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

async function loseThenResume([baseUrl, resumeBaseUrl, chatId, token, text, readyAfter]) {
  const stream = await transport(baseUrl, token).sendMessages({
    chatId, messages: [userMessage(text)], trigger: 'submit-message', messageId: undefined, abortSignal: undefined,
  });
  let seen = '';
  let ready = false;
  let broken = null;
  try {
    await readAll(stream, message => {
      seen = textOf(message);
      if (!ready && seen.length >= Number(readyAfter)) {
        ready = true;
        process.stdout.write('{"ready":true}\n');
      }
    });
  } catch (error) {
    broken = String(error);
  }
  const resumed = await transport(resumeBaseUrl, token).reconnectToStream({ chatId });
  return { beforeLoss: seen, broken, resumed: resumed == null ? null : await readAll(resumed) };
}

async function sendUntilStopped([baseUrl, chatId, token, text]) {
  const stream = await transport(baseUrl, token).sendMessages({
    chatId, messages: [userMessage(text)], trigger: 'submit-message', messageId: undefined, abortSignal: undefined,
  });
  let ready = false;
  return readAll(stream, message => {
    if (!ready && textOf(message).length > 0) {
      ready = true;
      process.stdout.write('{"ready":true}\n');
    }
  });
}

async function resume([baseUrl, chatId, token]) {
  const stream = await transport(baseUrl, token).reconnectToStream({ chatId });
  return stream == null ? { resumed: null } : { resumed: await readAll(stream) };
}

const modes = {
  send, 'abort-then-resume': abortThenResume, resume, 'lose-then-resume': loseThenResume,
  'send-until-stopped': sendUntilStopped,
};
try {
  const result = await modes[mode](args);
  process.stdout.write(JSON.stringify(result) + '\n');
} catch (error) {
  process.stdout.write(JSON.stringify({ error: String(error?.stack ?? error) }) + '\n');
  process.exitCode = 1;
}
