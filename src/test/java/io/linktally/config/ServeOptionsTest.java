package io.linktally.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

class ServeOptionsTest {

    @Command(name = "tiny-serve")
    static final class TinyServe {
        @Mixin
        ServeOptions options;
    }

    private CommandLine commandLine;

    private ServeOptions parse(String... args) {
        return parse(Map.of(), args);
    }

    private ServeOptions parse(Map<String, String> environment, String... args) {
        TinyServe command = new TinyServe();
        commandLine = new CommandLine(command).setDefaultValueProvider(new EnvironmentDefaults(environment));
        commandLine.parseArgs(args);
        return command.options;
    }

    @Test
    void defaults() {
        ServeOptions options = parse();

        assertThat(options.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(options.stateDir()).isEqualTo(Path.of("./data/state"));
        assertThat(options.httpHost()).isEqualTo("0.0.0.0");
        assertThat(options.httpPort()).isEqualTo(8080);
        assertThat(options.applicationServer()).isEqualTo("localhost:8080");
        assertThat(options.applicationId()).isEqualTo("linktally");
        assertThat(options.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(options.streamThreads()).isEqualTo(2);
        assertThat(options.commitInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.dedupRetention()).isEqualTo(Duration.ofDays(7));
        assertThat(options.rocksdbMemory()).isEqualTo(256L << 20);
        assertThat(options.rocksdbWriteBuffers()).isEqualTo(64L << 20);
        assertThat(options.recordCache()).isEqualTo(64L << 20);
        assertThat(options.cacheMaxAge()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.maxRequestBytes()).isEqualTo(8L << 20);
        assertThat(options.maxBatchEvents()).isEqualTo(10_000);
        assertThat(options.publishTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.embeddedKafkaPort()).isEqualTo(9092);
        assertThat(options.embeddedControllerPort()).isEqualTo(9093);
        assertThat(options.topicsDir()).isEmpty();
        assertThatCode(options::validate).doesNotThrowAnyException();
    }

    @Test
    void stateDirFollowsDataDirUnlessGiven() {
        assertThat(parse("--data-dir", "/var/lib/linktally").stateDir()).isEqualTo(Path.of("/var/lib/linktally/state"));
        assertThat(parse("--data-dir", "/var/lib/linktally", "--state-dir", "/ssd/state").stateDir()).isEqualTo(Path.of("/ssd/state"));
    }

    @Test
    void applicationServerFollowsHttpPortUnlessGiven() {
        assertThat(parse("--http-port", "9000").applicationServer()).isEqualTo("localhost:9000");
        assertThat(parse("--http-port", "9000", "--application-server", "node-1.internal:9001").applicationServer())
                .isEqualTo("node-1.internal:9001");
    }

    @Test
    void valuesAreConvertedWithTheirUnits() {
        ServeOptions options = parse("--dedup-retention", "36h", "--commit-interval", "1s", "--rocksdb-memory", "1GiB",
                "--rocksdb-write-buffers", "128m", "--max-request-bytes", "64KiB", "--processing-guarantee", "at_least_once",
                "--topics-dir", "/etc/linktally/topics");

        assertThat(options.dedupRetention()).isEqualTo(Duration.ofHours(36));
        assertThat(options.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.rocksdbMemory()).isEqualTo(1L << 30);
        assertThat(options.rocksdbWriteBuffers()).isEqualTo(128L << 20);
        assertThat(options.maxRequestBytes()).isEqualTo(64L << 10);
        assertThat(options.processingGuarantee()).isEqualTo("at_least_once");
        assertThat(options.topicsDir()).contains(Path.of("/etc/linktally/topics"));
        assertThatCode(options::validate).doesNotThrowAnyException();
    }

    @Test
    void environmentVariablesReachTheMixinsOptions() {
        ServeOptions options = parse(Map.of("LINKTALLY_HTTP_PORT", "9090", "LINKTALLY_DEDUP_RETENTION", "1d"));

        assertThat(options.httpPort()).isEqualTo(9090);
        assertThat(options.applicationServer()).isEqualTo("localhost:9090");
        assertThat(options.dedupRetention()).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void writeBuffersMayTakeAllOfTheRocksDbMemory() {
        ServeOptions options = parse("--rocksdb-memory", "128MiB", "--rocksdb-write-buffers", "128MiB");

        assertThatCode(options::validate).doesNotThrowAnyException();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "--processing-guarantee | foo           | --processing-guarantee must be exactly_once_v2 or at_least_once",
        "--processing-guarantee | exactly_once  | --processing-guarantee must be exactly_once_v2 or at_least_once",
        "--stream-threads       | 0             | --stream-threads must be at least 1",
        "--rocksdb-write-buffers| 512MiB        | --rocksdb-write-buffers must be positive and at most --rocksdb-memory",
        "--rocksdb-write-buffers| 0             | --rocksdb-write-buffers must be positive and at most --rocksdb-memory",
        "--application-server   | localhost     | --application-server must be HOST:PORT",
        "--application-server   | localhost:    | --application-server must be HOST:PORT",
        "--application-server   | :8080         | --application-server must be HOST:PORT",
        "--http-port            | 65536         | --http-port must be 0..65535",
        "--http-port            | -1            | --http-port must be 0..65535",
        "--commit-interval      | 0s            | --commit-interval must be positive",
        "--dedup-retention      | 999ms         | --dedup-retention must be at least 1s",
        "--max-request-bytes    | 1023          | --max-request-bytes must be at least 1KiB",
        "--max-batch-events     | 0             | --max-batch-events must be at least 1",
    })
    void validateRejectsWhatTypesCannot(String option, String value, String message) {
        ServeOptions options = parse(option, value);

        assertThatThrownBy(options::validate)
                .isInstanceOfSatisfying(ParameterException.class, e -> assertThat(e.getCommandLine()).isSameAs(commandLine))
                .hasMessage(message);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "--dedup-retention, a week",
        "--rocksdb-memory, lots",
        "--stream-threads, two",
    })
    void unconvertibleValuesFailToParseNamingTheOption(String option, String value) {
        assertThatThrownBy(() -> parse(option, value))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining(option)
                .hasMessageContaining("'" + value + "'");
    }
}
