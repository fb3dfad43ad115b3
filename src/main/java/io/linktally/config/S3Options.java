package io.linktally.config;

import java.net.URI;
import java.util.Optional;
import picocli.CommandLine.Option;

/** How to reach an S3-compatible store other than AWS, and the bucket's region. Credentials come from the AWS SDK's chain. */
public final class S3Options {
    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible store (MinIO, S3Proxy), reached with path-style access; credentials and region from the AWS SDK's default chain.")
    private URI s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION", description = "The bucket's region (default: the AWS SDK's default chain, else us-east-1).")
    private String s3Region;

    public Optional<URI> endpoint() {
        return Optional.ofNullable(s3Endpoint);
    }

    public Optional<String> region() {
        return Optional.ofNullable(s3Region).filter(s -> !s.isBlank());
    }

    /** Null if fine, else why not. */
    public String problem() {
        return s3Endpoint == null || s3Endpoint.getScheme() != null && s3Endpoint.getScheme().startsWith("http")
                ? null : "--s3-endpoint must be an http or https URL";
    }
}
