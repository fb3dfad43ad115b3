package io.linktally.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class EnvironmentDefaultsTest {

    @Command(name = "tiny")
    static final class Tiny {
        @Option(names = "--http-port", defaultValue = "8080")
        int httpPort;

        @Option(names = {"-d", "--data-dir"}, defaultValue = "./data")
        String dataDir;

        @Option(names = "--bootstrap-servers")
        String bootstrapServers;
    }

    private static Tiny parse(Map<String, String> environment, String... args) {
        Tiny tiny = new Tiny();
        new CommandLine(tiny).setDefaultValueProvider(new EnvironmentDefaults(environment)).parseArgs(args);
        return tiny;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "--http-port, LINKTALLY_HTTP_PORT",
        "--bootstrap-servers, LINKTALLY_BOOTSTRAP_SERVERS",
        "--data-dir, LINKTALLY_DATA_DIR",
        "--s3-endpoint, LINKTALLY_S3_ENDPOINT",
        "-x, LINKTALLY_X",
    })
    void variableIsPrefixedUpperCaseWithUnderscores(String option, String variable) {
        assertThat(EnvironmentDefaults.variableFor(option)).isEqualTo(variable);
    }

    @Test
    void environmentValueIsUsedWhenTheOptionIsAbsent() {
        Tiny tiny = parse(Map.of("LINKTALLY_HTTP_PORT", "9090", "LINKTALLY_BOOTSTRAP_SERVERS", "kafka:9092"));

        assertThat(tiny.httpPort).isEqualTo(9090);
        assertThat(tiny.bootstrapServers).isEqualTo("kafka:9092");
    }

    @Test
    void commandLineWinsOverTheEnvironment() {
        Tiny tiny = parse(Map.of("LINKTALLY_HTTP_PORT", "9090"), "--http-port", "7070");

        assertThat(tiny.httpPort).isEqualTo(7070);
    }

    @Test
    void annotationDefaultIsUsedWhenNeitherIsGiven() {
        Tiny tiny = parse(Map.of());

        assertThat(tiny.httpPort).isEqualTo(8080);
        assertThat(tiny.dataDir).isEqualTo("./data");
        assertThat(tiny.bootstrapServers).isNull();
    }

    @Test
    void blankEnvironmentValueIsIgnored() {
        Tiny tiny = parse(Map.of("LINKTALLY_HTTP_PORT", "  ", "LINKTALLY_BOOTSTRAP_SERVERS", ""));

        assertThat(tiny.httpPort).isEqualTo(8080);
        assertThat(tiny.bootstrapServers).isNull();
    }

    @Test
    void optionWithAShortNameIsReadFromItsLongName() {
        assertThat(parse(Map.of("LINKTALLY_DATA_DIR", "/var/lib/linktally")).dataDir).isEqualTo("/var/lib/linktally");
        assertThat(parse(Map.of("LINKTALLY_D", "/elsewhere")).dataDir).isEqualTo("./data");
    }

    @Test
    void variablesWithoutThePrefixAreNotRead() {
        assertThat(parse(Map.of("HTTP_PORT", "9090")).httpPort).isEqualTo(8080);
    }

    @Test
    void theEnvironmentIsCopiedWhenConstructed() {
        Map<String, String> environment = new java.util.HashMap<>(Map.of("LINKTALLY_HTTP_PORT", "9090"));
        EnvironmentDefaults defaults = new EnvironmentDefaults(environment);
        environment.put("LINKTALLY_HTTP_PORT", "1");

        Tiny tiny = new Tiny();
        new CommandLine(tiny).setDefaultValueProvider(defaults).parseArgs();

        assertThat(tiny.httpPort).isEqualTo(9090);
    }
}
