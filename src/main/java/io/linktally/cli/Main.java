package io.linktally.cli;

import io.linktally.config.EnvironmentDefaults;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code linktally COMMAND [options]}: exit 0 on success, non-zero with a one-line reason otherwise. */
@Command(name = "linktally", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Exact per-URL share and click counts on Kafka Streams.%n"
                + "Every option can also be set as an environment variable: LINKTALLY_ + its name (--http-port = LINKTALLY_HTTP_PORT).",
        subcommands = {ServeCommand.class, BrokerCommand.class, TopicsCommand.class, ProduceCommand.class, ArchiveCommand.class, ReplayCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setDefaultValueProvider(new EnvironmentDefaults(System.getenv()));
        cli.setParameterExceptionHandler((exception, args) -> {
            CommandLine command = exception.getCommandLine();
            command.getErr().println(prefix(command) + ": " + oneLine(exception) + " (see --help)");
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((exception, command, parseResult) -> {
            command.getErr().println(prefix(command) + ": " + oneLine(exception));
            return 1;
        });
        return cli;
    }

    private static String prefix(CommandLine command) {
        return command.getParent() == null ? "linktally" : "linktally " + command.getCommandName();
    }

    private static String oneLine(Throwable exception) {
        String message = exception.getMessage();
        if (message == null || message.isBlank()) {
            message = exception.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*\\R\\s*", " ");
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (serve, broker, topics, produce, archive, replay)");
    }
}
