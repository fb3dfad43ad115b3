package io.linktally.cli;

import io.linktally.config.EmbeddedDefaults;
import io.linktally.kafka.SingleNodeBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Runs a single-node Kafka broker (KRaft) in the foreground, for development and tests. "
                + "Its data directory is formatted on first start and reused after.")
final class BrokerCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9092", description = "Client port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--controller-port", description = "KRaft controller port (default: --port + 1).")
    private Integer controllerPort;

    @Option(names = "--host", defaultValue = EmbeddedDefaults.HOST,
            description = "Address to listen on and advertise to clients (default: ${DEFAULT-VALUE}).")
    private String host;

    @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
            description = "Where the broker keeps its log (<data-dir>/kafka) (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Override
    public Integer call() {
        SingleNodeBroker broker = SingleNodeBroker.start(dataDir, host, port, controllerPort != null ? controllerPort : port + 1);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        broker.awaitShutdown();
        return 0;
    }
}
