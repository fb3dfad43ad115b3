package io.linktally.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linktally.MutableClock;
import io.linktally.topology.LinkCounts;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RemoteCountsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final RemoteCounts remote = new RemoteCounts(Duration.ofSeconds(2), clock);

    @AfterEach
    void closeClient() {
        remote.close();
    }

    @Test
    void aPeerThatRefusesConnectionsIsLeftAloneForASecondByEveryLookup() throws Exception {
        HostInfo dead = new HostInfo("127.0.0.1", closedPort());
        assertThat(remote.recentlyDown(dead)).isFalse();

        assertThatThrownBy(() -> remote.counts(dead, List.of("https://example.com/"), false)).isInstanceOf(ConnectException.class);

        assertThat(remote.recentlyDown(dead)).isTrue();
        clock.advance(RemoteCounts.PEER_DOWN.minusMillis(1));
        assertThat(remote.recentlyDown(dead)).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(remote.recentlyDown(dead)).isFalse();
    }

    @Test
    void aPeerThatAnswersEvenWithARefusalIsNotDown() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(RemoteCounts.PATH, exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            HostInfo alive = new HostInfo("127.0.0.1", server.getAddress().getPort());

            assertThatThrownBy(() -> remote.counts(alive, List.of("https://example.com/"), false))
                    .isInstanceOf(StoreUnavailableException.class).hasMessage("127.0.0.1:" + alive.port() + " answered 503");

            assertThat(remote.recentlyDown(alive)).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aConnectionThePeerClosedMeanwhileIsReplacedNotTakenForThePeerBeingDown() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Answers one request per connection and then closes it without saying so, as a peer
            // that restarted or dropped an idle connection leaves the pooled one behind.
            Thread peer = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket connection = server.accept()) {
                        answerOneRequest(connection);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            peer.setDaemon(true);
            peer.start();
            HostInfo alive = new HostInfo("127.0.0.1", server.getLocalPort());

            assertThat(remote.counts(alive, List.of("https://example.com/"), false)).containsExactly(CountResult.active(new LinkCounts(3, 2, 1)));
            assertThat(remote.counts(alive, List.of("https://example.com/"), false)).containsExactly(CountResult.active(new LinkCounts(3, 2, 1)));

            assertThat(remote.recentlyDown(alive)).isFalse();
        }
    }

    private static void answerOneRequest(Socket connection) throws IOException {
        BufferedReader request = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
        int length = 0;
        for (String line = request.readLine(); line != null && !line.isEmpty(); line = request.readLine()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        request.skip(length);
        byte[] body = "{\"counts\":[{\"shares\":3,\"clicks\":2,\"bot_clicks\":1,\"standby_lag\":-1}]}".getBytes(StandardCharsets.UTF_8);
        OutputStream answer = connection.getOutputStream();
        answer.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        answer.write(body);
        answer.flush();
    }

    @Test
    void theLastAskRunsOnTheCallingThreadAndTheOthersBesideIt() throws Exception {
        Thread caller = Thread.currentThread();
        CountDownLatch firstStarted = new CountDownLatch(1);
        Map<String, RemoteCounts.Ask<Thread>> asks = new LinkedHashMap<>();
        asks.put("first", () -> {
            firstStarted.countDown();
            return Thread.currentThread();
        });
        // The last ask waits for the first: they can only both finish if they run at the same time.
        asks.put("last", () -> {
            try {
                assertThat(firstStarted.await(30, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            return Thread.currentThread();
        });

        Map<String, CompletableFuture<Thread>> answers = remote.askAll(asks);

        assertThat(answers.keySet()).containsExactly("first", "last");
        assertThat(answers.get("last")).isCompletedWithValue(caller);
        assertThat(answers.get("first").get(30, TimeUnit.SECONDS)).isNotSameAs(caller);
        assertThat(answers.get("first").get().getName()).startsWith("linktally-forward-");
    }

    @Test
    void anAskThatFailsFailsOnlyItsOwnAnswerWithWhatItThrew() throws Exception {
        Map<String, RemoteCounts.Ask<String>> asks = new LinkedHashMap<>();
        asks.put("unreachable", () -> {
            throw new ConnectException("refused");
        });
        asks.put("refusing", () -> {
            throw new StoreUnavailableException("answered 503");
        });
        asks.put("answering", () -> "42");

        Map<String, CompletableFuture<String>> answers = remote.askAll(asks);

        assertThatThrownBy(() -> answers.get("unreachable").get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ConnectException.class).hasMessage("refused");
        assertThatThrownBy(() -> answers.get("refusing").get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(StoreUnavailableException.class).hasMessage("answered 503");
        assertThat(answers.get("answering")).isCompletedWithValue("42");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
