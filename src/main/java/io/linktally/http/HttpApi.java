package io.linktally.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.linktally.events.EventPublisher;
import io.linktally.query.BucketReads;
import io.linktally.query.CountLookup;
import io.linktally.query.Readiness;
import io.linktally.query.RemoteCounts;
import io.linktally.query.StoreUnavailableException;
import io.linktally.query.TopReads;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import org.eclipse.jetty.server.handler.GracefulHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The HTTP API of SPEC: routes, headers and error mapping, in one unstarted {@link Javalin}. */
public final class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    /** Room for an 8 KiB URL, percent-encoded, in a query string; the URL's own limit answers in JSON. */
    private static final int MAX_REQUEST_HEADER_BYTES = 64 * 1024;
    /**
     * Javalin copies every answer into Jetty's output through a new buffer of this size, 32 KiB
     * unless set: under a lookup load that buffer was 40% of all the memory the service
     * allocated, and so of its collections. Jetty aggregates the chunks anyway.
     */
    private static final int RESPONSE_COPY_BYTES = 1024;

    private HttpApi() {
    }

    /** What the routes read: counts, buckets and top links. */
    public record Lookups(CountLookup counts, BucketReads buckets, TopReads top) {
    }

    public static Javalin create(Lookups lookups, Readiness readiness, EventPublisher publisher, HttpSettings settings,
                                 PrometheusMeterRegistry metrics) {
        return create(lookups, readiness, publisher, settings, metrics, Clock.systemUTC());
    }

    static Javalin create(Lookups lookups, Readiness readiness, EventPublisher publisher, HttpSettings settings,
                          PrometheusMeterRegistry metrics, Clock clock) {
        CountLookup counts = lookups.counts();
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        CountHandlers countHandlers = new CountHandlers(counts, json, settings.maxBatchUrls());
        BucketHandlers bucketHandlers = new BucketHandlers(lookups.buckets(), clock);
        TopHandlers topHandlers = new TopHandlers(lookups.top());
        EventHandlers eventHandlers = new EventHandlers(publisher, settings, clock);
        HealthHandlers health = new HealthHandlers(readiness);
        RequestTimers timers = new RequestTimers(metrics);
        String cacheControl = "public, max-age=" + settings.cacheMaxAge().toSeconds();

        return Javalin.create(config -> {
            config.jsonMapper(new JavalinJackson(json, false));
            config.http.maxRequestSize = settings.maxRequestBytes();
            config.http.prefer405over404 = true;
            config.http.responseBufferSize = RESPONSE_COPY_BYTES;
            config.startup.showJavalinBanner = false;
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES));
            // Javalin nests its handlers inside this wrapper, so a stop refuses new requests and
            // lets those in flight finish, up to the stop timeout.
            config.jetty.modifyServer(server -> {
                server.setHandler(new GracefulHandler());
                server.setErrorHandler(new JsonErrorHandler());
                server.setStopTimeout(settings.drainTimeout().toMillis());
            });

            config.requestLogger.http(timers::record);
            config.routes.before(ctx -> {
                ctx.header("Access-Control-Allow-Origin", "*");
                ctx.header("Cache-Control", "no-store");
            });
            for (String path : List.of("/v1/counts", "/1/links/shares.json", "/v1/events/link-created", "/v1/events/clicks",
                    "/v1/timeseries", "/v1/breakdown", "/v1/top")) {
                config.routes.options(path, HttpApi::preflight);
            }

            config.routes.get("/v1/counts", cached(cacheControl, countHandlers::getCount));
            config.routes.post("/v1/counts", countHandlers::postCounts);
            config.routes.get("/1/links/shares.json", cached(cacheControl, countHandlers::bufferShares));
            config.routes.post("/v1/events/link-created", ApiToken.guard(settings.apiToken(), eventHandlers::postLinkCreated));
            config.routes.post("/v1/events/clicks", ApiToken.guard(settings.apiToken(), eventHandlers::postClicks));
            config.routes.get("/v1/timeseries", cached(cacheControl, bucketHandlers::timeseries));
            config.routes.get("/v1/breakdown", cached(cacheControl, bucketHandlers::breakdown));
            config.routes.post(RemoteCounts.PATH, countHandlers::peerCounts);
            config.routes.get("/v1/top", cached(cacheControl, topHandlers::top));
            config.routes.post(RemoteCounts.BUCKETS_PATH, bucketHandlers::peerBuckets);
            config.routes.post(RemoteCounts.TOP_PATH, topHandlers::peerTop);
            config.routes.get("/healthz", health::healthz);
            config.routes.get("/readyz", health::readyz);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));

            config.routes.exception(ApiException.class, (e, ctx) ->
                    ctx.status(e.status()).json(new ErrorBody(e.code(), e.getMessage())));
            config.routes.exception(EventHandlers.LineException.class, (e, ctx) ->
                    ctx.status(400).json(new ErrorBody("invalid_event", "line " + e.line() + ": " + e.getMessage(), e.line(), null)));
            config.routes.exception(StoreUnavailableException.class, (e, ctx) ->
                    ctx.status(503).header("Retry-After", "1").json(new ErrorBody("not_ready", e.getMessage())));
            config.routes.exception(EventPublisher.PublishFailedException.class, (e, ctx) -> {
                LOG.warn("Publishing failed: {}", e.getMessage());
                ctx.status(503).header("Retry-After", "1").json(new ErrorBody("kafka_unavailable", e.getMessage()));
            });
            config.routes.exception(HttpResponseException.class, (e, ctx) ->
                    ctx.status(e.getStatus()).json(new ErrorBody(errorCode(e.getStatus()), e.getMessage())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                if (endedEarly(e)) {
                    ctx.status(400).json(new ErrorBody("incomplete_body", "the request ended before its body did"));
                    return;
                }
                LOG.error("Unexpected failure answering {} {}", ctx.method(), ctx.path(), e);
                ctx.status(500).json(new ErrorBody("internal_error", "the server failed to answer; see its log"));
            });
            config.routes.error(404, ctx -> ctx.json(new ErrorBody("not_found", "no such resource: " + ctx.path())));
            config.routes.error(405, ctx -> ctx.json(new ErrorBody("method_not_allowed", ctx.method() + " is not allowed on " + ctx.path())));
        });
    }

    /** The client closed or broke the connection while its body was read: its fault, not the server's. */
    private static boolean endedEarly(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.EOFException || cause instanceof org.eclipse.jetty.http.BadMessageException) {
                return true;
            }
        }
        return false;
    }

    private static io.javalin.http.Handler cached(String cacheControl, io.javalin.http.Handler handler) {
        return ctx -> {
            handler.handle(ctx);
            ctx.header("Cache-Control", cacheControl);
        };
    }

    private static void preflight(Context ctx) {
        ctx.header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Content-Type, Authorization");
        ctx.header("Access-Control-Max-Age", "86400");
        ctx.status(204);
    }

    static String errorCode(int status) {
        return switch (status) {
            case 413 -> "request_too_large";
            case 415 -> "unsupported_media_type";
            case 400 -> "bad_request";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            default -> "http_" + status;
        };
    }
}
