package io.linktally.config;

/** Where the embedded default's broker listens, so that the client commands find it unasked. */
public final class EmbeddedDefaults {
    public static final String HOST = "localhost";
    public static final int KAFKA_PORT = 9092;
    public static final int CONTROLLER_PORT = 9093;
    public static final String BOOTSTRAP_SERVERS = HOST + ":" + KAFKA_PORT;

    private EmbeddedDefaults() {
    }
}
