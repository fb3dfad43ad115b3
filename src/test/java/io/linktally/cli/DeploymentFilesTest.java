package io.linktally.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.linktally.config.EnvironmentDefaults;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Kubernetes manifests, as far as this machine can check them without
 * a container engine: their shape, and every linktally command and LINKTALLY_ variable they use
 * against the options the CLI really has.
 */
class DeploymentFilesTest {
    private static final String IMAGE = "linktally:local";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }

    private static Map<String, Object> compose() throws IOException {
        try (Reader reader = Files.newBufferedReader(Path.of("docker-compose.yml"))) {
            return map(new Yaml().load(reader));
        }
    }

    private static List<Map<String, Object>> manifests() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        try (var files = Files.list(Path.of("scripts", "k8s"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    for (Object document : new Yaml(new LoaderOptions()).loadAll(reader)) {
                        if (document != null) {
                            documents.add(map(document));
                        }
                    }
                }
            }
        }
        return documents;
    }

    /** Parses the arguments as the image's entrypoint would, with the variables as defaults; throws on an unknown option. */
    private static CommandLine.ParseResult parse(List<String> args, Map<String, String> environment) {
        CommandLine cli = Main.commandLine();
        cli.setDefaultValueProvider(new EnvironmentDefaults(environment));
        return cli.parseArgs(args.toArray(String[]::new));
    }

    /** Every LINKTALLY_ variable names an option of the command it is given to. */
    private static void assertVariablesAreOptions(String where, CommandLine.ParseResult parsed, Map<String, String> environment) {
        CommandLine.Model.CommandSpec command = parsed.subcommand().commandSpec();
        for (String variable : environment.keySet()) {
            if (variable.startsWith("LINKTALLY_")) {
                String option = "--" + variable.substring("LINKTALLY_".length()).toLowerCase(Locale.ROOT).replace('_', '-');
                assertThat(command.findOption(option)).as("%s: %s is no option of %s", where, variable, command.name()).isNotNull();
            }
        }
    }

    private static Map<String, String> environment(Object value) {
        Map<String, String> environment = new HashMap<>();
        if (value != null) {
            map(value).forEach((key, v) -> environment.put(key, String.valueOf(v)));
        }
        return environment;
    }

    @Test
    void composeRunsThreeBrokersMinioTwoServesAndTheArchiverWithHealthChecks() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        assertThat(services).containsKeys("kafka-1", "kafka-2", "kafka-3", "topics", "minio", "bucket", "serve-1", "serve-2", "archive");

        Set<String> voters = new TreeSet<>();
        for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
            Map<String, String> environment = environment(map(services.get(broker)).get("environment"));
            String id = environment.get("KAFKA_NODE_ID");
            voters.add(id + "@" + broker + ":9093");
            assertThat(environment.get("KAFKA_ADVERTISED_LISTENERS")).isEqualTo("PLAINTEXT://" + broker + ":9092");
            assertThat(environment.get("KAFKA_PROCESS_ROLES")).isEqualTo("broker,controller");
            assertThat(environment.get("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR")).isEqualTo("2");
            assertThat(map(services.get(broker)).get("healthcheck")).as(broker).isNotNull();
        }
        assertThat(new TreeSet<>(List.of(environment(map(services.get("kafka-1")).get("environment"))
                .get("KAFKA_CONTROLLER_QUORUM_VOTERS").split(",")))).isEqualTo(voters);

        for (String serve : List.of("serve-1", "serve-2")) {
            Map<String, Object> service = map(services.get(serve));
            Map<String, String> environment = environment(service.get("environment"));
            assertThat(environment.get("LINKTALLY_APPLICATION_SERVER")).as("peers reach %s by its service name", serve).isEqualTo(serve + ":8080");
            assertThat(Integer.parseInt(environment.get("LINKTALLY_STANDBY_REPLICAS"))).isPositive();
            assertThat(list(map(service.get("healthcheck")).get("test"))).contains("http://localhost:8080/readyz");
            assertThat(map(map(service.get("depends_on")).get("topics")).get("condition")).isEqualTo("service_completed_successfully");
        }
        Map<String, Object> archive = map(services.get("archive"));
        assertThat(map(map(archive.get("depends_on")).get("bucket")).get("condition")).isEqualTo("service_completed_successfully");
        String bucketCommand = String.valueOf(list(map(services.get("bucket")).get("command")).get(0));
        List<Object> archiveCommand = list(archive.get("command"));
        String uri = String.valueOf(archiveCommand.get(archiveCommand.indexOf("--archive") + 1));
        assertThat(bucketCommand).as("the bucket the archiver writes to is created").contains("local/" + uri.substring("s3://".length()).split("/")[0]);
        assertThat(list(map(archive.get("healthcheck")).get("test")).toString())
                .contains(":" + archiveCommand.get(archiveCommand.indexOf("--http-port") + 1) + "/healthz");
    }

    @Test
    void everyLinktallyServiceOfComposeRunsACommandTheCliAccepts() throws IOException {
        Map<String, Object> services = map(compose().get("services"));
        int checked = 0;
        for (Map.Entry<String, Object> entry : services.entrySet()) {
            Map<String, Object> service = map(entry.getValue());
            if (!IMAGE.equals(service.get("image"))) {
                continue;
            }
            List<String> command = list(service.get("command")).stream().map(String::valueOf).toList();
            Map<String, String> environment = environment(service.get("environment"));
            CommandLine.ParseResult parsed = parse(command, environment);
            assertThat(parsed.hasSubcommand()).as(entry.getKey()).isTrue();
            assertVariablesAreOptions(entry.getKey(), parsed, environment);
            checked++;
        }
        assertThat(checked).as("topics, serve-1, serve-2, archive").isEqualTo(4);
    }

    @Test
    void theTopicsOfTopicsDirFitTheThreeBrokers() throws IOException {
        try (var files = Files.list(Path.of("topics"))) {
            for (Path topic : files.toList()) {
                for (String line : Files.readAllLines(topic)) {
                    if (line.startsWith("replication.factor=")) {
                        assertThat(Integer.parseInt(line.substring("replication.factor=".length()))).as(topic.toString()).isLessThanOrEqualTo(3);
                    }
                }
            }
        }
    }

    @Test
    void kubernetesRunsAStatefulSetBehindAHeadlessServiceWithReadinessAndADisruptionBudget() throws IOException {
        Map<String, Map<String, Object>> byKind = new HashMap<>();
        for (Map<String, Object> document : manifests()) {
            byKind.put(document.get("kind") + "/" + map(document.get("metadata")).get("name"), document);
        }
        assertThat(byKind).containsKeys("StatefulSet/linktally", "Service/linktally-peers", "Service/linktally", "PodDisruptionBudget/linktally");

        Map<String, Object> set = map(byKind.get("StatefulSet/linktally").get("spec"));
        assertThat(set.get("serviceName")).isEqualTo("linktally-peers");
        assertThat(map(byKind.get("Service/linktally-peers").get("spec")).get("clusterIP")).isEqualTo("None");
        assertThat(list(set.get("volumeClaimTemplates"))).hasSize(1);

        Map<String, Object> container = map(list(map(map(set.get("template")).get("spec")).get("containers")).get(0));
        Map<String, Object> readiness = map(map(container.get("readinessProbe")).get("httpGet"));
        assertThat(readiness.get("path")).isEqualTo("/readyz");
        assertThat(map(map(container.get("livenessProbe")).get("httpGet")).get("path")).isEqualTo("/healthz");

        Map<String, String> environment = new HashMap<>();
        for (Object variable : list(container.get("env"))) {
            Map<String, Object> entry = map(variable);
            environment.put(String.valueOf(entry.get("name")), entry.containsKey("value") ? String.valueOf(entry.get("value")) : "from-the-cluster");
        }
        assertThat(environment.get("LINKTALLY_APPLICATION_SERVER")).as("each pod advertises its stable name in the headless service")
                .contains("linktally-peers");
        List<String> args = list(container.get("args")).stream().map(String::valueOf).toList();
        assertVariablesAreOptions("StatefulSet", parse(args, environment), environment);

        assertThat(map(byKind.get("PodDisruptionBudget/linktally").get("spec")).get("maxUnavailable")).isEqualTo(1);
    }

    @Test
    void theImageIsBuiltInStagesAndRunsAsANumericNonRootUser() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
        assertThat(lines.stream().filter(line -> line.startsWith("FROM "))).hasSize(2).first().asString().endsWith(" AS build");
        assertThat(lines.stream().filter(line -> line.startsWith("FROM ")).skip(1).findFirst()).hasValueSatisfying(
                base -> assertThat(base).contains("-jre"));
        assertThat(lines).contains("USER 10001:10001", "ENTRYPOINT [\"java\", \"-jar\", \"/app/linktally.jar\"]");
    }
}
