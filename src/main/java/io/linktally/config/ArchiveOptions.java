package io.linktally.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where and how raw events are archived: the options of {@code archive} and of {@code serve --archive}. */
public final class ArchiveOptions {
    public static final String DEFAULT_GROUP = "linktally-archiver";

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--archive", paramLabel = "URI",
            description = "s3://bucket/prefix, file:/path or none (default for archive: file:./data/archive; for serve: "
                    + "file:<data-dir>/archive on the embedded default, none with --bootstrap-servers).")
    private String archive;

    @Mixin
    private S3Options s3;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC", defaultValue = "links.created,links.clicked",
            description = "Topics archived (default: ${DEFAULT-VALUE}).")
    private List<String> topics;

    @Option(names = "--archive-group-id", defaultValue = DEFAULT_GROUP,
            description = "Consumer group of the archivers; archivers sharing it share the partitions (default: ${DEFAULT-VALUE}).")
    private String groupId;

    @Option(names = "--max-object-records", defaultValue = "100000",
            description = "An archive object closes at this many records (default: ${DEFAULT-VALUE}).")
    private int maxObjectRecords;

    @Option(names = "--max-object-bytes", defaultValue = "64MiB", converter = ByteSizeConverter.class,
            description = "An archive object closes at this many bytes of lines before compression (default: ${DEFAULT-VALUE}).")
    private long maxObjectBytes;

    @Option(names = "--max-object-age", defaultValue = "60s", converter = DurationConverter.class,
            description = "An archive object closes this long after its first record arrived, so quiet partitions are stored too (default: ${DEFAULT-VALUE}).")
    private Duration maxObjectAge;

    @Option(names = "--archive-buffer", defaultValue = "256MiB", converter = ByteSizeConverter.class,
            description = "Compressed bytes held for all partitions before fetching waits for uploads (default: ${DEFAULT-VALUE}).")
    private long maxBufferBytes;

    @Option(names = "--upload-threads", defaultValue = "4",
            description = "Objects stored in parallel, one at a time per partition (default: ${DEFAULT-VALUE}).")
    private int uploadThreads;

    @Option(names = "--gzip-level", defaultValue = "1",
            description = "gzip level of archive objects, 1 (fastest) to 9 (smallest) (default: ${DEFAULT-VALUE}).")
    private int gzipLevel;

    @Option(names = "--halt-after-uploads", hidden = true, paramLabel = "N",
            description = "Fault drills: halt the process right after storing N objects, before committing their offsets.")
    private Integer haltAfterUploads;

    /** The archive asked for, or {@code fallback} when --archive is not given. */
    public String archive(String fallback) {
        return archive == null || archive.isBlank() ? fallback : archive.trim();
    }

    public boolean archiveGiven() {
        return archive != null && !archive.isBlank();
    }

    public Optional<URI> s3Endpoint() {
        return s3.endpoint();
    }

    public Optional<String> s3Region() {
        return s3.region();
    }

    public List<String> topics() {
        return topics.stream().map(String::trim).filter(t -> !t.isEmpty()).toList();
    }

    public String groupId() {
        return groupId;
    }

    public int maxObjectRecords() {
        return maxObjectRecords;
    }

    public long maxObjectBytes() {
        return maxObjectBytes;
    }

    public Duration maxObjectAge() {
        return maxObjectAge;
    }

    public long maxBufferBytes() {
        return maxBufferBytes;
    }

    public int uploadThreads() {
        return uploadThreads;
    }

    public int gzipLevel() {
        return gzipLevel;
    }

    public OptionalInt haltAfterUploads() {
        return haltAfterUploads == null ? OptionalInt.empty() : OptionalInt.of(haltAfterUploads);
    }

    public void validate() {
        require(!topics().isEmpty(), "--topics must name at least one topic");
        require(maxObjectRecords >= 1, "--max-object-records must be at least 1");
        require(maxObjectBytes >= 1024, "--max-object-bytes must be at least 1KiB");
        require(maxObjectAge.toMillis() >= 100, "--max-object-age must be at least 100ms");
        require(maxBufferBytes >= maxObjectBytes / 4, "--archive-buffer must be at least a quarter of --max-object-bytes");
        require(uploadThreads >= 1, "--upload-threads must be at least 1");
        require(gzipLevel >= 1 && gzipLevel <= 9, "--gzip-level must be 1..9");
        require(s3.problem() == null, s3.problem());
    }

    private void require(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }
}
