package io.linktally.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.linktally.MutableClock;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

class RemoteCountsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final RemoteCounts remote = new RemoteCounts(Duration.ofSeconds(2), clock);

    @Test
    void aPeerThatRefusesConnectionsIsLeftAloneForASecondByEveryLookup() throws Exception {
        HostInfo dead = new HostInfo("127.0.0.1", closedPort());
        assertThat(remote.recentlyDown(dead)).isFalse();

        assertThatThrownBy(() -> remote.fetch(dead, List.of("https://example.com/"), false).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ConnectException.class);

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

            assertThatThrownBy(() -> remote.fetch(alive, List.of("https://example.com/"), false).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(StoreUnavailableException.class);

            assertThat(remote.recentlyDown(alive)).isFalse();
        } finally {
            server.stop(0);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
