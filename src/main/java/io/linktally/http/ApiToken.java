package io.linktally.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** The bearer token of event-ingest routes, when one is set. */
final class ApiToken {
    private static final String BEARER = "Bearer ";
    private final byte[] expected;

    private ApiToken(String token) {
        this.expected = token.getBytes(StandardCharsets.UTF_8);
    }

    /** The handler, behind the token check when a token is set. */
    static Handler guard(Optional<String> token, Handler handler) {
        if (token.isEmpty()) {
            return handler;
        }
        ApiToken check = new ApiToken(token.get());
        return ctx -> {
            check.require(ctx);
            handler.handle(ctx);
        };
    }

    private void require(Context ctx) {
        String header = ctx.header("Authorization");
        // Compared in constant time, so the answer's timing does not tell how much of a guess was right.
        if (header == null || !header.startsWith(BEARER)
                || !MessageDigest.isEqual(expected, header.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "this route needs the API token: send 'Authorization: Bearer <token>'");
        }
    }
}
