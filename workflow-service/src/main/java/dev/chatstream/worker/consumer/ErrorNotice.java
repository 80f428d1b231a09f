package dev.chatstream.worker.consumer;

import dev.chatstream.schemas.ChunkError;
import dev.chatstream.schemas.ResponseChunk;
import dev.chatstream.worker.fanout.MessageFanout;
import dev.chatstream.worker.fanout.MessageInfo;
import dev.chatstream.worker.registry.SessionRoute;
import io.vertx.core.Context;

/**
 * Tells a session's clients that its message ended in an error the worker gives up on (a poison
 * request, or the last delivery failing): one final {@code error} chunk. History failures are told
 * live only, since history is what could not take it.
 */
final class ErrorNotice {
    private ErrorNotice() {
    }

    static void send(AnswerServices s, Context context, String sessionId, String messageId, int attempt, long chunkId,
                     String code, String message) {
        // Past chunk 0 earlier chunks are stored, where from is not known here: the notice does not say.
        MessageInfo info = new MessageInfo(sessionId, messageId, attempt, null, null).withHistoryStart(chunkId == 0 ? 0 : -1);
        SessionRoute route = s.routes().open(context, sessionId);
        route.start().onComplete(ar -> {
            MessageFanout notice = MessageFanout.open(s.vertx(), context, s.transport(), s.codec(), info, route, s.clock());
            ResponseChunk error = ResponseChunk.failure(sessionId, messageId, chunkId, new ChunkError(code, message),
                    null, null, s.clock().instant());
            if (code.startsWith("history_")) {
                notice.publishLiveOnly(error);
            } else {
                notice.publish(error);
            }
            route.close();
        });
    }
}
