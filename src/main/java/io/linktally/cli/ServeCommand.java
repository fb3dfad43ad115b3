package io.linktally.cli;

import io.linktally.app.ServeApplication;
import io.linktally.config.KafkaOptions;
import io.linktally.config.ServeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the stream processor and the HTTP API. Without --bootstrap-servers, the embedded default: "
                + "a Kafka broker inside the process, everything under --data-dir.")
final class ServeCommand implements Callable<Integer> {
    @Mixin
    private KafkaOptions kafka;
    @Mixin
    private ServeOptions options;

    @Override
    public Integer call() throws InterruptedException {
        options.validate();
        ServeApplication app = ServeApplication.start(options, kafka.bootstrapServers());
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "linktally-shutdown"));
        return app.awaitStop() ? 1 : 0;
    }
}
