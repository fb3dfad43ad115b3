package io.linktally.cli;

import io.linktally.config.KafkaOptions;
import io.linktally.events.Topics;
import io.linktally.kafka.KafkaClients;
import io.linktally.kafka.TopicAdmin;
import io.linktally.kafka.TopicDefinition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Creates the topics of topics/ that are missing and reports those that differ from their file. "
                + "Safe to run again; exits 1 when a topic differs.")
final class TopicsCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;
    @Mixin
    private KafkaOptions kafka;

    @Option(names = "--topics-dir", paramLabel = "DIR",
            description = "Topic definitions (default: those the jar carries, the same as topics/).")
    private Path topicsDir;

    @Override
    public Integer call() {
        List<TopicDefinition> definitions = topicsDir != null ? TopicDefinition.fromDirectory(topicsDir) : TopicDefinition.bundled(Topics.ALL);
        TopicAdmin.Report report;
        try (Admin admin = KafkaClients.admin(kafka.connectionOrLocal())) {
            report = new TopicAdmin(admin).ensure(definitions);
        }
        PrintWriter out = spec.commandLine().getOut();
        report.created().forEach(topic -> out.println("created  " + topic));
        report.unchanged().forEach(topic -> out.println("ok       " + topic));
        report.differences().forEach(difference -> out.println("differs  " + difference));
        out.flush();
        if (!report.differences().isEmpty()) {
            spec.commandLine().getErr().println("linktally topics: " + report.differences().size() + " setting(s) differ from the topic files");
            return 1;
        }
        return 0;
    }
}
