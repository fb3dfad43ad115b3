package io.linktally.archive;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Archive objects in an S3 bucket under a prefix, through the AWS SDK v2. Writes are conditional
 * ({@code If-None-Match: *}), so two archivers racing for the same object cannot both store it.
 * Credentials and region come from the SDK's default chains; an endpoint override (MinIO,
 * S3Proxy) switches to path-style access.
 */
public final class S3ObjectStore implements ObjectStore {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(S3ObjectStore.class);
    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    public S3ObjectStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
    }

    /** A client for AWS, or for the S3-compatible store at {@code endpoint} with path-style access. */
    public static S3Client client(Optional<URI> endpoint, Optional<String> region) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(60)))
                // Uploads are retried by the archiver without end; the SDK's own retries stay short.
                .overrideConfiguration(config -> config.apiCallTimeout(Duration.ofMinutes(2)));
        builder.region(region.map(Region::of).orElseGet(S3ObjectStore::defaultRegion));
        // A bucket in another region than the one guessed answers with a redirect; follow it.
        builder.crossRegionAccessEnabled(true);
        endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
        return builder.build();
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            // S3-compatible stores ignore the region; for AWS, cross-region access finds the bucket's own.
            return Region.US_EAST_1;
        }
    }

    /**
     * Fails at once, saying why, if the bucket is missing or refuses these credentials: mistakes a
     * user should hear about at start-up rather than as uploads retried without end. An unreachable
     * store is not a mistake (it may be down for a while) and only logs.
     */
    public void checkBucket() {
        try {
            s3.headBucket(request -> request.bucket(bucket));
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                throw new IllegalArgumentException("the bucket " + bucket + " does not exist");
            }
            if (e.statusCode() == 403 || e.statusCode() == 401) {
                throw new IllegalArgumentException("access to the bucket " + bucket + " is denied: check the AWS credentials ("
                        + e.awsErrorDetails().errorCode() + ")");
            }
            LOG.warn("Could not check the bucket {}: {}", bucket, e.getMessage());
        } catch (SdkException e) {
            if (String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
                throw new IllegalArgumentException("no AWS credentials found for the bucket " + bucket
                        + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile or role");
            }
            LOG.warn("Could not reach the bucket {} (uploads will retry): {}", bucket, e.getMessage());
        }
    }

    @Override
    public boolean putIfAbsent(String key, byte[] body, Map<String, String> metadata) throws IOException {
        try {
            s3.putObject(request -> request.bucket(bucket).key(prefix + key).ifNoneMatch("*")
                    .contentType("application/gzip").metadata(metadata), RequestBody.fromBytes(body));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == PRECONDITION_FAILED) {
                return false;
            }
            throw new IOException(describe(key) + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException(describe(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<Map<String, String>> metadata(String key) throws IOException {
        try {
            HeadObjectResponse head = s3.headObject(request -> request.bucket(bucket).key(prefix + key));
            return Optional.of(head.metadata());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == NOT_FOUND) {
                return Optional.empty();
            }
            throw new IOException(describe(key) + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new IOException(describe(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String key) throws IOException {
        try {
            return s3.getObject(request -> request.bucket(bucket).key(prefix + key));
        } catch (SdkException e) {
            throw new IOException(describe(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void list(String keyPrefix, String startAfter, Consumer<StoredObject> each) throws IOException {
        try {
            ListObjectsV2Request.Builder request = ListObjectsV2Request.builder().bucket(bucket).prefix(prefix + keyPrefix);
            if (!startAfter.isEmpty()) {
                request.startAfter(prefix + startAfter);
            }
            for (S3Object object : s3.listObjectsV2Paginator(request.build()).contents()) {
                each.accept(new StoredObject(object.key().substring(prefix.length()), object.size()));
            }
        } catch (SdkException e) {
            throw new IOException("listing " + describe(keyPrefix) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "s3://" + bucket + "/" + prefix;
    }

    private String describe(String key) {
        return "s3://" + bucket + "/" + prefix + key;
    }

    @Override
    public void close() {
        s3.close();
    }
}
