package io.linktally.cli;

import io.linktally.app.ServeApplication;
import io.linktally.archive.ArchiveUri;
import io.linktally.config.ArchiveOptions;
import io.linktally.config.KafkaOptions;
import io.linktally.config.ServeOptions;
import java.util.concurrent.Callable;
import sun.misc.Signal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Runs the stream processor and the HTTP API. Without --bootstrap-servers, the embedded default: "
                + "a Kafka broker inside the process, everything under --data-dir.")
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;
    @Mixin
    private KafkaOptions kafka;
    @Mixin
    private ServeOptions options;
    @Mixin
    private ArchiveOptions archive;

    @Override
    public Integer call() throws InterruptedException {
        options.validate();
        archive.validate();
        if (archive.archiveGiven()) {
            try {
                ArchiveUri.parse(archive.archive("none"));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--archive: " + e.getMessage());
            }
        }
        ServeApplication app = ServeApplication.start(options, archive, kafka.bootstrapServers(), kafka.clientSettings());
        // An orchestrator's SIGTERM is a request to stop: shut down in order here and exit 0,
        // rather than in a shutdown hook that would leave the JVM to exit with 143.
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), received -> app.requestStop());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(app::close, "linktally-shutdown"));
        try {
            return app.awaitStop() ? 1 : 0;
        } finally {
            app.close();
        }
    }
}
